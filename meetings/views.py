"""Public pages for support-group meetings: the finder, a meeting's page, its calendar file, and the feed."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Window
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from meetings import ics
from meetings.feed import feed_chunks
from meetings.filters import DayListing, MeetingFilterSet
from meetings.models import Attendance, Fellowship, Meeting, MeetingType
from meetings.search import relative_day
from meetings.templatetags.meetings_tags import clock, started_ago, starts_in
from places import timezones, weekdays
from portal.notices import SEARCH_PHRASE, ignored_parameters, read_page_number

PAGE_PARAM = "page"
MAX_NOTICES = 6


def current_time():
    """Now (a separate function so that tests can fix the clock)."""
    return timezone.now()


class CountedPaginator(Paginator):
    """A paginator told its count (which came with the page, or from a count of its own)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def active_meetings():
    return Meeting.objects.active().select_related("fellowship").defer("search_vector")


LISTED_FIELDS = [
    "name", "slug", "days", "start_time", "end_time", "timezone", "location", "city", "state", "attendance",
    "last_verified", "fellowship__name",
]


def public_meetings():
    """Active meetings with the fields a list of results shows, and their type names (which PostgreSQL
    works out only for the rows on the page)."""
    type_names = MeetingType.objects.filter(meetings=OuterRef("pk")).order_by("name").values("name")
    return (
        Meeting.objects.active()
        .select_related("fellowship")
        .only(*LISTED_FIELDS)
        .annotate(type_names=ArraySubquery(type_names))
    )


def meeting_finder(request):
    """Find a meeting: near a place or online, on a day or right now, of a fellowship and type."""
    now = current_time()
    # A first visit shows today's meetings; the form's "Any day" sends day= and lists the whole week.
    data = request.GET if request.GET else QueryDict("day=today")
    filterset = MeetingFilterSet(data, queryset=public_meetings(), now=now)
    notices = finder_notices(request, filterset)
    page, paginator, page_notice = paginate(
        filterset.listing(), request.GET.get(PAGE_PARAM), count_in_page=filterset.mode != "day"
    )
    if page_notice:
        notices.append(page_notice)
    page.object_list = prepare_cards(page.object_list, list_days=filterset.mode != "day")
    heading = results_heading(filterset, paginator.count)
    if paginator.num_pages > 1:
        heading += f", page {page.number} of {paginator.num_pages}"
    options = form_options(filterset)
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page": page,
        "paginator": paginator,
        "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "place": filterset.place,
        "radius": filterset.radius_miles,
        "mode": filterset.mode,
        "results_heading": heading,
        "day": filterset.day_number,
        "today": filterset.today,
        "searcher_zone": filterset.zone,
        "options": options,
        "filter_names": filters_in_use(options, filterset.keywords),
        "more_filter_names": filters_in_use(options, filterset.keywords, names=("fellowship", "type")),
        "chosen_fellowships": len(filterset.cleaned("fellowship", [])),
        "chosen_types": len(filterset.cleaned("type", [])),
        "notices": notices[:MAX_NOTICES],
        "suggestions": filterset.location_suggestions(),
        "searched": bool(request.GET),
        # Links to other pages of these results keep every choice, the first visit's "today" included.
        "pagination_query": data,
        "panel_open": not request.GET or "near" in filterset.form.errors,
        "more_filters_open": bool(filterset.cleaned("fellowship") or filterset.cleaned("type") or filterset.keywords),
    }
    return render(request, "meetings/finder.html", context)


def paginate(listing, raw_page: str | None, *, count_in_page: bool) -> tuple[Page, Paginator, str | None]:
    """The requested page of results, and a note when the page number had to be changed.

    With `count_in_page` the page and the total come from one query (COUNT(*) OVER ()): right when
    every matching row is read anyway to sort it (by distance, by how soon it starts). A list in
    start-time order counts separately, so that its page can stop reading after twenty rows.
    A DayListing counts per day.
    """
    size = settings.PORTAL_PAGE_SIZE
    if isinstance(listing, DayListing):
        paginator = Paginator(listing, size)
        number, notice = read_page_number(raw_page, paginator)
        page = paginator.page(number)
        page.object_list = list(page.object_list)
        return page, paginator, notice
    number, notice = 1, None
    if raw_page not in (None, ""):
        try:
            number = int(raw_page)
        except (TypeError, ValueError):
            notice = "The page number was not a number, so we show the first page."
        else:
            if number < 1:
                number, notice = 1, "Page numbers start at 1, so we show the first page."
    if count_in_page:
        counted = listing.annotate(total_count=Window(Count("pk")))
        rows = list(counted[(number - 1) * size:number * size])
        total = rows[0].total_count if rows else (listing.count() if number > 1 else 0)
    else:
        counted = listing
        total = listing.count()
        rows = list(listing[(number - 1) * size:number * size]) if (number - 1) * size < total else []
    paginator = CountedPaginator(listing, size, count=total)
    if not rows and number > paginator.num_pages:
        number = paginator.num_pages
        notice = f"There are only {number} pages of results; this is the last one." if total else None
        rows = list(counted[(number - 1) * size:number * size]) if total else []
    return Page(rows, number, paginator), paginator, notice


