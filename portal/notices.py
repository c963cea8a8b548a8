"""What every public list page tells a person about the parts of its address it could not use."""
import re

from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

SEARCH_PHRASE = gettext_lazy("parameters this search does not use")
PAGE_PHRASE = gettext_lazy("parts of the address this page does not use")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffd]")


def ignored_parameters(request, known: set[str] = frozenset(), *, phrase: str = PAGE_PHRASE) -> list[str]:
    """A plain-language note naming the query parameters a page does not use (none when all are known).
    `request` is the page's request, or its query parameters (a QueryDict, for a search service)."""
    given = request if isinstance(request, QueryDict) else request.GET
    unknown = sorted({key for key in given if key not in known})
    if not unknown:
        return []
    names = [_UNPRINTABLE.sub("", name)[:30] or _("(unreadable name)") for name in unknown[:5]]
    extra = len(unknown) - 5
    more = ngettext(" and %(count)s more", " and %(count)s more", extra) % {"count": extra} if extra > 0 else ""
    return [_("We ignored %(phrase)s: %(names)s%(more)s.") % {"phrase": phrase, "names": ", ".join(names), "more": more}]


def read_page_number(raw: str | None, paginator: Paginator) -> tuple[int, str | None]:
    """Turn the page parameter into a page that exists, with a note when it had to be changed."""
    if raw in (None, ""):
        return 1, None
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1, _("The page number was not a number, so we show the first page.")
    if number < 1:
        return 1, _("Page numbers start at 1, so we show the first page.")
    if number > paginator.num_pages:
        return paginator.num_pages, ngettext(
            "There is only %(count)s page of results; this is the last one.",
            "There are only %(count)s pages of results; this is the last one.",
            paginator.num_pages,
        ) % {"count": paginator.num_pages}
    return number, None
