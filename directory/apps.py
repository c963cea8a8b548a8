from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "directory"
    verbose_name = "Treatment directory"

    def ready(self) -> None:
        from directory import signals  # noqa: F401  (connects the signal handlers)
