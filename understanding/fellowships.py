"""Fellowships as words: where the list comes from, and what each finder understands for one.

The fellowships are the meeting finder's data (staff add them in the admin). This app sits below
both finders and may not import `meetings`, so the meeting app provides them: its AppConfig.ready()
calls `provide()` with a function that returns the current list (objects with `slug`, `name`,
`short_name` and `name_es`, the same object while unchanged). The treatment search asks `current()`
when it builds its vocabulary, so a fellowship staff add is understood there at once too.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from understanding.text import normalize
from understanding.vocabulary import TermRef
from understanding.words import STOP_WORDS, data

PARAM = "fellowship"  # the finders' parameter (the Meeting Guide specification's slugs)

_sources: list[Callable[[], Sequence]] = []


def provide(source: Callable[[], Sequence]) -> None:
    """Register a function that returns the current fellowships (called from an AppConfig.ready())."""
    if source not in _sources:
        _sources.append(source)


def current() -> tuple[Sequence, ...]:
    """Each provider's current list (compare item by item with `is` to know whether one changed)."""
    return tuple(source() for source in _sources)


def _words(part: str, slug: str) -> list[str]:
    return list(data("fellowships.json")[part].get(slug, ()))


def abbreviation(fellowship) -> str:
    """The fellowship's abbreviation, normalized ("" when it has none but its name)."""
    short = normalize(fellowship.short_name or "")
    return "" if short == normalize(fellowship.name) else short


def treatment_entries(fellowships: Iterable) -> list[tuple[TermRef, tuple, list[str]]]:
    """Vocabulary entries of the treatment search for these fellowships: their names in English and
    Spanish, "<abbreviation> meeting", the abbreviation alone when it has three or four letters
    ("EDA", "MARA": two letters are often something else, "CA" is California, "SMART" a word), and
    the other words of data/fellowships.json ("na", "aa", "naranon"). As names, never synonyms: a
    staff synonym of a taxonomy term wins over them."""
    entries = []
    for fellowship in fellowships:
        names = [fellowship.name, fellowship.name_es, *_words("everywhere", fellowship.slug)]
        short = abbreviation(fellowship)
        if short:
            names.append(f"{short} meeting")
            if 3 <= len(short) <= 4 and short.isalpha() and short not in STOP_WORDS:
                names.append(short)
        entries.append((TermRef(0, fellowship.slug, PARAM, fellowship.name), (), names))
    return entries


def meeting_finder_entries(fellowships: Iterable) -> list[tuple[TermRef, tuple, list[str]]]:
    """Vocabulary entries of the meeting finder, where any fellowship word can only mean the
    fellowship: names, abbreviation, slug, and the words of data/fellowships.json."""
    entries = []
    for fellowship in fellowships:
        names = [fellowship.name, fellowship.short_name, fellowship.name_es, fellowship.slug.replace("-", " ")]
        words = (*_words("everywhere", fellowship.slug), *_words("meeting_finder", fellowship.slug))
        entries.append((TermRef(0, fellowship.slug, PARAM, fellowship.name), words, names))
    return entries
