"""The sitemap: an index (/sitemap.xml) of parts of at most PART_URLS addresses, each built once per
change of its content and then served from the cache; and the section of the site's fixed pages
(each app owns the section of its own content; the URL conf gathers them).

At 20,000 programs one sitemap document was 22.5 MB and took 10 s of CPU per request. Each section
names the cache group of its content (`cache_group`); its app starts a new generation of the group
when that content changes (saves, deletions, imports and bulk actions), so a part is rebuilt only
after a change and every other request is one cache read.
"""
import hashlib
from collections.abc import Sequence

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import Http404, HttpResponse
from django.urls import reverse

from portal.caching import forget_group, generation

# Addresses per part (the protocol allows 50,000 and 50 MB): about 3 MB and one second to build.
PART_URLS = 5000
# How long a built part is kept; a change makes a new key at once, so this only frees old ones.
PART_SECONDS = 24 * 60 * 60
KEPT_HEADERS = ("Content-Type", "Last-Modified", "X-Robots-Tag")


class _LanguagePairs(Sequence):
    """The (item, language) pairs an i18n section lists, read from its queryset one part at a time
    (Django's Sitemap makes the pairs of every item, all read from the database, for each part)."""

    def __init__(self, items: QuerySet, languages: list[str]):
        self.items = items
        self.languages = languages
        self._length = None

    def __len__(self) -> int:
        if self._length is None:
            self._length = self.items.count() * len(self.languages)
        return self._length

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        start, stop, _ = index.indices(len(self))
        per_item = len(self.languages)
        first = start // per_item
        pairs = [(item, language) for item in self.items[first:-(-stop // per_item)] for language in self.languages]
        return pairs[start - first * per_item:stop - first * per_item]


class PortalSitemap(Sitemap):
    """A section of the sitemap, in parts of PART_URLS addresses, cached under its `cache_group`.

    A section of a queryset reads only the rows of the part asked for, and its latest change with
    one aggregate of `lastmod_field`.
    """

    limit = PART_URLS
    cache_group = "sitemap:pages"
    lastmod_field: str | None = None

    @property
    def paginator(self) -> Paginator:
        items = self.items()
        if self.i18n and isinstance(items, QuerySet):  # every item in every language (no per-item languages)
            return Paginator(_LanguagePairs(items, self._languages()), self.limit)
        return super().paginator

    def get_latest_lastmod(self):
        if self.lastmod_field:
            return self.items().aggregate(latest=Max(self.lastmod_field))["latest"]
        return super().get_latest_lastmod()


def sitemap_changed(group: str):
    """A signal receiver that makes the parts of `group` be built afresh (now, and once the change commits)."""

    def receiver(**kwargs) -> None:
        forget_group(group)
        transaction.on_commit(lambda: forget_group(group))

    return receiver


def _served(request, parts: list[str], build) -> HttpResponse:
    # The addresses inside are absolute: one copy per scheme and host (hosts are ALLOWED_HOSTS only).
    key = "sitemap:" + hashlib.sha256("|".join([request.scheme, request.get_host(), *parts]).encode()).hexdigest()
    stored = cache.get(key)
    if stored is None:
        response = build()
        response.render()
        stored = (response.content, {name: response[name] for name in KEPT_HEADERS if response.has_header(name)})
        cache.set(key, stored, PART_SECONDS)
    content, headers = stored
    return HttpResponse(content, headers=headers)


def index(request, sitemaps: dict):
    """/sitemap.xml: the list of every part of every section."""
    generations = [f"{group}={generation(group)}" for group in sorted({site.cache_group for site in sitemaps.values()})]
    return _served(request, ["index", *generations], lambda: sitemap_views.index(
        request, sitemaps, sitemap_url_name="sitemap-section"))


def section(request, sitemaps: dict, section: str):
    """/sitemap-<section>.xml?p=N: one part of a section."""
    if section not in sitemaps:
        raise Http404("No such sitemap section.")
    page = request.GET.get("p", "1")
    if not (page.isascii() and page.isdigit() and len(page) <= 6):
        raise Http404("No such sitemap page.")
    site = sitemaps[section]
    current = generation(site.cache_group)
    pages_key = f"sitemap:pages:{section}:{current}"
    pages = cache.get(pages_key)
    if pages is None:  # counted once per change, so that made-up page numbers cost no query
        pages = site().paginator.num_pages
        cache.set(pages_key, pages, PART_SECONDS)
    if not 1 <= int(page) <= pages:
        raise Http404("No such sitemap page.")
    return _served(request, [section, str(int(page)), current], lambda: sitemap_views.sitemap(
        request, sitemaps, section=section))


class StaticPageSitemap(PortalSitemap):
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
