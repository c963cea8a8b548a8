"""Read a query with a vocabulary: term filters, corrections, suggestions and the words left to search."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from understanding.text import normalize
from understanding.vocabulary import TermRef, Vocabulary
from understanding.words import NEGATIONS, STOP_WORDS, SUBSTANCES

# Words considered per query: enough for any sentence a person types in a search box, few enough
# that hostile input cannot make parsing (or the text search of the rest) slow.
MAX_WORDS = 12

_TOKEN = re.compile(r'"[^"]*"?|\S+')
_ZIP = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class Match:
    """Words of the query read as one or more terms."""

    typed: str
    terms: tuple[TermRef, ...]
    corrected: str = ""  # the known phrase, when the typed words were a misspelling of it


@dataclass(frozen=True)
class Suggestion:
    """An unknown word that looks like a known one: "Did you mean …"."""

    word: str
    replacement: str
    terms: tuple[TermRef, ...]


@dataclass
class Understanding:
    """What a query means: filters per category parameter, and the text left to search."""

    original: str
    text: str = ""
    matches: list[Match] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    zip_code: str = ""
    truncated: bool = False

    @property
    def filters(self) -> dict[str, list[str]]:
        """Codes per category parameter, in the order they were understood, without repeats.

        Within a category, a word that means some of what another word means narrows it: in
        "methadone maintenance" or "rehab for 30 days" the broad word ("maintenance": any medication;
        "rehab": any residential care) gives way to the precise one, instead of adding its other terms.
        """
        by_param: dict[str, list[list[str]]] = {}
        for match in self.matches:
            per_param: dict[str, list[str]] = {}
            for term in match.terms:
                codes = per_param.setdefault(term.param, [])
                if term.code not in codes:
                    codes.append(term.code)
            for param, codes in per_param.items():
                by_param.setdefault(param, []).append(codes)
        result: dict[str, list[str]] = {}
        for param, groups in by_param.items():
            narrowest = [
                codes for codes in groups
                if not any(set(other) < set(codes) for other in groups)
            ]
            merged = result[param] = []
            for codes in narrowest:
                merged.extend(code for code in codes if code not in merged)
        return result

    @property
    def changed(self) -> bool:
        """Whether the search should be rewritten: something was understood, dropped or moved."""
        return bool(self.matches or self.zip_code) or self.text.split() != self.original.split()



@dataclass
class _Word:
    key: str          # normalized
    token: int        # index of the typed token it came from
    literal: bool     # part of a quoted phrase or a negation: text search syntax, never a filter


MAX_REMEMBERED = 2000


def understand(text: str, vocabulary: Vocabulary, *, take_zip: bool = False) -> Understanding:
    """Read `text` into term filters, corrections, suggestions and leftover search text.

    The reading is kept with the vocabulary (a search page reads its words twice, and people type
    the same things): a changed vocabulary is a new object, with nothing remembered.
    """
    remembered = vocabulary.__dict__.setdefault("_remembered", {})
    key = (text, take_zip)
    found = remembered.get(key)
    if found is None:
        if len(remembered) >= MAX_REMEMBERED:
            remembered.clear()
        found = remembered[key] = _understand(text, vocabulary, take_zip=take_zip)
    return found


def _understand(text: str, vocabulary: Vocabulary, *, take_zip: bool = False) -> Understanding:
    """The rules of RULES.md, one named step each, in order."""
    result = Understanding(original=text)
    tokens, words = _split(text, vocabulary, result)
    state = _read_phrases(tokens, words, vocabulary, result, take_zip=take_zip)
    _drop_substances(words, state, result)
    _settle_or(words, state, result)
    result.text = _leftover(tokens, words, state)
    _suggest(words, state, vocabulary, result)
    return result


def _split(text: str, vocabulary: Vocabulary, result: Understanding) -> tuple[list[str], list[_Word]]:
    """The typed tokens and their normalized words, misspelt filler read as the filler word, at
    most MAX_WORDS words (whole tokens)."""
    tokens = _TOKEN.findall(text or "")
    words: list[_Word] = []
    for index, token in enumerate(tokens):
        literal = token.startswith('"') or (token.startswith("-") and len(token) > 1)
        for part in normalize(token).split():
            if not literal and part not in vocabulary.phrases:
                part = vocabulary.filler(part) or part
            words.append(_Word(part, index, literal))
    if len(words) > MAX_WORDS:
        result.truncated = True
        last_token = words[MAX_WORDS].token
        words = [w for w in words if w.token < last_token]
        tokens = tokens[:last_token]
    return tokens, words


def _read_phrases(tokens: list[str], words: list[_Word], vocabulary: Vocabulary, result: Understanding, *,
                  take_zip: bool) -> list[str]:
    """Each word's state (text, term, stop, zip, or): known phrases longest first, refusals, a ZIP
    code, filler."""
    state = ["text"] * len(words)
    i = 0
    while i < len(words):
        word = words[i]
        if word.literal:
            i += 1
            continue
        span, terms, corrected = _match_at(words, i, vocabulary)
        if span:
            typed = " ".join(tokens[t] for t in sorted({w.token for w in words[i:i + span]}))
            if terms and _refused(words, state, i, result):
                terms = ()
            if terms:
                result.matches.append(Match(typed, terms, corrected))
            else:
                result.dropped.append(typed)
            for j in range(i, i + span):
                state[j] = "term" if terms else "stop"
            i += span
            continue
        if take_zip and _ZIP.match(word.key):  # several: the last one typed
            result.zip_code = word.key
            state[i] = "zip"
        elif word.key == "or":
            state[i] = "or"
        elif word.key in STOP_WORDS:
            result.dropped.append(word.key)
            state[i] = "stop"
        i += 1
    return state


def _refused(words: list[_Word], state: list[str], i: int, result: Understanding) -> bool:
    """Whether the phrase at word i follows a refusal ("detox without methadone", "suboxone not
    methadone", over one filler word: "not a 12 step program"): then it is no filter, and the
    refusing word is dropped too."""
    before = i - 1
    if before > 0 and state[before] == "stop" and words[before].key not in NEGATIONS:
        before -= 1
    if before >= 0 and words[before].key in NEGATIONS and state[before] in ("text", "stop"):
        state[before] = "stop"
        result.dropped.append(words[before].key)
        return True
    return False


def _drop_substances(words: list[_Word], state: list[str], result: Understanding) -> None:
    """Other substances beside something understood ("alcohol detox") are filler; alone they stay."""
    if result.matches or result.zip_code:
        for n, word in enumerate(words):
            if state[n] == "text" and word.key in SUBSTANCES and not word.literal:
                state[n] = "stop"
                result.dropped.append(word.key)


def _settle_or(words: list[_Word], state: list[str], result: Understanding) -> None:
    """ "or" is web-search syntax between two words left for the text search; elsewhere it is filler."""
    for n, value in enumerate(state):
        if value == "or":
            kept = 0 < n < len(words) - 1 and state[n - 1] == "text" and state[n + 1] == "text"
            state[n] = "text" if kept else "stop"
            if not kept:
                result.dropped.append("or")


def _leftover(tokens: list[str], words: list[_Word], state: list[str]) -> str:
    """The words left for the text search. Whole typed tokens whose words were all left as text keep
    their original spelling (and any web-search syntax); a token only partly understood keeps its
    remaining words."""
    leftover: list[str] = []
    for index, token in enumerate(tokens):
        mine = [n for n, w in enumerate(words) if w.token == index]
        if not mine or all(state[n] == "stop" for n in mine):
            continue
        if not any(state[n] in ("term", "zip") for n in mine):
            leftover.append(token)  # filler inside a longer token ("directory_program") is not removed
        else:
            leftover.extend(words[n].key for n in mine if state[n] == "text")
    return " ".join(leftover)


def _suggest(words: list[_Word], state: list[str], vocabulary: Vocabulary, result: Understanding) -> None:
    """ "Did you mean …" for each unknown word close to a known one."""
    seen = set()
    for n, word in enumerate(words):
        if state[n] != "text" or word.literal or word.key in seen:
            continue
        seen.add(word.key)
        nearest = vocabulary.nearest(word.key)
        if nearest:
            result.suggestions.append(Suggestion(word.key, nearest, vocabulary.phrases[nearest]))


def _match_at(words: list[_Word], i: int, vocabulary: Vocabulary) -> tuple[int, tuple[TermRef, ...], str]:
    """The longest phrase starting at word i: exact first, then as a misspelling. (0, (), "") if none."""
    longest = min(vocabulary.longest, len(words) - i)
    spans = [n for n in range(longest, 0, -1) if not any(w.literal for w in words[i:i + n])]
    starts_with_filler = words[i].key in STOP_WORDS
    for n in spans:
        inner = [w.key for w in words[i:i + n]]
        terms = vocabulary.exact(" ".join(inner))
        if terms is not None:
            return n, terms, ""
        # A phrase with filler inside it: "inpatient drug rehab" is "inpatient rehab".
        if n >= 3 and not starts_with_filler and inner[-1] not in STOP_WORDS:
            kept = [key for key in inner if key not in STOP_WORDS]
            if 1 < len(kept) < n and (terms := vocabulary.exact(" ".join(kept))):
                return n, terms, ""
    if starts_with_filler:
        return 0, (), ""
    for n in spans:
        key = " ".join(w.key for w in words[i:i + n])
        found = vocabulary.fuzzy(key)
        if found:
            return n, vocabulary.phrases[found], found
    return 0, (), ""
