from django.apps import AppConfig


class OpendataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "opendata"
    verbose_name = "Open data"

    def ready(self) -> None:
        from opendata import signals  # noqa: F401  (rebuild the data package when listings change)
