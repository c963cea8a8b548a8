"""Fictional support-group meetings for demonstrations and benchmarks.

Every group name, venue and street is invented (from directory.demo's word lists), conference links
point to Zoom's all-zero meeting number (a provider every meeting app recognises, a meeting that
does not exist), and the only phone numbers are in the 555-01xx range reserved for fiction.
The fixture is a Meeting Guide feed with three extra keys per row (fellowship, status,
last_verified), loaded through the same import pipeline as any other feed (meetings.importers).
"""
from __future__ import annotations

import datetime
import json
import random
from pathlib import Path

from django.conf import settings

from directory.demo import METROS, PLACE_WORDS, STREET_KINDS, STREET_WORDS, DemoFactory
from places import geo, timezones, weekdays
from portal.slugs import unique_slug

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_meetings.json"
DEMO_SOURCE = "demo"
PER_METRO = 28
ONLINE = 40

# (fellowship slug, weight, name patterns, base types, sometimes types with odds)
TWELVE_STEP = (("D", .5), ("SP", .2), ("ST", .2), ("LIT", .1), ("BE", .15), ("MED", .04))
FELLOWSHIPS = [
    ("na", 30, ["{place} {word} Group", "{word} NA", "{place} Clean and Free"], TWELVE_STEP),
    ("aa", 16, ["{place} {word} Group", "{word} Big Book", "{place} Serenity"], TWELVE_STEP + (("B", .3),)),
    ("smart-recovery", 10, ["SMART Recovery {place}", "{place} SMART Tools"], (("D", .8),)),
    ("nar-anon", 7, ["{place} Nar-Anon Family Group", "{word} Nar-Anon"], (("D", .6), ("ST", .3), ("BE", .2))),
    ("al-anon", 6, ["{place} Al-Anon Family Group", "{word} Al-Anon"], (("D", .6), ("ST", .3), ("BE", .2))),
    ("recovery-dharma", 5, ["{place} Recovery Dharma Sangha"], (("MED", 1.0), ("D", .5))),
    ("celebrate-recovery", 5, ["Celebrate Recovery at {place} Community Church"], (("SP", .4), ("ST", .4))),
    ("refuge-recovery", 3, ["{place} Refuge Recovery"], (("MED", 1.0),)),
    ("ca", 4, ["{place} {word} CA"], TWELVE_STEP),
    ("ha", 3, ["{place} {word} HA"], TWELVE_STEP),
    ("mara", 6, ["{place} MARA Group", "{word} MARA"], (("D", .7), ("BE", .3))),
    ("all-recovery", 5, ["{place} All Recovery Meeting", "{word} All Recovery"], (("D", .7),)),
]
GROUP_WORDS = [
    "Lantern", "Open Door", "New Dawn", "Second Wind", "Clean Slate", "Hope Circle", "Lighthouse", "Common Ground",
    "Fresh Start", "Morning Light", "Safe Harbor", "Turning Point", "Steady Steps", "Kitchen Table", "Late Shift",
    "Keep Coming Back", "Just for Today", "Easy Does It", "Daybreak", "Free at Last", "Miracle Hour", "Lunch Bunch",
]
VENUES = [
    "Fellowship Hall, {place} Community Church",
    "{place} Public Library, Meeting Room {room}",
    "{place} Recovery Community Center",
    "{place} Friends Meeting House",
    "{place} Community Center, Room {room}",
    "Conference Room {room}, {place} General Hospital",
    "Parish Hall, {place} Chapel",
]
LOCATION_NOTES = [
    "Use the side door by the parking lot; ring the bell if it is locked.",
    "Free parking behind the building. Step-free entrance on the left.",
    "Downstairs; the lift is next to the main office.",
    "Street parking only after 6 PM.",
    "",
    "",
]
# (start, minutes, weight): when meetings are held, by how common that slot is.
SLOTS = [
    ("06:30", 60, 3), ("07:00", 60, 6), ("07:30", 60, 3), ("09:00", 90, 3), ("10:00", 60, 5), ("10:30", 90, 2),
    ("12:00", 60, 9), ("12:15", 45, 3), ("13:00", 60, 2), ("17:30", 60, 4), ("18:00", 60, 7), ("18:30", 90, 6),
    ("19:00", 60, 10), ("19:00", 90, 6), ("19:30", 60, 8), ("20:00", 60, 7), ("20:30", 60, 3), ("21:00", 60, 3),
    ("22:00", 60, 2), ("23:00", 60, 1), ("23:30", 60, 1),
]
ONLINE_ZONES = [
    (timezones.EASTERN, 10), (timezones.CENTRAL, 6), (timezones.MOUNTAIN, 3), (timezones.ARIZONA, 2), (timezones.PACIFIC, 5),
]
EXTRA_TYPES = {"X": .5, "XB": .2, "W": .06, "M": .06, "Y": .06, "LGBTQ": .05, "S": .06, "CF": .05, "ASL": .02}


