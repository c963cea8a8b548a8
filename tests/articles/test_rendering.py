"""Markdown rendering and sanitising: a staff member's paste can never run script on the public site."""
import pytest

from articles.rendering import TABLE_LABEL, render_markdown, sanitise_html
from tests.articles.factories import make_article

pytestmark = pytest.mark.django_db

HOSTILE_BODY = """\
## Safe heading

<script>alert('script tag')</script>
<iframe src="https://evil.example/frame">iframe text</iframe>
<img src="x" onerror="alert('img')">
<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">
<p onclick="alert('click')" style="color:red">Paragraph with handlers</p>
<a href="javascript:alert('js')">js link</a>
<a href="JaVaScRiPt:alert('mixed case')">mixed case link</a>
<a href="java&#x09;script:alert('encoded')">encoded link</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>
<a href="vbscript:msgbox('x')">vbscript link</a>
<svg onload="alert('svg')"><circle r="1"></circle></svg>
<object data="evil.swf"></object><embed src="evil.swf">
<style>body { display: none }</style>
<form action="https://evil.example"><input name="x"></form>
<div onmouseover="alert('div')">div text</div>
<math><mtext><script>alert('math')</script></mtext></math>
<!-- a comment <script>alert('comment')</script> -->

[markdown js link](javascript:alert('md'))

[markdown data link](data:text/html,<script>alert(1)</script>)

![image](https://tracker.example/pixel.png)

<a href="https://example.org/ok" target="_blank" rel="opener">fine link</a>
<a href="mailto:help@example.org">mail</a> <a href="tel:988">call 988</a>
<a href="/programs/?medication=BU">relative</a>
"""


def rendered_hostile() -> str:
    return make_article(body=HOSTILE_BODY).body_html


@pytest.mark.parametrize(
    "forbidden",
    [
        "<script", "</script", "alert(", "<iframe", "<img", "<svg", "<object", "<embed", "<style", "<form",
        "<input", "onerror", "onclick", "onload", "onmouseover", "javascript:", "JaVaScRiPt", "vbscript:",
        "data:", "style=", "target=", "opener\"", "tracker.example", "evil.example", "<math", "<!--", "table-scroll",
    ],
)
def test_hostile_markup_is_stripped_when_rendered(forbidden):
    assert forbidden.lower() not in rendered_hostile().lower()


def test_hostile_body_keeps_its_harmless_text_and_links():
    html = rendered_hostile()
    assert '<h2 id="section-safe-heading">Safe heading</h2>' in html
    assert "Paragraph with handlers" in html
    assert "<div>div text</div>" in html
    assert '<a href="https://example.org/ok" rel="noopener noreferrer">fine link</a>' in html
    assert '<a href="mailto:help@example.org" rel="noopener noreferrer">mail</a>' in html
    assert '<a href="tel:988" rel="noopener noreferrer">call 988</a>' in html
    assert '<a href="/programs/?medication=BU" rel="noopener noreferrer">relative</a>' in html
    # Links with forbidden schemes stay as text without a target.
    assert '<a rel="noopener noreferrer">js link</a>' in html


def test_the_public_page_shows_only_the_sanitised_body(client):
    article = make_article(body=HOSTILE_BODY)
    response = client.get(article.get_absolute_url())
    page = response.content.decode()
    body = page.split('<div class="article-body">')[1].split('<footer class="article-footer">')[0]
    for forbidden in ("<script", "<iframe", "onerror", "onclick", "javascript:", "data:", "<img", "style="):
        assert forbidden not in body
    assert "fine link" in body


def test_a_body_html_written_around_the_renderer_is_still_sanitised_on_display(client):
    article = make_article()
    written_around = "<p>ok</p><script>alert(1)</script><img src=x onerror=alert(2)>"
    type(article).objects.filter(pk=article.pk).update(body_html=written_around)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<p>ok</p>" in page
    assert "alert(1)" not in page and "onerror" not in page


def test_markdown_features_render():
    rendered = render_markdown(
        "# Top\n\n## Part one\n\nText with *emphasis*, `code` and a [link](https://example.org).\n\n"
        "> A quote\n\n1. first\n2. second\n\n| | A | B |\n|---|:-:|---|\n| row | 1 | 2 |\n"
    )
    html = rendered.html
    assert '<h2 id="section-top">Top</h2>' in html  # an h1 in a body becomes h2: the page has its title
    assert "<h1" not in html
    assert "<em>emphasis</em>" in html and "<code>code</code>" in html
    assert "<blockquote>" in html and "<ol>" in html
    assert f'<div class="table-scroll" role="region" tabindex="0" aria-label="{TABLE_LABEL}">' in html
    assert "<table>" in html and "<th>A</th>" in html and "</table></div>" in html
    assert "<td></td>" in html and "<th></th>" not in html  # empty corner cell is not a header
    assert "style=" not in html  # alignment styles would break the page's CSP


def test_only_the_table_wrapper_may_carry_div_attributes():
    html = sanitise_html('<div class="evil" role="button" tabindex="5" aria-label="x" onclick="y">text</div>')
    assert html == "<div>text</div>"


def test_heading_ids_never_collide_with_the_page_template():
    html = sanitise_html('<h2 id="main-content">x</h2><h3 id="section-ok">y</h3>')
    assert html == '<h2>x</h2><h3 id="section-ok">y</h3>'
    rendered = render_markdown("## Main content\n\ntext")
    assert 'id="main-content"' not in rendered.html
    assert 'id="section-main-content"' in rendered.html


def test_table_of_contents_only_for_articles_with_more_than_three_sections():
    short = make_article(body="## A\n\nx\n\n## B\n\ny\n\n## C\n\nz\n")
    long = make_article(body="## A & B\n\nx\n\n### Sub\n\nx\n\n## C\n\ny\n\n## D\n\nz\n\n## E\n\nw\n")
    assert short.table_of_contents == []
    assert [s["title"] for s in long.table_of_contents] == ["A & B", "C", "D", "E"]
    assert long.table_of_contents[0]["id"] == "section-a-b"


def test_reading_time_is_about_two_hundred_words_a_minute():
    assert make_article(body="word " * 50).reading_minutes == 1
    assert make_article(body="word " * 200).reading_minutes == 1
    assert make_article(body="word " * 201).reading_minutes == 2
    assert make_article(body="word " * 900).reading_minutes == 5
