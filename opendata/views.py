"""The HSDS 3.x JSON API, the tabular data package download and the OpenAPI description.

Read-only, public and cookie-free: nothing here touches the session or the CSRF token. Bad query
parameters give a 400 JSON message, unknown identifiers a 404 JSON message.
"""
from __future__ import annotations

import datetime
import math

from django.http import FileResponse, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.cache import get_conditional_response
from django.utils.http import http_date


from directory.models import Organization, Term
from opendata import hsds
from opendata.openapi import openapi_document
from opendata.jobs import current_package, package_storage, request_package_build

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_SEARCH_LENGTH = 200


class BadRequest(Exception):
    """A query parameter the API cannot use; the message says which and why."""


def api_response(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error(status: int, message: str) -> JsonResponse:
    return api_response({"error": {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(status, "error"),
                         "message": message}, status=status)


def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    return error(404, f"No API endpoint at {request.path}. See /api/openapi.json for what exists.")


def api_view(view):
    """GET only; turn BadRequest into a 400 JSON answer."""
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = error(405, "This API is read-only: use GET.")
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return view(request, *args, **kwargs)
        except BadRequest as problem:
            return error(400, str(problem))
    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def read_int(request: HttpRequest, name: str, default: int, *, minimum: int = 1, maximum: int | None = None) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise BadRequest(f"{name} must be a whole number of at least {minimum}, not {raw[:20]!r}.")
    value = int(raw)
    if value < minimum:
        raise BadRequest(f"{name} must be at least {minimum}.")
    return min(value, maximum) if maximum else value


def read_bool(request: HttpRequest, name: str) -> bool:
    raw = request.GET.get(name, "").strip().lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise BadRequest(f"{name} must be true or false.")


def read_page(request: HttpRequest) -> tuple[int, int]:
    return (
        read_int(request, "page", 1),
        read_int(request, "per_page", DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE),
    )


def page_object(*, contents: list, total: int, page: int, per_page: int) -> dict:
    """The HSDS Page object around one page of results."""
    total_pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": total == 0,
        "contents": contents,
    }


def filtered_programs(request: HttpRequest):
    """Public programs narrowed by the search, organization_id, taxonomy_term_id and modified_after parameters."""
    programs = hsds.public_programs()
    search = request.GET.get("search", "").strip()
    if search:
        if len(search) > MAX_SEARCH_LENGTH:
            raise BadRequest(f"search must be at most {MAX_SEARCH_LENGTH} characters.")
        programs = programs.search(search).order_by("name", "pk")
    if raw := request.GET.get("organization_id", "").strip():
        found = hsds.parse_record_id(raw)
        if found is None or found[0] not in ("organization", "program-organization"):
            raise BadRequest("organization_id must be the id of an organization of this API.")
        kind, pk = found
        programs = programs.filter(organization_id=pk) if kind == "organization" else programs.filter(pk=pk, organization__isnull=True)
    if raw := request.GET.get("taxonomy_term_id", "").strip():
        codes = {hsds.term_id(code): code for code in Term.objects.values_list("code", flat=True)}
        if raw == hsds.term_id(hsds.ACCEPTING_CODE):
            programs = programs.filter(accepting_new_patients__isnull=False)
        elif raw in codes:
            programs = programs.filter(terms__code=codes[raw])
        else:
            raise BadRequest("taxonomy_term_id must be the id of a taxonomy term of this API.")
    if raw := request.GET.get("modified_after", "").strip():
        moment = parse_datetime(raw)
        if moment is None and (day := parse_date(raw)):
            moment = datetime.datetime.combine(day, datetime.time())
        if moment is None:
            raise BadRequest("modified_after must be a date or date-time such as 2025-01-31T00:00:00Z.")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, datetime.UTC)
        programs = programs.filter(updated__gte=moment)
    return programs


@api_view
def index(request: HttpRequest) -> JsonResponse:
    """What this API is: the HSDS version and where its OpenAPI description is."""
    return api_response({
        "version": hsds.HSDS_VERSION,
        "profile": "https://docs.openreferral.org/en/latest/hsds/",
        "openapi_url": request.build_absolute_uri(reverse("opendata:openapi")),
    })


@api_view
def services(request: HttpRequest) -> JsonResponse:
    """A page of services (one per public program)."""
    page, per_page = read_page(request)
    full = read_bool(request, "full")
    programs = filtered_programs(request)
    total = programs.count()
    chosen = programs[(page - 1) * per_page: page * per_page]
    contents = [hsds.service_full(p) if full else hsds.service_basic(p) for p in chosen]
    return api_response(page_object(contents=contents, total=total, page=page, per_page=per_page))


def _program_for(kind: str, raw_id: str):
    found = hsds.parse_record_id(raw_id)
    if found is None or found[0] != kind:
        return None
    return hsds.public_programs().filter(pk=found[1]).first()


