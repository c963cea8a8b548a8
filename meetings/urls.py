from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_finder, name="finder"),
    path("feed.json", views.meeting_feed, name="feed"),
    path("<slug:slug>/", views.meeting_detail, name="meeting-detail"),
    path("<slug:slug>/calendar.ics", views.meeting_calendar, name="meeting-calendar"),
]
