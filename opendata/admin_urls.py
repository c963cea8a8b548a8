"""The staff import pages, inside the admin's URL space (/admin/opendata/)."""
from django.urls import path

from opendata import admin_views

app_name = "opendata-admin"

urlpatterns = [
    path("import/", admin_views.import_listings, name="import"),
    path("import/apply/", admin_views.apply_import, name="apply"),
    path("import/jobs/<uuid:job_id>/", admin_views.import_job, name="job"),
]
