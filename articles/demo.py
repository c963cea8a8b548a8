"""Read the demo articles in fixtures/articles/*.md and load them as published articles.

Each file starts with a front-matter block between two '---' lines:

    title: How buprenorphine works
    slug: buprenorphine
    summary: One or two sentences.
    topics: Medications; Choosing a program
    directory_label: Find programs offering buprenorphine near you
    directory_query: medication=BU
    sources:
      - Title of the source | https://example.org/page
    faq:
      - A question? | Its answer.

and the Markdown body follows. Articles in another language than English (fixtures/articles/es/)
also say so, and name their English counterpart by slug:

    language: es
    counterpart: buprenorphine

Every file says when its facts were last checked, and either names the clinical reviewer's staff
account (its user name) or says it is demo content, which the page then says too. It may give the
re-review date (a year after the review otherwise) and the statements that hold only until a rule
ends, with that date:

    reviewed: 2026-12-07
    reviewer: aruiz            (or: demo: yes)
    review_due: 2026-12-31
    expires:
      - Telehealth flexibilities for buprenorphine | 2026-12-31
"""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ExpiringFact, FaqEntry, Language, Reviewer, Source, Topic
from portal.slugs import unique_slug

ARTICLES_DIR = Path(settings.BASE_DIR) / "fixtures" / "articles"
DEMO_PUBLISHED_AT = datetime.datetime(2026, 10, 1, 9, 0, tzinfo=datetime.UTC)

SCALAR_KEYS = {
    "title", "slug", "summary", "topics", "directory_label", "directory_query",
    "language", "counterpart", "reviewer", "reviewed", "review_due", "demo",
}
LIST_KEYS = {"sources", "faq", "expires"}
REQUIRED_KEYS = {"title", "slug", "summary", "reviewed"}
YES, NO = {"yes", "true"}, {"no", "false", ""}

# The demo topics in index order: name, description, and both in Spanish.
TOPICS = [
    ("Understanding addiction",
     "What opioid use disorder is, why it happens, and the signs that someone may be using.",
     "Entender la adicción",
     "Qué es el trastorno por consumo de opioides, por qué pasa y las señales de que alguien puede estar consumiendo."),
    ("Withdrawal and detox",
     "What withdrawal feels like, how long it lasts, and what should come after detox.",
     "Abstinencia y desintoxicación",
     "Cómo se siente la abstinencia, cuánto dura y qué debe venir después de la desintoxicación."),
    ("Medications",
     "How methadone, buprenorphine and naltrexone work, and how to choose between them.",
     "Medicamentos",
     "Cómo funcionan la metadona, la buprenorfina y la naltrexona, y cómo escoger entre ellas."),
    ("Types of care",
     "Hospital, residential, intensive outpatient and outpatient care, and what each one involves.",
     "Tipos de tratamiento",
     "Hospital, tratamiento residencial, ambulatorio intensivo y ambulatorio: qué incluye cada uno."),
    ("Therapy and support",
     "Counseling, group and family therapy, peer support, and care for mental health and trauma.",
     "Terapia y apoyo",
     "Consejería, terapia de grupo y de familia, apoyo de pares y atención para la salud mental y el trauma."),
    ("Safety and overdose",
     "How to recognise an overdose, use naloxone, and lower the risks while someone is still using.",
     "Seguridad y sobredosis",
     "Cómo reconocer una sobredosis, usar la naloxona y bajar los riesgos mientras alguien todavía consume."),
    ("Recovery",
     "Life after treatment: aftercare, staying well, and what to do if old habits come back.",
     "Recuperación",
     "La vida después del tratamiento: seguir cuidándose y qué hacer si vuelven los viejos hábitos."),
    ("Paying for care",
     "Insurance, Medicaid, sliding fees and free programs, and how to ask about cost.",
     "Cómo pagar el tratamiento",
     "Seguro médico, Medicaid, tarifas según ingresos y programas gratis, y cómo preguntar el precio."),
    ("Choosing a program",
     "Questions to ask a program, and the warning signs of one to avoid.",
     "Escoger un programa",
     "Preguntas para hacerle a un programa y las señales de uno que conviene evitar."),
    ("Families and loved ones",
     "How to help someone you care about, and how to look after yourself while you do.",
     "Familias y seres queridos",
     "Cómo ayudar a alguien que usted quiere y cómo cuidarse usted mientras lo hace."),
]


class ArticleFileError(ValueError):
    """A demo article file that cannot be read; the message names the file and line."""


@dataclass
class ArticleRecord:
    path: Path
    title: str
    slug: str
    summary: str
    body: str
    topics: list[str] = field(default_factory=list)
    directory_label: str = ""
    directory_query: str = ""
    sources: list[tuple[str, str]] = field(default_factory=list)
    faq: list[tuple[str, str]] = field(default_factory=list)
    language: str = Language.ENGLISH.value
    counterpart: str = ""
    reviewer: str = ""  # the user name of a clinical reviewer's staff account
    reviewed: datetime.date | None = None
    review_due: datetime.date | None = None
    demo: bool = False
    expires: list[tuple[str, datetime.date]] = field(default_factory=list)


