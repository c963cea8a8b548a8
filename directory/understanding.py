"""Read what a person typed in the keyword box as the service filters it means.

The vocabulary is data: each taxonomy term's name, Spanish name and the synonyms staff edit in the
admin (lay words, slang, brand names, abbreviations, Spanish words). A query is split into words;
the longest known phrase is matched first ("sober living" before "living"), then small misspellings
of known words ("methadon", "suboxon"); harmless filler ("near me", "clinic", "help") is dropped;
everything else is left for the full-text search; a place typed among the words is read with the
offline gazetteer (places.geo). Nothing here touches the database.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from django.http import QueryDict
from django.utils.translation import gettext_noop
from rapidfuzz import process
from rapidfuzz.distance import OSA

from places import geo

# Words considered per query: enough for any sentence a person types in a search box, few enough
# that hostile input cannot make parsing (or the text search of the rest) slow.
MAX_WORDS = 12
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


# Filler that carries no filter and would only narrow the text search to listings that happen to
# use the same word. Checked after phrases, so "the shot" and "for women" still mean something.
STOP_WORDS = frozenset("""
a an the and or of on to at in into by for from with without within about
i im me my we our us you your he she they him her them his their it its this that these those
is are am be been being was were do does did can could would should will shall may might must
need needs needed want wants wanting looking look find finding get getting give go going
help helps helping please who whom what where when which how why there here any some
near nearby nearest close closest closer around area local locally town city nearme
accept accepts accepting accepted take takes taking took offer offers offering provide provides providing
clinic clinics center centers centre centres facility facilities place places location locations
house houses home homes
program programs programme treatment treatments treat treating service services care
doctor doctors dr provider providers office offices options option best good top
friendly affirming welcoming specialized specializing specialist specialists approved training
addiction addictions addicted addict addicts opioid opioids opiate opiates heroin fentanyl fent dope
pill pills painkiller painkillers oxy oxys oxycodone oxycontin percocet percs vicodin hydrocodone
tramadol kratom morphine codeine dilaudid hydromorphone opana norco lortab roxy roxies roxicodone blues m30 m30s
carfentanil xylazine tranq
drug drugs substance substances use using user users abuse disorder disorders oud sud sobriety recovery
doc docs appointment appointments class classes someone somebody person anyone anybody anywhere somewhere
someplace new after before only just also still again now prescribe prescribes prescribing prescriber script
prescribed allow allows allowed via speak speaks speaking spoken interpreter interpreters certified accredited
medical medically supervised hours open opened weekend weekends saturday saturdays sunday sundays
morning mornings evening evenings night nights
people testing tested screening but however though
son daughter husband wife boyfriend girlfriend brother sister friend friends partner loved one ones
today tonight tomorrow urgent urgently asap emergency immediately quickly fast
de del la el los las lo un una unos unas y o u para por en con sin que cerca mi mis me yo necesito
hijo hija hijos hijas esposo esposa novio novia hermano hermana amigo amiga familiar hoy urgente
adictos adicta adictas puedo puede pueden conseguir obtener tener tengo tiene tienen quiero quisiera hay
alguien algun alguna como cual cuales es esta estoy son ser se le les su sus al hable hablen acepte acepten dejar
busco buscar buscando ayuda ayudar clinica clinicas centro centros programa programas tratamiento
tratamientos servicio servicios lugar lugares donde aqui alli acepta aceptan aceptar ofrece ofrecen
adiccion adicciones adicto drogas droga opioides opiaceos heroina fentanilo doctor doctora medico
""".split())
STOP_PHRASES = frozenset({
    "near me", "close to me", "around me", "in my area", "near by", "cerca de mi", "cerca de aqui",
    "substance abuse", "substance use", "drug abuse", "drug addiction", "opioid addiction", "opioid use disorder",
    "substance use disorder", "addiction treatment", "drug treatment", "drug rehab center",
    "pain pills", "pain pill", "pain killers", "pain medication", "pain meds",
    # Urgency alone is no filter ("open now", "same day", "walk in" are: FLAG_PHRASES).
    "right now",
    # Children who come along are not the person treated: "moms with kids" is not a teen program.
    "with kids", "with my kids", "with children", "with my children", "with my child", "with my son",
    "with my daughter", "con mis hijos", "con mi hijo", "con mi hija", "con ninos", "allows children",
    "allows kids", "children allowed", "kids allowed", "bring my kids", "bring my children", "bring kids",
    "bring children", "kids welcome", "children welcome",
})
# Words that refuse what follows them ("without methadone"): the service named after them is not a
# filter (the search has no "except" filter), and the word goes too.
NEGATIONS = frozenset({"not", "no", "without", "non", "except", "excluding", "never", "sin", "nada", "ni"})
# Other substances: programs treat them alongside opioids, so beside a service ("alcohol detox") they
# are dropped like filler; alone ("xanax") they stay words to search, so that the page says what it
# found for them rather than listing everything.
SUBSTANCES = frozenset("""
alcohol alcoholism alcoholic drinking drunk benzo benzos benzodiazepine benzodiazepines xanax klonopin valium
cocaine crack stimulant stimulants methamphetamine amphetamine adderall marijuana weed cannabis
alcoholismo bebida cocaina marihuana
""".split())
# Choices of the search that are not taxonomy terms, read from the words that mean them:
# (parameter, value, label) → phrases. The labels are the form's own (translated where shown).
FLAG_PHRASES: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("accepting", "1", gettext_noop("Accepting new patients")): (
        "accepting new patients", "taking new patients", "new patients", "new patient", "accepting patients",
        "taking patients", "open beds", "open bed", "beds available", "bed available", "available beds",
        "openings", "bed", "beds", "a bed", "need a bed", "aceptan pacientes nuevos", "acepta pacientes nuevos",
        "pacientes nuevos", "cama", "camas", "camas disponibles",
    ),
    ("meetings", "1", gettext_noop("Support group meetings nearby")): (
        "meeting", "meetings", "support group", "support groups", "12 step", "twelve step", "12 steps",
        "peer support group", "grupo de apoyo", "grupos de apoyo", "reunion", "reuniones", "juntas",
    ),
    # Opening hours, read on each program's clock at the time of the search (directory.hours.keeps).
    ("open", "now", gettext_noop("Open now")): (
        "open now", "opened now", "open right now", "open at the moment", "currently open", "abierto ahora",
        "abierta ahora", "abiertos ahora", "abierto en este momento",
    ),
    ("open", "today", gettext_noop("Open today")): (
        "open today", "opened today", "open tonight", "abierto hoy", "abierta hoy", "abiertos hoy",
    ),
    ("open", "24h", gettext_noop("Open 24 hours")): (
        "24 hour", "24 hours", "24 7", "24hr", "24hrs", "24 hr", "open 24 hours", "open 24 7", "open all night",
        "round the clock", "around the clock", "all day and night", "24 horas", "abierto 24 horas",
        "las 24 horas", "todo el dia y la noche",
    ),
    ("open", "weekend", gettext_noop("Open on weekends")): (
        "weekend", "weekends", "open weekends", "open on weekends", "on weekends", "saturday", "saturdays",
        "sunday", "sundays", "open saturday", "open sunday", "fin de semana", "fines de semana", "sabado",
        "sabados", "domingo", "domingos",
    ),
    # The usual wait for a first appointment (Program.typical_wait_days).
    ("same_day", "1", gettext_noop("Usually seen the same day")): (
        "same day", "same day appointment", "same day appointments", "same day intake", "seen today",
        "no wait", "no waiting", "no waiting list", "no wait list", "without waiting", "el mismo dia",
        "hoy mismo", "sin espera", "sin lista de espera",
    ),
    # What no listing records: a note on the page says it was not used as a filter.
    ("unfiltered", "walk-in", gettext_noop("Walk-in")): (
        "walk in", "walk ins", "walkin", "walkins", "walk in clinic", "no appointment", "no appointment needed",
        "without an appointment", "without appointment", "drop in", "sin cita", "sin cita previa", "sin turno",
    ),
    # A fellowship's meetings (slugs of the Meeting Guide specification, as the meeting finder's).
    ("fellowship", "na", "Narcotics Anonymous"): (
        "na", "na meeting", "narcotics anonymous", "narcoticos anonimos", "narcotic anonymous",
    ),
    ("fellowship", "aa", "Alcoholics Anonymous"): ("aa", "aa meeting", "alcoholics anonymous", "alcoholicos anonimos"),
    ("fellowship", "smart-recovery", "SMART Recovery"): ("smart recovery", "smart meeting"),
    ("fellowship", "nar-anon", "Nar-Anon"): ("nar anon", "naranon", "nar anon meeting"),
    ("fellowship", "al-anon", "Al-Anon"): ("al anon", "alanon", "al anon meeting"),
    ("fellowship", "celebrate-recovery", "Celebrate Recovery"): ("celebrate recovery",),
    ("fellowship", "refuge-recovery", "Refuge Recovery"): ("refuge recovery",),
    ("fellowship", "recovery-dharma", "Recovery Dharma"): ("recovery dharma",),
    ("fellowship", "ha", "Heroin Anonymous"): ("heroin anonymous", "heroina anonimos"),
    ("fellowship", "ca", "Cocaine Anonymous"): ("cocaine anonymous", "cocaina anonimos"),
    ("fellowship", "mara", "Medication-Assisted Recovery Anonymous"): (
        "mara", "medication assisted recovery anonymous",
    ),
}
# Ordinary words one typo away from a known word, which must not be read as it ("trial" is not
# "tribal", "medical" is not "medicaid", "señor" is not "senior").
NOT_TYPOS = frozenset({
    "trial", "count", "county", "counter", "senor", "senora", "house", "hours", "media", "medical", "state",
    "states", "hospice", "clinical", "mental", "dental", "teeth", "trains", "train", "court", "courts", "tribe",
    "later", "latin", "manor", "women", "woman", "minor", "minors", "major", "manage", "manager", "deal",
    "weekend", "weekends", "evening", "morning", "night", "nights",
})

ANY_PARAM = "any"  # the search's parameter for terms of several categories, any of which will do
WORD_CLASSES_FILE = Path(__file__).resolve().parent / "data" / "word_classes.json"


@lru_cache(maxsize=1)
def word_classes() -> tuple[dict, ...]:
    """Words that mean terms of several categories (directory/data/word_classes.json)."""
    return tuple(json.loads(WORD_CLASSES_FILE.read_text(encoding="utf-8"))["classes"])


_TOKEN = re.compile(r'"[^"]*"?|\S+')
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_ZIP = re.compile(r"^\d{5}$")


def normalize(text: str) -> str:
    """Lower case, accents removed, apostrophes dropped, anything else that is not a letter or
    digit turned into a space: "Español" → "espanol", "Medi-Cal" → "medi cal", "don't" → "dont"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("'", "").replace("\u2019", "")
    return _NOT_WORD.sub(" ", text).strip()


