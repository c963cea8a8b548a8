"""The staff page that imports a file: upload, dry-run preview, then apply, each step a background job.

The request only stores the upload (under a random name, in OPENDATA_UPLOAD_DIR) and queues a job;
the job's page shows its progress, refreshing itself, and then its report. Only the staff member
who uploaded a file sees its jobs. Whatever is wrong with a file ends in a report, never in an error.
"""
from __future__ import annotations

import logging
import secrets
import time
import uuid
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from importing.formats import all_formats, choices, get_format
from importing.pipeline import describe_size, max_import_bytes
from opendata.jobs import queue_import, report_from_json, upload_dir, upload_path
from opendata.models import ImportJob

logger = logging.getLogger(__name__)

KEEP_UPLOADS_SECONDS = 24 * 3600
PREVIEW_ROWS = 25
RECENT_JOBS = 10
# How often the progress page of a running import reloads itself (no JavaScript needed).
REFRESH_SECONDS = 3


class UploadForm(forms.Form):
    """The file, its format (any format of the registry) and the options the formats ask for."""

    file = forms.FileField(label="File")
    format = forms.ChoiceField(label="Format", choices=choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for import_format in all_formats():
            for name, field in import_format.form_fields().items():
                self.fields.setdefault(name, field)

    @property
    def option_fields(self):
        return [self[name] for name in self.fields if name not in ("file", "format")]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("format"):
            for name, message in get_format(cleaned["format"]).clean_form(cleaned).items():
                self.add_error(name, message)
        return cleaned

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_import_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {describe_size(upload.size)}; the largest file an import accepts is {describe_size(limit)}. "
                "Split it, or use the import commands."
            )
        return upload


def _forget_old_uploads(folder: Path) -> None:
    cutoff = time.time() - KEEP_UPLOADS_SECONDS
    for path in folder.glob("*.upload"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _context(request, **extra) -> dict:
    report = extra.get("report")
    if report is not None:
        extra["created_rows"] = report.changes_by("create")[:PREVIEW_ROWS]
        extra["updated_rows"] = report.changes_by("update")[:PREVIEW_ROWS]
    return {
        **admin.site.each_context(request),
        "title": "Import listings",
        "preview_rows": PREVIEW_ROWS,
        "max_size": describe_size(max_import_bytes()),
        **extra,
    }


def _check_permission(request) -> None:
    if not request.user.has_perms(["directory.add_program", "directory.change_program"]):
        raise PermissionDenied


def _own_job(request, job_id) -> ImportJob:
    """The staff member's own import job (another person's is not found)."""
    return get_object_or_404(ImportJob.objects.select_related("preview"), pk=job_id, user=request.user)


@staff_member_required
@require_http_methods(["GET", "POST"])
def import_listings(request):
    """Upload a file; a background job previews what importing it would do."""
    _check_permission(request)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            format = form.cleaned_data["format"]
            chosen = get_format(format)
            if not request.user.has_perms((*chosen.permissions, *chosen.extra_permissions(form.cleaned_data))):
                raise PermissionDenied
            folder = upload_dir()
            _forget_old_uploads(folder)
            token = secrets.token_urlsafe(24)
            upload = form.cleaned_data["file"]
            with upload_path(token).open("wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
            filename = Path(upload.name or "upload").name[:200]
            options = chosen.job_options(form.cleaned_data)
            job = queue_import(user=request.user, token=token, filename=filename, format=format,
                               step=ImportJob.Step.PREVIEW, options=options)
            return redirect("opendata-admin:job", job_id=job.pk)
    else:
        form = UploadForm()
    recent = ImportJob.objects.filter(user=request.user)[:RECENT_JOBS]
    return render(request, "opendata/import_upload.html", _context(request, form=form, recent=recent))


@staff_member_required
@require_http_methods(["GET"])
def import_job(request, job_id):
    """Where an import step stands: waiting, running (the page refreshes itself), or its report."""
    _check_permission(request)
    job = _own_job(request, job_id)
    report = report_from_json(job.report) if job.report else None
    applied_by = job.imports.order_by("-created_at").first() if job.step == ImportJob.Step.PREVIEW else None
    chosen = get_format(job.format)
    return render(request, "opendata/import_job.html", _context(
        request, job=job, report=report, applied_by=applied_by,
        can_apply=(job.step == ImportJob.Step.PREVIEW and job.status == ImportJob.Status.DONE and report is not None
                   and not report.errors and applied_by is None and upload_path(job.upload_token).is_file()),
        refresh_seconds=REFRESH_SECONDS,
        changelist=reverse(chosen.changelist),
        changelist_label=chosen.changelist_label,
    ))


@staff_member_required
@require_http_methods(["POST"])
def apply_import(request):
    """Queue the import of a previewed file (its usable rows, as the preview showed), or forget it.

    There is no strict choice here: the preview already lists every rejected row before anything is
    written, so importing all or nothing is "Cancel", fix the file, upload it again.
    """
    _check_permission(request)
    job_id = request.POST.get("job", "")
    try:
        uuid.UUID(job_id)
    except ValueError:
        job_id = None
    with transaction.atomic():
        preview = (
            ImportJob.objects.select_for_update().filter(
                pk=job_id, user=request.user, step=ImportJob.Step.PREVIEW, status=ImportJob.Status.DONE
            ).first() if job_id else None
        )
        path = upload_path(preview.upload_token) if preview else None
        if preview is None or preview.imports.exists() or not path.is_file():
            messages.error(request, "That upload is no longer available (it was already applied, cancelled or expired). "
                                    "Upload the file again.")
            return redirect("opendata-admin:import")
        if not request.user.has_perms(get_format(preview.format).permissions):
            raise PermissionDenied
        if "cancel" in request.POST:
            path.unlink(missing_ok=True)
            messages.info(request, f"Cancelled: nothing was imported from {preview.filename}.")
            return redirect("opendata-admin:import")
        job = queue_import(
            user=request.user, token=preview.upload_token, filename=preview.filename, format=preview.format,
            step=ImportJob.Step.APPLY, preview=preview,
            options=preview.options,
        )
    return redirect("opendata-admin:job", job_id=job.pk)
