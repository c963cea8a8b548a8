"""URLs of the portal: public pages in English (today's addresses) and Spanish (/es/...), the API and the admin."""
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from articles.sitemaps import ArticleSitemap, TopicSitemap
from directory.sitemaps import ProgramSitemap
from portal import health, keep, sitemaps, views
from portal.sitemaps import StaticPageSitemap

SITEMAPS = {
    "pages": StaticPageSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "programs": ProgramSitemap,
}

# The admin's app list sidebar would take a quarter of a 1280 px screen from the lists; the home
# page and the breadcrumbs lead everywhere it does.
admin.site.enable_nav_sidebar = False

# Machine endpoints and the staff admin: one address each, always English.
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # An index of cached parts (portal/sitemaps.py): each section is split and built once per change.
    path("sitemap.xml", sitemaps.index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("sw.js", keep.service_worker, name="service-worker"),
    path("manifest.webmanifest", keep.manifest, name="web-manifest"),
    path("api/", include("opendata.urls")),
    path("admin/opendata/", include("opendata.admin_urls")),
    path("admin/", admin.site.urls),
]

# Public pages: English without a prefix, Spanish under /es/. Only the address picks the language.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("browse-privately/", views.browse_privately, name="browse-privately"),
    path("saved/", keep.saved, name="saved"),
    path("programs/", include("directory.urls")),
    path("meetings/", include("meetings.urls")),
    path("learn/", include("articles.urls")),
    path("guide/", include("guide.urls")),
    path("update/", include("updates.urls")),
    prefix_default_language=False,
)

handler400 = "portal.views.bad_request"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
