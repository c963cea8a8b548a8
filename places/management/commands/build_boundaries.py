"""Turn the Census cartographic boundaries of the npm package us-atlas into the portal's map data."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from places.boundaries import DATA_DIR, PRECISION, SCHEMA
from places.states import STATE_BY_NAME


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The arcs of a quantized TopoJSON topology as (longitude, latitude) points."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x, y = x + dx, y + dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(px), float(py)) for px, py, *_ in arc]
        arcs.append(points)
    return arcs


def _rings(geometry: dict) -> list[list[int]]:
    if geometry.get("type") == "Polygon":
        return geometry["arcs"]
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry["arcs"] for ring in polygon]
    return []


def _quantized(points: list[tuple[float, float]]) -> list[int]:
    """Points as whole units of 1/PRECISION degree, the first absolute and the rest as differences,
    consecutive repeats dropped: [x0, y0, dx1, dy1, ...]."""
    flat, last = [], None
    for lng, lat in points:
        point = (round(lng * PRECISION), round(lat * PRECISION))
        if point == last:
            continue
        if last is None:
            flat += point
        else:
            flat += [point[0] - last[0], point[1] - last[1]]
        last = point
    return flat


def build(topology: dict) -> dict[str, dict]:
    """Each state's boundary lines: its outline ("state": an arc between two states, or on a coast or
    border) and its county lines ("county": an arc between two counties of the state), with its
    bounding box."""
    objects = topology.get("objects", {})
    if "counties" not in objects or "states" not in objects:
        raise CommandError("This is not us-atlas's counties-10m.json: it has no counties and states objects.")
    codes = {}
    for geometry in objects["states"]["geometries"]:
        name = (geometry.get("properties") or {}).get("name", "")
        code = STATE_BY_NAME.get(name.lower())
        if code:
            codes[str(geometry["id"])] = code
    arcs = decode_arcs(topology)
    users: dict[int, list[str]] = defaultdict(list)  # arc index -> the states of the counties it bounds
    for geometry in objects["counties"]["geometries"]:
        state = codes.get(str(geometry.get("id", ""))[:2])
        if state is None:
            continue
        for ring in _rings(geometry):
            for index in ring:
                users[index if index >= 0 else ~index].append(state)
    states: dict[str, dict] = {}
    for index, owners in sorted(users.items()):
        kind = "county" if len(owners) == 2 and owners[0] == owners[1] else "state"
        line = _quantized(arcs[index])
        if len(line) < 4:
            continue
        for state in set(owners):
            entry = states.setdefault(state, {"state": state, "bbox": [180.0, 90.0, -180.0, -90.0], "state_lines": [],
                                              "county_lines": []})
            entry[f"{kind}_lines"].append(line)
            for lng, lat in arcs[index]:
                box = entry["bbox"]
                box[0], box[1], box[2], box[3] = min(box[0], lng), min(box[1], lat), max(box[2], lng), max(box[3], lat)
    for entry in states.values():
        entry["bbox"] = [round(value, 3) for value in entry["bbox"]]
    return states


class Command(BaseCommand):
    help = (
        "Write places/data/boundaries/ (one compact JSON file per state: its outline and county lines, and "
        "an index of bounding boxes) from us-atlas's counties-10m.json (US Census Bureau cartographic "
        "boundaries, public domain; get it with `npm pack us-atlas@3` and unpack it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Path to us-atlas's counties-10m.json.")
        parser.add_argument("--out", default=str(DATA_DIR), help="Folder to write (default: places/data/boundaries).")
        parser.add_argument("--dry-run", action="store_true", help="Read and convert, write nothing.")

    def handle(self, *args, source, out, dry_run, **options):
        path = Path(source)
        try:
            topology = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        if topology.get("type") != "Topology":
            raise CommandError(f"{path} is not a TopoJSON topology.")
        states = build(topology)
        if not states:
            raise CommandError(f"{path} has no US states the portal knows.")
        total = 0
        files = {}
        for code, entry in sorted(states.items()):
            files[f"{code}.json"] = json.dumps(entry, separators=(",", ":")) + "\n"
            total += len(files[f"{code}.json"])
        index = {"schema": SCHEMA, "source": "us-atlas counties-10m.json (US Census Bureau cartographic boundaries)",
                 "precision": PRECISION, "states": {code: entry["bbox"] for code, entry in sorted(states.items())}}
        files["index.json"] = json.dumps(index, separators=(",", ":"), sort_keys=True) + "\n"
        if dry_run:
            self.stdout.write(f"Would write {len(states)} states, {total // 1024} KB, to {out}.")
            return
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        # All or nothing, as a transaction would be (the data is files, not rows): each file is
        # written beside its final name, then every one is renamed into place.
        for name, text in files.items():
            (folder / f".{name}.new").write_text(text, encoding="utf-8")
        for name in files:
            (folder / f".{name}.new").replace(folder / name)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(states)} states, {total // 1024} KB, to {folder}."))
