"""The HSDS 3.x JSON API, the tabular data package download and the OpenAPI description.

Read-only, public and cookie-free: nothing here touches the session or the CSRF token. Every
answer is JSON: a bad query parameter gives a 400 naming it, an unknown identifier in the path a
404, another HTTP method a 405 with `Allow`. A well-formed identifier used as a filter that matches
nothing gives an empty page. A standard HSDS parameter an endpoint does not support is refused
with a 400 naming it, never silently ignored (see opendata/openapi.py for what each endpoint takes).
"""
from __future__ import annotations

import datetime
import math
import re
import uuid

from django.db.models import Q
from django.http import FileResponse, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from directory.models import Organization, Term
from opendata import hsds
from opendata.jobs import current_package, package_storage, request_package_build
from opendata.openapi import HSDS_PARAMETERS, MAX_PROXIMITY_METERS, openapi_document
from places import geo

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_SEARCH_LENGTH = 200
METERS_PER_MILE = 1609.344
_WHOLE = re.compile(r"^[0-9]{1,10}$")
_ZIP = re.compile(r"^([0-9]{5})(?:-[0-9]{4})?$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class BadRequest(Exception):
    """A query parameter the API cannot use; the message says which and why."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


def api_response(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def error(status: int, message: str, parameter: str = "") -> JsonResponse:
    body = {"error": {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(status, "error"),
            "message": message}
    if parameter:
        body["parameter"] = parameter
    return api_response(body, status=status)


@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    if request.method not in ("GET", "HEAD"):
        return _not_allowed()
    return error(404, f"No API endpoint at {request.path[:100]}. See /api/openapi.json for what exists.")


def _not_allowed() -> JsonResponse:
    response = error(405, "This API is read-only: use GET.")
    response["Allow"] = "GET, HEAD"
    return response


def api_view(*supported: str):
    """GET only (JSON 405 otherwise); known HSDS parameters outside `supported` answer 400; so does
    any parameter with a NUL character; BadRequest becomes a 400 JSON answer naming the parameter."""
    allowed = set(supported)

    def decorator(view):
        @csrf_exempt
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return _not_allowed()
            try:
                for name, values in request.GET.lists():
                    if name in HSDS_PARAMETERS and name not in allowed:
                        raise BadRequest(name, f"{name} is an HSDS parameter this endpoint does not support"
                                               + (f" (it takes: {', '.join(sorted(allowed))})." if allowed else "."))
                    if len(values) > 1 and name in allowed:
                        raise BadRequest(name, f"{name} is given {len(values)} times; give it once.")
                    if name in allowed and any("\x00" in value for value in values):
                        raise BadRequest(name, f"{name} contains a NUL character.")
                return view(request, *args, **kwargs)
            except BadRequest as problem:
                return error(400, str(problem), problem.parameter)
        wrapper.__name__ = view.__name__
        wrapper.__doc__ = view.__doc__
        return wrapper
    return decorator


def read_int(request: HttpRequest, name: str, default: int, *, minimum: int = 1, maximum: int | None = None) -> int:
    if name not in request.GET:
        return default
    raw = request.GET[name]
    if not _WHOLE.match(raw):
        raise BadRequest(name, f"{name} must be a whole number of at least {minimum}, not {raw[:20]!r}.")
    value = int(raw)
    if value < minimum:
        raise BadRequest(name, f"{name} must be at least {minimum}.")
    if maximum is not None and value > maximum:
        raise BadRequest(name, f"{name} must be at most {maximum}.")
    return value


def read_bool(request: HttpRequest, name: str) -> bool:
    raw = request.GET.get(name)
    if raw is None or raw == "false":
        return False
    if raw == "true":
        return True
    raise BadRequest(name, f"{name} must be true or false, not {raw[:20]!r}.")


def read_uuid(request: HttpRequest, name: str) -> str | None:
    """A well-formed identifier (UUID) or None when the parameter is absent."""
    raw = request.GET.get(name)
    if raw is None:
        return None
    if not _UUID.match(raw):
        raise BadRequest(name, f"{name} must be an identifier of this API (a UUID), not {raw[:40]!r}.")
    return str(uuid.UUID(raw))


def read_search(request: HttpRequest) -> str:
    search = request.GET.get("search", "")
    if len(search) > MAX_SEARCH_LENGTH:
        raise BadRequest("search", f"search must be at most {MAX_SEARCH_LENGTH} characters.")
    return search.strip()


def read_format(request: HttpRequest) -> None:
    raw = request.GET.get("format", "json")
    if raw != "json":
        raise BadRequest("format", f"format {raw[:20]!r} is not offered: this API answers in json only.")


def read_page(request: HttpRequest) -> tuple[int, int]:
    read_format(request)
    return (
        read_int(request, "page", 1, maximum=10 ** 9),
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


def _term_filter(programs, request: HttpRequest):
    if (wanted := read_uuid(request, "taxonomy_term_id")) is not None:
        if wanted == hsds.term_id(hsds.ACCEPTING_CODE):
            programs = programs.filter(accepting_new_patients__isnull=False)
        else:
            codes = {hsds.term_id(code): code for code in Term.objects.values_list("code", flat=True)}
            programs = programs.filter(terms__code=codes[wanted]) if wanted in codes else programs.none()
    if (wanted := read_uuid(request, "taxonomy_id")) is not None:
        # Every term of this API belongs to its one taxonomy: a program with any term is in it.
        if wanted == hsds.taxonomy_id():
            programs = programs.filter(Q(term_ids__len__gt=0) | Q(accepting_new_patients__isnull=False))
        else:
            programs = programs.none()
    return programs


def filtered_programs(request: HttpRequest, *, place_filters: bool = False):
    """Public programs narrowed by search, organization_id, taxonomy_term_id, taxonomy_id, modified_after
    and (for services at locations) postcode with proximity."""
    programs = hsds.public_programs()
    if search := read_search(request):
        programs = programs.search(search).order_by("name", "pk")
    if (wanted := read_uuid(request, "organization_id")) is not None:
        found = hsds.parse_record_id(wanted)
        if found is None or found[0] not in ("organization", "program-organization"):
            programs = programs.none()
        elif found[0] == "organization":
            programs = programs.filter(organization_id=found[1])
        else:
            programs = programs.filter(pk=found[1], organization__isnull=True)
    programs = _term_filter(programs, request)
    if "modified_after" in request.GET:
        raw = request.GET["modified_after"].strip()
        try:
            moment = parse_datetime(raw)
            if moment is None and (day := parse_date(raw)):
                moment = datetime.datetime.combine(day, datetime.time())
        except (ValueError, OverflowError):
            moment = None
        if moment is None:
            raise BadRequest("modified_after", "modified_after must be a real date or date-time such as "
                             f"2025-01-31T00:00:00Z, not {raw[:40]!r}.")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, datetime.UTC)
        programs = programs.filter(updated__gte=moment)
    if place_filters:
        programs = _place_filter(programs, request)
    return programs


def _place_filter(programs, request: HttpRequest):
    """postcode alone: programs in that ZIP code; with proximity (meters): within that distance of its centre."""
    if "proximity" in request.GET and "postcode" not in request.GET:
        raise BadRequest("proximity", "proximity needs a postcode to measure from.")
    if "postcode" not in request.GET:
        return programs
    postcode = request.GET["postcode"].strip()
    match = _ZIP.match(postcode)
    if not match:
        raise BadRequest("postcode", f"postcode must be a 5-digit US ZIP code, not {postcode[:20]!r}.")
    if "proximity" not in request.GET:
        return programs.filter(zip_code__startswith=match.group(1))
    meters = read_int(request, "proximity", 0, minimum=1, maximum=MAX_PROXIMITY_METERS)
    point = geo.gazetteer().zip_point(match.group(1))
    if point is None:
        return programs.none()  # a well-formed ZIP code that is not in the gazetteer: nothing near it is known
    place = geo.Place(label=match.group(1), latitude=point[0], longitude=point[1], kind="zip")
    return programs.near(place, meters / METERS_PER_MILE).order_by("distance", "name", "pk")


LIST_PARAMETERS = ("search", "page", "per_page", "format")
PROGRAM_FILTERS = ("organization_id", "taxonomy_term_id", "taxonomy_id", "modified_after", "full")


@api_view()
def index(request: HttpRequest) -> JsonResponse:
    """What this API is: the HSDS version and where its OpenAPI description is."""
    return api_response({
        "version": hsds.HSDS_VERSION,
        "profile": "https://docs.openreferral.org/en/latest/hsds/",
        "openapi_url": request.build_absolute_uri(reverse("opendata:openapi")),
    })


@api_view(*LIST_PARAMETERS, *PROGRAM_FILTERS, "minimal")
def services(request: HttpRequest) -> JsonResponse:
    """A page of services (one per public program); minimal=true gives only id, name, status and last_modified."""
    page, per_page = read_page(request)
    full = read_bool(request, "full")
    minimal = read_bool(request, "minimal")
    full = full and not minimal  # minimal wins: it asks for the least
    programs = filtered_programs(request)
    total = programs.count()
    chosen = programs[(page - 1) * per_page: page * per_page]
    if minimal:
        contents = [hsds.service_minimal(p) for p in chosen]
    else:
        contents = [hsds.service_full(p) if full else hsds.service_basic(p) for p in chosen]
    return api_response(page_object(contents=contents, total=total, page=page, per_page=per_page))


def _program_for(kind: str, raw_id: str):
    found = hsds.parse_record_id(raw_id)
    if found is None or found[0] != kind:
        return None
    return hsds.public_programs().filter(pk=found[1]).first()


@api_view()
def service_detail(request: HttpRequest, id: str) -> JsonResponse:
    program = _program_for("service", id)
    if program is None:
        return error(404, f"No service with id {id[:60]!r}.")
    return api_response(hsds.service_full(program))


@api_view(*LIST_PARAMETERS, *PROGRAM_FILTERS, "postcode", "proximity")
def service_at_locations(request: HttpRequest) -> JsonResponse:
    """A page of services at their locations; postcode (with proximity in meters) narrows by place."""
    page, per_page = read_page(request)
    full = read_bool(request, "full")
    programs = filtered_programs(request, place_filters=True)
    total = programs.count()
    chosen = programs[(page - 1) * per_page: page * per_page]
    contents = [hsds.service_at_location_full(p) if full else hsds.service_at_location_list_item(p) for p in chosen]
    return api_response(page_object(contents=contents, total=total, page=page, per_page=per_page))


@api_view()
def service_at_location_detail(request: HttpRequest, id: str) -> JsonResponse:
    program = _program_for("service_at_location", id)
    if program is None:
        return error(404, f"No service_at_location with id {id[:60]!r}.")
    return api_response(hsds.service_at_location_full(program))


@api_view(*LIST_PARAMETERS, "full", "full_service", "taxonomy_term_id", "taxonomy_id")
def organizations(request: HttpRequest) -> JsonResponse:
    """A page of organizations: those running public programs, then one per program without an organization."""
    page, per_page = read_page(request)
    full = read_bool(request, "full") or read_bool(request, "full_service")
    full_service = read_bool(request, "full_service")
    public = _term_filter(hsds.public_programs(), request)
    search = read_search(request)
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


@api_view("full_service")
def organization_detail(request: HttpRequest, id: str) -> JsonResponse:
    full_service = read_bool(request, "full_service")
    found = hsds.parse_record_id(id)
    result = hsds.organization_programs(*found) if found else None
    if result is None:
        return error(404, f"No organization with id {id[:60]!r}.")
    representative, programs = result
    return api_response(hsds.organization_full(representative, programs, full_service=full_service))


@api_view()
def openapi(request: HttpRequest) -> JsonResponse:
    return api_response(openapi_document(request.build_absolute_uri(reverse("opendata:index"))))


PACKAGE_RETRY_AFTER = 60


@api_view()
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
    return response


def _taxonomy_terms() -> list[dict]:
    terms = [hsds.taxonomy_term(term) for term in Term.objects.order_by("code")]
    return terms + [hsds.accepting_term()]


@api_view(*LIST_PARAMETERS)
def taxonomies(request: HttpRequest) -> JsonResponse:
    """A page of taxonomies: this API has one, the treatment services its terms describe."""
    page, per_page = read_page(request)
    search = read_search(request).casefold()
    found = [hsds.taxonomy_detail()]
    if search:
        found = [item for item in found if search in f"{item['name']} {item['description']}".casefold()]
    chosen = found[(page - 1) * per_page: page * per_page]
    return api_response(page_object(contents=chosen, total=len(found), page=page, per_page=per_page))


@api_view()
def taxonomy_detail(request: HttpRequest, id: str) -> JsonResponse:
    if id != hsds.taxonomy_id():
        return error(404, f"No taxonomy with id {id[:60]!r}.")
    return api_response(hsds.taxonomy_detail())


@api_view(*LIST_PARAMETERS, "taxonomy_id", "top_only", "parent_id")
def taxonomy_terms(request: HttpRequest) -> JsonResponse:
    """A page of taxonomy terms (every term is at the top of its one flat taxonomy: none has a parent)."""
    page, per_page = read_page(request)
    search = read_search(request).casefold()
    read_bool(request, "top_only")  # every term is a top-level term: true and false list the same terms
    found = _taxonomy_terms()
    if search:
        found = [term for term in found if search in f"{term['code']} {term['name']} {term['description']}".casefold()]
    if (wanted := read_uuid(request, "taxonomy_id")) is not None and wanted != hsds.taxonomy_id():
        found = []
    if read_uuid(request, "parent_id") is not None:
        found = []  # no term has a parent
    chosen = found[(page - 1) * per_page: page * per_page]
    return api_response(page_object(contents=chosen, total=len(found), page=page, per_page=per_page))


@api_view()
def taxonomy_term_detail(request: HttpRequest, id: str) -> JsonResponse:
    for term in _taxonomy_terms():
        if term["id"] == id:
            return api_response({**term, "taxonomy_detail": hsds.taxonomy_detail()})
    return error(404, f"No taxonomy_term with id {id[:60]!r}.")
