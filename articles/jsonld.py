"""schema.org structured data for article pages and the FAQ page."""
from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext

from articles.models import Article, FaqEntry


def article(article: Article, request) -> dict:
    """Describe an article as a schema.org MedicalWebPage."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": article.title,
        "headline": article.title,
        "description": article.summary,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "inLanguage": article.language,
        "audience": {"@type": "Audience", "audienceType": gettext("Patients, families and caregivers")},
        "publisher": {"@type": "Organization", "name": settings.PORTAL_NAME},
        "dateModified": article.updated.isoformat(),
    }
    if article.publish_date:
        data["datePublished"] = article.publish_date.isoformat()
    if article.last_reviewed:
        data["lastReviewed"] = article.last_reviewed.isoformat()
    if article.reviewer:
        data["reviewedBy"] = {
            "@type": "Person", "name": article.reviewer.name, "honorificSuffix": article.reviewer.credentials,
        }
    counterpart = article.public_counterpart
    if counterpart is not None:
        key = "translationOfWork" if article.translation_of_id else "workTranslation"
        data[key] = {
            "@type": "MedicalWebPage",
            "url": request.build_absolute_uri(counterpart.get_absolute_url()),
            "inLanguage": counterpart.language,
        }
    topics = [topic.localized_name for topic in article.topics.all()]
    if topics:
        data["about"] = [{"@type": "Thing", "name": name} for name in topics]
    sources = list(article.sources.all())
    if sources:
        data["citation"] = [{"@type": "CreativeWork", "name": s.title, "url": s.url} for s in sources]
    return data


def faq_page(entries: list[FaqEntry], request) -> dict:
    """Describe questions and answers as a schema.org FAQPage."""
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "url": request.build_absolute_uri(request.path),
        "mainEntity": [
            {
                "@type": "Question",
                "name": entry.question,
                "acceptedAnswer": {"@type": "Answer", "text": entry.answer},
            }
            for entry in entries
        ],
    }
