"""Offline geocoding of US places (ZIP codes, cities, coordinates) and great-circle distance in Python.

Everything here works from the `zipcodes` package's gazetteer, read once per process. No request
ever leaves the server to resolve a place.
"""
from __future__ import annotations

import gc
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz, process

from places.states import STATE_BY_NAME, US_STATES

EARTH_RADIUS_MILES = 3958.7613


_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")
_COORDS = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_SPACES = re.compile(r"\s+")
MAX_LOCATION_LENGTH = 100
# Reading a place at the end of keywords (Gazetteer.place_at_end): the longest city name tried, in
# words; how many ZIP codes make a city large enough to be meant without its state; and the words
# that are such a city's name but mean something else in a search for treatment.
MAX_PLACE_WORDS = 4
LARGE_CITY_ZIPS = 8
NOT_PLACES = frozenset({"mobile", "independence", "providence", "humble", "mission", "hospital"})
_PUNCTUATION = re.compile(r"[^\w\s'.-]")


@dataclass(frozen=True)
class Place:
    """A resolved location: what to call it and where it is."""

    label: str
    latitude: float
    longitude: float
    kind: str  # "zip", "city" or "coordinates"
    state: str = ""


@dataclass
class LocationError(Exception):
    """A location that could not be resolved, with what to tell the person and what to suggest."""

    message: str
    suggestions: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class _City:
    name: str
    state: str
    latitude: float
    longitude: float
    zip_count: int


