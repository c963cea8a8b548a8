"""The site's sitemap sections: fixed pages, articles, topics and open treatment programs.

They live here because the sitemap arrived with the articles; the programs section could move to
directory/ whenever that app wants to own it.
"""
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article, Topic
from directory.models import Program


class StaticPageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self) -> list[str]:
        return ["home", "directory:program-search", "articles:index", "articles:faq", "about"]

    def location(self, item: str) -> str:
        return reverse(item)


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Article.objects.published().only("slug", "updated").order_by("pk")

    def lastmod(self, item: Article):
        return item.updated


class TopicSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Topic.objects.filter(articles__in=Article.objects.published()).distinct().order_by("pk")


class ProgramSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Program.objects.active().only("slug", "updated").order_by("pk")

    def lastmod(self, item: Program):
        return item.updated


SITEMAPS = {
    "pages": StaticPageSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "programs": ProgramSitemap,
}
