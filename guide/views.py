"""The level-of-care guide: questions and, once answered, the kinds of care that may fit."""
from django.shortcuts import render
from django.urls import reverse

from articles.models import Article
from guide.advice import advise
from guide.forms import LevelOfCareForm


def level_of_care(request):
    """Ask a handful of plain questions; answer with guidance. Nothing is stored or remembered."""
    form = LevelOfCareForm(request.GET or None)
    context = {"form": form, "advice": None}
    if form.is_bound:
        answers = form.answers()
        context["ignored"] = sorted(form.errors)
        if any(answers.values()):
            advice = advise(answers)
            published = Article.objects.published().filter(slug__in=advice.article_slugs).only("slug", "title")
            articles = {article.slug: article for article in published}
            search_page = reverse("directory:program-search")
            for option in advice.options:
                option.search_url = f"{search_page}?{advice.search_query_for(option)}"
            context.update({
                "advice": advice,
                "articles": [articles[slug] for slug in advice.article_slugs if slug in articles],
                "search_url": f"{reverse('directory:program-search')}?{advice.search_query}",
            })
    return render(request, "guide/level_of_care.html", context)