class MeetingDemoFactory:
    """Deterministic generator of fictional meetings around the demo metro areas, and online ones."""

    def __init__(self, seed: int = 2026, today: datetime.date | None = None):
        self.rng = random.Random(seed)
        self.today = today or datetime.date(2026, 11, 1)
        self.places = DemoFactory(seed=seed, today=self.today)  # for its ZIP codes near each metro
        self.gaz = geo.gazetteer()
        self.slugs: set[str] = set()
        self.names: set[str] = set()

    def _fellowship(self):
        return self.rng.choices(FELLOWSHIPS, weights=[f[1] for f in FELLOWSHIPS])[0]

    def _name(self, patterns: list[str]) -> str:
        for _attempt in range(60):
            name = self.rng.choice(patterns).format(place=self.rng.choice(PLACE_WORDS), word=self.rng.choice(GROUP_WORDS))
            if name not in self.names:
                break
        else:
            name = f"{name} {len(self.names)}"
        self.names.add(name)
        return name

    def _slug(self, name: str, days: list[int]) -> str:
        return unique_slug(f"{name} {weekdays.ICAL_DAYS[days[0]]}", self.slugs, max_length=80, fallback="meeting")

    def _schedule(self) -> tuple[list[int], str, str | None]:
        rng = self.rng
        start, minutes, _ = rng.choices(SLOTS, weights=[s[2] for s in SLOTS])[0]
        pattern = rng.random()
        if pattern < .62:
            weekend = start in {"09:00", "10:00", "10:30"} and rng.random() < .6
            days = [rng.choice([0, 6])] if weekend else [rng.randrange(7)]
        elif pattern < .78:
            days = [1, 2, 3, 4, 5]
        elif pattern < .85:
            days = list(range(7))
        else:
            days = sorted(rng.sample(range(7), 2))
        begin = datetime.datetime.combine(self.today, datetime.time.fromisoformat(start))
        end = (begin + datetime.timedelta(minutes=minutes)).strftime("%H:%M")
        return days, start, (end if rng.random() < .85 else None)

    def _types(self, base: tuple, twelve_step: bool) -> list[str]:
        rng = self.rng
        codes = []
        if twelve_step:
            codes.append("O" if rng.random() < .6 else "C")
        else:
            codes.append("O")
        codes += [code for code, odds in base if rng.random() < odds]
        codes += [code for code, odds in EXTRA_TYPES.items() if rng.random() < odds]
        return sorted(set(codes))

    def _verified(self) -> str | None:
        if self.rng.random() < .08:
            return None
        return (self.today - datetime.timedelta(days=int(self.rng.triangular(0, 400, 30)))).isoformat()

    def meeting(self, metro: tuple[str, str, str] | None) -> dict:
        """One fictional meeting in a metro area, or an online-only meeting when `metro` is None."""
        rng = self.rng
        slug_f, _weight, patterns, base_types, = self._fellowship()
        twelve_step = base_types is TWELVE_STEP or slug_f == "aa"
        name = self._name(patterns)
        days, start, end = self._schedule()
        types = self._types(base_types, twelve_step)
        area_code = metro[2] if metro else rng.choice(METROS)[2]
        row = {
            "name": name,
            "slug": self._slug(name, days),
            "day": days[0] if len(days) == 1 else days,
            "time": start,
            "end_time": end,
            "types": types,
            "group": f"{name.split(' ')[0]} {rng.choice(GROUP_WORDS)} Group (fictional)",
            "notes": "Fictional demo listing." + (" Newcomers are warmly welcomed." if "BE" in types else ""),
            "updated": f"{(self.today - datetime.timedelta(days=rng.randrange(5, 200))).isoformat()} 12:00:00",
            "fellowship": slug_f,
            "status": "temporarily_closed" if rng.random() < .03 else "active",
            "last_verified": self._verified(),
        }
        if "S" in types:
            row["notes"] += " Se habla español."
        online = metro is None or rng.random() < .17
        if metro is None:
            row["types"] = [code for code in row["types"] if code not in {"X", "XB"}]  # no building to enter
            row["timezone"] = rng.choices([z for z, _ in ONLINE_ZONES], weights=[w for _, w in ONLINE_ZONES])[0]
            row["location"] = "Online"
        else:
            zip_code = rng.choice(self.places.zips_near(metro[1]))
            lat, lng, city, state = self.gaz.zips[zip_code]
            place = rng.choice(PLACE_WORDS)
            row.update({
                "timezone": timezones.zone_for(state, lat, lng),
                "location": rng.choice(VENUES).format(place=place, room=rng.choice("ABC123")),
                "address": f"{rng.randrange(100, 9900)} {rng.choice(STREET_WORDS)} {rng.choice(STREET_KINDS)}",
                "city": city.title(),
                "state": state,
                "postal_code": zip_code,
                "country": "US",
                "latitude": round(lat + rng.uniform(-0.01, 0.01), 6),
                "longitude": round(lng + rng.uniform(-0.01, 0.01), 6),
                "location_notes": rng.choice(LOCATION_NOTES),
            })
            if online and rng.random() < .12:
                row["types"] = sorted(set(row["types"]) | {"TC"})  # building closed for now: online only
        if online:
            meeting_id = f"555 01{rng.randrange(100):02d} {rng.randrange(1000, 9999)}"
            row["conference_url"] = f"https://zoom.us/j/0000000000?demo={row['slug']}"
            row["conference_url_notes"] = f"Meeting ID {meeting_id}, passcode: hope (fictional)"
            if rng.random() < .5:
                row["conference_phone"] = f"+1{area_code}55501{rng.randrange(100):02d},,{meeting_id.replace(' ', '')}#"
                row["conference_phone_notes"] = "Dial in by phone if you cannot use video (fictional number)."
        return {key: value for key, value in row.items() if value not in (None, "")}

    def meetings(self, per_metro: int = PER_METRO, online: int = ONLINE) -> list[dict]:
        return [self.meeting(metro) for metro in METROS for _ in range(per_metro)] + [
            self.meeting(None) for _ in range(online)
        ]


def load_demo_meetings(path: Path = DEMO_FILE) -> tuple[int, int]:
    """Load the demo fixture idempotently (meetings already loaded are left alone); returns (created, present).

    Verification dates move with today's date, as the demo programs' do.
    """
    from meetings import importers
    from meetings.models import Meeting

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = data["meetings"]
    except (OSError, ValueError, KeyError) as error:
        raise ValueError(f"Cannot read demo meetings from {path}: {error}") from error
    shift = datetime.date.today() - datetime.date.fromisoformat(data.get("generated_on", datetime.date.today().isoformat()))
    parsed = importers.parse_feed(rows, source=DEMO_SOURCE, default_timezone=settings.TIME_ZONE)
    if parsed.rejected:
        raise ValueError(f"The demo meetings file has invalid rows: {'; '.join(map(str, parsed.rejected[:5]))}")
    for record in parsed.records:
        row = rows[record.row - 1]
        verified = row.get("last_verified")
        record.extra = {
            "status": row.get("status", Meeting.Status.ACTIVE),
            "last_verified": datetime.date.fromisoformat(verified) + shift if verified else None,
        }
    report = importers.load_records(parsed.records, update_existing=False, filename="demo meetings")
    return report.created, report.unchanged
