"""Read what a person typed for words of danger: suicide, self-harm, an overdose happening now.

Every search box calls `read()` before it searches. A reading says which help to give first (988,
call or text, for thoughts of suicide or self-harm; 911 for an overdose in progress) and which of
the typed words remain once the words of danger are taken out, so the page never searches for them.

The phrases are data: the built-in list (data/danger_phrases.json) and what staff add in the admin
(safety.models.DangerPhrase), merged into one cached Lexicon. Matching ignores case, accents and
apostrophes, reads contractions ("dont" is "do not", "wanna" is "want to"), and forgives one wrong
letter in a word of six letters or more ("sucidal", "overdoseing", "sobredocis"). A "not a danger"
phrase ("overdose prevention", "cutting back", "dying to get clean") cancels the danger phrase it
overlaps when it is at least as long: a false alarm teaches people to scroll past the panel.
Nothing here is written to a log.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from rapidfuzz import process
from rapidfuzz.distance import OSA

from understanding.text import normalize

SUICIDE = "suicide"
OVERDOSE = "overdose"
NOT_DANGER = "not_danger"
DANGER_KINDS = (OVERDOSE, SUICIDE)  # in the order the page answers them: 911 before 988
# The help each kind gets first, as the values of the search pages' `help` parameter.
HELP_PARAM = "help"
HELP_LINES = {OVERDOSE: "911", SUICIDE: "988"}
KIND_BY_LINE = {line: kind for kind, line in HELP_LINES.items()}

PHRASES_FILE = Path(__file__).resolve().parent / "data" / "danger_phrases.json"
LEXICON_CACHE_KEY = "safety:lexicon"
LEXICON_CACHE_SECONDS = 24 * 60 * 60
MAX_PHRASE_WORDS = 8
MAX_WORDS = 60  # words read per text: any sentence typed in a search box, never slow on hostile input
# One wrong letter is forgiven in a word this long (and in the phrase's word it is taken for).
SHORTEST_FUZZY_WORD = 6
# Ordinary words one letter away from a word of danger.
NOT_TYPOS = frozenset({"overdoing", "overdone", "overdue", "overdraw", "overdrive", "dyeing", "loving"})
# How people shorten words, read as the words a phrase is written with.
CONTRACTIONS = {
    "wanna": "want to", "wana": "want to", "wann": "want to", "gonna": "going to", "gunna": "going to",
    "dont": "do not", "doesnt": "does not", "didnt": "did not", "cant": "can not", "cannot": "can not",
    "cnat": "can not", "wont": "will not", "isnt": "is not", "aint": "is not", "arent": "are not",
    "wasnt": "was not", "im": "i am", "ive": "i have", "id": "i would", "ill": "i will", "hes": "he is",
    "shes": "she is", "theyre": "they are", "thats": "that is", "2": "to", "u": "you", "ur": "your",
    "myslef": "myself", "q": "que", "k": "que", "xq": "porque", "pq": "porque", "kiero": "quiero",
}
# Words that only accompany words of danger ("please help, my friend is not breathing"): once a
# danger is found they are not searched for, so that only what was asked for is searched.
COMPANIONS = frozenset(["i", "am", "me", "my", "myself", "mine", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "they", "them", "their", "it", "its", "is", "are", "was", "be", "been", "feel", "feeling", "feels", "like", "really", "just", "so", "very", "too", "much", "all", "everything", "anything", "nothing", "always", "want", "to", "do", "does", "what", "should", "how", "help", "please", "now", "right", "someone", "somebody", "anyone", "friend", "son", "daughter", "husband", "wife", "boyfriend", "girlfriend", "brother", "sister", "mom", "mother", "dad", "father", "partner", "and", "or", "but", "if", "then", "think", "thinking", "thoughts", "about", "of", "the", "a", "an", "this", "that", "with", "without", "can", "will", "would", "could", "tonight", "today", "again", "anymore", "life", "need", "needs", "urgent", "emergency", "quick", "fast", "hurry", "sos", "yo", "mi", "mis", "me", "tu", "te", "el", "ella", "ellos", "es", "esta", "estoy", "siento", "que", "hago", "hacer", "ayuda", "ayudame", "por", "favor", "ahora", "alguien", "amigo", "amiga", "hijo", "hija", "esposo", "esposa", "novio", "novia", "hermano", "hermana", "mama", "papa", "y", "o", "pero", "si", "no", "la", "el", "los", "las", "un", "una", "de", "del", "con", "sin", "ya", "hoy", "urgente", "emergencia", "vida", "todo", "nada", "necesito"])

def phrase_words(text: str) -> list[str]:
    """The words a phrase or a query is matched with: normalized, contractions spelled out."""
    words = []
    for word in normalize(text).split():
        words.extend(CONTRACTIONS.get(word, word).split())
    return words


@dataclass(frozen=True)
class Reading:
    """What a text says of danger: the kinds found (SUICIDE, OVERDOSE) and the typed words left."""

    kinds: frozenset[str] = frozenset()
    rest: str = ""
    found: tuple[str, ...] = field(default=(), compare=False)  # the phrases of danger recognised

    def __bool__(self) -> bool:
        return bool(self.kinds)

    @property
    def help_lines(self) -> list[str]:
        """The numbers to give first, in order ("911" before "988")."""
        return [HELP_LINES[kind] for kind in DANGER_KINDS if kind in self.kinds]


class Lexicon:
    """Every phrase of danger and of "not a danger", ready to read texts with."""

    def __init__(self, entries: Iterable[tuple[str, str]]):
        """`entries`: (phrase, kind); a later entry of the same words replaces an earlier one."""
        by_words: dict[tuple[str, ...], str] = {}
        for phrase, kind in entries:
            words = tuple(phrase_words(phrase))
            if words and len(words) <= MAX_PHRASE_WORDS and kind in (SUICIDE, OVERDOSE, NOT_DANGER):
                by_words[words] = kind
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for words, kind in by_words.items():
            self.by_first.setdefault(words[0], []).append((words, kind))
        vocabulary = {word for words in by_words for word in words}
        self.vocabulary = frozenset(vocabulary)
        self.fuzzy_words = sorted(w for w in vocabulary if len(w) >= SHORTEST_FUZZY_WORD and w.isalpha())
        self._remembered: dict[str, Reading] = {}

    def __getstate__(self):
        return {**self.__dict__, "_remembered": {}}

    def meanings(self, word: str) -> frozenset[str]:
        """The lexicon's words that a typed word can be: itself, or one it misspells by a letter."""
        found = {word} if word in self.vocabulary else set()
        if len(word) >= SHORTEST_FUZZY_WORD - 1 and word.isalpha() and word not in NOT_TYPOS and not found:
            for candidate, _distance, _index in process.extract(
                word, self.fuzzy_words, scorer=OSA.distance, score_cutoff=1, limit=None
            ):
                if candidate[0] == word[0] and candidate not in NOT_TYPOS:
                    found.add(candidate)
        return frozenset(found)

    def read(self, text: str) -> Reading:
        """The kinds of danger `text` speaks of, and its words that are not words of danger."""
        if not text or not text.strip():
            return Reading()
        reading = self._remembered.get(text)
        if reading is None:
            if len(self._remembered) >= 2000:
                self._remembered.clear()
            reading = self._remembered[text] = self._read(text)
        return reading

    def _read(self, text: str) -> Reading:
        tokens = text.split()
        words: list[tuple[str, int]] = []  # (word, the typed token it came from)
        for index, token in enumerate(tokens):
            words.extend((word, index) for word in phrase_words(token))
            if len(words) >= MAX_WORDS:
                break
        words = words[:MAX_WORDS]
        meanings = [self.meanings(word) for word, _token in words]
        spans: list[tuple[int, int, str, tuple[str, ...]]] = []
        for start in range(len(words)):
            for first in meanings[start]:
                for phrase, kind in self.by_first.get(first, ()):
                    end = start + len(phrase)
                    if end <= len(words) and all(
                        phrase[n] in meanings[start + n] for n in range(1, len(phrase))
                    ):
                        spans.append((start, end, kind, phrase))
        safe = [(s, e) for s, e, kind, _p in spans if kind == NOT_DANGER]
        danger = [
            (s, e, kind, phrase) for s, e, kind, phrase in spans
            if kind != NOT_DANGER and not any(ss < e and s < se and se - ss >= e - s for ss, se in safe)
        ]
        if not danger:
            return Reading(rest=text)
        taken = {words[n][1] for s, e, _k, _p in danger for n in range(s, e)}
        rest = [
            token for index, token in enumerate(tokens)
            if index not in taken and not all(word in COMPANIONS for word in phrase_words(token))
        ]
        return Reading(
            kinds=frozenset(kind for _s, _e, kind, _p in danger),
            rest=" ".join(rest),
            found=tuple(" ".join(phrase) for _s, _e, _k, phrase in danger),
        )


