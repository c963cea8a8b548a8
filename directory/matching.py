"""The same facility under two sources: matching an imported record to a listing from another source.

A record that matches no program by its own source and identifier may describe a facility already
listed from another source (the National Directory and the SAMHSA locator list the same clinics under
different identifiers). It is matched to that listing only on strong evidence, since a wrong merge is
worse than a duplicate:

- the **same name**: every word of each name has a counterpart in the other, once case, punctuation,
  "&"/"and", legal suffixes (Inc, LLC, …), small words and common abbreviations (Ctr, Svcs, Hosp, …) are
  set aside; a word may be the other shortened (Comp, Comprehensive) or misspelt (rapidfuzz ratio of at
  least 90 for words of 5 letters or more: "Behavorial" is 90). On the 2015 National Directory, the
  words that alone tell apart two listings sharing an address or a phone score at most 83 ("entry" and
  "reentry"; "center" and "central" 77, "inpatient" and "outpatient" 74);
- the **same ZIP code** (5 digits);
- and the **same street address** (normalised: case, punctuation, street words such as Avenue/Ave, and
  suite or floor left out), or the **same main phone and the same house number** (the address written
  otherwise: "300 East Hampden Avenue" and "300 Hampden Street"). The same name and phone alone are not
  enough: in the 2015 directory, 71 pairs of listings share a name, a phone and a ZIP code at different
  street addresses (one organisation's sites); 3 of them share the house number too, each plainly one
  facility listed twice.

Only listings that are not closed, from another source, and not already matched to another record of
the record's source are merged. When several listings fit a record equally, or one name only adds words
to the other ("Augusta Health" and "Augusta Health – Recovery Choice" at one address: 35 pairs of the
2015 directory's listings are so), or the same name and phone are at another address, nothing is
merged: the record is listed separately and reported as a possible duplicate. Two records of one file
never match one listing: the better fit (same phone, same second address line, closer name), else the
earlier row, matches it; the other is reported.

Measured on the real files: the 2015 directory's 11,778 facilities, imported again when their listings
are under another source, each match their own listing (none another; 1.5 s for all); with each one's
own listing left out, 12 of them (6 pairs) match another listing, 5 pairs of which the directory itself
lists twice (Troy Avenue and Troy Street, "Univ" and "University"). The 41 locator rows around
Charlottesville match 8 of the directory's Virginia listings and report 7 possible duplicates.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models.functions import Left
from rapidfuzz import fuzz

from directory.models import Program, ProgramIdentifier

CHUNK = 2000
WORD_RATIO = 90  # rapidfuzz ratio from which two words of 5+ letters are the same word misspelt
SHORTENED = 4  # a word of at least this many letters that begins another stands for it

LEGAL = {"inc", "incorporated", "llc", "pllc", "llp", "lllp", "ltd", "corp", "corporation", "co", "company",
         "pc", "pa", "psc", "plc", "lc"}
SMALL = {"the", "and", "of", "a", "an", "at", "for", "in", "dba"}
ABBREVIATIONS = {
    "ctr": "center", "ctrs": "center", "cntr": "center", "svc": "service", "svcs": "service", "servs": "service",
    "srvcs": "service", "hlth": "health", "hosp": "hospital", "trt": "treatment", "trtmt": "treatment",
    "dept": "department", "cnty": "county", "univ": "university", "prog": "program", "pgm": "program",
    "assn": "association", "assoc": "association", "natl": "national", "med": "medical",
    "rehab": "rehabilitation", "st": "saint", "mt": "mount", "ft": "fort", "cmty": "community",
    "outpt": "outpatient", "inpt": "inpatient", "resid": "residential", "behav": "behavioral",
    "bhvl": "behavioral", "mgmt": "management", "intl": "international", "recov": "recovery",
    "centre": "center", "behavioural": "behavioral",
}
EXPANSIONS = {
    "mh": ("mental", "health"), "bh": ("behavioral", "health"), "sa": ("substance", "abuse"),
    "csb": ("community", "service", "board"),
}

STREET_WORDS = {
    "street": "st", "avenue": "ave", "av": "ave", "road": "rd", "boulevard": "blvd", "drive": "dr", "lane": "ln",
    "place": "pl", "court": "ct", "parkway": "pkwy", "highway": "hwy", "plaza": "plz", "terrace": "ter",
    "circle": "cir", "square": "sq", "trail": "trl", "route": "rte", "turnpike": "tpke", "expressway": "expy",
    "freeway": "fwy", "center": "ctr", "mount": "mt", "point": "pt", "heights": "hts", "mountain": "mtn",
    "north": "n", "south": "s", "east": "e", "west": "w", "northeast": "ne", "northwest": "nw",
    "southeast": "se", "southwest": "sw", "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th",
    "fifth": "5th", "saint": "st", "fort": "ft",
}
NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                "eight": "8", "nine": "9", "ten": "10"}
# Where the street address ends and the unit begins: "100 Main St Suite 4", "3 Cottage Pl 2nd Floor".
UNIT_WORDS = {"ste", "suite", "unit", "apt", "apartment", "rm", "room", "fl", "floor", "bldg", "building", "lot"}
ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$")


# Normalising ------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    text = text.casefold().replace("&", " and ").replace("'", "").replace("\u2019", "").replace("#", " ste ")
    return re.sub(r"[^0-9a-z]+", " ", text).split()


def name_words(name: str) -> tuple[str, ...]:
    """A name's words for comparison: no legal suffixes or small words, abbreviations spelt out, no plural s."""
    found: list[str] = []
    for word in _words(name):
        if word in LEGAL or word in SMALL:
            continue
        if word in EXPANSIONS:
            found.extend(EXPANSIONS[word])
            continue
        word = ABBREVIATIONS.get(word, word)
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = ABBREVIATIONS.get(word[:-1], word[:-1])
        found.append(word)
    return tuple(found)


