"""The public program search: a FilterSet whose form decides what every query parameter means."""
from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from directory.hours import OPEN_CHOICES, OPEN_WEEKENDS, WEEKEND_DAYS
from directory.models import Category, Program, Term, kept_answer
from places import geo
from places.filters import NearFilter, PlaceSearchMixin, RadiusFilter
from places.states import STATE_CHOICES_BY_NAME
from portal import caching
from portal.filtering import ReusedFormMixin, ShallowCopiedFilters, SharedChoices
from understanding import fellowships
from understanding.vocabulary import ANY_PARAM, Vocabulary

SORT_CHOICES = [
    ("", _("Nearest first")),
    ("distance", _("Nearest first")),
    ("relevance", _("Best match")),
    ("name", _("Name (A–Z)")),
    ("verified", _("Most recently verified")),
]
ORDERINGS = {
    "distance": [F("distance").asc(), "name"],
    "relevance": [F("rank").desc(), "name"],
    "name": ["name"],
    "verified": [F("last_verified").desc(nulls_last=True), "name"],
}
MAX_TEXT = 200
# Words people type that no listing records: read (understanding/data/choices.json) and shown as
# a note on the page, never dropped silently and never a filter that would hide every program.
UNFILTERED_CHOICES = (
    ("walk-in", _("“Walk in” is not a filter: listings do not say which programs take walk-ins. Call to ask.")),
)
# ANY_PARAM ("any"): terms of several categories, any of which will do (understanding/data/word_classes.json)
# Telehealth, in the "setting" category: ticked alone with a place, the search lists the telehealth
# programs serving the place's state instead of the programs within a distance.
SETTING_PARAM = "setting"
TELEHEALTH_CODE = "TELE"


@dataclass
class CategoryChoices:
    """A taxonomy category with its terms, loaded once per search."""

    category: Category
    terms: list[Term]


TAXONOMY_CACHE_SECONDS = 60
TAXONOMY_CACHE_KEY = "directory:taxonomy"


def load_categories() -> list[CategoryChoices]:
    """The taxonomy in form order, from the cache: every search needs it, and it changes rarely.
    Staff edits clear it (signals.py); it is read again at least once a minute."""
    return caching.shared(TAXONOMY_CACHE_KEY, read_categories, TAXONOMY_CACHE_SECONDS)


def read_categories() -> list[CategoryChoices]:
    """The taxonomy in form order, read from the database: categories that have terms, with them."""
    terms_by_category: dict[int, list[Term]] = {}
    for term in Term.objects.select_related("category").order_by("position", "name"):
        terms_by_category.setdefault(term.category_id, []).append(term)
    categories = [
        CategoryChoices(category, terms_by_category.get(category.pk, []))
        for category in Category.objects.all()
        if terms_by_category.get(category.pk)
    ]
    return categories


# The cached taxonomy's terms by id, and how many times this process has seen the taxonomy change.
_terms_by_id: tuple[list[CategoryChoices] | None, dict[int, Term], int] = (None, {}, 0)


def terms_by_id() -> dict[int, Term]:
    """Every term of the cached taxonomy, by primary key (the same dict while the taxonomy is unchanged)."""
    global _terms_by_id
    categories = load_categories()
    if _terms_by_id[0] is not categories:
        terms = {term.pk: term for entry in categories for term in entry.terms}
        _terms_by_id = (categories, terms, _terms_by_id[2] + 1)
    return _terms_by_id[1]


def taxonomy_generation() -> int:
    """A number that changes whenever this process reads a changed taxonomy: with the term ids of a
    card, it says which services and names the card shows (directory.cards.ProgramListing)."""
    terms_by_id()
    return _terms_by_id[2]


_vocabulary: tuple[list[CategoryChoices] | None, tuple, Vocabulary | None] = (None, (), None)


def vocabulary() -> Vocabulary:
    """The words the keyword box understands: the cached taxonomy's terms and the fellowships the
    meeting app provides (understanding.fellowships), made again when either changes."""
    global _vocabulary
    categories, provided = load_categories(), fellowships.current()
    held = _vocabulary
    if held[0] is not categories or len(held[1]) != len(provided) or any(
        old is not new for old, new in zip(held[1], provided)
    ):
        extra = fellowships.treatment_entries(fellowship for listed in provided for fellowship in listed)
        terms = (term for entry in categories for term in entry.terms)
        held = _vocabulary = (categories, provided, Vocabulary.from_terms(terms, extra))
    return held[2]


def forget_taxonomy(**kwargs) -> None:
    """Drop the cached taxonomy, and so the vocabulary (connected to saves and deletes of categories and terms)."""
    caching.forget(TAXONOMY_CACHE_KEY)


_filter_parts: dict[str | None, tuple[list[CategoryChoices], list[tuple], SharedChoices]] = {}


