"""Read what a person typed in the meeting finder's keyword box into the finder's own choices.

"NA meetings tonight", "online smart recovery", "reuniones en español", "women's meeting saturday":
fellowships (names, abbreviations, Spanish names), meeting types (their names in English and
Spanish), how to attend, the day, the time of day and "now" are words people type, and the finder
has a choice for each. The matching itself (longest phrase first, plurals, small misspellings,
filler) is the treatment search's (the understanding app); the words come from the meeting
reference lists, so a fellowship or type staff add is understood at once.
"""
from __future__ import annotations

from meetings import reference
from meetings.importers import LEGACY_ONLINE_TYPE
from understanding.fellowships import meeting_finder_entries
from understanding.reading import Understanding, understand
from understanding.vocabulary import TermRef, Vocabulary
from understanding.words import data

WORDS = data("meeting_words.json")  # the words beside the reference lists' names
# Meeting types that describe a listing's state, not something a person looks for.
NOT_ASKED_FOR = frozenset({"TC", LEGACY_ONLINE_TYPE})
SINGLE = ("attendance", "day", "time", "when")  # the finder's choices that take one value

_held: tuple[tuple, Vocabulary] | None = None  # (the reference lists it was made from, the vocabulary)


def meeting_vocabulary() -> Vocabulary:
    """The words the finder understands, made once per version of the reference lists."""
    global _held
    fellowships, types = reference.choices()
    held = _held
    if held is None or held[0][0] is not fellowships or held[0][1] is not types:
        entries = meeting_finder_entries(fellowships)
        for choice in types:
            if choice.code not in NOT_ASKED_FOR:
                entries.append((TermRef(0, choice.code, "type", choice.name), WORDS["types"].get(choice.code, ()),
                                 [choice.name, choice.name_es]))
        for choice in WORDS["choices"]:
            entries.append((TermRef(0, choice["value"], choice["param"], choice["value"]), choice["phrases"], ()))
        for day, words in enumerate(WORDS["weekdays"]):
            entries.append((TermRef(0, str(day), "day", words[0]), words, ()))
        for phrase in WORDS["tonight"]:
            entries.append((TermRef(0, "today", "day", "today"), (phrase,), ()))
            entries.append((TermRef(0, "evening", "time", "evening"), (phrase,), ()))
        held = _held = ((fellowships, types), Vocabulary(entries, filler=WORDS["filler"]))
    return held[1]


def understand_meeting_words(text: str) -> Understanding:
    """What the finder's keywords mean (choices per parameter in `.filters`, the rest in `.text`)."""
    return understand(text, meeting_vocabulary(), take_zip=True)
