"""The articles' sitemap sections: published articles and the topics that have them."""
from django.contrib.sitemaps import Sitemap

from articles.models import Article, Topic


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Article.objects.published().only("slug", "language", "updated").order_by("pk")

    def lastmod(self, item: Article):
        return item.updated


class TopicSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Topic.objects.filter(articles__in=Article.objects.published()).distinct().order_by("pk")
