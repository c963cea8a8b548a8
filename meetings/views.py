"""Public pages for support-group meetings: the finder, a meeting's page, its calendar file, and the feed."""
from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import pgettext

from meetings import ics
from meetings.feed import feed_chunks
from meetings.models import Fellowship, Meeting
from meetings.search import MeetingSearch, relative_day


def current_time():
    """Now (a separate function so that tests can fix the clock)."""
    return timezone.now()


def active_meetings():
    return Meeting.objects.active().select_related("fellowship").defer("search_vector")


def meeting_finder(request):
    """Find a meeting: near a place or online, on a day or right now, of a fellowship and type
    (the search itself is meetings.search.MeetingSearch)."""
    result = MeetingSearch(request.GET, translation.get_language(), now=current_time(), path=request.path).run()
    if result.redirect is not None:
        return redirect(result.redirect)
    return render(request, "meetings/finder.html", result.context())


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
