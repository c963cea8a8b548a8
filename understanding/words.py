"""The word lists of query understanding, read once from the data files beside this module (data/).

Plain-text lists (stop_words.txt, stop_phrases.txt, negations.txt, substances.txt, not_typos.txt)
hold one phrase a line, or words separated by spaces; `#` starts a comment. The JSON files hold the
lists with a structure: the treatment search's choices (choices.json), the words that mean terms of
several categories (word_classes.json), the fellowships' other names (fellowships.json) and the
meeting finder's words (meeting_words.json). The rules that use them are in RULES.md.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_noop

DATA = Path(__file__).resolve().parent / "data"


def _lines(name: str) -> list[str]:
    """The lines of a plain-text list, without comments and blank lines."""
    lines = (line.split("#", 1)[0].strip() for line in (DATA / name).read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def _words(name: str) -> frozenset[str]:
    return frozenset(word for line in _lines(name) for word in line.split())


@cache
def data(name: str):
    """A JSON data file, read once."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


# Filler that carries no filter (checked after phrases, so "the shot" still means something).
STOP_WORDS = _words("stop_words.txt")
STOP_PHRASES = frozenset(_lines("stop_phrases.txt"))
# Words that refuse what follows them ("without methadone").
NEGATIONS = _words("negations.txt")
# Other substances: dropped beside a service ("alcohol detox"), searched alone ("xanax").
SUBSTANCES = _words("substances.txt")
# Ordinary words one typo away from a known word, never read as it ("trial" is not "tribal").
NOT_TYPOS = _words("not_typos.txt")
# Choices of the treatment search that are not taxonomy terms: (parameter, value, label) → phrases.
# The labels are the form's own, translated where shown.
FLAG_PHRASES: dict[tuple[str, str, str], tuple[str, ...]] = {
    (choice["param"], choice["value"], choice["label"]): tuple(choice["phrases"])
    for choice in data("choices.json")["choices"]
}
# The labels of choices.json, marked here so that makemessages keeps their translations.
CHOICE_LABELS = (
    gettext_noop("Accepting new patients"), gettext_noop("Support group meetings nearby"), gettext_noop("Open now"),
    gettext_noop("Open today"), gettext_noop("Open 24 hours"), gettext_noop("Open on weekends"),
    gettext_noop("Usually seen the same day"), gettext_noop("Walk-in"),
)
