"""The pieces of jinja2/ lists kept per process (portal.fragments.kept): keyed on every value they
show and the language, let go at the bound, never kept while templates reload, and named once."""
import re
from pathlib import Path

from django.template import engines
from django.utils import translation

from portal import fragments

JINJA = Path(__file__).resolve().parents[2] / "jinja2"


def piece(template: str):
    module = engines["jinja2"].env.from_string(template).make_module()
    return getattr(module, re.search(r"macro (\w+)", template).group(1))


def test_a_piece_is_made_once_for_the_same_values_and_again_for_others(monkeypatch):
    monkeypatch.setattr(fragments, "_kept", {})
    calls = []
    show = piece('{% macro show(name, count) %}<p>{{ name }}: {{ count }}</p>{% endmacro %}')

    def counted(*values):
        calls.append(values)
        return show(*values)

    counted.name = "show"
    assert fragments.kept(counted, "Naloxone <kit>", 3) == "<p>Naloxone &lt;kit&gt;: 3</p>"
    assert fragments.kept(counted, "Naloxone <kit>", 3) == "<p>Naloxone &lt;kit&gt;: 3</p>"
    assert fragments.kept(counted, "Naloxone <kit>", 4) == "<p>Naloxone &lt;kit&gt;: 4</p>"
    assert calls == [("Naloxone <kit>", 3), ("Naloxone <kit>", 4)]


def test_a_piece_is_made_again_in_another_language(monkeypatch):
    monkeypatch.setattr(fragments, "_kept", {})
    show = piece('{% macro label() %}{{ _("Accepting new patients") }}{% endmacro %}')
    with translation.override("en"):
        assert fragments.kept(show) == "Accepting new patients"
    with translation.override("es"):
        assert fragments.kept(show) == "Acepta pacientes nuevos"


def test_past_the_bound_every_piece_is_let_go(monkeypatch):
    monkeypatch.setattr(fragments, "_kept", {})
    monkeypatch.setattr(fragments, "KEPT_MOST", 3)
    show = piece("{% macro show(n) %}{{ n }}{% endmacro %}")
    for n in range(3):
        fragments.kept(show, n)
    assert len(fragments._kept) == 3
    assert fragments.kept(show, 99) == "99"
    assert len(fragments._kept) == 1


def test_nothing_is_kept_while_templates_reload(monkeypatch):
    monkeypatch.setattr(fragments, "_kept", {})
    show = piece("{% macro show(n) %}{{ n }}{% endmacro %}")
    assert fragments.kept(show, 1, reloading=True) == "1"
    assert fragments._kept == {}


def test_every_macro_has_a_name_of_its_own_across_the_templates():
    """kept() keys a piece by its macro's name: no two templates may define a macro of the same name."""
    defined: dict[str, list[str]] = {}
    for path in JINJA.rglob("*.html"):
        for name in re.findall(r"{%-?\s*macro\s+(\w+)\s*\(", path.read_text(encoding="utf-8")):
            defined.setdefault(name, []).append(str(path.relative_to(JINJA)))
    assert {"listing", "fieldset", "meeting_card", "meeting_card_end", "menu_options"} <= set(defined), defined
    assert {name: where for name, where in defined.items() if len(where) > 1} == {}
