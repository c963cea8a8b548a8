"""Benchmark the result cards: a results page's 20 program cards and 20 meeting cards, rendered.

    python bench/cards_bench.py [--runs 500]

No database: the rows a results page reads (directory.cards.card_programs, the meeting finder's
values) are made in memory, then prepared as the views prepare them (directory.results.programs_in_order,
meetings.cards.prepare_cards) and rendered as the results pages place them: by the template tags
`{% program_cards %}` and `{% meeting_list %}`, which render the Jinja2 templates of jinja2/
(config/jinja.py). It prints p50 and p95 in milliseconds per page of 20 cards for the same listings
again ("warm": a meeting's card and a program card's listing part are kept by what they show,
portal.fragments.kept), for listings never shown before ("cold": every piece made anew) and, for
meetings starting soon, for the same page a minute later (every badge changed, so every card anew).
"""
from __future__ import annotations

import argparse
import datetime
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("PORTAL_ALLOW_INSECURE_KEY", "1")

import django  # noqa: E402

django.setup()

from django.template import engines  # noqa: E402
from django.utils import translation  # noqa: E402

from directory import cards as directory_cards  # noqa: E402
from directory import results as directory_results  # noqa: E402
from directory.models import Category, Term  # noqa: E402
from meetings import cards as meeting_cards  # noqa: E402
from places.geo import Place  # noqa: E402

CARDS = 20
NOW = datetime.datetime(2026, 3, 4, 10, 40, tzinfo=ZoneInfo("America/New_York"))
# As the results pages place them (directory/program_search.html, meetings/finder.html).
PROGRAM_LIST = engines["django"].from_string('{% load directory_tags %}{% program_cards page.object_list %}')
MEETING_LIST = engines["django"].from_string(
    '{% load meetings_tags %}{% for day, meetings in meeting_lists %}<ol class="meeting-list">{% meeting_list meetings %}\n</ol>'
    '{% endfor %}'
)


def taxonomy() -> dict[int, Term]:
    """A taxonomy like the demo's: four categories shown on cards, about seventy terms."""
    terms, pk = {}, 0
    for position, (name, count) in enumerate([("Type of care", 12), ("Medication for opioid use disorder", 8),
                                              ("Payment and insurance", 14), ("Age groups", 6)]):
        category = Category(pk=position + 1, name=name, name_es=f"{name} (es)", param=f"c{position}",
                            position=position, show_in_results=True)
        for n in range(count):
            pk += 1
            terms[pk] = Term(pk=pk, category=category, code=f"T{pk}", name=f"Service {pk} ({name})",
                             name_es=f"Servicio {pk}", position=n)
    return terms


TAXONOMY = taxonomy()


def program_rows(start: int) -> dict:
    """card_programs' answer for 20 programs with ids from `start` (all different listings)."""
    from directory.cards import CardProgram

    rows = {}
    for pk in range(start, start + CARDS):
        program = CardProgram()
        program.__dict__.update({
            "pk": pk, "name": f"Lantern House {pk}", "slug": f"lantern-house-{pk}",
            "latitude": 38.03 + pk % 50 / 1000, "longitude": -78.48 - pk % 30 / 1000,
            "term_ids": [1 + pk % 12, 13 + pk % 8, 21 + pk % 14, 22 + pk % 13, 35 + pk % 6],
            "street1": f"{pk} Main Street", "street2": "Suite 2" if pk % 3 else "", "city": "Charlottesville",
            "state": "VA", "zip_code": "22902", "phone": f"434555{pk % 100:04d}",
            "accepting_new_patients": (True, False, None)[pk % 3], "typical_wait_days": (0, 7, None)[pk % 3],
            "beds_available": (None, 4)[pk % 2], "beds_updated": datetime.date(2026, 2, 20) if pk % 4 else None,
            "last_verified": datetime.date(2025, 1, 1) if pk % 5 == 0 else datetime.date(2026, 2, 1),
            "organization_name": f"Org {pk % 7}",
            "weekly_hours": "1 08:00:00 17:00:00,2 08:00:00 17:00:00,3 08:00:00 12:00:00" if pk % 2 else None,
        })
        rows[pk] = program
    return rows


