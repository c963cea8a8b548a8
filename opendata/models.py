"""What the background jobs of the open data app record: the published data package and staff imports."""
from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

# A running job that has not reported progress for this long has most likely lost its worker.
SILENT_JOB_AFTER = datetime.timedelta(minutes=10)


class DataPackage(models.Model):
    """The HSDS data package served at /api/datapackage.zip (a single row), and whether it is out of date."""

    file_name = models.CharField(max_length=200, blank=True, help_text="Name of the zip file in the opendata storage.")
    etag = models.CharField(max_length=80, blank=True)
    size = models.BigIntegerField(default=0)
    programs = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)
    stale_since = models.DateTimeField(
        null=True, blank=True, help_text="Set when listings change; a build is queued then and clears it."
    )

    class Meta:
        verbose_name = "data package"

    def __str__(self) -> str:
        return f"HSDS data package built {self.built_at:%Y-%m-%d %H:%M}" if self.built_at else "HSDS data package (not built)"


class ImportJob(models.Model):
    """One step of a staff import (the dry-run preview, or the import itself) run by a background worker."""

    class Step(models.TextChoices):
        PREVIEW = "preview", "Preview"
        APPLY = "apply", "Import"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    step = models.CharField(max_length=10, choices=Step.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    filename = models.CharField(max_length=200)
    format = models.CharField(max_length=40)
    upload_token = models.CharField(max_length=40, help_text="Name of the stored upload in the upload folder.")
    strict = models.BooleanField(
        default=False, help_text="All or nothing: import nothing if any row is rejected (otherwise the usable rows)."
    )
    options = models.JSONField(default=dict, blank=True, help_text="What else the importer is told, e.g. the fellowship.")
    preview = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="imports")
    phase = models.CharField(max_length=10, blank=True, help_text="read, check or write")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now, help_text="Last sign of life from the worker.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} of {self.filename} ({self.get_status_display().lower()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def silent(self) -> bool:
        """Running, but no progress for SILENT_JOB_AFTER: the worker probably stopped."""
        return self.status == self.Status.RUNNING and timezone.now() - self.updated_at > SILENT_JOB_AFTER

    @property
    def percent(self) -> int | None:
        return min(100, self.done * 100 // self.total) if self.total else None


class IdentifierNamespace(models.Model):
    """This installation's UUID namespace for the HSDS identifiers it publishes (a single row).

    Made at random by the first `migrate`, so two portals never publish the same identifier for
    different programs, and an import can tell this portal's own records from another's.
    """

    namespace = models.UUIDField(
        "identifier namespace", unique=True, default=uuid.uuid4,
        help_text="Every HSDS identifier this portal publishes derives from it. Changing it changes every published "
                  "identifier: other sites' copies and links no longer find the records, and re-importing an older "
                  "export of this portal creates duplicates instead of updating. Change it only before data is shared.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "identifier namespace"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="identifier_namespace_single_row")]

    def __str__(self) -> str:
        return str(self.namespace)

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        from opendata.hsds import forget_namespace

        forget_namespace()
        transaction.on_commit(forget_namespace)
