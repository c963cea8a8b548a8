"""The guide's questions: a handful of plain choices, all optional, sent as a GET address."""
from django import forms
from django.utils.translation import gettext_lazy as _

LAST_USE = [
    ("today", _("Today or yesterday")),
    ("week", _("In the past week")),
    ("month", _("In the past month")),
    ("longer", _("More than a month ago")),
]
WITHDRAWAL = [
    ("hard", _("Very hard: vomiting for days, confusion, a seizure, or I could not get through it without help")),
    ("some", _("Uncomfortable, but I got through it at home")),
    ("none", _("No withdrawal so far, or I am not sure")),
]
OTHER_SUBSTANCES = [
    ("alcohol", _("Drinking alcohol every day")),
    ("sedatives", _("Taking benzodiazepines (such as Xanax, Valium or Klonopin) or sleeping pills most days")),
]
SAFETY = [
    ("overdose", _("An overdose in the past year, or someone had to use naloxone (Narcan)")),
    ("self_harm", _("Thoughts of suicide or of hurting yourself")),
    ("unsafe_home", _("Not safe at home: violence, threats, or someone pushing you to use")),
]
HOME = [
    ("support", _("A stable home, with someone who supports recovery")),
    ("alone", _("A stable home, but little support, or drugs are used around me")),
    ("none", _("No stable place to stay")),
]
MEDICATION = [
    ("taking", _("Already taking methadone or buprenorphine and want to keep going")),
    ("want", _("Would like to start a medication")),
    ("unsure", _("Not sure yet: I would like to know more")),
    ("no", _("Would rather not take a medication")),
]
CONDITIONS = [
    ("pregnant", _("Pregnant, or might be")),
    ("mental_health", _("Depression, anxiety, trauma or another mental health condition")),
    ("pain", _("Long-lasting pain")),
    ("under_18", _("Under 18 years old")),
]
NEEDS = [
    ("work", _("Need to keep working, studying or caring for children")),
    ("transport", _("Hard to get to appointments")),
]
INSURANCE = [
    ("medicaid", _("Medicaid")),
    ("medicare", _("Medicare")),
    ("private", _("Private insurance, through work or bought yourself")),
    ("military", _("TRICARE or VA")),
    ("none", _("No insurance")),
]


class LevelOfCareForm(forms.Form):
    """Each question may be skipped; a value the form does not know is ignored, never an error page."""

    last_use = forms.ChoiceField(label=_("When were opioids last used?"), choices=LAST_USE, required=False,
                                 widget=forms.RadioSelect)
    withdrawal = forms.ChoiceField(label=_("How has withdrawal gone before?"), choices=WITHDRAWAL, required=False,
                                   widget=forms.RadioSelect)
    other = forms.MultipleChoiceField(label=_("Anything else used regularly?"), choices=OTHER_SUBSTANCES,
                                      required=False, widget=forms.CheckboxSelectMultiple)
    safety = forms.MultipleChoiceField(label=_("Is any of this true right now?"), choices=SAFETY, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    home = forms.ChoiceField(label=_("Where do you live now?"), choices=HOME, required=False,
                             widget=forms.RadioSelect)
    medication = forms.ChoiceField(label=_("Medication for opioid use disorder"), choices=MEDICATION,
                                   required=False, widget=forms.RadioSelect)
    conditions = forms.MultipleChoiceField(label=_("Does any of this apply?"), choices=CONDITIONS, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    needs = forms.MultipleChoiceField(label=_("What does treatment need to fit around?"), choices=NEEDS,
                                      required=False, widget=forms.CheckboxSelectMultiple)
    insurance = forms.ChoiceField(label=_("How would you pay?"), choices=INSURANCE, required=False,
                                  widget=forms.RadioSelect)

    def answers(self) -> dict:
        """The answers that were valid (the others left out), as plain values."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or ([] if isinstance(field, forms.MultipleChoiceField) else "")
                for name, field in self.fields.items()}
