"""The articles' sitemap sections: published articles and the topics that have them."""
from articles.models import Article, Topic
from portal.sitemaps import PortalSitemap

# Built afresh after an article or a topic is saved or deleted (articles/apps.py).
CACHE_GROUP = "sitemap:articles"


class ArticleSitemap(PortalSitemap):
    cache_group = CACHE_GROUP
    lastmod_field = "updated"
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Article.objects.published().only("slug", "language", "updated").order_by("pk")

    def lastmod(self, item: Article):
        return item.updated


class TopicSitemap(PortalSitemap):
    cache_group = CACHE_GROUP
    # Listed in English and Spanish (/es/...), each with its hreflang alternates.
    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Topic.objects.filter(articles__in=Article.objects.published()).distinct().order_by("pk")
