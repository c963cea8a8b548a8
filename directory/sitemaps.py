"""The directory's sitemap section: every open treatment program's page."""
from directory.models import Program
from portal.sitemaps import PortalSitemap


class ProgramSitemap(PortalSitemap):
    # Listed in English and Spanish (/es/...), each with its hreflang alternates.
    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"
    priority = 0.8
    # Built afresh after a program is saved or deleted, an import or a bulk action (directory/signals.py).
    cache_group = "sitemap:programs"
    lastmod_field = "updated"

    def items(self):
        return Program.objects.active().only("slug", "updated").order_by("pk")

    def lastmod(self, item: Program):
        return item.updated