def _held_filter_parts(categories: list[CategoryChoices]) -> tuple:
    language = get_language()
    held = _filter_parts.get(language)
    if held is None or held[0] is not categories:
        parts = [
            (entry.category.param, {term.code: term.pk for term in entry.terms}, entry.category.localized_name,
             SharedChoices((term.code, term.localized_name) for term in entry.terms))
            for entry in categories
        ]
        any_codes = SharedChoices((code, code) for _param, term_ids, _label, _choices in parts for code in term_ids)
        held = _filter_parts[language] = (categories, parts, any_codes)
    return held


def category_filter_parts(categories: list[CategoryChoices]) -> list[tuple]:
    """(param, {code: term id}, label, choices) of each category's filter, in the active language;
    made once per taxonomy and language (every search builds these filters)."""
    return _held_filter_parts(categories)[1]


def any_term_choices(categories: list[CategoryChoices]) -> SharedChoices:
    """Every term's code as a choice of the "any of these terms" filter, made with category_filter_parts."""
    return _held_filter_parts(categories)[2]


class ProgramSearchForm(forms.Form):
    """The search's inputs that are not filters (the order, the meetings box), and the one place
    that settles how they combine with the filters."""

    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    meetings = forms.BooleanField(label=_("Support group meetings nearby"), required=False)

    def clean(self):
        data = super().clean()
        chosen = data.get("sort") or ""
        place, keywords = data.get("near"), (data.get("q") or "").strip()
        # An order that cannot apply (distance without a place, relevance without keywords) falls
        # back to the default: nearest first with a place, best match with keywords, else by name.
        if (chosen == "distance" and not place) or (chosen == "relevance" and not keywords):
            chosen = ""
        data["order"] = chosen or ("distance" if place else "relevance" if keywords else "name")
        # Meetings are listed near a place; without one the page says how to see them.
        data["meetings_nearby"] = bool(data.get("meetings") and place)
        return data


