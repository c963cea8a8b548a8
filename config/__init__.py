"""The project package: settings, the URL configuration and the WSGI entry point.

Nothing imports it but Django itself (through DJANGO_SETTINGS_MODULE, ROOT_URLCONF and
WSGI_APPLICATION): it sits above every app, and `portal` is the base app every app may use.
"""
