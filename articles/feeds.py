"""An Atom feed of the newest published articles."""
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext

from articles.models import Article

FEED_LENGTH = 30


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return gettext("%(portal)s: articles") % {"portal": settings.PORTAL_NAME}

    def subtitle(self) -> str:
        return gettext("Plain-language articles about opioid use disorder, its treatment, and how to find help.")

    def link(self) -> str:
        return reverse("articles:index")

    def author_name(self) -> str:
        return settings.PORTAL_NAME

    def items(self):
        return (
            Article.objects.published()
            .in_language()
            .prefetch_related("topics")
            .order_by("-publish_date", "title")[:FEED_LENGTH]
        )

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        # Atom marks the summary type="html": plain text is escaped so a reader shows "<" and "&"
        # as written instead of running them as markup.
        return escape(item.summary)

    def item_pubdate(self, item: Article):
        return item.publish_date

    def item_updateddate(self, item: Article):
        return item.updated

    def item_categories(self, item: Article) -> list[str]:
        return [topic.localized_name for topic in item.topics.all()]
