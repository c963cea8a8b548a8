"""Words of danger, read as people type them (safety.danger): the built-in list in both languages,
and the many ordinary searches that must never raise the alarm."""
import pytest

from safety.danger import OVERDOSE, SUICIDE, Lexicon, Reading, default_entries, help_kinds

LEXICON = Lexicon(default_entries())

SUICIDAL = [
    # English, as people say it: contractions, slang, misspellings, no punctuation, any case.
    "i want to die", "I WANT TO DIE", "i wanna die", "want 2 die", "i just want to die", "I'm going to kill myself",
    "kill myself", "kil myself", "kill my self", "killing myself tonight", "thinking about suicide", "suicidal",
    "sucidal thoughts", "suicde", "i feel suicidal", "end it all", "i want to end my life", "no reason to live",
    "i have nothing to live for", "i don't want to live anymore", "dont want to be alive", "I can't go on",
    "i cant take it anymore", "better off dead", "wish i was dead", "hurt myself", "I keep hurting myself",
    "self harm", "self-harm", "cutting", "cutting myself", "take my own life", "kms", "unalive myself",
    "overdose on purpose",
    # Spanish, with and without accents.
    "quiero morir", "Quiero morirme", "me quiero morir", "quiero matarme", "matarme", "me voy a matar",
    "no quiero vivir", "ya no quiero vivir", "No quiero seguir viviendo", "suicidio", "pensamientos suicidas",
    "quitarme la vida", "acabar con todo", "no tengo razón para vivir", "no tengo razon para vivir",
    "hacerme daño", "hacerme dano", "lastimarme", "cortarme", "ya no puedo más", "mejor muerta",
]
OVERDOSING = [
    "overdose", "he's overdosing", "hes overdosing", "she is overdosing right now", "overdoseing", "over dose",
    "my friend is od", "OD", "he's not breathing", "he isnt breathing", "not breathing", "she stopped breathing",
    "lips turning blue", "he's turning blue", "he won't wake up", "she wont wake up", "cant wake him up",
    "unresponsive", "narcan not working", "he is dying", "fentanyl overdose", "he's overdosing do i give narcan",
    "overdose help i have naloxone",
    "sobredosis", "Sobredosis", "sobredocis", "mi hijo tiene una sobredosis", "no respira", "no está respirando",
    "dejó de respirar", "se está poniendo azul", "labios azules", "no despierta", "no se despierta", "no reacciona",
    "se está muriendo",
]
# Ordinary searches, some with a danger word inside them: never the panel.
FALSE_ALARMS = [
    "methadone", "suboxone", "rehab for my son", "detox near me", "naloxone", "narcan", "free narcan",
    "where to get narcan", "naloxone overdose", "narcan for overdose", "overdose prevention", "Overdose prevention training", "how to prevent an overdose",
    "overdose kit", "overdose reversal", "risk of overdose after detox", "after an overdose", "my son overdosed last year",
    "overdosed", "overdoing it", "overdue bill", "dying to get clean", "i'm dying to get clean", "he is dying to get sober",
    "die", "can you die from withdrawal", "will i die from withdrawal", "die from fentanyl", "kill the pain",
    "this withdrawal is killing me", "pain killers", "cutting back on methadone", "cutting down slowly",
    "cutting my dose", "cutting edge treatment", "cutting agents in fentanyl", "blue pills", "m30 blues",
    "help for my breathing problems", "sleep apnea", "living with someone who uses", "sober living",
    "clinic not responding", "wake up early for dosing", "harm reduction", "self pay", "hurt my back",
    "a reason to quit", "end of treatment", "life skills", "mat program",
    "metadona", "rehabilitación para mi hijo", "naloxona", "naloxona gratis", "naloxona sobredosis", "prevención de sobredosis",
    "prevenir una sobredosis", "kit de sobredosis", "riesgo de sobredosis", "el programa no responde",
    "morir de abstinencia", "vivir sobrio", "quiero dejar las drogas", "quiero ayuda", "me quiero curar",
    "cortarme el pelo", "muerte", "centro de vida", "matar el dolor", "no quiero metadona", "sin seguro",
]


@pytest.mark.parametrize("text", SUICIDAL)
def test_suicide_and_self_harm_in_both_languages(text):
    reading = LEXICON.read(text)
    assert SUICIDE in reading.kinds, text


@pytest.mark.parametrize("text", OVERDOSING)
def test_an_overdose_happening_now_in_both_languages(text):
    reading = LEXICON.read(text)
    assert OVERDOSE in reading.kinds, text


@pytest.mark.parametrize("text", FALSE_ALARMS)
def test_ordinary_searches_raise_no_alarm(text):
    reading = LEXICON.read(text)
    assert not reading, f"{text!r} read as {reading.found}"
    assert reading.rest == text


@pytest.mark.parametrize(("text", "rest"), [
    ("i want to die need detox", "detox"),
    ("I want to die. Need suboxone near 21201", "suboxone near 21201"),
    ("quiero morir, necesito metadona", "metadona"),
    ("he's not breathing what do i do", ""),
    ("i want to die", ""),
    ("please help my son is overdosing", ""),
])
def test_the_words_of_danger_are_taken_out_of_the_search(text, rest):
    assert LEXICON.read(text).rest == rest


def test_both_kinds_at_once():
    reading = LEXICON.read("i took all my pills to kill myself and he's not breathing")
    assert reading.kinds == {SUICIDE, OVERDOSE}
    assert reading.help_lines == ["911", "988"]


def test_a_later_entry_changes_the_meaning_of_the_same_words():
    lexicon = Lexicon([*default_entries(), ("cutting", "not_danger")])
    assert not lexicon.read("cutting")
    assert SUICIDE in lexicon.read("cutting myself").kinds


def test_long_and_hostile_text_is_read_quickly_and_safely():
    text = "want to die " * 500 + "\x00 ' \" <script>"
    assert SUICIDE in LEXICON.read(text).kinds
    assert LEXICON.read("") == Reading()
    assert not LEXICON.read("     ")


def test_help_parameter_values():
    assert help_kinds(["988", "911", "x", "988"]) == [OVERDOSE, SUICIDE]
    assert help_kinds(["abc"]) == []
