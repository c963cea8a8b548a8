"""Guards for the three places that lean on Django or django-filter internals (issue 22).

Each test fails if a library upgrade changes what the code relies on, so the upgrade is noticed here
rather than as a wrong page:

- meetings: a `.values()` queryset made to yield card objects by setting its `_iterable_class`
  (meetings.cards.CardMeetings, set in meetings.views);
- portal.filtering.ShallowCopiedFilters: FilterSet instances deep-copy `base_filters`, a filter keeps
  its built form field in `_field` and its `extra` keyword arguments in a dict;
- directory.results.fetch_ids: a queryset's SQL compiled with `query.sql_with_params()` and run on the cursor.
"""
import django_filters
import pytest
from django.db.models.query import ValuesIterable

from directory.models import Program
from meetings.cards import CardMeetings
from meetings.models import Meeting
from portal.filtering import ShallowCopiedFilters
from tests.factories import make_program


@pytest.mark.django_db
def test_a_values_queryset_yields_what_its_iterable_class_makes():
    from tests.meetings.factories import make_meeting

    make_meeting(name="Guarded meeting")
    queryset = Meeting.objects.values("pk", "name")
    assert queryset._iterable_class is ValuesIterable  # what CardMeetings extends

    class Named(ValuesIterable):
        def __iter__(self):
            for row in super().__iter__():
                yield ("named", row["name"])

    queryset._iterable_class = Named
    assert list(queryset) == [("named", "Guarded meeting")]
    assert issubclass(CardMeetings, ValuesIterable)


class _Filters(django_filters.FilterSet):
    name = django_filters.CharFilter(method="by_name", max_length=40)

    class Meta:
        model = Program
        fields = []

    def by_name(self, queryset, name, value):
        return queryset.filter(name=value)


_Filters.base_filters = ShallowCopiedFilters(_Filters.base_filters)


@pytest.mark.django_db
def test_filtersets_deep_copy_their_filters_through_the_shallow_copy():
    make_program(name="Guarded program")
    first, second = _Filters({"name": "Guarded program"}), _Filters({})
    assert first.filters["name"] is not second.filters["name"] is not _Filters.base_filters["name"]
    assert first.filters["name"].extra["max_length"] == 40
    assert first.filters["name"].extra is not _Filters.base_filters["name"].extra
    assert first.filters["name"].field.max_length == 40  # built on demand and kept in _field, which the copy drops
    assert "_field" in first.filters["name"].__dict__
    assert "_field" not in second.filters["name"].__dict__
    assert [program.name for program in first.qs] == ["Guarded program"]  # the method is bound to the copy


@pytest.mark.django_db
def test_a_querysets_compiled_sql_reads_the_same_ids():
    from directory.results import fetch_ids

    wanted = make_program(name="Guarded program")
    make_program(name="Other program")
    queryset = Program.objects.filter(name="Guarded program").values_list("pk", flat=True)
    assert fetch_ids(queryset) == list(queryset) == [wanted.pk]
