"""Builders for article tests: articles in any state, with topics, sources and FAQ entries."""
import datetime
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, FaqEntry, Reviewer, Source, Topic

_counter = itertools.count(1)


def make_topic(name: str | None = None, **fields) -> Topic:
    n = next(_counter)
    name = name or f"Test topic {n}"
    values = {"slug": f"test-topic-{n}", "description": f"About {name.lower()}.", "position": n}
    values.update(fields)
    return Topic.objects.create(name=name, **values)


def make_reviewer(name: str = "Test Reviewer", credentials: str = "MD", username: str | None = None) -> Reviewer:
    """A clinical reviewer with a staff account of their own (the same one for the same name)."""
    username = username or name.lower().replace(" ", "-")
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
    reviewer, _ = Reviewer.objects.get_or_create(user=user, defaults={"name": name, "credentials": credentials})
    return reviewer


def make_article(*, topics=(), sources=(), faq=(), **fields) -> Article:
    """Create an article, published a day ago unless told otherwise."""
    n = next(_counter)
    values = {
        "title": f"Test article {n}",
        "slug": f"test-article-{n}",
        "summary": f"A short summary of test article {n}.",
        "body": "## First part\n\nSome words about treatment.\n",
        "status": Article.Status.PUBLISHED,
        "publish_date": timezone.now() - datetime.timedelta(days=1),
        "last_reviewed": timezone.localdate() - datetime.timedelta(days=30),
    }
    values.update(fields)
    if "reviewer" not in values:
        values["reviewer"] = make_reviewer()
    article = Article.objects.create(**values)
    if topics:
        article.topics.set(topics)
    for position, (title, url) in enumerate(sources, start=1):
        Source.objects.create(article=article, title=title, url=url, position=position)
    for position, (question, answer) in enumerate(faq, start=1):
        FaqEntry.objects.create(article=article, question=question, answer=answer, position=position)
    return article