@dataclass(frozen=True)
class TermRef:
    """What the vocabulary needs to know about one taxonomy term."""

    pk: int
    code: str
    param: str
    name: str


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
    def from_terms(cls, terms: Iterable) -> "Vocabulary":
        """Build from Term objects (with their category loaded)."""
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
    result = Understanding(original=text)
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
    state = ["text"] * len(words)  # per word: text, term, stop, zip
    i = 0
    while i < len(words):
        word = words[i]
        if word.literal:
            i += 1
            continue
        span, terms, corrected = _match_at(words, i, vocabulary)
        if span:
            typed = " ".join(tokens[t] for t in sorted({w.token for w in words[i:i + span]}))
            before = i - 1  # the word before, over one filler word ("not a 12 step program")
            if before > 0 and state[before] == "stop" and words[before].key not in NEGATIONS:
                before -= 1
            if terms and before >= 0 and words[before].key in NEGATIONS and state[before] in ("text", "stop"):
                # "detox without methadone", "suboxone not methadone": what is refused is no filter.
                state[before], terms = "stop", ()
                result.dropped.append(words[before].key)
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
    if result.matches or result.zip_code:
        for n, word in enumerate(words):
            if state[n] == "text" and word.key in SUBSTANCES and not word.literal:
                state[n] = "stop"
                result.dropped.append(word.key)
    # "or" is web-search syntax between two words left for the text search; elsewhere it is filler.
    for n, value in enumerate(state):
        if value == "or":
            kept = 0 < n < len(words) - 1 and state[n - 1] == "text" and state[n + 1] == "text"
            state[n] = "text" if kept else "stop"
            if not kept:
                result.dropped.append("or")
    # Whole typed tokens whose words were all left as text keep their original spelling (and any
    # web-search syntax); a token only partly understood keeps its remaining words.
    leftover: list[str] = []
    for index, token in enumerate(tokens):
        mine = [n for n, w in enumerate(words) if w.token == index]
        if not mine:
            continue
        if all(state[n] == "stop" for n in mine):
            continue
        if not any(state[n] in ("term", "zip") for n in mine):
            leftover.append(token)  # filler inside a longer token ("directory_program") is not removed
        else:
            leftover.extend(words[n].key for n in mine if state[n] == "text")
    result.text = " ".join(leftover)
    seen = set()
    for n, word in enumerate(words):
        if state[n] != "text" or word.literal or word.key in seen:
            continue
        seen.add(word.key)
        nearest = vocabulary.nearest(word.key)
        if nearest:
            result.suggestions.append(Suggestion(word.key, nearest, vocabulary.phrases[nearest]))
    return result


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