class Gazetteer:
    """ZIP codes and cities of the United States with their coordinates."""

    def __init__(self, rows: list[dict]):
        self.zips: dict[str, tuple[float, float, str, str]] = {}
        points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
        display: dict[tuple[str, str], str] = {}
        for row in rows:
            try:
                lat, lng = float(row["lat"]), float(row["long"])
            except (KeyError, TypeError, ValueError):
                continue
            if lat == 0 and lng == 0:
                continue
            city = row.get("city") or ""
            state = row.get("state") or ""
            self.zips[row["zip_code"]] = (lat, lng, city, state)
            key = (normalize_city(city), state)
            points[key].append((lat, lng))
            display.setdefault(key, city.title())
        self.cities: dict[tuple[str, str], _City] = {}
        self.cities_by_name: dict[str, list[_City]] = defaultdict(list)
        for key, pts in points.items():
            city = _City(
                name=display[key],
                state=key[1],
                latitude=sum(p[0] for p in pts) / len(pts),
                longitude=sum(p[1] for p in pts) / len(pts),
                zip_count=len(pts),
            )
            self.cities[key] = city
            self.cities_by_name[key[0]].append(city)
        for same_name in self.cities_by_name.values():
            same_name.sort(key=lambda c: -c.zip_count)

    def zip_point(self, zip_code: str) -> tuple[float, float] | None:
        """Return the coordinates of a 5-digit ZIP code, or None when it is unknown."""
        found = self.zips.get((zip_code or "").strip()[:5])
        return (found[0], found[1]) if found else None

    def resolve(self, text: str) -> Place:
        """Turn what a person typed into a Place, or raise LocationError explaining why not."""
        text = _SPACES.sub(" ", (text or "").strip())
        if not text:
            raise LocationError(_("Enter a ZIP code or a city to search near."))
        if len(text) > MAX_LOCATION_LENGTH:
            raise LocationError(_("That location is too long. Enter a 5-digit ZIP code or a city and state."))
        if match := _ZIP.match(text):
            return self._resolve_zip(match.group(1))
        if match := _COORDS.match(text):
            return self._resolve_coordinates(float(match.group(1)), float(match.group(2)))
        if text.isdigit():
            raise LocationError(_("A ZIP code has 5 digits, like 22901."))
        return self._resolve_city(text)

    def _resolve_zip(self, zip_code: str) -> Place:
        found = self.zips.get(zip_code)
        if found is None:
            nearby = sorted(z for z in self.zips if z[:3] == zip_code[:3])
            suggestions = [z for z in nearby if z > zip_code][:3] + [z for z in nearby if z < zip_code][-2:]
            raise LocationError(
                _("We could not find the ZIP code %(zip)s. Check the number, or try a nearby ZIP code or your city.")
                % {"zip": zip_code},
                sorted(suggestions),
            )
        lat, lng, city, state = found
        return Place(f"{zip_code} ({city.title()}, {state})", lat, lng, "zip", state)

    @staticmethod
    def _resolve_coordinates(lat: float, lng: float) -> Place:
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise LocationError(_("Those coordinates are not on the map. Enter a ZIP code or a city instead."))
        # Rounded to about a kilometre: precise enough to sort by distance, no more.
        lat, lng = round(lat, 2), round(lng, 2)
        # Lazy: a Place may outlive the request, and its label is read in the page's language.
        return Place(gettext_lazy("your location"), lat, lng, "coordinates")

    def _resolve_city(self, text: str) -> Place:
        name, state = split_city_state(text)
        key = normalize_city(name)
        if state:
            city = self.cities.get((key, state))
            if city is None:
                raise LocationError(
                    _("We could not find %(city)s, %(state)s. Check the spelling, or enter a ZIP code.")
                    % {"city": name.title(), "state": state},
                    self._suggest(key, state),
                )
            return Place(f"{city.name}, {city.state}", city.latitude, city.longitude, "city", city.state)
        if key in STATE_BY_NAME or key.upper() in US_STATES:
            raise LocationError(
                _("A whole state is too large to measure distance from. Enter a city or a ZIP code in it."),
                [f"{c.name}, {c.state}" for c in self._largest_in(STATE_BY_NAME.get(key, key.upper()))],
            )
        matches = self.cities_by_name.get(key, [])
        city = _meant(matches)
        if city is not None:
            return Place(f"{city.name}, {city.state}", city.latitude, city.longitude, "city", city.state)
        if len(matches) > 1:
            raise LocationError(
                _("There are %(count)s places called %(name)s. Which one do you mean?")
                % {"count": len(matches), "name": matches[0].name},
                [f"{c.name}, {c.state}" for c in matches[:8]],
            )
        raise LocationError(
            _(
                "We could not find a place called %(name)s. Check the spelling, add the state "
                "(for example Charlottesville, VA), or enter a ZIP code."
            ) % {"name": name.strip().title()},
            self._suggest(key, None),
        )

    def place_at_end(self, text: str) -> tuple[str, str, str] | None:
        """A place named at the end of search words, as people type it in a keyword box
        ("methadone baltimore", "rehab columbus ohio", "detox in maryland"): ("city", "Columbus, OH",
        rest) or ("state", "MD", rest), where rest is the words before it; None when the words do not
        end in a place. Strict, because keywords are not a location field: a city needs its state
        unless it is the one large city of that name (ordinary words that are also hamlets, such as
        "hope" or "center", stay words), and a two-letter state code counts only after a city."""
        tokens, words = _search_words(text)
        if not words or not all(words):
            return None

        def rest(used: int) -> str:
            return " ".join(tokens[:-used])

        for state_size in (3, 2, 1):
            if len(words) < state_size:
                continue
            tail = " ".join(words[-state_size:])
            code = STATE_BY_NAME.get(tail)
            if code is None and state_size == 1 and len(tail) == 2 and tail.upper() in US_STATES:
                code = tail.upper()
            if code is None:
                continue
            for city_size in range(min(MAX_PLACE_WORDS, len(words) - state_size), 0, -1):
                name = " ".join(words[-state_size - city_size:-state_size])
                city = self.cities.get((name, code))
                if city is not None:
                    return "city", f"{city.name}, {city.state}", rest(state_size + city_size)
            if tail in STATE_BY_NAME:  # a state named in full; alone, a code is too often a word ("va", "in")
                city = self.cities.get((tail, code))  # New York, NY: the city
                if city is not None and city.zip_count >= LARGE_CITY_ZIPS:
                    return "city", f"{city.name}, {city.state}", rest(state_size)
                return "state", code, rest(state_size)
        for city_size in range(min(MAX_PLACE_WORDS, len(words)), 0, -1):
            name = " ".join(words[-city_size:])
            city = None if name in NOT_PLACES else _meant(self.cities_by_name.get(name, []))
            if city is not None and city.zip_count >= LARGE_CITY_ZIPS:
                return "city", f"{city.name}, {city.state}", rest(city_size)
        return None

    def cities_at_end(self, text: str, limit: int = 4) -> tuple[list[str], str]:
        """The cities the last words of search words may name, largest first, and the words before
        them ("suboxone columbus": ["Columbus, OH", "Columbus, GA", …], "suboxone"; a misspelt
        "baltimor": Baltimore): places to offer when place_at_end could not choose one. ([], text)
        when the words end in no city's name."""
        tokens, words = _search_words(text)
        if not words:
            return [], text
        for size in range(min(MAX_PLACE_WORDS, len(words)), 0, -1):
            name = " ".join(words[-size:])
            if len(name) < 4 or name in NOT_PLACES:
                continue
            matches = self.cities_by_name.get(name, [])
            if matches:
                return [f"{city.name}, {city.state}" for city in matches[:limit]], " ".join(tokens[:-size])
        # A misspelt large city ("baltimor"), for a last word long enough to tell: small places
        # named like ordinary words ("christian": Christiana, PA) would only distract.
        if len(words[-1]) >= 6 and words[-1] not in NOT_PLACES:
            found = process.extract(words[-1], self.large_city_names, scorer=fuzz.ratio, score_cutoff=80, limit=limit)
            close = [f"{c.name}, {c.state}" for name, _score, _index in found for c in self.cities_by_name[name]
                     if c.zip_count >= LARGE_CITY_ZIPS][:limit]
            if close:
                return close, " ".join(tokens[:-1])
        return [], text

    @cached_property
    def large_city_names(self) -> list[str]:
        """The names of cities with at least LARGE_CITY_ZIPS ZIP codes (looked through for misspellings)."""
        return sorted(name for name, cities in self.cities_by_name.items() if cities[0].zip_count >= LARGE_CITY_ZIPS)

    def state_at(self, latitude: float, longitude: float) -> str:
        """The state of the ZIP code nearest these coordinates ('' when none is within about 50 miles)."""
        best, state = 0.75 ** 2, ""  # in squared degrees, longitude scaled to the latitude
        scale = math.cos(math.radians(latitude)) ** 2
        for zip_lat, zip_lng, _city, zip_state in self.zips.values():
            d = (zip_lat - latitude) ** 2 + scale * (zip_lng - longitude) ** 2
            if d < best:
                best, state = d, zip_state
        return state

    def _suggest(self, key: str, state: str | None) -> list[str]:
        if state:
            names = [k[0] for k in self.cities if k[1] == state]
            close = _closest(key, names, limit=5, cutoff=75)
            return [f"{self.cities[(n, state)].name}, {state}" for n in close]
        close = _closest(key, list(self.cities_by_name), limit=4, cutoff=80)
        return [f"{c.name}, {c.state}" for n in close for c in self.cities_by_name[n][:2]][:6]

    def _largest_in(self, state: str) -> list[_City]:
        return sorted((c for c in self.cities.values() if c.state == state), key=lambda c: -c.zip_count)[:5]


