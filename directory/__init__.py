"""The treatment directory: programs, their organizations and the service taxonomy.

Models and QuerySets (`Program.objects.active().near(place, miles).search(text)`), the search
FilterSet and views, program pages, anonymous problem reports, the verification queue, the admin,
the program sitemap, bulk loading and demo data, and the home page's search form (template tag).

Imports `places` (geocoding, distance, states, weekdays) and `portal` (notices, admin pieces,
slugs), nothing above. The search page shows nearby meetings and related articles through those
apps' template tags, so this app's Python does not import them. Dependencies: django-filter (query
parameters validated by forms; a bad value is ignored with a note, never an error page) and
PostgreSQL full-text search (django.contrib.postgres: a stored tsvector with a GIN index).
"""
