from django.urls import path

from updates import views

app_name = "updates"

urlpatterns = [
    path("<str:token>/", views.update_listing, name="update"),
]
