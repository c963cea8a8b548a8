from django.apps import AppConfig


class PlacesConfig(AppConfig):
    """Places, distances, US states, time zones and weekdays (no models; see places/__init__.py)."""

    name = "places"
    verbose_name = "Places"
