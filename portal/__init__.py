"""The project package and the shared base every app stands on.

Holds settings (read with django-environ: 12-factor variables and a `.env` file), the URL conf and
WSGI entry that wire the apps together, the portal-wide pages (home, about, robots.txt, errors),
the privacy middleware and log filter, the notes about ignored query parameters, the context
processors, the admin pieces the apps share (`admin_tools`) and the slug generator (`slugs`).

Apart from the wiring modules (urls.py, wsgi.py, settings.py) it imports no app of the portal: the
home page's search form comes from a directory template tag, so every app may import portal.
Dependencies: Django 5.2 (LTS); psycopg 3 rather than psycopg2-binary, because it is the driver
Django recommends, with connection pooling and server-side parameter binding; django-environ for
DATABASE_URL and the replicas' URLs; pgserver for the embedded PostgreSQL of `make run`; WhiteNoise for self-hosted static
files; gunicorn as the production WSGI server.
"""
