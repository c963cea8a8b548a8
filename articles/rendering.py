"""Turn an article's Markdown into sanitised HTML, plain text and a table of contents."""
from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown
import nh3
from markdown.extensions.toc import slugify_unicode

WORDS_PER_MINUTE = 200
SECTION_ID_PREFIX = "section-"

# The only markup an article body may contain. Anything else (script, iframe, img, style, form,
# event handlers, style attributes) is removed; dangerous containers lose their content too.
ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr",
    "ul", "ol", "li",
    "a", "strong", "em", "b", "i", "code", "pre", "blockquote", "mark",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "div",  # only as the scrolling wrapper of a table: see ALLOWED_ATTRIBUTE_VALUES
}
REMOVED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea", "select"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
}
TABLE_LABEL = "Table (scroll sideways to see all of it)"
ALLOWED_ATTRIBUTE_VALUES = {
    "th": {"scope": {"col", "row", "colgroup", "rowgroup"}},
    "div": {"class": {"table-scroll"}, "role": {"region"}, "tabindex": {"0"}, "aria-label": {TABLE_LABEL}},
}
# A wide table scrolls inside its own keyboard-focusable region instead of widening a phone screen.
TABLE_WRAPPER = f'<div class="table-scroll" role="region" tabindex="0" aria-label="{TABLE_LABEL}">'
_TABLE_OPEN = re.compile(r"<table\b[^>]*>", re.IGNORECASE)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)
_EMPTY_TH = re.compile(r"<th>\s*</th>", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
# Characters the search uses to mark highlights; never kept in article text.
MARK_START = "\ue000"
MARK_STOP = "\ue001"


def _section_slug(value: str, separator: str) -> str:
    """Heading ids carry a prefix, so no article heading can take an id the page template uses."""
    return SECTION_ID_PREFIX + (slugify_unicode(value, separator) or "part")


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and not value.startswith(SECTION_ID_PREFIX):
        return None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=REMOVED_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
    attribute_filter=_keep_attribute,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


@dataclass
class RenderedBody:
    html: str
    text: str
    word_count: int
    sections: list[dict] = field(default_factory=list)

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)


def reading_minutes(word_count: int) -> int:
    """Minutes a reader needs at about 200 words a minute (at least one)."""
    return max(1, math.ceil(word_count / WORDS_PER_MINUTE)) if word_count else 1


def sanitise_html(fragment: str) -> str:
    """Keep only the allowed tags, attributes and link schemes. The only HTML ever marked safe."""
    return _cleaner.clean(fragment)


class _TextExtractor(HTMLParser):
    """Collect the text of sanitised HTML block by block, ending headings and list items like sentences."""

    BLOCKS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "td", "th", "caption", "blockquote", "pre", "tr", "br", "hr"}
    SENTENCE_LIKE = {"li", "h2", "h3", "h4", "h5", "h6", "td", "th", "caption"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []

    def handle_data(self, data: str) -> None:
        self.current.append(data)

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.BLOCKS:
            self._finish(None)

    def handle_endtag(self, tag) -> None:
        if tag in self.BLOCKS:
            self._finish(tag)

    def _finish(self, tag: str | None) -> None:
        text = _SPACE.sub(" ", "".join(self.current)).strip()
        self.current = []
        if not text:
            return
        if tag in self.SENTENCE_LIKE and text[-1] not in ".!?:;…":
            text += "."
        self.blocks.append(text)

    def text(self) -> str:
        self._finish(None)
        return " ".join(self.blocks)


def plain_text(fragment: str) -> str:
    """The readable text of an HTML fragment, on one line, without highlight markers."""
    extractor = _TextExtractor()
    extractor.feed(fragment)
    extractor.close()
    return extractor.text().replace(MARK_START, "").replace(MARK_STOP, "")


def render_markdown(source: str) -> RenderedBody:
    """Render Markdown (with tables and heading ids) and sanitise the result."""
    converter = markdown.Markdown(
        extensions=["tables", "toc", "sane_lists"],
        extension_configs={"toc": {"slugify": _section_slug, "toc_depth": "2-6"}},
        output_format="html",
    )
    raw = converter.convert(source or "")
    # Article pages have their own h1 (the title); an empty corner header cell names nothing.
    raw = _EMPTY_TH.sub("<td></td>", _H1.sub(r"<\1h2", raw))
    raw = _TABLE_CLOSE.sub("</table></div>", _TABLE_OPEN.sub(lambda m: TABLE_WRAPPER + m.group(0), raw))
    clean = sanitise_html(raw)
    text = plain_text(clean)
    ids_in_page = set(re.findall(r'<h2 id="([^"]+)"', clean))
    sections = [
        {"id": token["id"], "title": html.unescape(token["name"])}
        for token in _flatten(converter.toc_tokens)
        if token["level"] <= 2 and token["id"] in ids_in_page
    ]
    return RenderedBody(html=clean, text=text, word_count=len(text.split()), sections=sections)


def _flatten(tokens: list[dict]):
    for token in tokens:
        yield token
        yield from _flatten(token.get("children", []))
