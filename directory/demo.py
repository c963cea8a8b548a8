"""Fictional programs for demonstrations and benchmarks, placed by the offline ZIP gazetteer.

Every generated name is invented, every phone number is in the 555-01xx range reserved for fiction,
and every description says the listing is fictional.
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from places import geo
from places.weekdays import MONDAY_FIRST, WORKDAYS, Weekday

METROS = [
    # (label, centre ZIP, area code)
    ("Baltimore, MD", "21201", "410"),
    ("Philadelphia, PA", "19107", "215"),
    ("Columbus, OH", "43215", "614"),
    ("Louisville, KY", "40202", "502"),
    ("Charleston, WV", "25301", "304"),
    ("Charlottesville, VA", "22902", "434"),
    ("Albuquerque, NM", "87102", "505"),
    ("Phoenix, AZ", "85004", "602"),
    ("Denver, CO", "80202", "303"),
    ("Portland, OR", "97204", "503"),
    ("Boston, MA", "02108", "617"),
]

PLACE_WORDS = [
    "Ashgrove", "Bramblewick", "Cobbleford", "Dunmoor", "Elderwick", "Fernhollow", "Glimmerdale",
    "Hollowmere", "Ivybrook", "Juniper Vale", "Kestrelton", "Larkspur Bend", "Mossbank", "Nettlefield",
    "Orchardine", "Pebblemoor", "Quillbrook", "Rowanmere", "Saltmarsh Row", "Thistlecombe", "Umberfield",
    "Vetchwood", "Wrenhaven", "Yarrowdale", "Amberlyn", "Birchcombe", "Cindervale", "Dovecote Hill",
    "Emberwick", "Foxglove Point", "Gorseway", "Heatherlyn", "Inglenook", "Jasperfield", "Kindlewood",
    "Lindenmoor", "Marigold Cross", "Northwick Glen", "Oriel Park", "Primrose Landing", "Quarrystone",
    "Reedhaven", "Sorrelbank", "Tansy Ridge", "Underhill Green", "Valewood", "Willowmere", "Yewbridge",
]
STREET_WORDS = [
    "Quillmoor", "Lanternfield", "Fernwhistle", "Copperkettle", "Bellwether", "Starling", "Marrowby",
    "Tumbleweed", "Halcyon", "Gossamer", "Brambleberry", "Kettlewell", "Mistletoe", "Pennywhistle",
]
STREET_KINDS = ["Ave", "St", "Rd", "Blvd", "Way", "Ln", "Pkwy"]
ORGANIZATIONS = [
    "{place} Community Health (fictional)",
    "{place} Behavioral Health Partners (fictional)",
    "{place} Recovery Network (fictional)",
    "{place} Family Services (fictional)",
]


@dataclass(frozen=True)
class Archetype:
    """A kind of program, with the services it always has and those it may have."""

    noun: str
    weight: int
    always: tuple[str, ...]
    sometimes: tuple[tuple[str, float], ...]
    hours: str
    blurb: str


ARCHETYPES = [
    Archetype("Medication Clinic", 14, ("OTP", "OP", "METH", "BU", "SOTP", "ACM"),
              (("NU", .4), ("NAL", .8), ("ORT", .9), ("CARF", .6), ("JC", .2), ("VTRL", .2)), "dosing",
              "An opioid treatment program where people receive methadone or buprenorphine each day at first, "
              "with counseling, and take doses home as they become stable."),
    Archetype("Office-Based Treatment", 16, ("ORT", "OP", "BU", "ACM"),
              (("NU", .6), ("VTRL", .4), ("NAL", .7), ("TELE", .5), ("FQHC", .2)), "office",
              "A primary care and counseling practice that prescribes buprenorphine and naltrexone, "
              "often with same-week appointments."),
    Archetype("Withdrawal Management Center", 8, ("DT", "RES", "ACM"),
              (("BU", .8), ("METH", .3), ("NAL", .7), ("HI", .2), ("JC", .3), ("CARF", .4)), "always",
              "A medically supervised detox unit that helps people through withdrawal safely and plans the next "
              "step of treatment before they leave."),
    Archetype("Residential Recovery Center", 10, ("RES",),
              (("RS", .7), ("RL", .5), ("ACM", .8), ("BU", .5), ("NU", .4), ("VTRL", .3), ("CARF", .6), ("JC", .3)),
              "always", "A live-in program with structured days of individual and group therapy, life skills, and "
              "planning for life after discharge."),
    Archetype("Intensive Outpatient Program", 12, ("OIT", "OP"),
              (("ODT", .35), ("ACM", .9), ("BU", .5), ("NU", .3), ("TELE", .4), ("CARF", .4)), "evening",
              "Group and individual therapy several days a week, with morning and evening tracks so people can keep "
              "working or caring for family."),
    Archetype("Counseling Center", 12, ("ORT", "OP"),
              (("TELE", .6), ("ACM", .8), ("NAL", .3), ("OIT", .2)), "office",
              "Outpatient counseling for substance use and mental health, with individual, group and family sessions."),
    Archetype("Hospital Addiction Unit", 4, ("HI", "DT", "JC"),
              (("BU", .9), ("METH", .6), ("NU", .5), ("NAL", .8), ("ACM", 1.0)), "always",
              "An inpatient hospital unit for people who need medical care during withdrawal or have other health "
              "conditions, with a bridge to outpatient medication."),
    Archetype("Recovery Residence", 6, ("HH", "RES"),
              (("ACM", .6), ("NAL", .5)), "always",
              "Sober living with shared housing, house meetings and peer support for people in outpatient treatment "
              "or early recovery."),
    Archetype("Telehealth Recovery Service", 4, ("TELE", "ORT", "BU"),
              (("NU", .4), ("ACM", 1.0), ("NAL", .5)), "office",
              "Video and phone visits with clinicians who can prescribe buprenorphine, plus online counseling groups."),
]

# The states a demo telehealth service sees people in: its own, and for a few metros the neighbours
# their residents cross into (fictional, as every demo listing is).
TELEHEALTH_REACH = {"MD": ("DC", "MD"), "PA": ("DE", "NJ", "PA"), "KY": ("IN", "KY", "OH"), "OR": ("OR", "WA")}
TELEHEALTH_NOUN = "Telehealth Recovery Service"

PAYMENT_ODDS = {"MD": .78, "PI": .65, "MC": .4, "SF": .8, "SS": .35, "MI": .15, "ITU": .05, "FREE": .08,
                "PA": .2, "SI": .15, "VAF": .08}
AGE_ODDS = {"ADLT": .96, "YAD": .6, "SNR": .45, "CHLD": .08}
GROUP_ODDS = {"PW": .18, "WN": .2, "MN": .15, "VET": .18, "ADM": .06, "GL": .16, "CJ": .3, "CO": .45,
              "TRMA": .35, "HV": .08}
LANGUAGE_ODDS = {"SP": .38, "AH": .06, "F4": .03, "F17": .03, "F19": .03, "F28": .03, "F47": .02, "F67": .03,
                 "F70": .04, "F81": .02, "F92": .04, "NX": .02}


HOURS = {
    "dosing": [(d, "05:30", "13:00") for d in WORKDAYS] + [(Weekday.SATURDAY, "07:00", "10:00")],
    "office": [(d, "08:00", "17:00") for d in WORKDAYS],
    "evening": [(d, "09:00", "20:00") for d in WORKDAYS[:4]] + [(Weekday.FRIDAY, "09:00", "17:00")],
    "always": [(d, "00:00", "23:59") for d in MONDAY_FIRST],
}
HOURS_NOTES = {
    "dosing": "Dosing from 5:30 am on weekdays; new patients should arrive before 9 am.",
    "office": "Walk-ins welcome Monday mornings.",
    "evening": "Evening groups run until 8 pm.",
    "always": "Open 24 hours, every day.",
}


class DemoFactory:
    """Deterministic generator of fictional programs around the demo metro areas."""

    def __init__(self, seed: int = 2026, today: datetime.date | None = None):
        self.rng = random.Random(seed)
        self.today = today or datetime.date(2026, 11, 1)
        self.gaz = geo.gazetteer()
        self.used_names: set[str] = set()
        self._zips_near: dict[str, list[str]] = {}

    def zips_near(self, centre_zip: str, miles: float = 30) -> list[str]:
        if centre_zip not in self._zips_near:
            lat, lng = self.gaz.zip_point(centre_zip)
            self._zips_near[centre_zip] = sorted(
                z for z, (zlat, zlng, _, _) in self.gaz.zips.items()
                if abs(zlat - lat) < 0.6 and abs(zlng - lng) < 0.8
                and geo.great_circle_miles(lat, lng, zlat, zlng) <= miles
            )
        return self._zips_near[centre_zip]

    def name(self, noun: str) -> str:
        for _ in range(50):
            candidate = f"{self.rng.choice(PLACE_WORDS)} {noun}"
            if candidate not in self.used_names:
                break
        else:
            candidate = f"{self.rng.choice(PLACE_WORDS)} {noun} {len(self.used_names)}"
        self.used_names.add(candidate)
        return candidate

    def phone(self, area_code: str) -> str:
        return f"({area_code}) 555-01{self.rng.randrange(100):02d}"

    def program(self, metro: tuple[str, str, str], zip_pool: list[str] | None = None) -> dict:
        rng = self.rng
        label, centre, area_code = metro
        archetype = rng.choices(ARCHETYPES, weights=[a.weight for a in ARCHETYPES])[0]
        zip_code = rng.choice(zip_pool or self.zips_near(centre))
        lat, lng, city, state = self.gaz.zips[zip_code]
        codes = set(archetype.always)
        codes.update(code for code, odds in archetype.sometimes if rng.random() < odds)
        for table in (PAYMENT_ODDS, AGE_ODDS, GROUP_ODDS, LANGUAGE_ODDS):
            codes.update(code for code, odds in table.items() if rng.random() < odds)
        if not codes & {"MD", "PI", "MC", "SF", "FREE"}:
            codes.add("SF")
        if "CHLD" in codes and rng.random() < .5:
            codes.discard("ADLT")
        status = rng.choices(["active", "temporarily_closed", "closed"], weights=[90, 6, 4])[0]
        verified_days = None if rng.random() < .1 else int(rng.triangular(0, 420, 40))
        name = self.name(archetype.noun)
        place_word = name.rsplit(" ", len(archetype.noun.split()))[0]
        phone = self.phone(area_code)
        intake = self.phone(area_code) if rng.random() < .5 else ""
        residential = archetype.hours == "always"
        wait = rng.choice([0, 0, 1, 2, 3, 5, 7, 10, 14, 21]) if rng.random() < .6 else None
        beds = rng.randrange(0, 12) if residential and rng.random() < .7 else None
        program = {
            "name": name,
            "organization": rng.choice(ORGANIZATIONS).format(place=place_word) if rng.random() < .6 else "",
            "description": f"Fictional demo listing. {archetype.blurb}",
            "street1": f"{rng.randrange(100, 9900)} {rng.choice(STREET_WORDS)} {rng.choice(STREET_KINDS)}",
            "street2": rng.choice(["", "", "", "Suite 200", "2nd floor", "Building B"]),
            "city": city.title(),
            "state": state,
            "zip_code": zip_code,
            "latitude": round(lat + rng.uniform(-0.01, 0.01), 6),
            "longitude": round(lng + rng.uniform(-0.01, 0.01), 6),
            "phone": phone,
            "intake_phone": intake,
            "website": f"https://{place_word.lower().replace(' ', '')}.example.org/",
            "hours_note": HOURS_NOTES[archetype.hours],
            "hours": HOURS[archetype.hours],
            "status": status,
            "accepting_new_patients": rng.choices([True, False, None], weights=[70, 15, 15])[0],
            "last_verified": None if verified_days is None else (self.today - datetime.timedelta(days=verified_days)).isoformat(),
            "terms": sorted(codes),
            "typical_wait_days": wait,
            "beds_available": beds,
            "beds_updated": None if beds is None else (self.today - datetime.timedelta(days=rng.randrange(0, 5))).isoformat(),
        }
        if archetype.noun == TELEHEALTH_NOUN:  # serves whole states (no random draw: the rest stays as it was)
            program["telehealth_states"] = sorted(TELEHEALTH_REACH.get(state, (state,)))
        return program

    def programs(self, per_metro: int) -> list[dict]:
        return [self.program(metro) for metro in METROS for _ in range(per_metro)]
