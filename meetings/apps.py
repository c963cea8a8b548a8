from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = "Support-group meetings"

    def ready(self) -> None:
        from meetings import signals  # noqa: F401  (connects the signal handlers)
        from meetings.reference import fellowship_choices
        from understanding import fellowships

        fellowships.provide(fellowship_choices)  # the treatment search understands every fellowship

    def load_demo_content(self) -> str:
        """Load the fictional demo meetings (fixtures/demo_meetings.json) for `manage.py load_demo`."""
        from meetings.demo import load_demo_meetings

        created, present = load_demo_meetings()
        return f"{created} meetings" + (f" ({present} already present)" if present else "")
