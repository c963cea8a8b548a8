"""Support-group meetings: Meeting Guide feeds in and out, the finder, calendar files, the admin.

Other pages show the next meetings near a place with the `nearby_meetings_box` template tag.
Imports `places` (distance, time zones, weekdays), `portal` (notices, admin pieces, slugs) and the
directory's demo place names for its own demo meetings; never `opendata`, whose Meeting Guide
adapter builds on this app. Time zones come from the standard library's zoneinfo (IANA data).
"""
