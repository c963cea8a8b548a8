"""Public pages for support-group meetings: the finder, a meeting's page, its calendar file, and the feed."""
from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.paginator import Page, Paginator
from django.db.models import CharField, Count, Window
from django.db.models.expressions import RawSQL
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from meetings import ics
from meetings.cards import CardMeetings, card_lists, prepare_cards
from meetings.feed import feed_chunks
from meetings.filters import FIXED_CHOICES, MAX_TEXT, DayListing, MeetingFilterSet
from meetings.models import Attendance, Fellowship, Meeting, MeetingQuerySet, MeetingType
from meetings.search import relative_day
from meetings.understanding import SINGLE, understand_meeting_words
from places import timezones, weekdays
from portal.i18n import is_spanish
from portal.notices import SEARCH_PHRASE, ignored_parameters, read_page_number
from safety import danger
from understanding.rewriting import rewritten_query

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
    "last_verified", "fellowship_id",
]


def public_meetings():
    """Active meetings with the fields a list of results shows, their fellowship's name and their type
    names, in the page's language (PostgreSQL works the type names out only for the rows on the page;
    the fellowship's name comes as a value, not as a Fellowship object per card).

    Built once per language (a new queryset each call, cloned from it: building it cost more than
    cloning); the queryset kept is never evaluated.
    """
    spanish = is_spanish()
    kept = _public_meetings.get(spanish)
    if kept is None:
        type_names, fellowship_name = listing_names_sql(spanish)
        kept = _public_meetings[spanish] = (
            Meeting.objects.active()
            .annotate(
                type_names=RawSQL(type_names, [], output_field=ArrayField(CharField())),
                fellowship_name=RawSQL(fellowship_name, [], output_field=CharField()),
            )
            # Rows as values (what each filter annotates joins them), not a Meeting object per card.
            .values("pk", *LISTED_FIELDS, "type_names", "fellowship_name")
        )
        kept._iterable_class = CardMeetings
    return kept.all()


def listing_names_sql(spanish: bool) -> tuple[str, str]:
    """SQL for a listed meeting's type names (an array, sorted) and its fellowship's name, in English
    or Spanish (the Spanish name where there is one). Written once as SQL: as ORM expressions (a
    subquery and a join) they were compiled anew for every page, which cost more than running them."""
    meeting, fellowship = Meeting._meta, Fellowship._meta
    through, kind = Meeting.types.through._meta, MeetingType._meta

    def shown(alias: str) -> str:
        return f"COALESCE(NULLIF({alias}.name_es, ''), {alias}.name)" if spanish else f"{alias}.name"

    table = f'"{meeting.db_table}"'
    type_names = (
        f'ARRAY(SELECT {shown("t")} FROM "{kind.db_table}" t '
        f'JOIN "{through.db_table}" mt ON mt."{through.get_field("meetingtype").column}" = t.id '
        f'WHERE mt."{through.get_field("meeting").column}" = {table}.id ORDER BY 1)'
    )
    fellowship_name = (
        f'(SELECT {shown("f")} FROM "{fellowship.db_table}" f '
        f'WHERE f.id = {table}."{meeting.get_field("fellowship").column}")'
    )
    return type_names, fellowship_name


_public_meetings: dict[bool, MeetingQuerySet] = {}


def meeting_finder(request):
    """Find a meeting: near a place or online, on a day or right now, of a fellowship and type."""
    rewritten = crisis_finder_url(request) or understood_finder_url(request)
    if rewritten is not None:
        # Words of danger: help first, then the search for what else was asked (crisis_finder_url).
        # The keywords named choices the finder has: show (and share) the search as those choices.
        return redirect(rewritten)
    now = current_time()
    finder_url, feed_url = finder_urls(translation.get_language(), get_script_prefix(), get_urlconf())
    # A first visit shows today's meetings; the form's "Any day" sends day= and lists the whole week.
    data = request.GET if set(request.GET) - {danger.HELP_PARAM} else QueryDict("day=today")
    filterset = MeetingFilterSet(data, queryset=public_meetings(), now=now)
    notices = finder_notices(request, filterset)
    # A place that could not be found lists nothing: meetings from anywhere would only mislead.
    place_unknown = "near" in filterset.form.errors
    if place_unknown:
        paginator = CountedPaginator([], settings.PORTAL_PAGE_SIZE, count=0)
        page, page_notice = paginator.page(1), None
    else:
        page, paginator, page_notice = paginate(
            filterset.listing(), request.GET.get(PAGE_PARAM), count_in_page=filterset.mode != "day"
        )
    if page_notice:
        notices.append(page_notice)
    page.object_list = prepare_cards(
        page.object_list, base_url=finder_url, list_days=filterset.mode != "day", mode=filterset.mode
    )
    heading = results_heading(filterset, paginator.count)
    if paginator.num_pages > 1:
        heading += _(", page %(number)s of %(pages)s") % {"number": page.number, "pages": paginator.num_pages}
    options = form_options(filterset)
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page": page,
        "finder_url": finder_url,
        "feed_url": feed_url,
        "card_lists": card_lists(page.object_list, by_day=filterset.mode == "day"),
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
        # Places it may mean: offered once, first on the page (includes/place_unknown.html).
        "place_suggestions": filterset.location_suggestions(),
        "place_unknown": place_unknown,
        "searched": bool(request.GET),
        # Links to other pages of these results keep every choice, the first visit's "today" included.
        "pagination_query": data,
        "panel_open": set(request.GET) <= {danger.HELP_PARAM} or "near" in filterset.form.errors,
        "danger_kinds": danger.help_kinds(request.GET.getlist(danger.HELP_PARAM)),
        "danger_search": bool(set(request.GET) - {danger.HELP_PARAM}),
        "more_filters_open": bool(filterset.cleaned("fellowship") or filterset.cleaned("type") or filterset.keywords),
    }
    return render(request, "meetings/finder.html", context)


