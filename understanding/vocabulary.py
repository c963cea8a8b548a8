"""The phrases a finder understands, each with the terms (or choices) it means."""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from understanding.text import normalize
from understanding.words import FLAG_PHRASES, NOT_TYPOS, STOP_PHRASES, STOP_WORDS

# Longest phrase tried, in words.
MAX_PHRASE_WORDS = 5
# A misspelling is accepted without asking when its first letter is right and it is at most this
# many edits (insert, delete, substitute, swap two neighbours) from a known word of that length.
SHORTEST_FUZZY_WORD = 5


def allowed_typos(length: int) -> int:
    """Edits accepted silently for a word of this length: none below 5 letters ("mat", "sub" and
    "gay" must be typed as they are), one up to 6, two from 7."""
    if length < SHORTEST_FUZZY_WORD:
        return 0
    return 1 if length < 7 else 2


ANY_PARAM = "any"  # the search's parameter for terms of several categories, any of which will do
WORD_CLASSES_FILE = Path(__file__).resolve().parent / "data" / "word_classes.json"


@lru_cache(maxsize=1)
def word_classes() -> tuple[dict, ...]:
    """Words that mean terms of several categories (understanding/data/word_classes.json)."""
    return tuple(json.loads(WORD_CLASSES_FILE.read_text(encoding="utf-8"))["classes"])



@dataclass(frozen=True)
class TermRef:
    """What the vocabulary needs to know about one taxonomy term."""

    pk: int
    code: str
    param: str
    name: str



