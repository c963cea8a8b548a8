"""The public program search: a FilterSet whose form decides what every query parameter means."""
from __future__ import annotations

import time
from dataclasses import dataclass

import django_filters
from django import forms
from django.db import connection
from django.db.models import F

from directory.models import Category, Program, Term
from places.filters import NearFilter, PlaceSearchMixin, RadiusFilter
from places.states import STATE_CHOICES_BY_NAME

SORT_CHOICES = [
    ("distance", "Nearest first"),
    ("relevance", "Best match"),
    ("name", "Name (A–Z)"),
    ("verified", "Most recently verified"),
]
MAX_TEXT = 200


@dataclass
class CategoryChoices:
    """A taxonomy category with its terms, loaded once per search."""

    category: Category
    terms: list[Term]


TAXONOMY_CACHE_SECONDS = 60
_taxonomy_cache: dict = {}


def load_categories() -> list[CategoryChoices]:
    """The taxonomy in form order, read at most once a minute per process (and again after staff
    edit it in this process): every search needs it, and it changes rarely."""
    now = time.monotonic()
    cached = _taxonomy_cache.get("categories")
    if cached is not None and now - cached[0] < TAXONOMY_CACHE_SECONDS:
        return cached[1]
    terms_by_category: dict[int, list[Term]] = {}
    for term in Term.objects.select_related("category").order_by("position", "name"):
        terms_by_category.setdefault(term.category_id, []).append(term)
    categories = [
        CategoryChoices(category, terms_by_category.get(category.pk, []))
        for category in Category.objects.all()
        if terms_by_category.get(category.pk)
    ]
    _taxonomy_cache["categories"] = (now, categories)
    return categories


def terms_by_id() -> dict[int, Term]:
    """Every term of the cached taxonomy, by primary key."""
    return {term.pk: term for entry in load_categories() for term in entry.terms}


def forget_taxonomy(**kwargs) -> None:
    """Drop the cached taxonomy (connected to saves and deletes of categories and terms)."""
    _taxonomy_cache.clear()


class ProgramFilterSet(PlaceSearchMixin, django_filters.FilterSet):
    """Search programs by place, distance, keywords, state, services and availability.

    Services are one multi-select per taxonomy category (its `param`): any of the ticked terms within
    a category, all categories together.
    """

    near = NearFilter()
    radius = RadiusFilter()
    q = django_filters.CharFilter(label="Keywords", method="filter_keywords", max_length=MAX_TEXT)
    state = django_filters.ChoiceFilter(
        label="State", choices=STATE_CHOICES_BY_NAME, method="filter_state"
    )
    accepting = django_filters.BooleanFilter(
        label="Accepting new patients",
        method="filter_accepting",
        widget=forms.CheckboxInput,
    )
    meetings = django_filters.BooleanFilter(
        label="Support group meetings nearby",
        method="filter_nothing",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(label="Sort by", choices=SORT_CHOICES, method="filter_nothing", empty_label=None)

    class Meta:
        model = Program
        fields: list[str] = []

    def __init__(self, data=None, *args, categories: list[CategoryChoices] | None = None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.categories = categories if categories is not None else load_categories()
        self.term_ids_by_param: dict[str, dict[str, int]] = {}
        for entry in self.categories:
            param = entry.category.param
            self.term_ids_by_param[param] = {term.code: term.pk for term in entry.terms}
            self.filters[param] = django_filters.MultipleChoiceFilter(
                field_name=param,
                label=entry.category.name,
                choices=[(term.code, term.name) for term in entry.terms],
                method="filter_category",
                widget=forms.CheckboxSelectMultiple,
            )
            self.filters[param].parent = self
            self.filters[param].model = Program

    # Filter methods: each delegates to a ProgramQuerySet method.

    def filter_nothing(self, queryset, name, value):
        """Handled together with other fields in filter_queryset."""
        return queryset

    def filter_keywords(self, queryset, name, value):
        return queryset.search(value) if value and value.strip() else queryset

    def filter_state(self, queryset, name, value):
        return queryset.filter(state=value) if value else queryset

    def filter_accepting(self, queryset, name, value):
        return queryset.filter(accepting_new_patients=True) if value else queryset

    def filter_category(self, queryset, name, value):
        ids = [self.term_ids_by_param[name][code] for code in value if code in self.term_ids_by_param[name]]
        return queryset.offering(ids) if ids else queryset

    # Whole-search logic.

    @property
    def keywords(self) -> str:
        return (self.cleaned("q", "")).strip()

    @property
    def sort_order(self) -> str:
        chosen = self.cleaned("sort", "")
        if chosen == "distance" and not self.place:
            chosen = ""
        if chosen == "relevance" and not self.keywords:
            chosen = ""
        return chosen or ("distance" if self.place else "relevance" if self.keywords else "name")

    def selected_term_ids(self) -> dict[str, list[int]]:
        """The ticked terms per category parameter (valid ones only)."""
        return {
            param: [codes[c] for c in self.cleaned(param, []) if c in codes]
            for param, codes in self.term_ids_by_param.items()
            if self.cleaned(param)
        }

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        order = {
            "distance": [F("distance").asc(), "name"],
            "relevance": [F("rank").desc(), "name"],
            "name": ["name"],
            "verified": [F("last_verified").desc(nulls_last=True), "name"],
        }[self.sort_order]
        return queryset.order_by(*order, "pk")

    def base_queryset(self):
        """The search with every filter applied except the service categories."""
        self.form.errors
        queryset = self.queryset
        for name, value in getattr(self.form, "cleaned_data", {}).items():
            if name in self.term_ids_by_param or name not in self.filters or value in (None, "", [], ()):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def facet_counts(self) -> dict[int, int]:
        """How many programs each term would leave, keeping the choices made in other categories.

        One query: for the programs that pass every non-category filter, unnest their service ids and
        count each term among the programs that match every *other* category's choices, so ticking
        one more option in a category ("any of") never shows a misleading zero.
        """
        selected = self.selected_term_ids()
        categories = {entry.category.param: entry.category.pk for entry in self.categories}
        sql, params = self.base_queryset().order_by().values_list("term_ids").query.sql_with_params()
        flags: dict[int, str] = {}
        flag_params: list = []
        for param, ids in selected.items():
            flags[categories[param]] = "(sub.term_ids && %s::integer[])"
            flag_params.append(ids)
        if flags:
            order = list(flags)
            cases, case_params = [], []
            for category_id in order:
                others = [flags[c] for c in order if c != category_id]
                cases.append(f"WHEN {int(category_id)} THEN {' AND '.join(others) or 'TRUE'}")
                case_params.extend(ids for c, ids in zip(order, flag_params) if c != category_id)
            condition = f"CASE t.category_id {' '.join(cases)} ELSE {' AND '.join(flags[c] for c in order)} END"
            condition_params = case_params + flag_params
        else:
            condition, condition_params = "TRUE", []
        query = f"""
            SELECT u.term_id, count(*)
            FROM ({sql}) AS sub(term_ids)
            CROSS JOIN LATERAL unnest(sub.term_ids) AS u(term_id)
            JOIN {Term._meta.db_table} t ON t.id = u.term_id
            WHERE {condition}
            GROUP BY u.term_id
        """
        with connection.cursor() as cursor:
            cursor.execute(query, [*params, *condition_params])
            return dict(cursor.fetchall())
