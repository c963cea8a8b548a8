"""The article search form: the one place that decides what a search parameter means."""
from django import forms

from articles.search import MAX_SEARCH_LENGTH


class ArticleSearchForm(forms.Form):
    q = forms.CharField(
        label="Search articles",
        required=False,
        max_length=MAX_SEARCH_LENGTH,
        error_messages={
            "max_length": f"Your search was longer than {MAX_SEARCH_LENGTH} characters, so we ignored it.",
            "null_characters_not_allowed": "Your search contained characters we cannot read, so we ignored it.",
        },
    )

    def search_text(self) -> str:
        """The valid search text, or '' when there is none or it was ignored."""
        if not self.is_valid():
            return ""
        return self.cleaned_data["q"].strip()
