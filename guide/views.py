"""The level-of-care guide: questions and, once answered, the kinds of care that may fit."""
from django.shortcuts import render
from django.urls import reverse

from articles.models import Article, language_code
from guide.advice import advise
from guide.forms import LevelOfCareForm
from safety import danger


def level_of_care(request):
    """Ask a handful of plain questions; answer with guidance. Nothing is stored or remembered."""
    form = LevelOfCareForm(request.GET or None)
    context = {"form": form, "advice": None}
    if form.is_bound:
        answers = form.answers()
        context["ignored"] = sorted(form.errors)
        # Thoughts of suicide or self-harm: 988 first, at the top of the page (templates/includes/danger_panel.html).
        if "self_harm" in answers.get("safety", []):
            context["danger_kinds"] = [danger.SUICIDE]
        if any(answers.values()):
            advice = advise(answers)
            articles = articles_for(advice.article_slugs)
            search_page = reverse("directory:program-search")
            for option in advice.options:
                option.search_url = f"{search_page}?{advice.search_query_for(option)}"
            context.update({
                "advice": advice,
                "articles": [articles[slug] for slug in advice.article_slugs if slug in articles],
                "search_url": f"{reverse('directory:program-search')}?{advice.search_query}",
            })
    return render(request, "guide/level_of_care.html", context)


def articles_for(slugs: list[str]) -> dict[str, Article]:
    """The published articles the advice names (by English slug), in the page's language where one exists."""
    published = Article.objects.published()
    found: dict[str, Article] = {}
    if language_code() != "en":
        translated = published.in_language().filter(translation_of__slug__in=slugs).select_related("translation_of")
        found = {article.translation_of.slug: article for article in translated}
    missing = [slug for slug in slugs if slug not in found]
    found.update({article.slug: article for article in published.filter(slug__in=missing)})
    return found