def default_entries() -> list[tuple[str, str]]:
    """The built-in phrases (data/danger_phrases.json) as (phrase, kind)."""
    data = json.loads(PHRASES_FILE.read_text(encoding="utf-8"))
    return [
        (phrase, kind)
        for kind in (SUICIDE, OVERDOSE, NOT_DANGER)
        for phrases in data[kind].values()
        for phrase in phrases
    ]


def build_lexicon() -> Lexicon:
    """The built-in phrases and, after them (so that they win), the ones staff added."""
    from safety.models import DangerPhrase

    added = list(DangerPhrase.objects.values_list("phrase", "kind"))
    return Lexicon([*default_entries(), *added])


def lexicon() -> Lexicon:
    """The lexicon, cached (and forgotten when staff change a phrase)."""
    from portal import caching

    return caching.shared(LEXICON_CACHE_KEY, build_lexicon, LEXICON_CACHE_SECONDS)


def forget_lexicon(**kwargs) -> None:
    """Drop the cached lexicon (connected to saves and deletes of DangerPhrase)."""
    from portal import caching

    caching.forget(LEXICON_CACHE_KEY)


def read(text: str | None) -> Reading:
    """What `text` says of danger (an empty Reading, false, when nothing)."""
    if not text or not text.strip():
        return Reading(rest=text or "")
    return lexicon().read(text)


