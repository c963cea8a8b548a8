"""Places: where things are and when it is there. Shared, model-free, used by every app above it.

- `geo`: offline geocoding of ZIP codes, cities and coordinates from the `zipcodes` package's
  gazetteer (no request leaves the server: a visitor's location is never sent to a third party),
  and great-circle distance in Python.
- `distance`: the same distance as one SQL expression, and the `near()` QuerySet mixin used by
  programs and meetings (bounding box on indexed latitude/longitude, then the exact distance).
- `states`: the US states and territories, one copy.
- `timezones`: the IANA zone of a US place (standard library `zoneinfo`), zone names, local clocks.
- `weekdays`: the one weekday numbering (0 = Sunday, as Meeting Guide feeds use it).
- `forms` and `filters`: the location form field, radius choices and the django-filter `NearFilter`.

It imports no other app of the portal, so every app may import it.
"""