class Vocabulary:
    """Every phrase the search understands, each with the terms it means."""

    def __init__(self, entries: Iterable[tuple[TermRef, Iterable[str], Iterable[str]]], filler: Iterable[str] = ()):
        """`entries`: (term, explicit synonyms, names). Explicit synonyms of any term win over
        names, so a staff synonym can take a word away from a term's own name. `filler`: more
        phrases that mean nothing here (beside STOP_WORDS and STOP_PHRASES)."""
        explicit: dict[str, list[TermRef]] = {}
        named: dict[str, list[TermRef]] = {}
        for term, synonyms, names in entries:
            for target, phrases in ((explicit, synonyms), (named, names)):
                for phrase in phrases:
                    key = normalize(phrase or "")
                    if key and len(key.split()) <= MAX_PHRASE_WORDS and term not in target.get(key, []):
                        target.setdefault(key, []).append(term)
        self.phrases: dict[str, tuple[TermRef, ...]] = {k: tuple(v) for k, v in named.items()}
        self.phrases.update({k: tuple(v) for k, v in explicit.items()})
        for phrase in (*STOP_PHRASES, *filler):
            self.phrases.setdefault(normalize(phrase), ())
        self.by_length: dict[int, list[str]] = {}
        for phrase, terms in self.phrases.items():
            if terms:
                self.by_length.setdefault(len(phrase.split()), []).append(phrase)
        self.longest = max((len(p.split()) for p in self.phrases), default=1)
        # Every word of a known phrase ("three" of "three quarter house"): never read as misspelt filler.
        self.words = frozenset(word for phrase in self.phrases for word in phrase.split())

    @classmethod
    def from_terms(cls, terms: Iterable, extra: Iterable[tuple[TermRef, Iterable[str], Iterable[str]]] = ()) -> "Vocabulary":
        """Build from Term objects (with their category loaded), the search's own choices (FLAG_PHRASES)
        and `extra` entries (the fellowships: understanding.fellowships.treatment_entries)."""
        entries = []
        for term in terms:
            ref = TermRef(term.pk, term.code, term.category.param, term.name)
            names = [term.name, term.name.split("(")[0]]
            if getattr(term, "name_es", ""):
                names += [term.name_es, term.name_es.split("(")[0]]
            synonyms = [*(getattr(term, "synonyms", None) or []), *(getattr(term, "synonyms_es", None) or [])]
            entries.append((ref, synonyms, names))
        for (param, value, label), phrases in FLAG_PHRASES.items():
            entries.append((TermRef(0, value, param, label), (), phrases))  # a staff synonym wins over these
        entries.extend(extra)
        vocabulary = cls(entries)
        # Words that mean terms of several categories, any of which will do (data/word_classes.json).
        by_code = {ref.code: ref for ref, _synonyms, _names in entries if ref.pk}
        for word_class in word_classes():
            refs = tuple(
                TermRef(by_code[code].pk, code, ANY_PARAM, by_code[code].name)
                for code in word_class["codes"] if code in by_code
            )
            for phrase in (*word_class.get("phrases", ()), *word_class.get("phrases_es", ())):
                key = normalize(phrase)
                if refs and key and len(key.split()) <= MAX_PHRASE_WORDS:
                    vocabulary.add_phrase(key, refs)
        return vocabulary

    def add_phrase(self, key: str, terms: tuple[TermRef, ...]) -> None:
        """Give a (normalized) phrase this meaning, over any other it had."""
        self.phrases[key] = terms
        length = len(key.split())
        if key not in self.by_length.setdefault(length, []):
            self.by_length[length].append(key)
        self.longest = max(self.longest, length)
        self.words = self.words | frozenset(key.split())

    def exact(self, key: str) -> tuple[TermRef, ...] | None:
        if key in self.phrases:
            return self.phrases[key]
        head, _, last = key.rpartition(" ")
        if len(last) > 3:  # a plural: "clinics", "teens", "therapies", "methadone clinics"
            for suffix, replacement in (("s", ""), ("es", ""), ("ies", "y")):
                stem = f"{head} {last[:-len(suffix)]}{replacement}".strip()
                if last.endswith(suffix) and self.phrases.get(stem):
                    return self.phrases[stem]
        return None

    def fuzzy(self, key: str) -> str | None:
        """The known phrase of the same number of words that `key` is a small misspelling of."""
        if key in NOT_TYPOS or key in STOP_WORDS or not key.replace(" ", "").isalpha():
            return None
        words = key.split()
        limit = allowed_typos(len(key))
        if not limit or any(len(w) < 3 for w in words):
            return None
        candidates = self.by_length.get(len(words), ())
        found = process.extractOne(key, candidates, scorer=OSA.distance, score_cutoff=limit)
        if found is not None and found[0][0] == key[0]:
            return found[0]
        if len(words) == 1:
            # A word cut short ("subox", "buprenor"): the start of known words that all mean the same.
            starts = [p for p in candidates if p.startswith(key) and len(p) > len(key)]
            if starts and len({self.phrases[p] for p in starts}) == 1:
                return min(starts, key=len)
        return None

    def nearest(self, word: str) -> str | None:
        """A known word or phrase close enough to an unknown word to ask "Did you mean …"."""
        if len(word) < 3 or not word.isalpha() or word in NOT_TYPOS:
            return None
        # The word starts the same ("day" is not "gay") and differs by about one letter in five
        # ("coach" is not "cash", "smart" not "mat"; "mta" may be "mat").
        limit = 1 if len(word) < 6 else 2 if len(word) < 9 else 3
        candidates = [
            p for n in (1, 2) for p in self.by_length.get(n, ())
            if p[0] == word[0] and abs(len(p) - len(word)) <= limit
        ]
        found = process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=limit)
        return found[0] if found else None

    def filler(self, word: str) -> str | None:
        """The filler word (STOP_WORDS) that an unknown word is a small misspelling of ("clinc",
        "tratment", "programm"), read as that word: dropped, or part of a phrase ("methadone clinc")."""
        if word in STOP_WORDS or word in NOT_TYPOS or word in self.words or not word.isalpha():
            return None
        # Stricter than for known words: a content word two letters from filler is kept as text.
        limit = 0 if len(word) < SHORTEST_FUZZY_WORD else 1 if len(word) < 9 else 2
        if not limit or self.fuzzy(word):
            return None
        found = process.extractOne(word, _FILLER_BY_LETTER.get(word[0], ()), scorer=OSA.distance, score_cutoff=limit)
        return found[0] if found else None


# Filler words long enough to be misspelt, by first letter (a misspelling keeps its first letter).
_FILLER_BY_LETTER: dict[str, tuple[str, ...]] = {}
for _word in sorted(STOP_WORDS):
    if len(_word) >= SHORTEST_FUZZY_WORD - 1:
        _FILLER_BY_LETTER[_word[0]] = (*_FILLER_BY_LETTER.get(_word[0], ()), _word)
