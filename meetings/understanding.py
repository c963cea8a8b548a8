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
from meetings.models import Attendance
from understanding.reading import Understanding, understand
from understanding.vocabulary import TermRef, Vocabulary

# Meeting types that describe a listing's state, not something a person looks for.
NOT_ASKED_FOR = frozenset({"TC", LEGACY_ONLINE_TYPE})

# The finder's fixed choices, with the words that mean them: (parameter, value) → phrases.
CHOICE_PHRASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("attendance", Attendance.ONLINE.value): (
        "online", "on line", "virtual", "zoom", "video", "by phone", "phone meeting", "phone meetings",
        "from home", "en linea", "por zoom", "por telefono",
    ),
    ("attendance", Attendance.IN_PERSON.value): ("in person", "face to face", "presencial", "en persona"),
    ("day", "today"): ("today", "hoy"),
    ("when", "now"): ("now", "right now", "in progress", "happening now", "ahora", "ahorita", "ahora mismo"),
    ("when", "soon"): ("soon", "starting soon", "next hour", "within the hour", "pronto", "en una hora"),
    ("time", "morning"): ("morning", "mornings", "early", "por la manana", "en la manana"),
    ("time", "midday"): ("noon", "midday", "lunch", "lunchtime", "afternoon", "mediodia", "por la tarde", "tarde"),
    ("time", "evening"): ("evening", "evenings", "after work", "por la noche", "en la noche"),
    ("time", "night"): ("night", "nights", "late night", "late", "midnight", "noche", "de noche"),
}
# "tonight" is two choices at once.
TONIGHT = ("tonight", "this evening", "esta noche")
WEEKDAY_WORDS = (  # 0 = Sunday, as places.weekdays
    ("sunday", "sundays", "sun", "domingo", "domingos"),
    ("monday", "mondays", "mon", "lunes"),
    ("tuesday", "tuesdays", "tue", "tues", "martes"),
    ("wednesday", "wednesdays", "wed", "miercoles"),
    ("thursday", "thursdays", "thu", "thur", "thurs", "jueves"),
    ("friday", "fridays", "fri", "viernes"),
    ("saturday", "saturdays", "sat", "sabado", "sabados"),
)
# Fellowship words people use beside the names the reference list holds.
FELLOWSHIP_WORDS = {
    "na": ("narcotic anonymous", "narcotics", "na meeting"),
    "aa": ("alcoholic anonymous", "aa meeting", "alcoholicos anonimos"),
    "smart-recovery": ("smart", "smart meeting"),
    "nar-anon": ("naranon", "nar anon family"),
    "al-anon": ("alanon",),
}
# Type words people use beside the names of the Meeting Guide specification.
TYPE_WORDS = {
    "X": ("wheelchair", "wheelchair accessible", "accessible", "silla de ruedas"),
    "BE": ("beginner", "beginners", "newcomers", "first time", "first meeting", "principiante"),
    "S": ("spanish speaking", "in spanish", "en espanol", "hispanic", "latino"),
    "W": ("womens", "ladies", "for women", "women only"),
    "M": ("mens", "for men", "men only"),
    "Y": ("young", "youth", "under 30"),
    "LGBTQ": ("lgbt", "lgbtq+", "queer"),
    "ASL": ("asl", "sign language", "deaf"),
    "CF": ("kid friendly", "kids welcome", "bring kids", "child friendly"),
    "BA": ("childcare", "child care", "babysitting"),
}
# Words that only say "a meeting" here.
FILLER = (
    "meeting", "meetings", "group", "groups", "support group", "support groups", "reunion", "reuniones",
    "junta", "juntas", "grupo", "grupos", "grupo de apoyo", "grupos de apoyo", "12 step", "twelve step",
    "study", "studies",
)
SINGLE = ("attendance", "day", "time", "when")  # the finder's choices that take one value

_held: tuple[tuple, Vocabulary] | None = None  # (the reference lists it was made from, the vocabulary)


def meeting_vocabulary() -> Vocabulary:
    """The words the finder understands, made once per version of the reference lists."""
    global _held
    fellowships, types = reference.choices()
    held = _held
    if held is None or held[0][0] is not fellowships or held[0][1] is not types:
        entries = []
        for choice in fellowships:
            names = [choice.name, choice.short_name, choice.name_es, choice.slug.replace("-", " ")]
            ref = TermRef(0, choice.slug, "fellowship", choice.name)
            entries.append((ref, FELLOWSHIP_WORDS.get(choice.slug, ()), names))
        for choice in types:
            if choice.code not in NOT_ASKED_FOR:
                entries.append((TermRef(0, choice.code, "type", choice.name), TYPE_WORDS.get(choice.code, ()),
                                 [choice.name, choice.name_es]))
        for (param, value), phrases in CHOICE_PHRASES.items():
            entries.append((TermRef(0, value, param, value), phrases, ()))
        for day, words in enumerate(WEEKDAY_WORDS):
            entries.append((TermRef(0, str(day), "day", words[0]), words, ()))
        for phrase in TONIGHT:
            entries.append((TermRef(0, "today", "day", "today"), (phrase,), ()))
            entries.append((TermRef(0, "evening", "time", "evening"), (phrase,), ()))
        held = _held = ((fellowships, types), Vocabulary(entries, filler=FILLER))
    return held[1]


def understand_meeting_words(text: str) -> Understanding:
    """What the finder's keywords mean (choices per parameter in `.filters`, the rest in `.text`)."""
    return understand(text, meeting_vocabulary(), take_zip=True)
