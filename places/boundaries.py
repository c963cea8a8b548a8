"""State and county lines for the portal's maps, from the files `manage.py build_boundaries` writes.

The lines are the US Census Bureau's cartographic boundaries (public domain) as the npm package
us-atlas publishes them (counties-10m.json), cut into one small file per state. Read once per
process, only for the states a map shows.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data" / "boundaries"
PRECISION = 1000  # coordinates are stored in thousandths of a degree (about 100 m)
SCHEMA = 1

Line = tuple[tuple[float, float], ...]  # (longitude, latitude) points


@lru_cache(maxsize=1)
def index() -> dict[str, list[float]]:
    """Each state's bounding box (west, south, east, north); empty when the data is missing."""
    try:
        return json.loads((DATA_DIR / "index.json").read_text(encoding="utf-8"))["states"]
    except (OSError, ValueError, KeyError):
        return {}


def _decode(flat: list[int]) -> Line:
    points, x, y = [], 0, 0
    for i in range(0, len(flat) - 1, 2):
        x, y = x + flat[i], y + flat[i + 1]
        points.append((x / PRECISION, y / PRECISION))
    return tuple(points)


@lru_cache(maxsize=64)
def state_lines(code: str) -> tuple[tuple[Line, ...], tuple[Line, ...]]:
    """(state lines, county lines) of one state; both empty for a state without data."""
    if code not in index():
        return (), ()
    data = json.loads((DATA_DIR / f"{code}.json").read_text(encoding="utf-8"))
    return tuple(map(_decode, data["state_lines"])), tuple(map(_decode, data["county_lines"]))


def states_within(west: float, south: float, east: float, north: float) -> list[str]:
    """The states whose bounding box meets this one."""
    return [code for code, (w, s, e, n) in index().items() if w <= east and e >= west and s <= north and n >= south]


Box = tuple[float, float, float, float]  # west, south, east, north


def _box(line: Line) -> Box:
    longitudes, latitudes = [point[0] for point in line], [point[1] for point in line]
    return min(longitudes), min(latitudes), max(longitudes), max(latitudes)


@lru_cache(maxsize=64)
def boxed_lines(code: str) -> tuple[tuple[tuple[Box, Line], ...], tuple[tuple[Box, Line], ...]]:
    """state_lines() with each line's bounding box, so that a map skips the lines it does not cross."""
    state, county = state_lines(code)
    return tuple((_box(line), line) for line in state), tuple((_box(line), line) for line in county)
