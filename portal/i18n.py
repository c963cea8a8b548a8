"""The page in the other language: switch links, hreflang alternates and the offer of Spanish.

The address alone decides the language (English at today's addresses, Spanish under /es/). The
browser's Accept-Language header is only used to *offer* the Spanish page on a first visit.
"""
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import get_urlconf, reverse, translate_url
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


@dataclass(frozen=True)
class LanguageVersion:
    code: str  # "en", "es"
    name: str  # the language's own name: "English", "Español"
    url: str  # this page in that language, path and query string
    absolute_url: str
    current: bool
    alternate: bool = True  # the same page in that language (an hreflang alternate), not a stand-in


def _home_in(code: str) -> str:
    with translation.override(code):
        return reverse("home")


def language_homes() -> list[dict]:
    """Each language's home page, for pages (such as a 404) that have no twin in the other language."""
    return [{"code": code, "name": name, "url": _home_in(code)} for code, name in settings.LANGUAGES]


def own_host(request) -> str | None:
    """The host this request was made to, or None when it is not one of ours (a 400 page)."""
    try:
        return request.get_host()
    except DisallowedHost:
        return None


def set_language_urls(request, urls: dict[str, str | None], *, fallbacks: dict[str, str] | None = None) -> None:
    """Name this page's address in each language, when its twin is not the same path under /es/.

    An article and its Spanish translation have different slugs: the article view calls
    set_language_urls(request, {"en": "/learn/naloxone/", "es": "/es/learn/naloxona/"}) before
    rendering. A language without a twin (None or missing) gets no hreflang alternate, and its
    language link leads to `fallbacks[code]` (else that language's home page).
    """
    request.language_urls = urls
    request.language_fallbacks = fallbacks or {}


def _translate(full_path: str, code: str) -> str:
    """translate_url for a request's path and query string: the path's twin is worked out once per process."""
    path, mark, query = full_path.partition("?")
    return _translate_path(path, code, translation.get_language(), get_urlconf()) + mark + query


@lru_cache(maxsize=1024)
def _translate_path(path: str, code: str, current: str | None, urlconf) -> str:
    return translate_url(path, code)


def language_versions(request) -> list[LanguageVersion]:
    """This page in every language, keeping its query string; home pages when the page has no twin."""
    current = translation.get_language()
    host = own_host(request)
    codes = [code for code, _name in settings.LANGUAGES]
    chosen = getattr(request, "language_urls", None)
    if chosen is not None:
        fallbacks = getattr(request, "language_fallbacks", {})
        twins = {code for code in codes if chosen.get(code)}
        urls = {code: chosen.get(code) or fallbacks.get(code) or _home_in(code) for code in codes}
    else:
        full_path = request.get_full_path()
        urls = {code: _translate(full_path, code) for code in codes}
        twins = set(codes)
        if len(set(urls.values())) < len(urls):
            # An address that matches no page (a 404) or an unprefixed one: offer each language's home.
            urls = {code: _home_in(code) for code in codes}
            twins = set()
    return [
        LanguageVersion(
            code=code,
            name=name,
            url=urls[code],
            absolute_url=request.build_absolute_uri(urls[code]) if host else urls[code],
            current=code == current,
            alternate=code in twins,
        )
        for code, name in settings.LANGUAGES
    ]


def is_spanish(language: str | None = None) -> bool:
    """Whether a page is in Spanish: the active language, or `language` when the caller read it
    already ("es", or a regional Spanish such as "es-mx")."""
    if language is None:
        language = translation.get_language()
    return (language or "").split("-")[0].lower() == "es"


def localized(english: str, spanish: str, language: str | None = None) -> str:
    """The Spanish text on Spanish pages when there is one, else the English text (the one rule for
    every Spanish name: categories, terms, fellowships, meeting types)."""
    return spanish if spanish and is_spanish(language) else english


def prefers_spanish(request) -> bool:
    """A first visit (not coming from one of our own pages) whose browser ranks Spanish above English."""
    referer = request.headers.get("Referer", "")
    if referer and urlsplit(referer).netloc == own_host(request):
        return False
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")[:255]):
        primary = code.split("-")[0].lower()
        if primary == "es":
            return True
        if primary == "en":
            return False
    return False


def formatted_date(value, format_name: str | None = None, language: str | None = None) -> str:
    """Django's `date` filter ('' for no date), kept per date, format and language (a page repeats the
    same few dates); `language`: the one the page is in, when the caller knows it."""
    return _formatted_date(value, format_name, language or translation.get_language()) if value else ""


@lru_cache(maxsize=4096)
def _formatted_date(value, format_name: str | None, language: str | None) -> str:
    from django.template import defaultfilters  # the template layer, only when a date is shown

    return defaultfilters.date(value, format_name)