def help_kinds(values: Iterable[str]) -> list[str]:
    """The kinds of danger named by the `help` parameter's values ("911", "988"), in answer order;
    unknown values are left out."""
    kinds = {KIND_BY_LINE[value] for value in values if value in KIND_BY_LINE}
    return [kind for kind in DANGER_KINDS if kind in kinds]


def answered_query(given, reading: Reading, *, asks: Callable[[str], bool], page_param: str = "page"):
    """The parameters of a search whose keywords (`q`) spoke of danger: `help` names the lines to
    give first, and `q` keeps only the other words, and only when they ask for something (`asks`:
    a service, a place), so the page never searches for the words of danger."""
    params = given.copy()
    params.pop(page_param, None)
    given_lines = params.getlist(HELP_PARAM)
    params.setlist(HELP_PARAM, [
        HELP_LINES[kind] for kind in DANGER_KINDS if kind in reading.kinds or HELP_LINES[kind] in given_lines
    ])
    if reading.rest and asks(reading.rest):
        params["q"] = reading.rest
    else:
        params.pop("q", None)
    return params


def help_notices(values: Iterable[str]) -> list[str]:
    """A note when the `help` parameter holds a value that is not a help line (it is ignored)."""
    if any(value not in KIND_BY_LINE for value in values):
        return [_("We did not recognise a “help” value in the address, so we ignored it.")]
    return []
