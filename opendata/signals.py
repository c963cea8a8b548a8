"""Rebuild the data package (in a background job) whenever the listings it publishes change."""
from django.db.models.signals import m2m_changed, post_delete, post_save

from directory.models import Category, OpeningHours, Organization, Program, Term
from directory.signals import listings_changed
from opendata.jobs import request_package_build


def listings_edited(sender, raw=False, immediate=False, **kwargs) -> None:
    """Queue a rebuild: after OPENDATA_PACKAGE_DELAY for edits, at once (on commit) for an import (`immediate`)."""
    if not raw:
        request_package_build(delay=0 if immediate else None)


for model in (Program, Organization, OpeningHours, Term, Category):
    post_save.connect(listings_edited, sender=model, dispatch_uid=f"opendata-package-save-{model.__name__}")
    post_delete.connect(listings_edited, sender=model, dispatch_uid=f"opendata-package-delete-{model.__name__}")
m2m_changed.connect(listings_edited, sender=Program.terms.through, dispatch_uid="opendata-package-terms")
listings_changed.connect(listings_edited, dispatch_uid="opendata-package-bulk")
