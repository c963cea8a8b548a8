"""The portal's URLs with Spanish under /es/, as i18n_patterns gives them, for tests of language addresses.

Once config/urls.py uses i18n_patterns itself, its patterns are used unchanged.
"""
from django.conf.urls.i18n import i18n_patterns
from django.urls.resolvers import LocalePrefixPattern

from config import urls as portal_urls

handler400 = portal_urls.handler400
handler404 = portal_urls.handler404
handler500 = portal_urls.handler500

if any(isinstance(getattr(entry, "pattern", None), LocalePrefixPattern) for entry in portal_urls.urlpatterns):
    urlpatterns = portal_urls.urlpatterns
else:
    urlpatterns = i18n_patterns(*portal_urls.urlpatterns, prefix_default_language=False)