def _closest(key: str, names, *, limit: int, cutoff: int) -> list[str]:
    """The names most like `key` (rapidfuzz's ratio, 0–100), best first."""
    return [name for name, _score, _index in process.extract(key, names, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)]


def _meant(same_name: list[_City]) -> _City | None:
    """The city a name without its state means: the only one, or one that dwarfs its namesakes
    (Baltimore, MD against a Baltimore, OH hamlet); None when it could be several."""
    if len(same_name) == 1 or (len(same_name) > 1 and same_name[0].zip_count >= max(4, 4 * same_name[1].zip_count)):
        return same_name[0]
    return None


def _search_words(text: str) -> tuple[list[str], list[str]]:
    """Search words as typed and as city-name keys ([], [] when there are none, or too many to be
    a place's name with a few words before it)."""
    tokens = text.split()
    if not tokens or len(tokens) > MAX_PLACE_WORDS * 3:
        return [], []
    return tokens, [normalize_city(_PUNCTUATION.sub(" ", token)) for token in tokens]


def normalize_city(name: str) -> str:
    """Fold a city name to a lookup key: lower case, 'St.' as 'saint', no punctuation."""
    name = name.lower().replace(".", " ").replace("'", "").replace("-", " ")
    name = re.sub(r"\b(st|ste)\b", lambda m: "saint" if m.group(1) == "st" else "sainte", name)
    name = re.sub(r"\bft\b", "fort", name)
    name = re.sub(r"\bmt\b", "mount", name)
    return _SPACES.sub(" ", name).strip()


def split_city_state(text: str) -> tuple[str, str | None]:
    """Split 'City, ST' or 'City ST' or 'City, State' into the city and a state code (or None)."""
    if "," in text:
        city, _comma, rest = text.rpartition(",")
        rest = rest.strip()
        code = rest.upper() if rest.upper() in US_STATES else STATE_BY_NAME.get(rest.lower())
        if code:
            return city.strip(), code
        return text, None
    words = text.split(" ")
    if len(words) >= 2 and words[-1].upper() in US_STATES and len(words[-1]) == 2:
        return " ".join(words[:-1]), words[-1].upper()
    for size in (3, 2, 1):
        if len(words) > size:
            tail = " ".join(words[-size:]).lower()
            if tail in STATE_BY_NAME:
                return " ".join(words[:-size]), STATE_BY_NAME[tail]
    return text, None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Load the US gazetteer once per process."""
    import zipcodes

    loaded = Gazetteer(zipcodes.list_all())
    # The gazetteer is a few hundred thousand long-lived objects; without this, every full garbage
    # collection walks them all again and stalls whichever request triggered it.
    gc.collect()
    gc.freeze()
    return loaded


def resolve(text: str) -> Place:
    """Resolve a ZIP, city or 'lat,lng' to a Place (see Gazetteer.resolve)."""
    return gazetteer().resolve(text)


@lru_cache(maxsize=1024)
def _state_at(latitude: float, longitude: float) -> str:
    return gazetteer().state_at(latitude, longitude)


def state_of(place: Place) -> str:
    """The two-letter state a place is in: its own for a ZIP code or city; for coordinates ("Use my
    location", already rounded), the state of the nearest ZIP code."""
    if place.state:
        return place.state
    return _state_at(round(place.latitude, 2), round(place.longitude, 2))


def great_circle_miles(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Haversine distance between two points in miles."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, miles: float) -> tuple[float, float, float, float]:
    """Return (min_lat, max_lat, min_lng, max_lng) of a box that contains the circle of `miles`."""
    angle = miles / EARTH_RADIUS_MILES
    dlat = math.degrees(angle)
    # The circle's widest longitude is reached poleward of the centre: asin(sin(d)/cos(lat)).
    ratio = math.sin(angle) / max(math.cos(math.radians(lat)), 1e-9)
    dlng = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng
