"""Distance in the database: the one SQL expression for great-circle distance, and `near()`.

The Python twin of the expression is `places.geo.great_circle_miles`; both use the haversine
formula and the same Earth radius, so a distance shown on a page and the one a query filtered on
agree. Only core PostgreSQL is used (no PostGIS or earthdistance: the embedded server has no
contrib extensions).
"""
from __future__ import annotations

from django.db import models
from django.db.models.expressions import RawSQL

from places import geo


def great_circle_distance(latitude: float, longitude: float) -> RawSQL:
    """A SQL expression for the haversine distance in miles from a point to each row's
    `latitude`/`longitude` columns.

    Written as one SQL fragment (rather than a tree of Django function expressions) because it is
    compiled for every query of a search; the point's coordinates are passed as parameters.
    """
    return RawSQL(
        "(%s * asin(least(1.0, sqrt("
        "power(sin(radians(latitude - %s) / 2), 2)"
        " + cos(radians(%s)) * cos(radians(latitude)) * power(sin(radians(longitude - %s) / 2), 2)))))",
        (2 * geo.EARTH_RADIUS_MILES, latitude, latitude, longitude),
        output_field=models.FloatField(),
    )


class NearQuerySetMixin:
    """`near()` for any QuerySet whose model has indexed `latitude` and `longitude` columns."""

    def near(self, place: geo.Place, miles: float):
        """Rows within `miles` of `place`, annotated with `distance` in miles.

        A bounding box on the indexed coordinates narrows the rows first; the exact great-circle
        distance is then computed in SQL for those rows only.
        """
        min_lat, max_lat, min_lng, max_lng = geo.bounding_box(place.latitude, place.longitude, miles)
        return (
            self.filter(latitude__range=(min_lat, max_lat), longitude__range=(min_lng, max_lng))
            .annotate(distance=great_circle_distance(place.latitude, place.longitude))
            .filter(distance__lte=miles)
        )

    def with_distance_from(self, place: geo.Place | None):
        """Every row annotated with `distance` from `place` (no filtering); unchanged without a place."""
        if place is None:
            return self
        return self.annotate(distance=great_circle_distance(place.latitude, place.longitude))
