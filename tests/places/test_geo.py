"""Offline location parsing: ZIP codes, cities, coordinates, and the messages for bad ones."""
import math

import pytest

from places import geo


def test_zip_code_resolves_to_its_city():
    place = geo.resolve("22901")
    assert place.kind == "zip"
    assert place.label == "22901 (Charlottesville, VA)"
    assert place.latitude == pytest.approx(38.09, abs=0.05)


def test_zip_plus_four_is_accepted():
    assert geo.resolve("22901-1234").label.startswith("22901")


@pytest.mark.parametrize("text", ["Columbus, OH", "columbus oh", "Columbus, Ohio", "  COLUMBUS ,  OH "])
def test_city_and_state_in_several_spellings(text):
    place = geo.resolve(text)
    assert (place.label, place.state) == ("Columbus, OH", "OH")
    assert place.latitude == pytest.approx(39.98, abs=0.2)


def test_saint_abbreviation_matches():
    assert geo.resolve("St. Louis, MO").label == "Saint Louis, MO"


def test_unambiguous_city_without_state():
    assert geo.resolve("Charlottesville").state == "VA"


def test_ambiguous_city_lists_choices():
    with pytest.raises(geo.LocationError) as caught:
        geo.resolve("Springfield")
    assert "Which one" in caught.value.message
    assert "Springfield, IL" in caught.value.suggestions or "Springfield, MO" in caught.value.suggestions


def test_misspelt_city_gets_suggestions():
    with pytest.raises(geo.LocationError) as caught:
        geo.resolve("Charlotesville, VA")
    assert "Charlottesville, VA" in caught.value.suggestions


def test_unknown_zip_suggests_nearby_zips():
    with pytest.raises(geo.LocationError) as caught:
        geo.resolve("22999")
    assert "22999" in caught.value.message
    assert all(s.startswith("229") for s in caught.value.suggestions)


def test_coordinates_are_rounded_for_privacy():
    place = geo.resolve("38.031234,-78.476789")
    assert (place.latitude, place.longitude, place.label) == (38.03, -78.48, "your location")


@pytest.mark.parametrize("text", ["", "   ", "1234", "123456", "95.0,-200", "Virginia", "x" * 500, "Nowhereville, ZZ"])
def test_bad_locations_explain_themselves(text):
    with pytest.raises(geo.LocationError) as caught:
        geo.resolve(text)
    assert caught.value.message


def test_great_circle_distance_matches_hand_computation():
    # Charlottesville, VA (38.0293, -78.4767) to Richmond, VA (37.5407, -77.4360): computed by hand
    # with the haversine formula and R = 3958.76 mi, 66.1 miles.
    assert geo.great_circle_miles(38.0293, -78.4767, 37.5407, -77.4360) == pytest.approx(66.1, rel=0.005)


def destination(lat, lng, bearing_degrees, miles):
    """The point `miles` away from (lat, lng) on the given bearing (spherical Earth)."""
    angle = miles / geo.EARTH_RADIUS_MILES
    phi, lam, theta = math.radians(lat), math.radians(lng), math.radians(bearing_degrees)
    phi2 = math.asin(math.sin(phi) * math.cos(angle) + math.cos(phi) * math.sin(angle) * math.cos(theta))
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(angle) * math.cos(phi), math.cos(angle) - math.sin(phi) * math.sin(phi2)
    )
    return math.degrees(phi2), math.degrees(lam2)


@pytest.mark.parametrize("lat", [0.0, 38.0, 61.2, 71.0])
def test_bounding_box_contains_the_whole_circle(lat):
    min_lat, max_lat, min_lng, max_lng = geo.bounding_box(lat, -100.0, 100)
    for bearing in range(0, 360, 3):
        plat, plng = destination(lat, -100.0, bearing, 99.999)
        assert min_lat <= plat <= max_lat and min_lng <= plng <= max_lng, bearing


def test_baltimore_alone_means_the_big_one():
    assert geo.resolve("Baltimore").label == "Baltimore, MD"


@pytest.mark.parametrize("text,expected", [
    ("methadone baltimore", ("city", "Baltimore, MD", "methadone")),
    ("rehab columbus ohio", ("city", "Columbus, OH", "rehab")),
    ("detox st. louis mo", ("city", "Saint Louis, MO", "detox")),
    ("winston-salem nc", ("city", "Winston Salem, NC", "")),
    ("suboxone maryland", ("state", "MD", "suboxone")),
    ("new york", ("city", "New York, NY", "")),
    ("richmond va", ("city", "Richmond, VA", "")),
])
def test_a_place_at_the_end_of_keywords(text, expected):
    assert geo.gazetteer().place_at_end(text) == expected


@pytest.mark.parametrize("text", [
    "hope", "new hope", "center", "faith", "columbus", "springfield", "va", "oh", "mobile", "hollowmere recovery",
    "baltimore harbor", "",
])
def test_words_that_only_may_be_a_place_stay_words(text):
    # Small towns named like ordinary words, cities of one name in several states, bare state codes.
    assert geo.gazetteer().place_at_end(text) is None


def test_cities_the_last_keywords_may_name():
    gazetteer = geo.gazetteer()
    places, rest = gazetteer.cities_at_end("suboxone springfield")
    assert places[:2] == ["Springfield, IL", "Springfield, MA"] and rest == "suboxone"
    assert gazetteer.cities_at_end("methadone baltimor") == (["Baltimore, MD"], "methadone")  # misspelt
    for words in ["christian rehab", "christian", "hollowmere", "luxury", "mobile"]:
        assert gazetteer.cities_at_end(words) == ([], words)  # small places named like words stay words