def parse_article_file(path: Path) -> ArticleRecord:
    """Read one article file: its front matter and Markdown body."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ArticleFileError(f"{path.name}: cannot read the file ({error}).") from error
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ArticleFileError(f"{path.name}: the file must start with a '---' line.")
    try:
        end = next(n for n in range(1, len(lines)) if lines[n].strip() == "---")
    except StopIteration:
        raise ArticleFileError(f"{path.name}: the front matter has no closing '---' line.") from None

    values: dict[str, str] = {}
    lists: dict[str, list[tuple[str, str]]] = {key: [] for key in LIST_KEYS}
    current_list: str | None = None
    for number, line in enumerate(lines[1:end], start=2):
        if not line.strip():
            continue
        if line.startswith((" ", "\t")):
            item = line.strip()
            if current_list is None or not item.startswith("- "):
                raise ArticleFileError(f"{path.name}, line {number}: unexpected indented line.")
            lists[current_list].append(_split_item(item[2:], current_list, f"{path.name}, line {number}"))
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or key not in SCALAR_KEYS | LIST_KEYS:
            raise ArticleFileError(f"{path.name}, line {number}: unknown front-matter line {line[:40]!r}.")
        if key in LIST_KEYS:
            current_list = key
            if value.strip():
                raise ArticleFileError(f"{path.name}, line {number}: list items go on their own '  - ' lines.")
        else:
            current_list = None
            values[key] = value.strip()
    missing = sorted(key for key in REQUIRED_KEYS if not values.get(key))
    if missing:
        raise ArticleFileError(f"{path.name}: missing {', '.join(missing)} in the front matter.")
    body = "\n".join(lines[end + 1:]).strip() + "\n"
    language = values.get("language", Language.ENGLISH.value)
    if language not in Language.values:
        raise ArticleFileError(f"{path.name}: unknown language {language!r}; use one of {', '.join(Language.values)}.")
    reviewed = _date(values, "reviewed", path)
    review_due = _date(values, "review_due", path)
    demo = values.get("demo", "").lower()
    if demo not in YES | NO:
        raise ArticleFileError(f"{path.name}: 'demo' must be yes or no.")
    if demo in NO and not values.get("reviewer"):
        raise ArticleFileError(
            f"{path.name}: name the clinical reviewer's staff account (reviewer: user name), or mark it 'demo: yes'."
        )
    expires = []
    for statement, until in lists["expires"]:
        try:
            expires.append((statement, datetime.date.fromisoformat(until)))
        except ValueError:
            raise ArticleFileError(f"{path.name}: an 'expires' item ends with a date such as 2026-12-31.") from None
    return ArticleRecord(
        path=path,
        title=values["title"],
        slug=values["slug"],
        summary=values["summary"],
        body=body,
        topics=[name.strip() for name in values.get("topics", "").split(";") if name.strip()],
        directory_label=values.get("directory_label", ""),
        directory_query=values.get("directory_query", ""),
        sources=lists["sources"],
        faq=lists["faq"],
        language=language,
        counterpart=values.get("counterpart", ""),
        reviewer=values.get("reviewer", ""),
        reviewed=reviewed,
        review_due=review_due,
        demo=demo in YES,
        expires=expires,
    )


def _date(values: dict[str, str], key: str, path: Path) -> datetime.date | None:
    if not values.get(key):
        return None
    try:
        return datetime.date.fromisoformat(values[key])
    except ValueError:
        raise ArticleFileError(f"{path.name}: '{key}' must be a date such as 2026-12-01.") from None


def _split_item(text: str, kind: str, where: str) -> tuple[str, str]:
    # A source's URL has no spaces, so split at the last bar; an answer may contain one, so the first.
    first, sep, second = text.rpartition(" | ") if kind in {"sources", "expires"} else text.partition(" | ")
    if not sep or not first.strip() or not second.strip():
        raise ArticleFileError(f"{where}: write the item as 'text | text'.")
    return first.strip(), second.strip()


def article_files(directory: Path = ARTICLES_DIR) -> list[Path]:
    """The article files in the folder and in its language subfolders (es/), English first."""
    return sorted(directory.glob("*.md")) + sorted(directory.glob("*/*.md"))


def ensure_topics(names: list[str]) -> dict[str, Topic]:
    """The topics with these names, created when missing (known demo topics get their descriptions).

    A known topic that has no Spanish name or description yet gets the demo's.
    """
    known = {name: (position, rest) for position, (name, *rest) in enumerate(TOPICS, start=1)}
    topics = {}
    for name in names:
        position, (description, name_es, description_es) = known.get(name, (len(TOPICS) + 1, ("", "", "")))
        topic = Topic.objects.filter(name=name).first()
        if topic is None:
            topic = Topic.objects.create(
                name=name, slug=_unique_topic_slug(name), description=description, position=position,
                name_es=name_es, description_es=description_es,
            )
        elif (name_es and not topic.name_es) or (description_es and not topic.description_es):
            topic.name_es = topic.name_es or name_es
            topic.description_es = topic.description_es or description_es
            topic.save(update_fields=["name_es", "description_es"])
        topics[name] = topic
    return topics


def _unique_topic_slug(name: str) -> str:
    return unique_slug(name, Topic.objects.all(), max_length=100, fallback="topic")


@transaction.atomic
def load_article_records(
    records: list[ArticleRecord],
    *,
    progress: Callable[[ArticleRecord, bool], None] | None = None,
) -> tuple[int, int]:
    """Create or update published articles by slug, with their topics, sources and FAQ entries.

    Each record carries its own review date, and a reviewer account or the demo mark. Counterparts are linked once
    every record is saved, so a Spanish file may name an English one loaded in the same run (or
    already in the database). Running it twice gives the same result. Returns (created, updated).
    Raises ArticleFileError when a record fails validation; nothing is kept then.
    """
    topics = ensure_topics(sorted({name for record in records for name in record.topics}))
    created = updated = 0
    publish_at = min(timezone.now(), DEMO_PUBLISHED_AT)
    for record in records:
        article = Article.objects.filter(slug=record.slug).first()
        is_new = article is None
        if is_new:
            article = Article(slug=record.slug, publish_date=publish_at)
        article.title = record.title
        article.summary = record.summary
        article.body = record.body
        article.language = record.language
        article.status = Article.Status.PUBLISHED
        article.publish_date = article.publish_date or publish_at
        article.last_reviewed = record.reviewed
        article.review_due = record.review_due
        article.reviewer = _reviewer(record)
        article.demo = record.demo
        article.directory_label = record.directory_label
        article.directory_query = record.directory_query
        try:
            article.full_clean()
        except ValidationError as error:
            raise ArticleFileError(f"{record.path.name}: {_describe(error)}") from error
        article.save()
        article.topics.set([topics[name] for name in record.topics])
        article.sources.all().delete()
        article.faq_entries.all().delete()
        for position, (title, url) in enumerate(record.sources, start=1):
            source = Source(article=article, title=title, url=url, position=position)
            try:
                source.full_clean()
            except ValidationError as error:
                raise ArticleFileError(f"{record.path.name}: source {title!r}: {_describe(error)}") from error
            source.save()
        FaqEntry.objects.bulk_create(
            FaqEntry(article=article, question=question, answer=answer, position=position)
            for position, (question, answer) in enumerate(record.faq, start=1)
        )
        article.expiring_facts.all().delete()
        ExpiringFact.objects.bulk_create(
            ExpiringFact(article=article, statement=statement, expires_on=until) for statement, until in record.expires
        )
        created += is_new
        updated += not is_new
        if progress:
            progress(record, is_new)
    for record in records:
        if record.counterpart:
            _link_counterpart(record)
    return created, updated


def _reviewer(record: ArticleRecord) -> Reviewer | None:
    if not record.reviewer:
        return None
    reviewer = Reviewer.objects.filter(user__username=record.reviewer, user__is_staff=True).first()
    if reviewer is None:
        raise ArticleFileError(
            f"{record.path.name}: no clinical reviewer has the staff account {record.reviewer!r}; add one in the admin."
        )
    return reviewer


def _link_counterpart(record: ArticleRecord) -> None:
    article = Article.objects.get(slug=record.slug)
    other = Article.objects.filter(slug=record.counterpart).first()
    if other is None:
        raise ArticleFileError(f"{record.path.name}: no article has the counterpart slug {record.counterpart!r}.")
    if article.translation_of_id == other.pk:
        return
    # A link in the other direction (from an earlier load) gives way to the one this file declares.
    Article.objects.filter(pk__in=[article.pk, other.pk], translation_of__in=[article.pk, other.pk]).update(
        translation_of=None
    )
    article.translation_of = other
    try:
        article.full_clean()
    except ValidationError as error:
        raise ArticleFileError(f"{record.path.name}: counterpart: {_describe(error)}") from error
    article.save(update_fields=["translation_of"])


def load_demo_articles(directory: Path = ARTICLES_DIR, **options) -> tuple[int, int]:
    """Parse every article file in the folder, then load them all in one transaction."""
    records = [parse_article_file(path) for path in article_files(directory)]
    slugs = [record.slug for record in records]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:
        raise ArticleFileError(f"Two files use the same slug: {', '.join(duplicates)}.")
    return load_article_records(records, **options)


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)