def street_key(street: str) -> str:
    """The street address without its unit, in one spelling: '100 North Main Street, Suite 4' → '100nmainst'."""
    words = [STREET_WORDS.get(word, word) for word in _words(street)]
    if words and words[0] in NUMBER_WORDS:
        words[0] = NUMBER_WORDS[words[0]]
    for index, word in enumerate(words[2:], start=2):
        if word in UNIT_WORDS:
            cut = index - 1 if ORDINAL.match(words[index - 1]) and index > 2 else index
            words = words[:cut]
            break
    return "".join(words)


def house_number(street: str) -> str:
    for word in _words(street):
        if word[0].isdigit():
            return word
        if word in NUMBER_WORDS:
            return NUMBER_WORDS[word]
    return ""


def phone_key(phone: str) -> str:
    """The main number's ten digits, without its extension."""
    digits = re.sub(r"\D", "", re.split(r"x|ext", (phone or "").casefold())[0])
    return digits[-10:] if len(digits) >= 10 else ""


def _close(first: str, second: str) -> int:
    """How close two different words are: 95 for a shortened word, the rapidfuzz ratio for a misspelling, else 0."""
    short, long_ = sorted((first, second), key=len)
    if len(short) >= SHORTENED and long_.startswith(short):
        return 95
    if len(short) >= 5:
        ratio = fuzz.ratio(first, second)
        if ratio >= WORD_RATIO:
            return int(ratio)
    return 0


SAME, ADDS, DIFFERS = "same", "adds", "differs"
SEPARATELY = "; listed separately: check whether they are one facility"


def compare_names(first: tuple[str, ...], second: tuple[str, ...]) -> str:
    """SAME when every word of each name has a counterpart in the other; ADDS when only one name has words
    the other lacks; DIFFERS when both have."""
    if not first or not second:
        return DIFFERS
    if "".join(first) == "".join(second):  # "Tan Bark" and "Tanbark"
        return SAME
    left, right = list(first), list(second)
    for word in list(left):
        if word in right:
            left.remove(word)
            right.remove(word)
    pairs = sorted(((_close(a, b), i, j) for i, a in enumerate(left) for j, b in enumerate(right)), reverse=True)
    used_left, used_right = set(), set()
    for score, i, j in pairs:
        if score and i not in used_left and j not in used_right:
            used_left.add(i)
            used_right.add(j)
    rest_left, rest_right = len(left) - len(used_left), len(right) - len(used_right)
    if not rest_left and not rest_right:
        return SAME
    return ADDS if not rest_left or not rest_right else DIFFERS


@dataclass(frozen=True)
class Facility:
    """What matching compares of a record or a listing."""

    words: tuple[str, ...]
    street: str
    house: str
    zip5: str
    phone: str
    street2: str

    @classmethod
    def of(cls, values: dict[str, Any] | Program) -> Facility:
        get = values.get if isinstance(values, dict) else lambda key, default="": getattr(values, key, default)
        street = get("street1", "") or ""
        return cls(
            words=name_words(get("name", "") or ""), street=street_key(street), house=house_number(street),
            zip5=(get("zip_code", "") or "")[:5], phone=phone_key(get("phone", "") or ""),
            street2=" ".join(_words(get("street2", "") or "")),
        )


# Matching ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    program: Program
    how: str  # "address and name", "address, phone and name", "phone, house number and name"


@dataclass
class Outcome:
    """Records matched (by their index in the list given) and what was reported of the others."""

    matches: dict[int, Match] = field(default_factory=dict)
    doubts: list[tuple[int, str]] = field(default_factory=list)  # (record index, why it may be a duplicate)


# What staff call each source, in "imported from …".
SOURCE_LABELS = {
    "samhsa-directory": "the National Directory",
    "samhsa": "the SAMHSA treatment locator",
    "hsds": "an Open Referral (HSDS) file",
    "demo": "the demo data",
}


def source_label(source: str) -> str:
    return SOURCE_LABELS.get(source, f"the source “{source}”")


def origin(program: Program) -> str:
    return "entered by hand" if not program.source else f"imported from {source_label(program.source)}"


def listing(program: Program) -> str:
    return f"the listing ‘{program.name}’ ({origin(program)})"


