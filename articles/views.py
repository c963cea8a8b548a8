"""Public article pages: the index, topics, articles, search and FAQ."""
from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from articles import jsonld
from articles.forms import ArticleSearchForm
from articles.models import Article, FaqEntry, Topic, language_code
from articles.search import highlight, search_articles
from portal.i18n import set_language_urls
from portal.notices import ignored_parameters, read_page_number
from safety import danger

PAGE_PARAM = "page"
PREVIEW_PARAM = "preview"
SEARCH_PAGE_SIZE = 10
RELATED_LIMIT = 4


@require_safe
def article_index(request):
    """Every published article in the page's language, grouped by topic."""
    published = Article.objects.published().in_language().order_by("title")
    topics = Topic.objects.prefetch_related(Prefetch("articles", queryset=published, to_attr="public_articles"))
    groups = [topic for topic in topics if topic.public_articles]
    return render(request, "articles/article_index.html", {
        "topics": groups,
        "other_articles": list(published.filter(topics__isnull=True)),
        "notices": ignored_parameters(request),
    })


@require_safe
def topic_detail(request, slug: str):
    """The published articles in the page's language on one topic."""
    topic = get_object_or_404(Topic, slug=slug)
    return render(request, "articles/topic_detail.html", {
        "topic": topic,
        "articles": list(topic.articles.published().in_language().order_by("title")),
        "other_topics": list(
            Topic.objects.exclude(pk=topic.pk)
            .filter(articles__in=Article.objects.published().in_language())
            .distinct()
        ),
        "notices": ignored_parameters(request),
    })


@require_safe
def article_detail(request, slug: str):
    """One article. Staff may preview an unpublished one with ?preview=1; everyone else gets a 404."""
    wants_preview = request.GET.get(PREVIEW_PARAM) == "1"
    # request.user is only looked at when a preview is asked for: other visits never touch the session.
    can_preview = wants_preview and request.user.is_active and request.user.is_staff
    articles = Article.objects.all() if can_preview else Article.objects.published()
    article = get_object_or_404(
        articles.select_related("translation_of", "translation", "reviewer")
        .prefetch_related("topics", "sources", "faq_entries"),
        slug=slug,
    )
    redirect_to = language_redirect(request, article)
    if redirect_to:
        return HttpResponsePermanentRedirect(redirect_to)
    topic_ids = [topic.pk for topic in article.topics.all()]
    related = (
        Article.objects.published()
        .filter(language=article.language, topics__in=topic_ids)
        .exclude(pk=article.pk)
        .annotate(shared=Count("topics", filter=Q(topics__in=topic_ids)))
        .order_by("-shared", "title")[:RELATED_LIMIT]
    )
    # The language link leads to the counterpart (another slug), else to the other language's library.
    set_language_urls(request, article.language_alternates(), fallbacks=library_in_each_language())
    return render(request, "articles/article_detail.html", {
        "article": article,
        "counterpart": article.public_counterpart,
        # The article's address in each language it exists in, for hreflang alternates.
        "language_alternates": article.language_alternates(),
        "is_preview": not article.is_public,
        "related": list(related),
        "structured_data": jsonld.article(article, request),
        "notices": ignored_parameters(request, {PREVIEW_PARAM}),
    })


def library_in_each_language() -> dict[str, str]:
    """The article index's address in each language."""
    urls = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls[code] = reverse("articles:index")
    return urls


def language_redirect(request, article: Article) -> str:
    """Where to send a visitor who reached an article under the other language's address, or ''.

    With language prefixes in the URL conf, /es/learn/<english-slug>/ is what the "Español" link
    makes of an English article's address: it leads to the Spanish counterpart when there is a public
    one, and otherwise to the article at its own address. Without prefixes every article's address
    is the request path and nothing is redirected.
    """
    own_url = article.get_absolute_url()
    if request.path == own_url:
        return ""
    counterpart = article.public_counterpart
    target = own_url
    if counterpart is not None and counterpart.language == language_code():
        target = counterpart.get_absolute_url()
    query = request.META.get("QUERY_STRING", "")
    return f"{target}?{query}" if query else target


@require_safe
def article_search(request):
    """Published articles matching the visitor's words, best first, with the matching passages."""
    form = ArticleSearchForm(request.GET if "q" in request.GET else None)
    notices = ignored_parameters(request, {"q", PAGE_PARAM})
    if form.is_bound and not form.is_valid():
        notices.extend(str(error) for error in form.errors.get("q", []))
    text = form.search_text()
    # Words of danger: help first (templates/includes/danger_panel.html), and no search for them.
    reading = danger.read(text)
    if reading:
        text = reading.rest
    paginator = Paginator(search_articles(text), SEARCH_PAGE_SIZE)
    page_number, page_notice = read_page_number(request.GET.get(PAGE_PARAM), paginator)
    if page_notice and text:
        notices.append(page_notice)
    page = paginator.page(page_number)
    results = [(article, highlight(article.headline)) for article in page]
    return render(request, "articles/search.html", {
        "form": form,
        "text": text,
        "page": page,
        "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "paginator": paginator,
        "results": results,
        "topics": Topic.objects.filter(articles__in=Article.objects.published().in_language()).distinct(),  # if no search
        "notices": notices,
        "danger_kinds": [kind for kind in danger.DANGER_KINDS if kind in reading.kinds],
        "danger_search": bool(reading and text),
    })


@require_safe
def faq(request):
    """The questions and answers of every published article in the page's language, grouped by article."""
    entries = list(
        FaqEntry.objects.filter(article__in=Article.objects.published().in_language())
        .select_related("article")
        .order_by("article__title", "position", "pk")
    )
    groups: dict[int, dict] = {}
    for entry in entries:
        groups.setdefault(entry.article_id, {"article": entry.article, "entries": []})["entries"].append(entry)
    return render(request, "articles/faq.html", {
        "groups": list(groups.values()),
        "structured_data": jsonld.faq_page(entries, request) if entries else None,
        "notices": ignored_parameters(request),
    })
