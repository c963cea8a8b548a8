"""Migration 0001 names `meetings.zones.validate_zone`; time zones live in places.timezones now."""
from places.timezones import validate_zone  # noqa: F401