def prepare_cards(meetings: list[Meeting], *, list_days: bool) -> list[Meeting]:
    """Give each listed meeting its lines of text (its type names came with it: see public_meetings)."""
    base_url = reverse("meetings:finder")
    for meeting in meetings:
        # Every attribute the card reads is set here: a missing one is slow to look up in a template.
        meeting.occurrence_day = getattr(meeting, "occurrence_day", None)
        meeting.distance = getattr(meeting, "distance", None)
        meeting.card_id = f"meeting-{meeting.pk}-{meeting.occurrence_day if meeting.occurrence_day is not None else 'x'}"
        meeting.type_names = [name for name in meeting.type_names or [] if name]
        times = clock(meeting.start_time) + (f" to {clock(meeting.end_time)}" if meeting.end_time else "")
        meeting.time_text = f"{meeting.days_display()}, {times}" if list_days else times
        meeting.zone_text = f"{timezones.zone_label(meeting.timezone)} ({meeting.timezone})"
        meeting.ended_today = getattr(meeting, "ended_today", False)
        if meeting.ended_today:
            ended = (datetime.datetime.combine(datetime.date(2000, 1, 1), meeting.start_time) + meeting.length).time()
            meeting.badge_text = _("Ended earlier today, at %(time)s") % {"time": clock(ended)}
        elif hasattr(meeting, "starts_in"):
            meeting.badge_text = starts_in(meeting.starts_in).capitalize()
        elif hasattr(meeting, "started_ago"):
            meeting.badge_text = started_ago(meeting.started_ago)
        else:
            meeting.badge_text = ""
        meeting.url = f"{base_url}{meeting.slug}/"
        meeting.attendance_text = Attendance(meeting.attendance).label
        verified = meeting.last_verified
        meeting.verified_text = f"Verified {verified:%b} {verified.day}, {verified.year}" if verified else "Not yet verified"
        meeting.place_text = (
            ", ".join(part for part in (meeting.location, meeting.city, meeting.state) if part)
            if meeting.is_in_person else ""
        )
    return meetings


def results_heading(filterset: MeetingFilterSet, count: int) -> str:
    """'12 meetings within 25 miles on Wednesday (today)', '3 meetings in progress now', ..."""
    if not count:
        return "No meetings match this search"
    parts = [f"{count} meeting{'s' if count != 1 else ''}"]
    mode, day = filterset.mode, filterset.day_number
    if mode == "distance":
        parts.append(f"within {filterset.radius_miles} miles")
    if filterset.cleaned("when") == "soon":
        parts.append("starting within the next hour")
    elif filterset.cleaned("when") == "now":
        parts.append("in progress now")
    if day is not None:
        parts.append(f"on {weekdays.DAY_NAMES[day]}{' (today)' if day == filterset.today else ''}")
    elif mode == "day":
        parts.append("this week, by day")
    return " ".join(parts)


def form_options(filterset: MeetingFilterSet) -> dict:
    """Every choice on the search form as (value, label, chosen), worked out once for the template."""
    def choices(name: str, chosen, labels=None) -> list[tuple[str, str, bool]]:
        return [
            (str(value), (labels or {}).get(value, label), str(value) == str(chosen))
            for value, label in filterset.form.fields[name].choices
            if value != ""
        ]

    attendance = filterset.cleaned("attendance", "") or (
        Attendance.ONLINE.value if filterset.attendance_mode == Attendance.ONLINE else ""
    )
    fellowships = set(filterset.cleaned("fellowship", []))
    types = set(filterset.cleaned("type", []))
    options = {
        "day": choices("day", filterset.cleaned("day", ""),
                       {"today": f"Today ({weekdays.DAY_NAMES[filterset.today]})"}),
        "time": choices("time", filterset.cleaned("time", "")),
        "when": choices("when", filterset.cleaned("when", "")),
        "attendance": choices("attendance", attendance),
        "fellowship": [(f.slug, f.name, f.slug in fellowships) for f in filterset.fellowships],
        # The featured meeting types, and any others this search uses.
        "type": [(t.code, t.name, t.code in types) for t in filterset.types if t.featured or t.code in types],
    }
    options["any_when"] = not any(chosen for _, _, chosen in options["when"])
    options["any_attendance"] = not any(chosen for _, _, chosen in options["attendance"])
    return options


