"""Read the portal's templates and Python code the way a translator would, for the translation tests.

- `untranslated_template_text` finds words a visitor would see (text, alt/title/aria-label/placeholder
  attributes, string literals passed to includes and filters) that do not go through gettext.
- `template_msgids` and `python_msgids` list the messages the code asks gettext for at run time, so a
  test can check each has a Spanish translation in the .po.
"""
import ast
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.base import Lexer, TokenType
from django.templatetags.i18n import BlockTranslateNode, TranslateNode

from portal.translations import jinja_messages

PROJECT = Path(settings.BASE_DIR)
# Staff pages stay English (the admin and the import pages built on it).
STAFF_TEMPLATE_PREFIXES = ("admin/", "opendata/")
# Where the portal's public Python code lives (the apps, not tests, benchmarks or the virtualenv).
SKIP_DIRS = {".venv", "tests", "bench", "migrations", "staticfiles", ".pgdata", "node_modules", ".git"}

VISIBLE_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description", "aria-roledescription",
                      "label"}
PLACEHOLDER = "\x01"
# A literal that reads as words ("Talk to someone now"), not a format ("F j, Y") or a name ("cta-top").
WORDS = re.compile(r"[^\W\d_]{2,}[,.:;!?]?\s+[^\W\d_]{2,}")
STRING_LITERAL = re.compile(r"""(_\(\s*)?("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
_QUOTED = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
NGETTEXT_CALL = re.compile(rf"ngettext\(\s*{_QUOTED}\s*,\s*{_QUOTED}")
LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Finding:
    template: str
    text: str

    def __str__(self) -> str:
        return f"{self.template}: {self.text!r}"


def public_templates() -> dict[str, Path]:
    """Template name -> file, for every template the public pages can render (first match wins)."""
    engine = engines["django"].engine
    folders = [Path(folder) for folder in engine.dirs]
    for loader in engine.template_loaders:
        for directory in getattr(loader, "get_dirs", lambda: [])():
            folders.append(Path(directory))
    found: dict[str, Path] = {}
    for folder in folders:
        folder = folder.resolve()
        if (not folder.is_dir() or PROJECT not in folder.parents
                or any(part.startswith(".") or part == "site-packages" for part in folder.relative_to(PROJECT).parts)):
            continue  # Django's and other packages' own templates (a virtualenv may sit inside the project)
        for path in sorted(folder.rglob("*.html")):
            name = path.relative_to(folder).as_posix()
            if not name.startswith(STAFF_TEMPLATE_PREFIXES):
                found.setdefault(name, path)
    return found


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and (name in VISIBLE_ATTRIBUTES or (name == "content" and attributes.get("name") == "description")
                          or (name == "value" and attributes.get("type") in {"submit", "button", "reset"})):
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.texts.append(data)


def _visible_words(pieces: list[str]) -> list[str]:
    """The texts a visitor reads in a template's output (its tags and variables as PLACEHOLDER)."""
    parser = _VisibleText()
    parser.feed("".join(pieces))
    parser.close()
    texts = (" ".join(text.replace(PLACEHOLDER, " ").split()) for text in parser.texts)
    return [text for text in texts if LETTER.search(text)]


def _literal_problems(contents: str) -> list[str]:
    """String literals inside a tag or variable that read as words and are not wrapped in _() (or
    given to ngettext() as its singular and plural)."""
    contents = NGETTEXT_CALL.sub("ngettext(", contents)
    problems = []
    for match in STRING_LITERAL.finditer(contents):
        wrapped, literal = match.group(1), match.group(2)[1:-1]
        if not wrapped and WORDS.search(literal):
            problems.append(literal)
    return problems


def untranslated_template_text(source: str) -> list[str]:
    """Words in a template's output that do not go through {% translate %} or {% blocktranslate %}."""
    pieces: list[str] = []
    problems: list[str] = []
    closing: set[str] | None = None
    for token in Lexer(source).tokenize():
        if closing is not None:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] in closing:
                closing = None
            continue
        if token.token_type == TokenType.TEXT:
            pieces.append(token.contents)
        elif token.token_type == TokenType.VAR:
            problems += _literal_problems(token.contents)
            pieces.append(PLACEHOLDER)
        elif token.token_type == TokenType.BLOCK:
            tag = token.contents.split()[0]
            if tag in {"blocktranslate", "blocktrans"}:
                closing = {"endblocktranslate", "endblocktrans"}
            elif tag == "comment":
                closing = {"endcomment"}
            elif tag not in {"translate", "trans", "url", "static", "load", "extends", "block", "language",
                             "querystring", "csrf_token", "now"}:
                # include "x.html" with heading="..." and friends: the template name is not text.
                problems += _literal_problems(re.sub(r"^\s*\w+\s+(\"[^\"]*\"|'[^']*')", "", token.contents))
            pieces.append(PLACEHOLDER)
    return problems + _visible_words(pieces)


