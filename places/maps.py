"""Maps drawn by the portal: the numbers a server-drawn SVG map needs (no tiles, no other site).

A map is centred on a point and shows a given distance around it, in a simple equirectangular
projection scaled by the cosine of the centre's latitude (true to within a few percent over the
hundred miles or so a map shows). Its state and county lines come from places.boundaries, its city
names from the ZIP gazetteer; everything is projected here to whole pixels of the SVG's viewBox, so
the template only writes out what it is given.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from places import boundaries, geo

WIDTH, HEIGHT = 480, 360
MILES_PER_DEGREE = 69.05
MAX_CITIES = 5
# The scale bar's length is the largest of these that fits in a fifth of the map's width.
SCALE_STEPS = (0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200)


@dataclass
class Marker:
    number: int
    x: int
    y: int
    url: str
    name: str
    approximate: bool = False
    latitude: float | None = None  # for the optional interactive map (static/js/basemap.js)
    longitude: float | None = None


@dataclass
class Label:
    x: int
    y: int
    text: str


@dataclass
class DrawnMap:
    """What the map template draws: paths as SVG path data, and points in viewBox pixels."""

    width: int
    height: int
    state_path: str = ""  # every state line on the map, as one path's data
    county_path: str = ""
    cities: list[Label] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    place: Label | None = None
    scale_miles: float = 0
    scale_width: int = 0

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def has_approximate(self) -> bool:
        return any(marker.approximate for marker in self.markers)

    @property
    def scale_label(self) -> str:
        miles = self.scale_miles
        return f"{miles:g}"


class Projection:
    """Longitude and latitude to viewBox pixels, around a centre, `miles` from it to the map's top."""

    def __init__(self, latitude: float, longitude: float, miles: float, width: int = WIDTH, height: int = HEIGHT):
        self.latitude, self.longitude, self.width, self.height = latitude, longitude, width, height
        self.pixels_per_degree = (height / 2) / (miles / MILES_PER_DEGREE)
        self.cos = math.cos(math.radians(latitude))
        self.pixels_per_mile = self.pixels_per_degree / MILES_PER_DEGREE

    def __call__(self, longitude: float, latitude: float) -> tuple[int, int]:
        x = self.width / 2 + (longitude - self.longitude) * self.cos * self.pixels_per_degree
        y = self.height / 2 - (latitude - self.latitude) * self.pixels_per_degree
        return round(x), round(y)

    def bounds(self, margin: float = 0.1) -> tuple[float, float, float, float]:
        """(west, south, east, north) of the map, with a margin (a share of its size) around it."""
        half_lat = (self.height / 2) / self.pixels_per_degree * (1 + margin)
        half_lng = (self.width / 2) / (self.pixels_per_degree * max(self.cos, 1e-6)) * (1 + margin)
        return (self.longitude - half_lng, self.latitude - half_lat, self.longitude + half_lng, self.latitude + half_lat)

    def inside(self, x: int, y: int, margin: int = 0) -> bool:
        return -margin <= x <= self.width + margin and -margin <= y <= self.height + margin


def path_data(line, project: Projection, bounds) -> list[str]:
    """SVG path data for the parts of a line on the map (with the points just outside it, so that
    lines meet the edge): an absolute move, then relative steps in whole pixels, repeats dropped."""
    west, south, east, north = bounds
    parts, current = [], []
    for index, (longitude, latitude) in enumerate(line):
        if west <= longitude <= east and south <= latitude <= north:
            if not current and index > 0:
                current.append(project(*line[index - 1]))
            point = project(longitude, latitude)
            if not current or point != current[-1]:
                current.append(point)
        elif current:
            current.append(project(longitude, latitude))
            parts.append(current)
            current = []
    if current:
        parts.append(current)
    data = []
    for points in parts:
        if len(points) < 2:
            continue
        x, y = points[0]
        steps = [f"M{x} {y}"]
        for px, py in points[1:]:
            steps.append(f"l{px - x} {py - y}")
            x, y = px, py
        data.append("".join(steps).replace(" -", "-"))
    return data


def nice_scale(pixels_per_mile: float, width: int = WIDTH) -> tuple[float, int]:
    """A round number of miles for the scale bar and its length in pixels."""
    fits = [miles for miles in SCALE_STEPS if miles * pixels_per_mile <= width / 4]
    miles = fits[-1] if fits else SCALE_STEPS[0]
    return miles, round(miles * pixels_per_mile)