def crisis_finder_url(request) -> str | None:
    """When the keywords speak of danger (safety.danger): this search's address with the help to
    give first (`help`) and only the words that asked for something else, or None."""
    raw = request.GET.get("q", "")
    if not raw.strip() or len(raw) > MAX_TEXT or "\x00" in raw:
        return None
    reading = danger.read(raw)
    if not reading:
        return None

    def asks(text: str) -> bool:
        understood = understand_meeting_words(text)
        return bool(understood.matches or understood.zip_code)

    params = danger.answered_query(request.GET, reading, asks=asks, page_param=PAGE_PARAM)
    return f"{request.path}?{params.urlencode()}"


def understood_finder_url(request) -> str | None:
    """This search's address with what its keywords mean as the finder's choices (meetings.understanding),
    or None when the keywords need no rewriting."""
    raw = request.GET.get("q", "")
    if not raw.strip() or len(raw) > MAX_TEXT or "\x00" in raw:
        return None  # nothing to read, or a value the form will explain
    # The finder has no state choice: "aa maryland" keeps "maryland" as words to search.
    params = rewritten_query(
        request.GET, understand_meeting_words(raw), single=SINGLE, states=False, page_param=PAGE_PARAM
    )
    return None if params is None else f"{request.path}?{params.urlencode()}"


@lru_cache(maxsize=64)
def finder_urls(language: str | None, prefix: str, urlconf) -> tuple[str, str]:
    """The finder's and the feed's addresses in a language (reversed once per process)."""
    return reverse("meetings:finder"), reverse("meetings:feed")


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
            notice = _("The page number was not a number, so we show the first page.")
        else:
            if number < 1:
                number, notice = 1, _("Page numbers start at 1, so we show the first page.")
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
        notice = ngettext(
            "There is only %(count)s page of results; this is the last one.",
            "There are only %(count)s pages of results; this is the last one.",
            number,
        ) % {"count": number} if total else None
        rows = list(counted[(number - 1) * size:number * size]) if total else []
    return Page(rows, number, paginator), paginator, notice


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
    """Every choice on the search form as (value, label, chosen), worked out once for the template."""
    language = translation.get_language()

    def choices(name: str, chosen, labels=None) -> list[tuple[str, str, bool]]:
        chosen = str(chosen)
        return [(value, (labels or {}).get(value, label), value == chosen) for value, label in fixed_choices(name, language)]

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
        "fellowship": [(f.slug, f.localized_name, f.slug in fellowships) for f in filterset.fellowships],
        # The featured meeting types, and any others this search uses.
        "type": [(t.code, t.localized_name, t.code in types) for t in filterset.types if t.featured or t.code in types],
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


def finder_notices(request, filterset: MeetingFilterSet) -> list[str]:
    """Plain-language notes about every parameter the search ignored, and why."""
    notices = ignored_parameters(request, set(filterset.filters) | {PAGE_PARAM, danger.HELP_PARAM}, phrase=SEARCH_PHRASE)
    notices += danger.help_notices(request.GET.getlist(danger.HELP_PARAM))
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


def meeting_detail(request, slug: str):
    """Everything about one meeting: when, how to join or where to go, and what kind of meeting it is."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("fellowship").prefetch_related("types").defer("search_vector"), slug=slug
    )
    now = current_time()
    next_start = meeting.next_start(now)
    relative = relative_day(next_start, now)
    types = sorted(meeting.types.all(), key=lambda t: t.localized_name)
    context = {
        "meeting": meeting,
        "types": types,
        "location_closed": any(t.code == "TC" for t in types),
        "next_start": next_start,
        # In the meeting's own clock: date_format does not convert to the portal's time zone.
        "next_date": date_format(next_start, pgettext("date format: weekday, month and day", "l, F j")),
        "next_relative": relative if (next_start.date() - now.astimezone(next_start.tzinfo).date()).days < 2 else "",
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
