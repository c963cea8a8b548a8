"""The directory's sitemap section: every open treatment program's page."""
from django.contrib.sitemaps import Sitemap

from directory.models import Program


class ProgramSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Program.objects.active().only("slug", "updated").order_by("pk")

    def lastmod(self, item: Program):
        return item.updated
