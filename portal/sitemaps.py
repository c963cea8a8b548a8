"""The sitemap section of the site's fixed pages (each app owns the section of its own content;
the URL conf gathers them)."""
from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class StaticPageSitemap(Sitemap):
    # Listed in English and Spanish (/es/...), each with its hreflang alternates.
    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"
    priority = 0.6

    def items(self) -> list[str]:
        return ["home", "directory:program-search", "articles:index", "articles:faq", "about", "browse-privately"]

    def location(self, item: str) -> str:
        return reverse(item)