@api_view
def service_detail(request: HttpRequest, id: str) -> JsonResponse:
    program = _program_for("service", id)
    if program is None:
        return error(404, f"No service with id {id[:60]!r}.")
    return api_response(hsds.service_full(program))


@api_view
def service_at_locations(request: HttpRequest) -> JsonResponse:
    page, per_page = read_page(request)
    full = read_bool(request, "full")
    programs = filtered_programs(request)
    total = programs.count()
    chosen = programs[(page - 1) * per_page: page * per_page]
    contents = [hsds.service_at_location_full(p) if full else hsds.service_at_location_list_item(p) for p in chosen]
    return api_response(page_object(contents=contents, total=total, page=page, per_page=per_page))


@api_view
def service_at_location_detail(request: HttpRequest, id: str) -> JsonResponse:
    program = _program_for("service_at_location", id)
    if program is None:
        return error(404, f"No service_at_location with id {id[:60]!r}.")
    return api_response(hsds.service_at_location_full(program))


@api_view
def organizations(request: HttpRequest) -> JsonResponse:
    """A page of organizations: those running public programs, then one per program without an organization."""
    page, per_page = read_page(request)
    full = read_bool(request, "full") or read_bool(request, "full_service")
    full_service = read_bool(request, "full_service")
    public = hsds.public_programs()
    search = request.GET.get("search", "").strip()
    if len(search) > MAX_SEARCH_LENGTH:
        raise BadRequest(f"search must be at most {MAX_SEARCH_LENGTH} characters.")
    orgs = Organization.objects.filter(pk__in=public.filter(organization__isnull=False).values("organization_id"))
    orphans = public.filter(organization__isnull=True)
    if search:
        orgs = orgs.filter(name__icontains=search)
        orphans = orphans.filter(name__icontains=search)
    orgs = orgs.order_by("name", "pk")
    org_total, orphan_total = orgs.count(), orphans.count()
    start, stop = (page - 1) * per_page, page * per_page
    chosen_orgs = list(orgs[start:stop]) if start < org_total else []
    orphan_start, orphan_stop = max(0, start - org_total), max(0, stop - org_total)
    chosen_orphans = list(orphans[orphan_start:orphan_stop]) if orphan_stop > orphan_start else []

    contents = []
    if chosen_orgs:
        by_org: dict[int, list] = {}
        for program in public.filter(organization__in=chosen_orgs):
            by_org.setdefault(program.organization_id, []).append(program)
        for org in chosen_orgs:
            programs = by_org.get(org.pk, [])
            if not programs:
                continue
            if full:
                contents.append(hsds.organization_full(programs[0], programs, full_service=full_service))
            else:
                contents.append(hsds.organization_basic(programs[0]))
    for program in chosen_orphans:
        if full:
            contents.append(hsds.organization_full(program, [program], full_service=full_service))
        else:
            contents.append(hsds.organization_basic(program))
    return api_response(page_object(contents=contents, total=org_total + orphan_total, page=page, per_page=per_page))


@api_view
def organization_detail(request: HttpRequest, id: str) -> JsonResponse:
    full_service = read_bool(request, "full_service")
    found = hsds.parse_record_id(id)
    result = hsds.organization_programs(*found) if found else None
    if result is None:
        return error(404, f"No organization with id {id[:60]!r}.")
    representative, programs = result
    return api_response(hsds.organization_full(representative, programs, full_service=full_service))


@api_view
def openapi(request: HttpRequest) -> JsonResponse:
    return api_response(openapi_document(request.build_absolute_uri(reverse("opendata:index"))))


PACKAGE_RETRY_AFTER = 60


@api_view
def datapackage(request: HttpRequest):
    """The tabular data package (datapackage.json and one CSV per HSDS table) as a zip file.

    A background job builds it after each import or batch of edits (opendata/jobs.py); this view
    only serves the latest file, with an ETag and Last-Modified so unchanged copies are not sent again.
    """
    package = current_package()
    storage = package_storage()
    if package is None or not package.file_name or not storage.exists(package.file_name):
        request_package_build(delay=0)
        response = error(503, "The data package is being prepared. Try again in a minute.")
        response["Retry-After"] = str(PACKAGE_RETRY_AFTER)
        return response
    last_modified = http_date(package.built_at.timestamp())
    not_modified = get_conditional_response(request, etag=package.etag, last_modified=package.built_at.timestamp())
    if not_modified is not None:
        response = not_modified
    else:
        response = FileResponse(storage.open(package.file_name, "rb"), as_attachment=True,
                                filename="hsds-datapackage.zip", content_type="application/zip")
    response["ETag"] = package.etag
    response["Last-Modified"] = last_modified
    response["Cache-Control"] = "public, no-cache"
    response["Access-Control-Allow-Origin"] = "*"
    return response
