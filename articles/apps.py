from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Articles"

    def load_demo_content(self) -> str:
        """Load the demo articles for `manage.py load_demo`; returns the phrase for its summary."""
        from articles.demo import load_demo_articles

        created, updated = load_demo_articles()
        total = created + updated
        return f"{total} article{'s' if total != 1 else ''}"
