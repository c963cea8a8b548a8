"""The OpenAPI 3.1 description of the portal's HSDS API: only what the portal implements."""
from __future__ import annotations

from django.conf import settings

from opendata.hsds import HSDS_VERSION

SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.1/schema/compiled"


def _param(name: str, description: str, schema: dict, where: str = "query", required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


PAGE = _param("page", "Page number, from 1. Not a whole number of at least 1: 400.", {"type": "integer", "minimum": 1, "default": 1})
PER_PAGE = _param(
    "per_page", "Results per page, 1 to 500 (larger values are reduced to 500).",
    {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
)
SEARCH = _param("search", "Keywords, in web-search syntax (for organizations: part of the name).", {"type": "string", "maxLength": 200})
FULL = _param("full", "true: return fully nested objects in the page.", {"type": "boolean", "default": False})
ORGANIZATION_ID = _param("organization_id", "Only the services of this organization.", {"type": "string", "format": "uuid"})
TAXONOMY_TERM_ID = _param("taxonomy_term_id", "Only services tagged with this taxonomy term.", {"type": "string", "format": "uuid"})
MODIFIED_AFTER = _param("modified_after", "Only services changed on or after this date-time.", {"type": "string", "format": "date-time"})
FULL_SERVICE = _param("full_service", "true: nest fully described services in each organization.", {"type": "boolean", "default": False})


def _id(what: str) -> dict:
    return _param("id", f"The {what}'s identifier (a UUID).", {"type": "string", "format": "uuid"}, where="path", required=True)


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _page_of(item_schema: str) -> dict:
    return {
        "allOf": [{"$ref": "#/components/schemas/Page"}],
        "properties": {"contents": {"type": "array", "items": {"$ref": f"{SCHEMA_BASE}/{item_schema}"}}},
    }


BAD_REQUEST = {"$ref": "#/components/responses/BadRequest"}
NOT_FOUND = {"$ref": "#/components/responses/NotFound"}


def openapi_document(server_url: str) -> dict:
    """The description, with the API's own address as its server."""
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": f"{settings.PORTAL_NAME}: treatment programs as Open Referral HSDS",
            "version": "1.0.0",
            "summary": f"Read-only HSDS {HSDS_VERSION} API of the treatment programs listed in this directory.",
            "description": (
                "Each public program (active or temporarily closed) is one HSDS service at one location, "
                "joined by one service_at_location; programs without an organization are published with an "
                "organization of their own name. Identifiers are stable UUIDs. Taxonomy term codes are SAMHSA "
                "treatment locator service codes; the term `accepting_new_patients` carries availability as an "
                "attribute value of true or false, and beds available are a service_capacity in the unit 'Bed'. "
                "Responses set no cookies and allow any origin."
            ),
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": {
            "/": {"get": {
                "operationId": "getAPIMetaInformation",
                "summary": "Information about this API and its relationship with HSDS.",
                "responses": {"200": _json("The HSDS version and the address of this description.", {
                    "type": "object",
                    "properties": {
                        "version": {"type": "string"},
                        "profile": {"type": "string", "format": "uri"},
                        "openapi_url": {"type": "string", "format": "uri"},
                    },
                })},
            }},
            "/services": {"get": {
                "operationId": "getPaginatedListOfServices",
                "summary": "A page of services with their one-to-one fields (fully nested with full=true).",
                "parameters": [SEARCH, PAGE, PER_PAGE, FULL, ORGANIZATION_ID, TAXONOMY_TERM_ID, MODIFIED_AFTER],
                "responses": {"200": _json("A page of services.", _page_of("service_list.json")), "400": BAD_REQUEST},
            }},
            "/services/{id}": {"get": {
                "operationId": "getFullyNestedServiceById",
                "summary": "A fully nested service.",
                "parameters": [_id("service")],
                "responses": {"200": _json("The service.", {"$ref": f"{SCHEMA_BASE}/service.json"}), "404": NOT_FOUND},
            }},
            "/organizations": {"get": {
                "operationId": "getPaginatedListOfOrganizations",
                "summary": "A page of organizations with their one-to-one fields.",
                "parameters": [SEARCH, PAGE, PER_PAGE, FULL, FULL_SERVICE],
                "responses": {"200": _json("A page of organizations.", _page_of("organization_list.json")), "400": BAD_REQUEST},
            }},
            "/organizations/{id}": {"get": {
                "operationId": "getOrganizationById",
                "summary": "An organization with its services and locations.",
                "parameters": [_id("organization"), FULL_SERVICE],
                "responses": {"200": _json("The organization.", {"$ref": f"{SCHEMA_BASE}/organization.json"}), "404": NOT_FOUND},
            }},
            "/service_at_locations": {"get": {
                "operationId": "getPaginatedListOfServiceAtLocation",
                "summary": "A page of services at their locations.",
                "parameters": [SEARCH, PAGE, PER_PAGE, FULL, ORGANIZATION_ID, TAXONOMY_TERM_ID, MODIFIED_AFTER],
                "responses": {"200": _json("A page of service_at_locations.", _page_of("service_at_location_list.json")),
                              "400": BAD_REQUEST},
            }},
            "/service_at_locations/{id}": {"get": {
                "operationId": "getServiceAtLocationWithNestedDataById",
                "summary": "A fully nested service_at_location.",
                "parameters": [_id("service_at_location")],
                "responses": {"200": _json("The service_at_location.", {"$ref": f"{SCHEMA_BASE}/service_at_location.json"}),
                              "404": NOT_FOUND},
            }},
            "/datapackage.zip": {"get": {
                "operationId": "getTabularDataPackage",
                "summary": "Every public program as an HSDS tabular data package (datapackage.json and CSV files), zipped.",
                "description": "Rebuilt in the background after each import or batch of edits. Send the ETag back in "
                               "If-None-Match (or Last-Modified in If-Modified-Since) to get a 304 while it is unchanged.",
                "responses": {
                    "200": {"description": "The zip file, with ETag and Last-Modified headers.",
                            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
                    "304": {"description": "Unchanged since the copy named in If-None-Match or If-Modified-Since."},
                    "503": _json("Not built yet: try again after the Retry-After header's number of seconds.",
                                 {"type": "object", "required": ["error", "message"],
                                  "properties": {"error": {"type": "string"}, "message": {"type": "string"}}}),
                },
            }},
            "/openapi.json": {"get": {
                "operationId": "getOpenAPIDescription",
                "summary": "This description.",
                "responses": {"200": _json("The OpenAPI document.", {"type": "object"})},
            }},
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
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
                },
            },
            "responses": {
                "BadRequest": _json("A query parameter could not be used; the message says which.",
                                    {"$ref": "#/components/schemas/Error"}),
                "NotFound": _json("No public record has this identifier.", {"$ref": "#/components/schemas/Error"}),
            },
        },
    }
