from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        from functools import partial

        from django.db.models.signals import m2m_changed, post_delete, post_save

        from articles.models import Article
        from articles.search import RELATED_GROUP
        from portal.caching import forget_group

        # The articles kept beside search results are read afresh after any article changes.
        forget = partial(forget_group, RELATED_GROUP)
        post_save.connect(forget, sender=Article, weak=False, dispatch_uid="articles_related_saved")
        post_delete.connect(forget, sender=Article, weak=False, dispatch_uid="articles_related_deleted")

        # The sitemap's parts listing articles and topics are built afresh after either changes.
        from articles.models import Topic
        from articles.sitemaps import CACHE_GROUP
        from portal.sitemaps import sitemap_changed

        changed = sitemap_changed(CACHE_GROUP)
        for model in (Article, Topic):
            name = model.__name__
            post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"articles_sitemap_saved_{name}")
            post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"articles_sitemap_deleted_{name}")
        m2m_changed.connect(changed, sender=Article.topics.through, weak=False, dispatch_uid="articles_sitemap_topics")

    def load_demo_content(self) -> str:
        """Load the demo articles for `manage.py load_demo`; returns the phrase for its summary."""
        from articles.demo import load_demo_articles

        created, updated = load_demo_articles()
        total = created + updated
        return f"{total} article{'s' if total != 1 else ''}"