FILTER_OPTIONS = ("day", "time", "when", "attendance", "fellowship", "type")


def filters_in_use(options: dict, keywords: str, names=FILTER_OPTIONS) -> list[str]:
    """The labels of the chosen options, in form order (and the keywords): what "Filters (3)" stands for."""
    chosen = [label for name in names for _value, label, picked in options[name] if picked]
    if keywords and "fellowship" in names:
        chosen.append(f"“{keywords}”")
    return chosen


def finder_notices(request, filterset: MeetingFilterSet) -> list[str]:
    """Plain-language notes about every parameter the search ignored, and why."""
    notices = ignored_parameters(request, set(filterset.filters) | {PAGE_PARAM}, phrase=SEARCH_PHRASE)
    for name, errors in filterset.form.errors.items():
        if name == "near":
            continue  # explained beside the location field, with suggestions
        field = filterset.form.fields.get(name)
        label = field.label if field is not None and field.label else name
        if name in {"day", "time", "when", "attendance", "radius"}:
            notices.append(f"{label}: we did not recognise that choice, so we ignored it.")
        else:
            notices.append(f"{label}: {' '.join(str(e) for e in errors)} We ignored it.")
    notices.extend(filterset.conflicts)
    for name, ignored in filterset.ignored_options().items():
        label = filterset.form.fields[name].label
        notices.append(
            f"{label}: we ignored {len(ignored)} option{'s' if len(ignored) != 1 else ''} we do not recognise."
        )
    if filterset.place and filterset.attendance_mode == Attendance.ONLINE:
        notices.append(
            "Online meetings can be joined from anywhere, so they are not limited by distance. "
            f"Your place sets which day is today ({timezones.zone_label(filterset.zone)})."
        )
    return notices


def meeting_detail(request, slug: str):
    """Everything about one meeting: when, how to join or where to go, and what kind of meeting it is."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("fellowship").prefetch_related("types").defer("search_vector"), slug=slug
    )
    now = current_time()
    next_start = meeting.next_start(now)
    relative = relative_day(next_start, now)
    types = sorted(meeting.types.all(), key=lambda t: t.name)
    context = {
        "meeting": meeting,
        "types": types,
        "location_closed": any(t.code == "TC" for t in types),
        "next_start": next_start,
        "next_date": f"{next_start:%A, %B} {next_start.day}",
        "next_relative": relative if relative in ("Today", "Tomorrow") else "",
        "stale": meeting.is_stale,
        "nearby_query": nearby_query(meeting) if meeting.is_in_person else "",
    }
    return render(request, "meetings/meeting_detail.html", context)


def nearby_query(meeting: Meeting) -> str:
    """What to search the finder with for other meetings near this one."""
    if meeting.postal_code and meeting.country in ("", "US"):
        return meeting.postal_code[:5]
    if meeting.city and meeting.state:
        return f"{meeting.city}, {meeting.state}"
    if meeting.latitude is not None:
        return f"{meeting.latitude:.2f},{meeting.longitude:.2f}"
    return ""


def meeting_calendar(request, slug: str):
    """The meeting as an .ics file that calendar apps import as a weekly event."""
    meeting = get_object_or_404(Meeting.objects.select_related("fellowship").defer("search_vector"), slug=slug)
    text = ics.meeting_calendar(
        meeting,
        page_url=request.build_absolute_uri(meeting.get_absolute_url()),
        host=request.get_host().split(":")[0] or "localhost",
        now=current_time(),
        portal_name=settings.PORTAL_NAME,
    )
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug[:80]}.ics"'
    return response


def meeting_feed(request):
    """All active meetings as a Meeting Guide JSON feed (?fellowship=na for one fellowship's)."""
    meetings = active_meetings().prefetch_related("types").order_by("pk")
    wanted = request.GET.get("fellowship", "")
    if wanted:
        slugs = set(Fellowship.objects.values_list("slug", flat=True))
        meetings = meetings.filter(fellowship__slug=wanted) if wanted in slugs else meetings.none()
    response = StreamingHttpResponse(
        feed_chunks(
            meetings,
            absolute_url=request.build_absolute_uri,
            entity=settings.PORTAL_NAME,
            entity_url=request.build_absolute_uri("/"),
        ),
        content_type="application/json; charset=utf-8",
    )
    if not request.GET:
        response["Cache-Control"] = "public, max-age=900"
    return response
