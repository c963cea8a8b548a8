"""The meeting finder as a service: `MeetingSearch(params, language, now=...).run()` reads a search's
parameters (through MeetingFilterSet's form, the one place that validates them) and returns a plain
`MeetingSearchResult`: the page of meetings, the heading, the form's options, notices, or the address
to redirect to when the keywords were rewritten. Testable without a request; meetings.views.meeting_finder
only renders what it returns.

Also: the support-group meetings near a place, for other pages of the portal (the treatment search).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.cards import card_lists, prepare_cards
from meetings.filters import FIXED_CHOICES, MeetingFilterSet
from meetings.models import Attendance, Meeting
from meetings.results import PAGE_PARAM, CountedPaginator, paginate, public_meetings
from meetings.understanding import SINGLE, understand_meeting_words
from places import geo, timezones, weekdays
from portal.i18n import localized
from portal.notices import SEARCH_PHRASE, ignored_parameters
from safety import danger
from understanding.rewriting import rewritten_query

MAX_NOTICES = 6


def place_query(place: geo.Place) -> str:
    """What to put in the finder's `near` parameter to search the same place again."""
    if place.kind == "zip":
        return place.label.split(" ", 1)[0]
    if place.kind == "coordinates":
        return f"{place.latitude:.2f},{place.longitude:.2f}"
    return place.label


def relative_day(start: datetime.datetime, now: datetime.datetime) -> str:
    """'Today', 'Tomorrow' or the weekday of an aware datetime, judged by the clock of its own zone."""
    today = now.astimezone(start.tzinfo).date()
    days = (start.date() - today).days
    if days == 0:
        return _("Today")
    if days == 1:
        return _("Tomorrow")
    return str(weekdays.DAY_NAMES[weekdays.meeting_day(start.date())])


def when_label(meeting: Meeting, now: datetime.datetime) -> str:
    """'Today at 7:00 PM', 'Tomorrow at 7:00 AM' or 'Thursday at 12:00 PM', in the meeting's own clock."""
    start = meeting.next_start(now)
    return _("%(day)s at %(time)s") % {"day": relative_day(start, now), "time": time_format(start, "TIME_FORMAT")}


@dataclass
class NearbyMeetings:
    """The next in-person meetings near a place, and a link to see all of them in the finder."""

    place: geo.Place
    miles: int
    meetings: list[Meeting] = field(default_factory=list)
    finder_url: str = ""
    online_url: str = ""

    def __iter__(self):
        return iter(self.meetings)

    def __len__(self) -> int:
        return len(self.meetings)


def nearby_meetings(
    place: geo.Place, miles: float, limit: int = 5, *, now: datetime.datetime | None = None
) -> NearbyMeetings:
    """Active in-person and hybrid meetings within `miles` of `place`, the soonest to start first.

    Each meeting carries `distance` (miles) and `when_label` ('Today at 7:00 PM', in its own zone).
    """
    now = now or timezone.now()
    meetings = list(
        Meeting.objects.active()
        .attendance(Attendance.IN_PERSON)
        .near(place, miles)
        .with_starts_in(now)
        .select_related("fellowship")
        .defer("search_vector")
        .order_by("starts_in", "distance", "pk")[:limit]
    )
    for meeting in meetings:
        meeting.when_label = when_label(meeting, now)
    finder = reverse("meetings:finder")
    return NearbyMeetings(
        place=place,
        miles=int(miles),
        meetings=meetings,
        finder_url=f"{finder}?{urlencode({'near': place_query(place), 'radius': int(miles)})}",
        online_url=f"{finder}?{urlencode({'attendance': Attendance.ONLINE.value, 'day': 'today'})}",
    )