def render_programs(rows: dict, place: Place) -> str:
    directory_results.card_programs = lambda ids: rows
    directory_cards.terms_by_id = lambda: TAXONOMY
    directory_results.taxonomy_generation = directory_cards.taxonomy_generation = lambda: 1
    programs = directory_results.programs_in_order(list(rows), place, now=NOW, back="back=near%3D22902")
    return PROGRAM_LIST.render({"page": {"object_list": programs}})


def meeting_rows(start: int, minutes_later: int = 0) -> list:
    meetings = []
    for pk in range(start, start + CARDS):
        meeting = meeting_cards.CardMeeting({
            "pk": pk, "name": f"Hope Group {pk}", "slug": f"hope-group-{pk}", "days": [1, 3, 5][: 1 + pk % 3],
            "start_time": datetime.time(8 + pk % 12, 30 if pk % 2 else 0),
            "end_time": datetime.time(9 + pk % 12, 30) if pk % 3 else None,
            "timezone": "America/New_York", "location": f"Church hall {pk}", "city": "Baltimore", "state": "MD",
            "attendance": ("in_person", "online", "hybrid")[pk % 3], "last_verified": datetime.date(2026, 1, pk % 28 + 1),
            "fellowship_id": 1, "fellowship_name": "Narcotics Anonymous", "type_names": ["Open", "Discussion"],
        })
        meeting.distance = pk % 40 / 3
        meeting.starts_in = (pk % 50 + 2000 - minutes_later) * 60
        meetings.append(meeting)
    return meetings


def render_meetings(rows: list) -> str:
    meetings = meeting_cards.prepare_cards(rows, base_url="/meetings/", mode="soon")
    return MEETING_LIST.render({"meeting_lists": meeting_cards.card_lists(meetings, by_day=False), "mode": "soon"})


def timed(render, rows, runs: int, *, cold: bool = False, later: bool = False) -> tuple[list[float], list[float]]:
    """Milliseconds per page, as elapsed and as CPU time of this process (on a shared machine the
    elapsed time counts the other processes' turns too), garbage collection held off while timing."""
    elapsed, cpu = [], []
    # Made before timing: the same page again, or new listings (cold), or the same a minute later each time.
    if later:
        pages = [rows(1, run + 1) for run in range(min(runs, 1999))]
    else:
        pages = [rows(1_000_000 + run * CARDS if cold else 1) for run in range(runs)]
    gc.collect()
    gc.disable()
    for page in pages:
        began, began_cpu = time.perf_counter(), time.process_time()
        render(page)
        cpu.append((time.process_time() - began_cpu) * 1000)
        elapsed.append((time.perf_counter() - began) * 1000)
    gc.enable()
    return elapsed, cpu


def report(label: str, times: tuple[list[float], list[float]]) -> None:
    line = f"{label:<34}"
    for name, values in zip(("elapsed", "cpu"), times):
        line += f"  {name} p50 {statistics.median(values):6.2f} ms p95 {statistics.quantiles(values, n=20)[18]:6.2f} ms"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    place = Place(label="22902", latitude=38.02, longitude=-78.47, kind="zip")
    for language in ("en", "es"):
        with translation.override(language):
            for name, rows, render in (("programs", program_rows, lambda rows: render_programs(rows, place)),
                                       ("meetings", meeting_rows, render_meetings)):
                render(rows(1))  # templates loaded, catalogues read
                report(f"{CARDS} {name} cards, {language}, warm", timed(render, rows, args.runs, cold=False))
                report(f"{CARDS} {name} cards, {language}, cold", timed(render, rows, args.runs, cold=True))
                if name == "meetings":  # starting soon: every badge changes with the minute
                    report(f"{CARDS} {name} cards, {language}, a minute on", timed(render, rows, args.runs, later=True))


if __name__ == "__main__":
    main()
