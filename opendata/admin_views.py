"""The staff page that imports a file: upload, dry-run preview, then apply.

The uploaded file is kept between the preview and the apply step in a private temporary folder,
under a random token that only the staff member's session knows. Whatever is wrong with a file
ends in a report on the page, never in a server error.
"""
from __future__ import annotations

import logging
import re
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from importing.pipeline import ImportReport, describe_size, max_import_bytes
from meetings import importers as meeting_guide_importer
from meetings.models import Fellowship
from opendata.importers import hsds as hsds_importer
from opendata.importers import samhsa as samhsa_importer

logger = logging.getLogger(__name__)

SESSION_KEY = "opendata_import"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
KEEP_UPLOADS_SECONDS = 24 * 3600
PREVIEW_ROWS = 25
FORMATS = [
    (samhsa_importer.FORMAT_JSON, "SAMHSA treatment locator rows (JSON)"),
    (samhsa_importer.FORMAT_CSV, "SAMHSA National Directory spreadsheet (CSV, UTF-8)"),
    (hsds_importer.FORMAT_JSON, "Open Referral HSDS 3.x (JSON)"),
    (hsds_importer.FORMAT_PACKAGE, "Open Referral HSDS 3.x tabular data package (.zip)"),
    (meeting_guide_importer.FORMAT_MEETING_GUIDE, "Meeting Guide meeting feed (JSON)"),
]
MEETING_PERMISSIONS = ["meetings.add_meeting", "meetings.change_meeting"]


class UploadForm(forms.Form):
    file = forms.FileField(label="File")
    format = forms.ChoiceField(label="Format", choices=FORMATS)
    fellowship = forms.ModelChoiceField(
        label="Fellowship (Meeting Guide feeds)", queryset=Fellowship.objects.all(), required=False,
        empty_label="Choose the fellowship whose meetings these are",
        help_text="Meeting Guide feeds do not say which fellowship holds their meetings: choose it here.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("format") == meeting_guide_importer.FORMAT_MEETING_GUIDE and not cleaned.get("fellowship"):
            self.add_error("fellowship", "Choose the fellowship whose meetings the feed lists.")
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


def upload_dir() -> Path:
    folder = Path(getattr(settings, "OPENDATA_UPLOAD_DIR", "") or Path(tempfile.gettempdir()) / "portal-opendata-imports")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _forget_old_uploads(folder: Path) -> None:
    cutoff = time.time() - KEEP_UPLOADS_SECONDS
    for path in folder.glob("*.upload"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _stored(request) -> tuple[dict, Path] | None:
    """The upload the session is previewing, if its file is still there."""
    pending = request.session.get(SESSION_KEY)
    if not isinstance(pending, dict) or not TOKEN.match(str(pending.get("token", ""))):
        return None
    path = upload_dir() / f"{pending['token']}.upload"
    return (pending, path) if path.is_file() else None


def run(*, path: Path, format: str, filename: str, dry_run: bool, skip_invalid: bool, user=None,
        fellowship: int | None = None) -> ImportReport:
    """Run the importer for `format`; an unexpected failure becomes a report, not a server error."""
    options = {}
    if format == meeting_guide_importer.FORMAT_MEETING_GUIDE:
        importer = meeting_guide_importer.import_meeting_guide
        options["fellowship"] = Fellowship.objects.filter(pk=fellowship).first() if fellowship else None
    elif format.startswith("samhsa"):
        importer = samhsa_importer.import_samhsa
    else:
        importer = hsds_importer.import_hsds
    try:
        return importer(
            source=path, filename=filename, format=format, dry_run=dry_run, skip_invalid=skip_invalid, user=user,
            **options,
        )
    except Exception:  # staff must get a page, whatever the file holds
        logger.exception("Import of %s (%s) failed", filename, format)
        report = ImportReport(format=format, filename=filename, dry_run=dry_run, skip_invalid=skip_invalid)
        report.errors.append(
            "The file could not be imported because of an unexpected error (it has been logged). "
            "Nothing was written. Check that the format chosen matches the file."
        )
        return report


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


@staff_member_required
@require_http_methods(["GET", "POST"])
def import_listings(request):
    """Upload a file and preview what importing it would do."""
    _check_permission(request)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            if form.cleaned_data["format"] == meeting_guide_importer.FORMAT_MEETING_GUIDE and not request.user.has_perms(
                MEETING_PERMISSIONS
            ):
                raise PermissionDenied
            folder = upload_dir()
            _forget_old_uploads(folder)
            previous = _stored(request)
            if previous:
                previous[1].unlink(missing_ok=True)
            token = secrets.token_urlsafe(24)
            upload = form.cleaned_data["file"]
            path = folder / f"{token}.upload"
            with path.open("wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
            filename = Path(upload.name or "upload").name[:200]
            fellowship = form.cleaned_data.get("fellowship")
            fellowship_id = fellowship.pk if fellowship and form.cleaned_data["format"] == meeting_guide_importer.FORMAT_MEETING_GUIDE else None
            request.session[SESSION_KEY] = {"token": token, "format": form.cleaned_data["format"], "filename": filename,
                                            "fellowship": fellowship_id}
            report = run(path=path, format=form.cleaned_data["format"], filename=filename, dry_run=True, skip_invalid=False,
                         fellowship=fellowship_id)
            if report.errors:
                path.unlink(missing_ok=True)
                request.session.pop(SESSION_KEY, None)
            return render(request, "opendata/import_preview.html", _context(request, report=report, token=token))
    else:
        form = UploadForm()
    return render(request, "opendata/import_upload.html", _context(request, form=form))


@staff_member_required
@require_http_methods(["POST"])
def apply_import(request):
    """Apply the previewed file, or forget it."""
    _check_permission(request)
    stored = _stored(request)
    if stored is None or request.POST.get("token") != stored[0]["token"]:
        messages.error(request, "That upload is no longer available (it was already applied, cancelled or expired). Upload the file again.")
        return redirect("opendata-admin:import")
    pending, path = stored
    meetings = pending["format"] == meeting_guide_importer.FORMAT_MEETING_GUIDE
    if meetings and not request.user.has_perms(MEETING_PERMISSIONS):
        raise PermissionDenied
    request.session.pop(SESSION_KEY, None)
    if "cancel" in request.POST:
        path.unlink(missing_ok=True)
        messages.info(request, f"Cancelled: nothing was imported from {pending['filename']}.")
        return redirect("opendata-admin:import")
    skip_invalid = request.POST.get("skip_invalid") == "1"
    try:
        report = run(path=path, format=pending["format"], filename=pending["filename"], dry_run=False, skip_invalid=skip_invalid,
                     user=request.user, fellowship=pending.get("fellowship"))
    finally:
        path.unlink(missing_ok=True)
    if report.applied:
        messages.success(request, f"Imported {pending['filename']}: {report.summary()}")
    return render(request, "opendata/import_result.html", _context(
        request, report=report,
        changelist=reverse("admin:meetings_meeting_changelist" if meetings else "admin:directory_program_changelist"),
        changelist_label="meetings" if meetings else "programs",
    ))