def draw(latitude: float, longitude: float, miles: float, *, points=(), place_label: str = "",
         show_place: bool = True) -> DrawnMap:
    """A map `miles` around a point: its state and county lines, a few city names, the place itself
    (labelled `place_label`) and `points`: (number, latitude, longitude, url, name, approximate)."""
    project = Projection(latitude, longitude, miles)
    drawn = DrawnMap(WIDTH, HEIGHT)
    drawn.state_path, drawn.county_path, cities = background(latitude, longitude, miles)
    for number, lat, lng, url, name, approximate in points:
        if lat is None or lng is None:
            continue
        x, y = project(lng, lat)
        if project.inside(x, y):
            drawn.markers.append(Marker(number, x, y, url, name, approximate, lat, lng))
    if show_place:  # a cross at the centre, named in the map's corner
        drawn.place = Label(WIDTH // 2, HEIGHT // 2, place_label)
    taken = [(marker.x, marker.y) for marker in drawn.markers] + ([(WIDTH // 2, HEIGHT // 2)] if show_place else [])
    drawn.cities = city_labels(cities, avoid=taken)
    drawn.scale_miles, drawn.scale_width = nice_scale(project.pixels_per_mile)
    return drawn


@lru_cache(maxsize=128)  # at most some 5 MB of path data per process
def background(latitude: float, longitude: float, miles: float) -> tuple[str, str, tuple]:
    """What a map shows whatever is listed on it: its state lines and its county lines, each layer
    as one path's data, and the cities inside it as (x, y, name), largest first. Kept per place and
    distance: projecting the boundaries took most of a map's time, and a place is searched again and
    again."""
    project = Projection(latitude, longitude, miles)
    bounds = project.bounds()
    state_paths: list[str] = []
    county_paths: list[str] = []
    seen_state_lines: set = set()
    west, south, east, north = bounds

    def crosses(box) -> bool:
        return box[0] <= east and box[2] >= west and box[1] <= north and box[3] >= south

    for code in boundaries.states_within(*bounds):
        state_lines, county_lines = boundaries.boxed_lines(code)
        for box, line in state_lines:
            key = (line[0], line[-1], len(line))
            if not crosses(box) or key in seen_state_lines or (line[-1], line[0], len(line)) in seen_state_lines:
                continue  # off the map, or a line between two states already drawn
            seen_state_lines.add(key)
            state_paths += path_data(line, project, bounds)
        for box, line in county_lines:
            if crosses(box):
                county_paths += path_data(line, project, bounds)
    cities = tuple(
        (*project(city.longitude, city.latitude), city.name)
        for city in sorted(cities_within(*bounds), key=lambda city: (-city.zip_count, city.name))
    )
    return "".join(state_paths), "".join(county_paths), cities


@lru_cache(maxsize=1)
def _cities_by_square() -> dict[tuple[int, int], list]:
    """The gazetteer's cities by the whole degrees of their latitude and longitude (made once)."""
    squares: dict[tuple[int, int], list] = {}
    for city in geo.gazetteer().cities.values():
        squares.setdefault((math.floor(city.latitude), math.floor(city.longitude)), []).append(city)
    return squares


def cities_within(west: float, south: float, east: float, north: float) -> list:
    """The gazetteer's cities inside these bounds, read from the squares of a degree they cross (a
    map covers a few of some thirty thousand cities)."""
    squares = _cities_by_square()
    return [
        city
        for lat in range(math.floor(south), math.floor(north) + 1)
        for lng in range(math.floor(west), math.floor(east) + 1)
        for city in squares.get((lat, lng), ())
        if west <= city.longitude <= east and south <= city.latitude <= north
    ]


def city_labels(cities, *, avoid=()) -> list[Label]:
    """The largest cities on the map (`cities` as background() gives them), kept apart from each other."""
    labels: list[Label] = []
    taken = list(avoid)
    for x, y, name in cities:
        if not (50 <= x <= WIDTH - 50 and 40 <= y <= HEIGHT - 30):
            continue  # clear of the edges, the place's name (top left) and the scale (bottom left)
        if any(abs(x - tx) < 90 and -16 < y - ty < 32 for tx, ty in taken):
            continue
        labels.append(Label(x, y, name))
        taken.append((x, y))
        if len(labels) >= MAX_CITIES:
            break
    return labels
