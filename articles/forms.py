"""The article search form: the one place that decides what a search parameter means."""
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from articles.search import MAX_SEARCH_LENGTH


class ArticleSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search articles"),
        required=False,
        max_length=MAX_SEARCH_LENGTH,
        error_messages={
            "max_length": format_lazy(
                _("Your search was longer than {} characters, so we ignored it."), MAX_SEARCH_LENGTH
            ),
            "null_characters_not_allowed": _("Your search contained characters we cannot read, so we ignored it."),
        },
    )

    def search_text(self) -> str:
        """The valid search text, or '' when there is none or it was ignored."""
        if not self.is_valid():
            return ""
        return self.cleaned_data["q"].strip()