def untranslated_templates() -> list[Finding]:
    return [
        Finding(name, text)
        for name, path in public_templates().items()
        for text in untranslated_template_text(path.read_text(encoding="utf-8"))
    ] + [
        Finding(f"jinja2/{name}", text)
        for name, path in jinja_templates().items()
        for text in untranslated_jinja_text(path.read_text(encoding="utf-8"))
    ]


def jinja_templates() -> dict[str, Path]:
    """Template name -> file, for the Jinja2 templates (jinja2/, config/jinja.py)."""
    found: dict[str, Path] = {}
    for folder in engines["jinja2"].template_dirs:
        for path in sorted(Path(folder).rglob("*.html")):
            found.setdefault(path.relative_to(folder).as_posix(), path)
    return found


def untranslated_jinja_text(source: str) -> list[str]:
    """Words in a Jinja2 template's output that do not go through _()."""
    pieces: list[str] = []
    problems: list[str] = []
    expression: list[str] = []
    for _line, kind, value in engines["jinja2"].env.lex(source):
        if kind == "data":
            pieces.append(value)
        elif kind in {"variable_begin", "block_begin"}:
            expression = []
        elif kind in {"variable_end", "block_end"}:
            problems += _literal_problems("".join(expression))
            pieces.append(PLACEHOLDER)
        elif kind not in {"comment_begin", "comment", "comment_end", "whitespace"}:
            expression.append(value)
    return problems + _visible_words(pieces)


@dataclass(frozen=True)
class Message:
    msgid: str
    plural: str | None
    context: str | None
    where: str


def _literal(expression) -> str | None:
    var = getattr(expression, "var", expression)
    return getattr(var, "literal", None) if not isinstance(var, str) else var


def template_msgids() -> list[Message]:
    """Every message the public templates hand to gettext, exactly as Django asks for it."""
    engine = engines["django"].engine
    messages: list[Message] = []
    for name, path in public_templates().items():
        source = path.read_text(encoding="utf-8")
        nodelist = engine.from_string(source).nodelist
        for node in nodelist.get_nodes_by_type(TranslateNode):
            msgid = _literal(node.filter_expression)
            if isinstance(msgid, str):
                # As Django asks for it: {% translate %} doubles a literal's percent signs.
                msgid = msgid.replace("%", "%%")
                context = _literal(node.message_context) if node.message_context else None
                messages.append(Message(msgid, None, context, name))
        for node in nodelist.get_nodes_by_type(BlockTranslateNode):
            singular, _vars = node.render_token_list(node.singular)
            plural = node.render_token_list(node.plural)[0] if node.plural else None
            context = _literal(node.message_context) if node.message_context else None
            messages.append(Message(singular, plural, context, name))
        for match in re.finditer(r"""_\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\)""", source):
            messages.append(Message(match.group(1)[1:-1], None, None, name))
    for name, path in jinja_templates().items():
        for msgid, plural in jinja_messages(path.read_text(encoding="utf-8")):
            messages.append(Message(msgid, plural, None, f"jinja2/{name}"))
    return messages


GETTEXT_FUNCTIONS = {
    "_": ("msgid",), "gettext": ("msgid",), "gettext_lazy": ("msgid",), "gettext_noop": ("msgid",),
    "ngettext": ("msgid", "plural"), "ngettext_lazy": ("msgid", "plural"),
    "pgettext": ("context", "msgid"), "pgettext_lazy": ("context", "msgid"),
    "npgettext": ("context", "msgid", "plural"), "npgettext_lazy": ("context", "msgid", "plural"),
}


def python_files() -> list[Path]:
    found = []
    for folder, subfolders, files in os.walk(PROJECT):
        subfolders[:] = [name for name in subfolders if name not in SKIP_DIRS and not name.startswith(".")]
        found += [Path(folder) / name for name in files if name.endswith(".py")]
    return sorted(found)


def python_msgids() -> list[Message]:
    """Every literal message in a gettext call of the portal's Python code."""
    messages: list[Message] = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            roles = GETTEXT_FUNCTIONS.get(name)
            if not roles or len(node.args) < len(roles):
                continue
            values = dict(zip(roles, node.args))
            if not all(isinstance(values[role], ast.Constant) and isinstance(values[role].value, str)
                       for role in roles):
                continue
            messages.append(Message(
                values["msgid"].value,
                values["plural"].value if "plural" in values else None,
                values["context"].value if "context" in values else None,
                f"{path.relative_to(PROJECT)}:{node.lineno}",
            ))
    return messages
