"""The Spanish interface is complete: no visible text outside gettext, every message translated."""
import pytest
from django.utils import translation

from portal.translations import jinja_as_python, jinja_messages, po_files, read_catalog
from tests.i18n_audit import (
    python_msgids,
    template_msgids,
    untranslated_jinja_text,
    untranslated_template_text,
    untranslated_templates,
)

HOW_TO_FIX = (
    "Run `manage.py makemessages -l es` (needs GNU gettext), write the Spanish for every empty or fuzzy "
    "msgstr in locale/es/LC_MESSAGES/django.po, then `manage.py compile_translations`."
)


@pytest.fixture(scope="module")
def spanish():
    [path] = [path for path in po_files() if path.parts[-3] == "es"]
    return read_catalog(path)


# Templates still being moved to gettext (this list only shrinks; the test fails once one is clean).
PENDING: set[str] = set()


def test_public_templates_show_no_text_outside_gettext():
    findings = [finding for finding in untranslated_templates() if finding.template not in PENDING]
    assert not findings, "Visible text outside {% translate %}:\n" + "\n".join(map(str, findings))
    done = PENDING - {finding.template for finding in untranslated_templates()}
    assert not done, f"Translated now, take them off PENDING: {sorted(done)}"


@pytest.mark.parametrize("source, problems", [
    ("<p>Hello there</p>", ["Hello there"]),
    ('<img src="x.png" alt="A map">', ["A map"]),
    ('<input type="search" placeholder="e.g. methadone">', ["e.g. methadone"]),
    ('<nav aria-label="Main">', ["Main"]),
    ('{% include "includes/helplines.html" with heading="Talk to someone now" %}', ["Talk to someone now"]),
    ('{{ heading|default:"Free, confidential help" }}', ["Free, confidential help"]),
    ('<p>{% translate "Hello" %}</p><p>{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}</p>', []),
    ('{% include "x.html" with heading=_("Talk to someone now") cta_id="cta-top" %}', []),
    ('<time datetime="{{ d|date:\'Y-m-d\' }}">{{ d|date:"F j, Y" }}</time> · 3 <span aria-hidden="true">→</span>', []),
    ('<script type="application/ld+json">{"name": "x y"}</script>', []),
])
def test_the_template_check_sees_what_a_visitor_reads(source, problems):
    assert untranslated_template_text(source) == problems


def test_spanish_catalogue_has_no_fuzzy_or_empty_message(spanish):
    bad = [
        message.id for message in spanish
        if message.id and (message.fuzzy or not all(
            message.string if isinstance(message.string, tuple) else (message.string,)))
    ]
    assert not bad, f"{len(bad)} Spanish messages are empty or fuzzy: {bad[:20]}. {HOW_TO_FIX}"


def test_every_message_of_the_code_has_a_spanish_translation(spanish):
    missing = []
    for message in [*template_msgids(), *python_msgids()]:
        entry = spanish.get(message.msgid, context=message.context)
        if entry is None or entry.fuzzy or not entry.string:
            missing.append(f"{message.where}: {message.msgid!r}")
        elif message.plural and (not isinstance(entry.id, tuple) or entry.id[1] != message.plural):
            missing.append(f"{message.where}: plural of {message.msgid!r}")
    assert not missing, f"{len(missing)} messages have no Spanish translation:\n" + "\n".join(missing[:40]) + (
        f"\n{HOW_TO_FIX}")


def test_the_compiled_catalogue_is_the_one_django_uses():
    with translation.override("es"):
        assert translation.gettext("Skip to main content") == "Ir al contenido principal"
        assert translation.gettext("Find treatment") == "Buscar tratamiento"


@pytest.mark.parametrize("source, problems", [
    ("<p>Hello there</p>", ["Hello there"]),
    ('<img src="x.png" alt="A map">', ["A map"]),
    ('{{ "Talk to someone now" }}', ["Talk to someone now"]),
    ('<p>{{ _("Hello there") }}</p>{# a note for the people who read the template #}', []),
    ('{% set call = _("Call %(phone)s") %}<a href="{{ url }}">{{ call|format(phone=p) }}</a>', []),
    ('{% from "directory/availability.html" import availability %}{{ availability(a, b) }}', []),
    ('{{ ngettext("(%(counter)s in use: %(names)s)", "(%(counter)s in use: %(names)s)", n)|format(counter=n) }}', []),
    ('{{ ngettext("one program", "many programs", n) }} {{ "Call us today" }}', ["Call us today"]),
])
def test_the_jinja_template_check_sees_what_a_visitor_reads(source, problems):
    assert untranslated_jinja_text(source) == problems


def test_makemessages_reads_every_message_of_a_jinja_template():
    source = (
        '{% set call, seen = _("Call %(phone)s"), _("Verified %(date)s") %}{{ _("Map of these programs") }}'
        '{{ ngettext("%(num)s day", "%(num)s days", n) }}{# _("Not a message") #}'
    )
    assert jinja_messages(source) == [
        ("Call %(phone)s", None), ("Verified %(date)s", None), ("Map of these programs", None),
        ("%(num)s day", "%(num)s days"),
    ]
    assert "gettext('Call %(phone)s')" in jinja_as_python(source)
    assert "ngettext('%(num)s day', '%(num)s days', n)" in jinja_as_python(source)


def test_translate_tags_with_a_percent_sign_are_translated():
    from django.template import engines

    template = engines["django"].from_string('{% load i18n %}{% translate "Call %(phone)s" %}')  # saved.html
    with translation.override("es"):
        assert template.render({}) == "Llamar al %(phone)s"
