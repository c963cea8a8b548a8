"""One distance: the SQL expression the searches filter on and the Python function agree, and the
`near()` mixin gives programs and meetings the same answer for the same place."""
import pytest
from django.db.models import Value

from directory.models import Program
from meetings.models import Meeting
from places import geo
from places.distance import great_circle_distance
from tests.factories import make_program
from tests.meetings.factories import make_meeting

PLACES = [  # (name, latitude, longitude)
    ("Charlottesville", 38.0293, -78.4767),
    ("Baltimore", 39.2946, -76.6252),
    ("Anchorage", 61.2181, -149.9003),
    ("Honolulu", 21.3069, -157.8583),
    ("San Juan", 18.4655, -66.1057),
]


@pytest.mark.django_db
@pytest.mark.parametrize("origin", PLACES)
def test_sql_and_python_distances_agree(origin):
    _, lat, lng = origin
    for name, plat, plng in PLACES:
        make_program(name=name, latitude=plat, longitude=plng)
    rows = Program.objects.annotate(distance=great_circle_distance(lat, lng)).values_list(
        "latitude", "longitude", "distance"
    )
    for plat, plng, distance in rows:
        assert distance == pytest.approx(geo.great_circle_miles(lat, lng, plat, plng), abs=1e-6)


@pytest.mark.django_db
def test_programs_and_meetings_share_near():
    here = geo.resolve("21201")
    make_program(name="Close clinic", latitude=39.30, longitude=-76.62)
    make_program(name="Far clinic", latitude=38.03, longitude=-78.48)
    make_meeting(name="Close group", latitude=39.30, longitude=-76.62)
    make_meeting(name="Far group", latitude=38.03, longitude=-78.48)
    programs = {p.name: p.distance for p in Program.objects.near(here, 25)}
    meetings = {m.name: m.distance for m in Meeting.objects.near(here, 25)}
    assert set(programs) == {"Close clinic"} and set(meetings) == {"Close group"}
    assert programs["Close clinic"] == pytest.approx(meetings["Close group"])
    assert Program.objects.near(here, 150).filter(name="Far clinic").exists()


@pytest.mark.django_db
def test_with_distance_from_keeps_every_row():
    make_program(name="A", latitude=39.30, longitude=-76.62)
    make_program(name="B", latitude=21.30, longitude=-157.85)
    here = geo.resolve("21201")
    assert Program.objects.with_distance_from(here).count() == 2
    assert Program.objects.with_distance_from(None).annotate(x=Value(1)).count() == 2