def _candidates(records: list, sources: set[str]) -> dict[str, list[Program]]:
    """Listings from other sources in the records' ZIP codes, by ZIP code (5 digits)."""
    zips = sorted({record.values.get("zip_code", "")[:5] for record in records} - {""})
    found: dict[str, list[Program]] = defaultdict(list)
    for start in range(0, len(zips), CHUNK):
        chunk = zips[start:start + CHUNK]
        programs = (Program.objects.annotate(zip5=Left("zip_code", 5)).filter(zip5__in=chunk)
                    .select_related("organization").order_by("pk"))
        if len(sources) == 1:
            programs = programs.exclude(source=next(iter(sources)))
        for program in programs:
            found[program.zip5].append(program)
    return found


def _linked_sources(programs: list[Program]) -> dict[int, set[str]]:
    """The sources each listing is already known to, its own and those of its other identifiers."""
    linked: dict[int, set[str]] = {program.pk: {program.source} for program in programs}
    ids = sorted(linked)
    for start in range(0, len(ids), CHUNK):
        for program_id, source in ProgramIdentifier.objects.filter(program_id__in=ids[start:start + CHUNK]).values_list(
            "program_id", "source"
        ):
            linked[program_id].add(source)
    return linked


def find_matches(records: list, *, taken: dict[int, int] | None = None) -> Outcome:
    """Match `records` (ProgramRecords that matched nothing by identifier) to listings from other sources.

    `taken` maps the listings other records of the file already match (by identifier) to their rows.
    """
    outcome = Outcome()
    if not records:
        return outcome
    taken = taken or {}
    by_zip = _candidates(records, {record.source for record in records})
    programs = [program for group in by_zip.values() for program in group]
    if not programs:
        return outcome
    linked = _linked_sources(programs)
    facilities = {program.pk: Facility.of(program) for program in programs}

    best: dict[int, tuple[tuple, Program, str]] = {}
    for index, record in enumerate(records):
        mine = Facility.of(record.values)
        fits: list[tuple[tuple, Program, str]] = []
        doubts: list[str] = []
        for program in by_zip.get(mine.zip5, ()):
            if program.source == record.source:
                continue
            theirs = facilities[program.pk]
            same_street = bool(mine.street) and mine.street == theirs.street
            same_phone = bool(mine.phone) and mine.phone == theirs.phone
            if not same_street and not same_phone:
                continue
            names = compare_names(mine.words, theirs.words)
            if names == DIFFERS:
                continue
            if names == ADDS:
                if same_street:
                    doubts.append(f"may be {listing(program)}: same address, and one name adds words to the other"
                                  + SEPARATELY)
                continue
            if not same_street and not (same_phone and mine.house and mine.house == theirs.house):
                doubts.append(f"may be {listing(program)}: same name and phone in the same ZIP code, at another "
                              "address (moved?)" + SEPARATELY)
                continue
            how = ("address, phone and name" if same_phone else "address and name") if same_street else \
                "phone, house number and name"
            if program.status == Program.Status.CLOSED:
                doubts.append(f"is the same by {how} as {listing(program)}, which is closed: listed anew; close it "
                              "again if the facility is still closed")
            elif record.source in linked[program.pk]:
                doubts.append(f"is the same by {how} as {listing(program)}, which another record of this source "
                              "already matched" + SEPARATELY)
            elif program.pk in taken:
                doubts.append(f"is the same by {how} as {listing(program)}, which row {taken[program.pk]} of this "
                              "file updates" + SEPARATELY)
            else:
                key = (same_street, same_phone, mine.street2 == theirs.street2,
                       fuzz.token_sort_ratio(" ".join(mine.words), " ".join(theirs.words)),
                       fuzz.ratio(record.values.get("name", "").casefold(), program.name.casefold()))
                fits.append((key, program, how))
        fits.sort(key=lambda fit: fit[0], reverse=True)
        if len(fits) > 1 and fits[0][0] == fits[1][0]:
            alike = [fit[1] for fit in fits if fit[0] == fits[0][0]]
            doubts.insert(0, "may be any of " + ", ".join(f"{listing(program)} at /programs/{program.slug}/"
                                                          for program in alike)
                          + ": they fit it equally, so none was updated; listed separately")
        elif fits:
            best[index] = fits[0]
        outcome.doubts.extend((index, doubt) for doubt in doubts[:1] if index not in best)

    # Two records of one file never match one listing: the better fit, else the first row, matches it.
    by_program: dict[int, list[int]] = defaultdict(list)
    for index, (_key, program, _how) in best.items():
        by_program[program.pk].append(index)
    for indexes in by_program.values():
        indexes.sort(key=lambda index: (best[index][0], -records[index].row), reverse=True)
        winner = indexes[0]
        _key, program, how = best[winner]
        outcome.matches[winner] = Match(program, how)
        for other in indexes[1:]:
            outcome.doubts.append((other, f"is the same by {best[other][2]} as {listing(program)}, which row "
                                          f"{records[winner].row} of this file matched (a better fit, or an earlier row)" + SEPARATELY))
    outcome.doubts.sort(key=lambda doubt: records[doubt[0]].row)
    return outcome