@dataclass
class MeetingSearchResult:
    """What a meeting search found, named as the page's template reads it (context())."""

    redirect: str | None = None  # the address to go to instead (the keywords were rewritten)
    filterset: MeetingFilterSet | None = None
    form: Any = None
    page: Page | None = None
    finder_url: str = ""
    feed_url: str = ""
    card_lists: Any = None
    paginator: Paginator | None = None
    page_range: list = field(default_factory=list)
    place: Any = None
    radius: int = 0
    mode: str = ""
    results_heading: str = ""
    day: int | None = None
    today: int | None = None
    searcher_zone: Any = None
    options: dict = field(default_factory=dict)
    filter_names: list[str] = field(default_factory=list)
    more_filter_names: list[str] = field(default_factory=list)
    chosen_fellowships: int = 0
    chosen_types: int = 0
    notices: list[str] = field(default_factory=list)
    place_suggestions: list[str] = field(default_factory=list)  # includes/place_unknown.html
    place_unknown: bool = False
    searched: bool = False
    pagination_query: QueryDict | None = None  # other pages keep every choice, the first visit's "today" too
    panel_open: bool = False
    danger_kinds: list = field(default_factory=list)
    danger_search: bool = False
    more_filters_open: bool = False

    def context(self) -> dict:
        """The template's context (meetings/finder.html)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "redirect"}


class MeetingSearch:
    """One meeting search: `params` (a query's parameters), read in `language`, at `now`; `path` is
    the finder's address that a rewritten search is sent to."""

    def __init__(self, params: QueryDict, language: str, *, now: datetime.datetime | None = None,
                 path: str | None = None):
        self.params = params
        self.language = language
        self.now = now or timezone.now()
        # A first visit shows today's meetings; the form's "Any day" sends day= and lists the whole week.
        self.data = params if set(params) - {danger.HELP_PARAM} else QueryDict("day=today")
        with translation.override(language):  # the form's labels and the listing's names in the language
            self.finder_url, self.feed_url = finder_urls(language, get_script_prefix(), get_urlconf())
            self.path = path or self.finder_url
            self.filterset = MeetingFilterSet(self.data, queryset=public_meetings(), now=self.now)

    @cached_property
    def redirect(self) -> str | None:
        """Where to send the search instead, or None. Words of danger: help first, then the search for
        what else was asked. Keywords that named the finder's choices: the search as those choices."""
        with translation.override(self.language):
            return self.crisis_url() or self.understood_url()

    def crisis_url(self) -> str | None:
        """When the keywords speak of danger (safety.danger): this search's address with the help to
        give first (`help`) and only the words that asked for something else, or None."""
        keywords = self.filterset.keywords  # empty when missing or invalid (the form explains those)
        reading = danger.read(keywords) if keywords else None
        if not reading:
            return None

        def asks(text: str) -> bool:
            understood = understand_meeting_words(text)
            return bool(understood.matches or understood.zip_code)

        params = danger.answered_query(self.params, reading, asks=asks, page_param=PAGE_PARAM)
        return f"{self.path}?{params.urlencode()}"

    def understood_url(self) -> str | None:
        """This search's address with what its keywords mean as the finder's choices (meetings.understanding),
        or None when the keywords need no rewriting."""
        keywords = self.filterset.keywords
        if not keywords:
            return None  # nothing to read, or a value the form will explain
        # The finder has no state choice: "aa maryland" keeps "maryland" as words to search.
        params = rewritten_query(
            self.params, understand_meeting_words(keywords), single=SINGLE, states=False, page_param=PAGE_PARAM
        )
        return None if params is None else f"{self.path}?{params.urlencode()}"

    def run(self) -> MeetingSearchResult:
        if self.redirect is not None:
            return MeetingSearchResult(redirect=self.redirect)
        with translation.override(self.language):
            return self._results()

    def _results(self) -> MeetingSearchResult:
        filterset, params = self.filterset, self.params
        notices = finder_notices(params, filterset)
        # A place that could not be found lists nothing: meetings from anywhere would only mislead.
        place_unknown = "near" in filterset.form.errors
        if place_unknown:
            paginator = CountedPaginator([], settings.PORTAL_PAGE_SIZE, count=0)
            page, page_notice = paginator.page(1), None
        else:
            page, paginator, page_notice = paginate(
                filterset.listing(), params.get(PAGE_PARAM), count_in_page=filterset.mode != "day"
            )
        if page_notice:
            notices.append(page_notice)
        page.object_list = prepare_cards(page.object_list, base_url=self.finder_url, mode=filterset.mode)
        heading = results_heading(filterset, paginator.count)
        if paginator.num_pages > 1:
            heading += _(", page %(number)s of %(pages)s") % {"number": page.number, "pages": paginator.num_pages}
        options = form_options(filterset)
        return MeetingSearchResult(
            filterset=filterset,
            form=filterset.form,
            page=page,
            finder_url=self.finder_url,
            feed_url=self.feed_url,
            card_lists=card_lists(page.object_list, by_day=filterset.mode == "day"),
            paginator=paginator,
            page_range=list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            place=filterset.place,
            radius=filterset.radius_miles,
            mode=filterset.mode,
            results_heading=heading,
            day=filterset.day_number,
            today=filterset.today,
            searcher_zone=filterset.zone,
            options=options,
            filter_names=filters_in_use(options, filterset.keywords),
            more_filter_names=filters_in_use(options, filterset.keywords, names=("fellowship", "type")),
            chosen_fellowships=len(filterset.cleaned("fellowship", [])),
            chosen_types=len(filterset.cleaned("type", [])),
            notices=notices[:MAX_NOTICES],
            place_suggestions=filterset.location_suggestions(),
            place_unknown=place_unknown,
            searched=bool(params),
            pagination_query=self.data,
            panel_open=set(params) <= {danger.HELP_PARAM} or place_unknown,
            danger_kinds=danger.help_kinds(params.getlist(danger.HELP_PARAM)),
            danger_search=bool(set(params) - {danger.HELP_PARAM}),
            more_filters_open=bool(
                filterset.cleaned("fellowship") or filterset.cleaned("type") or filterset.keywords
            ),
        )


@lru_cache(maxsize=64)
def finder_urls(language: str | None, prefix: str, urlconf) -> tuple[str, str]:
    """The finder's and the feed's addresses in a language (reversed once per process)."""
    return reverse("meetings:finder"), reverse("meetings:feed")


def results_heading(filterset: MeetingFilterSet, count: int) -> str:
    """'12 meetings within 25 miles on Wednesday (today)', '3 meetings in progress now', ..."""
    if not count:
        return _("No meetings match this search")
    parts = [ngettext("%(count)s meeting", "%(count)s meetings", count) % {"count": count}]
    mode, day = filterset.mode, filterset.day_number
    if mode == "distance":
        parts.append(_("within %(miles)s miles") % {"miles": filterset.radius_miles})
    if filterset.cleaned("when") == "soon":
        parts.append(_("starting within the next hour"))
    elif filterset.cleaned("when") == "now":
        parts.append(_("in progress now"))
    if day is not None:
        on_day = _("on %(day)s (today)") if day == filterset.today else _("on %(day)s")
        parts.append(on_day % {"day": weekdays.DAY_NAMES[day]})
    elif mode == "day":
        parts.append(_("this week, by day"))
    return " ".join(parts)


def form_options(filterset: MeetingFilterSet) -> dict:
    """Every choice on the search form as (value, label, chosen), worked out once for the template
    (tuples: the form's lists are kept by the values they show, jinja2/meetings/finder_fields.html)."""
    language = translation.get_language()

    def choices(name: str, chosen, labels=None) -> tuple[tuple[str, str, bool], ...]:
        chosen = str(chosen)
        return tuple(
            (value, (labels or {}).get(value, label), value == chosen) for value, label in fixed_choices(name, language)
        )

    attendance = filterset.cleaned("attendance", "") or (
        Attendance.ONLINE.value if filterset.attendance_mode == Attendance.ONLINE else ""
    )
    fellowships = set(filterset.cleaned("fellowship", []))
    types = set(filterset.cleaned("type", []))
    options = {
        "day": choices("day", filterset.cleaned("day", ""),
                       {"today": _("Today (%(day)s)") % {"day": weekdays.DAY_NAMES[filterset.today]}}),
        "time": choices("time", filterset.cleaned("time", "")),
        "when": choices("when", filterset.cleaned("when", "")),
        "attendance": choices("attendance", attendance),
        # Named in the page's language (the Spanish name where staff gave one), as the cards are.
        "fellowship": tuple(
            (f.slug, localized(f.name, f.name_es, language), f.slug in fellowships) for f in filterset.fellowships
        ),
        # The featured meeting types, and any others this search uses.
        "type": tuple(
            (t.code, localized(t.name, t.name_es, language), t.code in types)
            for t in filterset.types if t.featured or t.code in types
        ),
    }
    options["any_when"] = not any(chosen for _value, _label, chosen in options["when"])
    options["any_attendance"] = not any(chosen for _value, _label, chosen in options["attendance"])
    return options


@lru_cache(maxsize=64)
def fixed_choices(name: str, language: str | None) -> tuple[tuple[str, str], ...]:
    """A fixed choice of the form (FIXED_CHOICES) as (value, label) text in a language."""
    return tuple((str(value), str(label)) for value, label in FIXED_CHOICES[name] if value != "")


FILTER_OPTIONS = ("day", "time", "when", "attendance", "fellowship", "type")


def filters_in_use(options: dict, keywords: str, names=FILTER_OPTIONS) -> list[str]:
    """The labels of the chosen options, in form order (and the keywords): what "Filters (3)" stands for."""
    chosen = [label for name in names for _value, label, picked in options[name] if picked]
    if keywords and "fellowship" in names:
        chosen.append(f"“{keywords}”")
    return chosen


def finder_notices(params: QueryDict, filterset: MeetingFilterSet) -> list[str]:
    """Plain-language notes about every parameter the search ignored, and why."""
    notices = ignored_parameters(params, set(filterset.filters) | {PAGE_PARAM, danger.HELP_PARAM}, phrase=SEARCH_PHRASE)
    notices += danger.help_notices(params.getlist(danger.HELP_PARAM))
    for name, errors in filterset.form.errors.items():
        if name == "near":
            continue  # explained beside the location field, with suggestions
        field = filterset.form.fields.get(name)
        label = field.label if field is not None and field.label else name
        if name in {"day", "time", "when", "attendance", "radius"}:
            notices.append(_("%(label)s: we did not recognise that choice, so we ignored it.") % {"label": label})
        else:
            notices.append(_("%(label)s: %(errors)s We ignored it.") % {"label": label, "errors": " ".join(map(str, errors))})
    notices.extend(filterset.conflicts)
    for name, ignored in filterset.ignored_options().items():
        label = filterset.form.fields[name].label
        notices.append(ngettext(
            "%(label)s: we ignored %(count)s option we do not recognise.",
            "%(label)s: we ignored %(count)s options we do not recognise.",
            len(ignored),
        ) % {"label": label, "count": len(ignored)})
    if filterset.place and filterset.attendance_mode == Attendance.ONLINE:
        notices.append(_(
            "Online meetings can be joined from anywhere, so they are not limited by distance. "
            "Your place sets which day is today (%(zone)s)."
        ) % {"zone": timezones.zone_label(filterset.zone)})
    return notices
