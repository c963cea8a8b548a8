"""The OpenAPI 3.1 description of the portal's HSDS API: only what the portal implements, as it implements it.

The document is self-contained (a client or a test tool needs nothing else to read it): each record
is described by its identifying fields here, and `externalDocs` points to the HSDS schema it
follows in full. Every status an operation can answer is declared; declared limits are enforced.
"""
from __future__ import annotations

from django.conf import settings

from opendata.hsds import HSDS_VERSION

SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.1/schema/compiled"
MAX_PROXIMITY_METERS = 500_000

# Every query parameter the HSDS 3.1 API defines. One an endpoint does not take is answered with a 400.
HSDS_PARAMETERS = frozenset({
    "search", "page", "per_page", "format", "taxonomy_term_id", "taxonomy_id", "organization_id",
    "modified_after", "minimal", "full", "full_service", "top_only", "parent_id", "postcode", "proximity",
})


def _param(name: str, description: str, schema: dict, where: str = "query", required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


UUID = {"type": "string", "format": "uuid"}
BOOLEAN = {"type": "boolean", "default": False}
TEXT = {"type": "string", "maxLength": 200, "pattern": "^[^\\x00]*$"}

PAGE = _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": 1_000_000_000, "default": 1})
PER_PAGE = _param("per_page", "Results per page, 1 to 500.",
                  {"type": "integer", "minimum": 1, "maximum": 500, "default": 50})
SEARCH = _param("search", "Keywords, in web-search syntax (for organizations and taxonomies: part of the name); "
                "at most 200 characters, no NUL.", TEXT)
FORMAT = _param("format", "Only json is offered.", {"type": "string", "enum": ["json"], "default": "json"})
FULL = _param("full", "true: return fully nested objects in the page.", BOOLEAN)
MINIMAL = _param("minimal", "true: return only each service's id, name, status and last_modified (even with full).",
                 BOOLEAN)
ORGANIZATION_ID = _param("organization_id", "Only the services of this organization (none when it is unknown).", UUID)
TAXONOMY_TERM_ID = _param("taxonomy_term_id", "Only records tagged with this taxonomy term (none when it is unknown).",
                          UUID)
TAXONOMY_ID = _param("taxonomy_id", "Only records with a term of this taxonomy (none when it is unknown).", UUID)
MODIFIED_AFTER = _param("modified_after", "Only services changed on or after this date-time (or date).",
                        {"type": "string", "anyOf": [{"format": "date-time"}, {"format": "date"}]})
# postcode and proximity go together (proximity needs a postcode): one exploded object parameter,
# sent as ?postcode=22902&proximity=8000.
PLACE = {
    "name": "place", "in": "query", "required": False, "style": "form", "explode": True,
    "description": (
        "postcode: a 5-digit US ZIP code; alone, services located in it. proximity: a distance in meters "
        f"(1 to {MAX_PROXIMITY_METERS}) from the centre of postcode, nearest first. proximity without postcode: 400."
    ),
    "schema": {
        "type": "object",
        "required": ["postcode"],
        "additionalProperties": False,
        "properties": {
            "postcode": {"type": "string", "pattern": "^[0-9]{5}(-[0-9]{4})?$"},
            "proximity": {"type": "integer", "minimum": 1, "maximum": MAX_PROXIMITY_METERS},
        },
    },
}
FULL_SERVICE = _param("full_service", "true: nest fully described services in each organization.", BOOLEAN)
TOP_ONLY = _param("top_only", "true: only top-level terms (every term of this API is one).", BOOLEAN)
PARENT_ID = _param("parent_id", "Only the children of this term (no term of this API has children).", UUID)

LIST = [SEARCH, PAGE, PER_PAGE, FORMAT]
PROGRAM_FILTERS = [FULL, ORGANIZATION_ID, TAXONOMY_TERM_ID, TAXONOMY_ID, MODIFIED_AFTER]


def _id(what: str) -> dict:
    return _param("id", f"The {what}'s identifier (a UUID).", UUID, where="path", required=True)


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _page_of(item: str) -> dict:
    return {"allOf": [_ref("Page")], "properties": {"contents": {"type": "array", "items": _ref(item)}}}


def _record(required: list[str], hsds_schema: str, extra: dict | None = None) -> dict:
    """A record by its identifying fields; the HSDS schema named in externalDocs describes the rest."""
    properties = {"id": UUID, "name": {"type": "string"}, "description": {"type": "string"}}
    properties.update(extra or {})
    return {
        "type": "object",
        "required": required,
        "properties": {key: value for key, value in properties.items()},
        "externalDocs": {"description": f"HSDS {HSDS_VERSION} {hsds_schema}", "url": f"{SCHEMA_BASE}/{hsds_schema}"},
    }


BAD_REQUEST = {"$ref": "#/components/responses/BadRequest"}
NOT_FOUND = {"$ref": "#/components/responses/NotFound"}


def _get(operation_id: str, summary: str, parameters: list[dict], ok: dict, *, detail: bool = False) -> dict:
    responses = {"200": ok, "400": BAD_REQUEST}
    if detail:
        responses["404"] = NOT_FOUND
    return {"get": {"operationId": operation_id, "summary": summary, "parameters": parameters, "responses": responses}}


def _datapackage() -> dict:
    operation = _get(
        "getTabularDataPackage",
        "Every public program as an HSDS tabular data package (datapackage.json and CSV files), zipped.", [],
        {"description": "The zip file, with ETag and Last-Modified headers.",
         "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
    )
    operation["get"]["description"] = (
        "Rebuilt in the background after each import or batch of edits. Send the ETag back in If-None-Match "
        "(or Last-Modified in If-Modified-Since) to get a 304 while it is unchanged."
    )
    operation["get"]["responses"].update({
        "304": {"description": "Unchanged since the copy named in If-None-Match or If-Modified-Since."},
        "503": _json("Not built yet: try again after the Retry-After header's number of seconds.", _ref("Error")),
    })
    return operation


def openapi_document(server_url: str) -> dict:
    """The description, with the API's own address as its server."""
    status = {"type": "string", "enum": ["active", "inactive", "defunct", "temporarily closed"]}
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": f"{settings.PORTAL_NAME}: treatment programs as Open Referral HSDS",
            "version": "1.1.0",
            "summary": f"Read-only HSDS {HSDS_VERSION} API of the treatment programs listed in this directory.",
            "description": (
                "Each public program (active or temporarily closed) is one HSDS service at one location, "
                "joined by one service_at_location; programs without an organization are published with an "
                "organization of their own name. Identifiers are stable UUIDs. Taxonomy term codes are SAMHSA "
                "treatment locator service codes; the term `accepting_new_patients` carries availability as an "
                "attribute value of true or false, and beds available are a service_capacity in the unit 'Bed'. "
                "Only GET (and HEAD) is allowed; other methods answer 405 with an Allow header. A bad parameter "
                "answers 400 with a JSON error naming it; so does a standard HSDS parameter an endpoint does not "
                "support. A well-formed identifier used as a filter that matches nothing gives an empty page. "
                "Responses set no cookies and allow any origin."
            ),
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": {
            "/": _get("getAPIMetaInformation", "Information about this API and its relationship with HSDS.", [],
                      _json("The HSDS version and the address of this description.", {
                          "type": "object",
                          "required": ["version", "openapi_url"],
                          "properties": {
                              "version": {"type": "string"},
                              "profile": {"type": "string", "format": "uri"},
                              "openapi_url": {"type": "string", "format": "uri"},
                          },
                      })),
            "/services": _get(
                "getPaginatedListOfServices",
                "A page of services with their one-to-one fields (fully nested with full=true).",
                [*LIST, *PROGRAM_FILTERS, MINIMAL], _json("A page of services.", _page_of("Service")),
            ),
            "/services/{id}": _get("getFullyNestedServiceById", "A fully nested service.", [_id("service")],
                                   _json("The service.", _ref("Service")), detail=True),
            "/organizations": _get(
                "getPaginatedListOfOrganizations", "A page of organizations with their one-to-one fields.",
                [*LIST, FULL, FULL_SERVICE, TAXONOMY_TERM_ID, TAXONOMY_ID],
                _json("A page of organizations.", _page_of("Organization")),
            ),
            "/organizations/{id}": _get(
                "getOrganizationById", "An organization with its services and locations.",
                [_id("organization"), FULL_SERVICE], _json("The organization.", _ref("Organization")), detail=True,
            ),
            "/service_at_locations": _get(
                "getPaginatedListOfServiceAtLocation", "A page of services at their locations.",
                [*LIST, *PROGRAM_FILTERS, PLACE],
                _json("A page of service_at_locations.", _page_of("ServiceAtLocation")),
            ),
            "/service_at_locations/{id}": _get(
                "getServiceAtLocationWithNestedDataById", "A fully nested service_at_location.",
                [_id("service_at_location")], _json("The service_at_location.", _ref("ServiceAtLocation")),
                detail=True,
            ),
            "/taxonomies": _get("getPaginatedListOfTaxonomies", "A page of taxonomies (this API has one).", LIST,
                                _json("A page of taxonomies.", _page_of("Taxonomy"))),
            "/taxonomies/{id}": _get("getTaxonomyById", "A taxonomy.", [_id("taxonomy")],
                                     _json("The taxonomy.", _ref("Taxonomy")), detail=True),
            "/taxonomy_terms": _get(
                "getPaginatedListOfTaxonomyTerms", "A page of taxonomy terms.", [*LIST, TAXONOMY_ID, TOP_ONLY, PARENT_ID],
                _json("A page of taxonomy terms.", _page_of("TaxonomyTerm")),
            ),
            "/taxonomy_terms/{id}": _get("getTaxonomyTermById", "A taxonomy term.", [_id("taxonomy_term")],
                                         _json("The taxonomy term.", _ref("TaxonomyTerm")), detail=True),
            "/datapackage.zip": _datapackage(),
            "/openapi.json": _get("getOpenAPIDescription", "This description.", [],
                                  _json("The OpenAPI document.", {"type": "object"})),
        },
        "components": {
            "schemas": {
                "Page": {
                    "type": "object",
                    "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page",
                                 "empty", "contents"],
                    "properties": {
                        "total_items": {"type": "integer", "description": "Number of results in all pages."},
                        "total_pages": {"type": "integer", "description": "Number of pages (at least 1)."},
                        "page_number": {"type": "integer", "description": "This page's number."},
                        "size": {"type": "integer", "description": "Number of results in this page."},
                        "first_page": {"type": "boolean"},
                        "last_page": {"type": "boolean"},
                        "empty": {"type": "boolean", "description": "True when there are no results at all."},
                        "contents": {"type": "array"},
                    },
                },
                "Service": _record(["id", "name", "status"], "service.json", {"status": status}),
                "Organization": _record(["id", "name", "description"], "organization.json"),
                "ServiceAtLocation": _record(["id"], "service_at_location.json"),
                "Taxonomy": _record(["id", "name", "description"], "../taxonomy.json"),
                "TaxonomyTerm": _record(["id", "name", "description"], "../taxonomy_term.json"),
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "parameter": {"type": "string", "description": "The query parameter that could not be used."},
                    },
                },
            },
            "responses": {
                "BadRequest": _json("A query parameter could not be used; `parameter` says which.", _ref("Error")),
                "NotFound": _json("No public record has this identifier.", _ref("Error")),
            },
        },
    }
