"""What every public list page tells a person about the parts of its address it could not use."""
import re

from django.core.paginator import Paginator

SEARCH_PHRASE = "parameters this search does not use"
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffd]")


def ignored_parameters(
    request, known: set[str] = frozenset(), *, phrase: str = "parts of the address this page does not use"
) -> list[str]:
    """A plain-language note naming the query parameters a page does not use (none when all are known)."""
    unknown = sorted({key for key in request.GET if key not in known})
    if not unknown:
        return []
    names = [_UNPRINTABLE.sub("", name)[:30] or "(unreadable name)" for name in unknown[:5]]
    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
    return [f"We ignored {phrase}: {', '.join(names)}{more}."]


def read_page_number(raw: str | None, paginator: Paginator) -> tuple[int, str | None]:
    """Turn the page parameter into a page that exists, with a note when it had to be changed."""
    if raw in (None, ""):
        return 1, None
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1, "The page number was not a number, so we show the first page."
    if number < 1:
        return 1, "Page numbers start at 1, so we show the first page."
    if number > paginator.num_pages:
        return paginator.num_pages, f"There are only {paginator.num_pages} pages of results; this is the last one."
    return number, None
