"""Maps of programs drawn on the server as SVG (places.maps): beside search results and on a program's page
(the markup: jinja2/includes/map.html, config/jinja.py).

Usage: {% load map_tags %}{% results_map page.object_list place start=page.start_index %}
       {% program_map program %}
"""
from __future__ import annotations

import json

from django import template
from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from places import maps
from portal.fragments import render_list

register = template.Library()

MIN_MILES = 3  # the smallest map: a few miles around the place
PROGRAM_MAP_MILES = 4


def is_approximate(program) -> bool:
    """A location to show as approximate: flagged so by its source, or without a street address
    (its coordinates are then those of its ZIP code or city)."""
    return bool(getattr(program, "location_approximate", False)) or not getattr(program, "street1", "")


def basemap(drawn, place=None) -> dict | None:
    """What static/js/basemap.js needs to draw the same markers over the operator's own street map
    (PORTAL_BASEMAP_PMTILES_URL), as data attributes of the map; None without that setting."""
    url = settings.PORTAL_BASEMAP_PMTILES_URL
    if not url:
        return None
    markers = [{"number": marker.number, "lat": marker.latitude, "lng": marker.longitude, "name": marker.name,
                "url": marker.url, "approximate": marker.approximate} for marker in drawn.markers]
    locale = {  # MapLibre's own words (its controls), in the page's language
        "NavigationControl.ZoomIn": _("Zoom in"),
        "NavigationControl.ZoomOut": _("Zoom out"),
        "AttributionControl.ToggleAttribution": _("Show or hide the map's sources"),
        "CooperativeGesturesHandler.WindowsHelpText": _("Use Ctrl + scroll to zoom the map"),
        "CooperativeGesturesHandler.MacHelpText": _("Use ⌘ + scroll to zoom the map"),
        "CooperativeGesturesHandler.MobileHelpText": _("Use two fingers to move the map"),
    }
    return {
        "url": url,
        "locale": json.dumps(locale, ensure_ascii=False, separators=(",", ":")),
        "markers": json.dumps(markers, ensure_ascii=False, separators=(",", ":")),
        "place": json.dumps({"lat": place.latitude, "lng": place.longitude, "label": str(place.label)},
                            ensure_ascii=False, separators=(",", ":")) if place is not None else "",
    }


@register.simple_tag
def results_map(programs, place, start: int = 1) -> SafeString:
    """The searched place and each listed program with a location, numbered as in the list."""
    return render_list("directory/results_map.html", results_map_context(programs, place, start))


def results_map_context(programs, place, start: int = 1) -> dict:
    if place is None:
        return {"map": None}
    located = [(start + index, program) for index, program in enumerate(programs)
               if program.latitude is not None and getattr(program, "distance", None) is not None]
    if not located:
        return {"map": None}
    farthest = max(program.distance for _number, program in located)
    drawn = maps.draw(
        place.latitude, place.longitude, max(MIN_MILES, farthest) * 1.15, place_label=str(place.label),
        points=[(number, program.latitude, program.longitude, program.url, program.name, is_approximate(program))
                for number, program in located],
    )
    title = _("Map of the programs listed, numbered as in the list, around %(place)s. Scale: %(miles)s miles.") % {
        "place": place.label, "miles": drawn.scale_label}
    return {"map": drawn, "title": title, "map_id": "results-map", "numbered": True,
            "basemap": basemap(drawn, place)}


@register.simple_tag
def program_map(program) -> SafeString:
    """The program's location among the nearby state and county lines and towns."""
    return render_list("includes/map.html", program_map_context(program))


def program_map_context(program) -> dict:
    if program.latitude is None or program.longitude is None:
        return {"map": None}
    approximate = is_approximate(program)
    drawn = maps.draw(
        program.latitude, program.longitude, PROGRAM_MAP_MILES, show_place=False,
        points=[(None, program.latitude, program.longitude, "", program.name, approximate)],
    )
    title = (_("Map of the approximate location of %(name)s. Scale: %(miles)s miles.") if approximate
             else _("Map of the location of %(name)s. Scale: %(miles)s miles.")) % {
        "name": program.name, "miles": drawn.scale_label}
    return {"map": drawn, "title": title, "map_id": "program-map", "numbered": False, "basemap": basemap(drawn)}
