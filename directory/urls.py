from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("", views.program_search, name="program-search"),
    path("<slug:slug>/", views.program_detail, name="program-detail"),
    path("<slug:slug>/contact.vcf", views.program_contact_card, name="program-vcard"),
    path("<slug:slug>/report/", views.report_problem, name="report-problem"),
    path("<slug:slug>/report/thanks/", views.report_thanks, name="report-thanks"),
]