class ProgramFilterSet(ReusedFormMixin, PlaceSearchMixin, django_filters.FilterSet):
    """Search programs by place, distance, keywords, state, services and availability.

    Services are one multi-select per taxonomy category (its `param`): any of the ticked terms within
    a category, all categories together.
    """

    near = NearFilter()
    radius = RadiusFilter()
    q = django_filters.CharFilter(label=_("Keywords"), method="filter_keywords", max_length=MAX_TEXT)
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=SharedChoices(STATE_CHOICES_BY_NAME), method="filter_state"
    )
    accepting = django_filters.BooleanFilter(
        label=_("Accepting new patients"),
        method="filter_accepting",
        widget=forms.CheckboxInput,
    )
    open = django_filters.MultipleChoiceFilter(
        label=_("Opening hours"), choices=OPEN_CHOICES, method="filter_open", widget=forms.CheckboxSelectMultiple,
    )
    same_day = django_filters.BooleanFilter(
        label=_("Usually seen the same day"), method="filter_same_day", widget=forms.CheckboxInput,
    )
    unfiltered = django_filters.MultipleChoiceFilter(
        label=_("Words not used as filters"), choices=UNFILTERED_CHOICES, method="filter_unfiltered",
    )
    class Meta:
        model = Program
        fields: list[str] = []
        form = ProgramSearchForm

    def __init__(self, data=None, *args, categories: list[CategoryChoices] | None = None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.categories = categories if categories is not None else load_categories()
        self.term_ids_by_param: dict[str, dict[str, int]] = {}
        for param, term_ids, label, choices in category_filter_parts(self.categories):
            self.term_ids_by_param[param] = term_ids
            self.filters[param] = django_filters.MultipleChoiceFilter(
                field_name=param, label=label, choices=choices, method="filter_category",
                widget=forms.CheckboxSelectMultiple,
            )
            self.filters[param].parent = self
            self.filters[param].model = Program
        # Any of these terms, whatever their category: what one word means across categories ("veterans").
        self.filters[ANY_PARAM] = django_filters.MultipleChoiceFilter(
            field_name=ANY_PARAM, label=_("Any of"), choices=any_term_choices(self.categories), method="filter_any",
        )
        self.filters[ANY_PARAM].parent = self
        self.filters[ANY_PARAM].model = Program

    def form_class_sources(self) -> tuple:
        # The service fields come from the taxonomy: a new one (after an edit) makes a new form class.
        return (self.categories,)

    @property
    def parameters(self) -> set[str]:
        """Every query parameter this search reads: its filters and its form's other inputs."""
        return set(self.filters) | set(ProgramSearchForm.base_fields)

    @classmethod
    def parameter_names(cls) -> set[str]:
        """The same without building a FilterSet (which copies every filter and form field)."""
        categories = {entry.category.param for entry in load_categories()}
        return set(cls.base_filters) | set(ProgramSearchForm.base_fields) | categories | {ANY_PARAM}

    # Filter methods: each delegates to a ProgramQuerySet method.

    def filter_keywords(self, queryset, name, value):
        return queryset.search(value) if value and value.strip() else queryset

    def filter_state(self, queryset, name, value):
        return queryset.filter(state=value) if value else queryset

    def filter_accepting(self, queryset, name, value):
        return queryset.filter(accepting_new_patients=True) if value else queryset

    def filter_open(self, queryset, name, value):
        # Programs with weekly hours (on a weekend day, for "weekend"); the view reads the hours of
        # those found on each program's own clock at the search's time (directory.hours.keeps).
        if not value:
            return queryset
        return queryset.listing_hours(WEEKEND_DAYS if value == [OPEN_WEEKENDS] else None)

    def filter_same_day(self, queryset, name, value):
        return queryset.seen_same_day() if value else queryset

    def filter_unfiltered(self, queryset, name, value):
        return queryset  # shown as notes on the page (directory.search.search_notices)

    def filter_any(self, queryset, name, value):
        ids = [ids[code] for code in value for ids in self.term_ids_by_param.values() if code in ids]
        return queryset.offering(ids) if ids else queryset

    def filter_category(self, queryset, name, value):
        ids = [self.term_ids_by_param[name][code] for code in value if code in self.term_ids_by_param[name]]
        return queryset.offering(ids) if ids else queryset

    # Whole-search logic.

    @property
    def keywords(self) -> str:
        return (self.cleaned("q", "")).strip()

    @property
    def sort_order(self) -> str:
        """The order in effect (settled by the form's clean())."""
        self.form.is_valid()  # validate once: cleaned_data is set from here on
        order = getattr(self.form, "cleaned_data", {}).get("order") or (
            "distance" if self.place else "relevance" if self.keywords else "name"
        )
        if order == "distance" and self.telehealth_only:
            return "relevance" if self.keywords else "name"  # no distance: nobody travels
        return order

    @property
    def telehealth_state(self) -> str:
        """The state of the searched place: its telehealth programs are listed whatever the distance."""
        place = self.place
        return geo.state_of(place) if place is not None else ""

    @property
    def telehealth_only(self) -> bool:
        """Telehealth is the only setting ticked, with a place: the search lists the programs that see
        residents of the place's state by telehealth, not programs within a distance."""
        return self.cleaned(SETTING_PARAM, []) == [TELEHEALTH_CODE] and bool(self.telehealth_state)

    def _filtered(self, queryset, *, skip=()):
        """`queryset` under every filter with a value but those named in `skip`; the place's distance
        becomes the telehealth programs serving its state when the search asks only for telehealth."""
        telehealth_only = self.telehealth_only
        for name, value in getattr(self.form, "cleaned_data", {}).items():
            if name in skip or name not in self.filters or value in (None, "", [], ()):
                continue
            if name == "near" and telehealth_only:
                queryset = queryset.serving_by_telehealth(self.telehealth_state)
            else:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def statewide_telehealth(self):
        """The programs serving the searched place's state by telehealth, under the search's other
        filters, whatever the distance, by name; None without a place or when the search lists
        only them already (telehealth_only)."""
        if not self.lists_statewide_telehealth:
            return None
        return self._filtered(self.queryset, skip={"near"}).serving_by_telehealth(self.telehealth_state).order_by(
            "name", "pk"
        )

    @property
    def lists_statewide_telehealth(self) -> bool:
        """A place was searched, and not for telehealth alone: its state's telehealth programs get a section."""
        return bool(self.telehealth_state) and not self.telehealth_only

    def selected_term_ids(self) -> dict[str, list[int]]:
        """The ticked terms per category parameter (valid ones only)."""
        return {
            param: [codes[c] for c in self.cleaned(param, []) if c in codes]
            for param, codes in self.term_ids_by_param.items()
            if self.cleaned(param)
        }

    def filter_queryset(self, queryset):
        """Apply each filter to its cleaned value (the form's other inputs are not filters), then
        the order the form settled on."""
        return self._filtered(queryset).order_by(*ORDERINGS[self.sort_order], "pk")

    def base_queryset(self):
        """The search with every filter applied except the service categories."""
        self.form.is_valid()  # validate once: cleaned_data is set from here on
        return self._filtered(self.queryset, skip=set(self.term_ids_by_param))

    def facet_counts(self, at_most: int | None = None) -> dict[int, int] | None:
        """How many programs each term would leave, keeping the choices made in other categories
        (None when that means counting over more than `at_most` programs). Kept for a minute, or until
        the listings change (directory.querysets.kept_answer)."""
        categories = {entry.category.param: entry.category.pk for entry in self.categories}
        chosen = {categories[param]: ids for param, ids in self.selected_term_ids().items()}
        return kept_answer("counts", (self.question(), chosen, at_most),
                           lambda: self.base_queryset().term_counts(chosen, at_most=at_most))

    def question(self, *, skip=()) -> tuple:
        """What this search's filters ask, as plain values (every filter with a value but those in
        `skip`): the key its answers are kept under, so that they are read without building the query."""
        self.form.is_valid()  # validate once: cleaned_data is set from here on
        data = getattr(self.form, "cleaned_data", {})
        return tuple(
            (name, repr(data[name])) for name in sorted(data)
            if name in self.filters and name not in skip and data[name] not in (None, "", [], ())
        )


ProgramFilterSet.base_filters = ShallowCopiedFilters(ProgramFilterSet.base_filters)
