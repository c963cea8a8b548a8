from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        from functools import partial

        from django.db.models.signals import post_delete, post_save

        from articles.models import Article
        from articles.search import RELATED_GROUP
        from portal.caching import forget_group

        # The articles kept beside search results are read afresh after any article changes.
        forget = partial(forget_group, RELATED_GROUP)
        post_save.connect(forget, sender=Article, weak=False, dispatch_uid="articles_related_saved")
        post_delete.connect(forget, sender=Article, weak=False, dispatch_uid="articles_related_deleted")

    def load_demo_content(self) -> str:
        """Load the demo articles for `manage.py load_demo`; returns the phrase for its summary."""
        from articles.demo import load_demo_articles

        created, updated = load_demo_articles()
        total = created + updated
        return f"{total} article{'s' if total != 1 else ''}"