def rewritten_query(given: QueryDict, understood: Understanding, *, single: Iterable[str] = (),
                    states: bool = True, page_param: str = "page") -> QueryDict | None:
    """The parameters of a search whose keywords (`q`) were read as `understood`, or None when they
    need no rewriting.

    A ZIP code, or a city at the end of the keywords (places.geo.place_at_end), becomes `near`: the
    last thing the person typed, over the place field's value (which may be an earlier search's).
    A state named in full becomes `state` when no place was given (and the search has `states`).
    Every understood choice is added to its parameter (the `single`-valued ones take the last one
    typed); `q` keeps the words left over; the page number goes."""
    text = understood.text
    found = geo.gazetteer().place_at_end(text) if text and not understood.zip_code else None
    if found is not None and found[0] == "state" and (not states or given.get("near", "").strip()):
        found = None
    if not understood.changed and found is None:
        return None
    params = given.copy()
    params.pop(page_param, None)
    if found is not None:
        kind, value, text = found
        if kind == "city":
            params["near"] = value
        elif not params.get("state"):
            params["state"] = value
        # Places typed before it ("columbus ohio baltimore md"): the last one typed is the one kept.
        for _ in range(MAX_WORDS):
            earlier = geo.gazetteer().place_at_end(text) if text else None
            if earlier is None:
                break
            text = earlier[2]
    if understood.zip_code:
        params["near"] = understood.zip_code
    if text:
        params["q"] = text
    else:
        params.pop("q", None)
    for param, values in understood.filters.items():
        if param in single:
            params[param] = values[-1]
        else:
            have = params.getlist(param)
            params.setlist(param, have + [value for value in values if value not in have])
    return None if sorted(params.lists()) == sorted(given.lists()) else params
