from django.urls import path

from guide import views

app_name = "guide"

urlpatterns = [
    path("", views.level_of_care, name="level-of-care"),
]
