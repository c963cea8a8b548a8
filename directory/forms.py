"""The public "Report a problem" form."""
from django import forms

from directory.models import ProblemReport


class ProblemReportForm(forms.ModelForm):
    """What is wrong with a listing; no name or contact details are asked for."""

    # A field people never see (hidden by CSS and from assistive technology); bots tend to fill it.
    website = forms.CharField(required=False, label="Leave this empty", max_length=200)

    class Meta:
        model = ProblemReport
        fields = ["kind", "details"]
        widgets = {
            "kind": forms.RadioSelect,
            "details": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }
        labels = {"details": "Tell us more (optional)"}
        help_texts = {"details": "For example the right phone number. Please do not include your name or health details."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One radio button per kind of problem, none ticked: a blank "---------" choice would read as
        # an answer and let an empty report through.
        self.fields["kind"].choices = ProblemReport.Kind.choices
