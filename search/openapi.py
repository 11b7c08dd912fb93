"""The OpenAPI 3.1 document served at `/api/openapi.json`, generated, never written by hand (pure).

Parameters come from the parameter models' JSON Schemas (search/params.py), answers from the
answer models' (serialization mode: what the views send); this module adds only the route table
below: paths, summaries, which models they take and answer, and which errors they document.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from articles import ENTITY_TYPES, FACETS
from search.alerts import (
    MAX_ID_LENGTH,
    MAX_URL_LENGTH,
    Alert,
    AlertCreated,
    AlertInput,
    AlertList,
    AlertSearch,
)
from search.article import StoredArticle
from search.entity import EntityView
from search.export import MEDIA_TYPES, ExportParams
from search.facet_values import FacetValues
from search.feeds import ATOM_TYPE, FEED_SIZE
from search.matching import EXPORT_KEYS, FEED_KEYS
from search.models import ApiModel, ErrorResponse, Health, Unavailable
from search.params import (
    DEFAULT_MAX_PAGE_SIZE,
    DEFAULT_PAGE_SIZE,
    MAX_RESULT_WINDOW,
    MAX_VALUE_LENGTH,
    FacetQuery,
    SearchParams,
    SuggestParams,
)
from search.results import SearchPage
from search.suggest import Suggestions

_REF = "#/components/schemas/{model}"
# Every answer model the routes name; their nested models are collected with them.
_ANSWERS: tuple[type[ApiModel], ...] = (
    SearchPage,
    Suggestions,
    FacetValues,
    StoredArticle,
    EntityView,
    Health,
    Unavailable,
    ErrorResponse,
    Alert,
    AlertCreated,
    AlertList,
)
# Request bodies, by model (validation mode: what the service takes).
_BODIES: tuple[type[BaseModel], ...] = (AlertInput,)
# Error statuses: what each means, and the code an example answer carries.
_ERRORS = {
    "400": ("A parameter has a bad value", "bad_request"),
    "401": ("The API key is missing or wrong (header X-API-Key)", "unauthorized"),
    "413": ("The request body is larger than the service takes", "request_entity_too_large"),
    "500": ("Unexpected server error", "internal_error"),
    "503": ("The engine is unreachable or the index is missing", "engine_unavailable"),
}


@dataclass(frozen=True)
class Route:
    """One operation: what it takes and what it answers."""

    operation_id: str
    summary: str
    answer: type[BaseModel] | None
    description: str
    parameters: tuple[dict[str, Any], ...] = ()
    # An HTML page whose JSON twin (`Accept: application/json`) is `answer`.
    page: bool = False
    errors: tuple[str, ...] = ("400", "500", "503")
    # What a 404 means here, when the route has one.
    missing: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    method: str = "get"
    status: str = "200"
    # The success answer's content when it is not `answer` as JSON (feeds, files, pages).
    content: dict[str, Any] | None = None
    body: dict[str, Any] | None = None
    # Needs the API key (header X-API-Key).
    secured: bool = False
    links: dict[str, Any] = field(default_factory=dict)
    # Errors answered in HTML or JSON by Accept (pages, feeds), not JSON alone.
    negotiated: bool = False


def query_parameters(model: type[BaseModel], *, words: str = "q") -> list[dict[str, Any]]:
    """The query-string parameters `model` reads, from its JSON Schema.

    A map of facet to values (`filters`) is one repeatable parameter per facet; arrays repeat
    their key (`expand=a&expand=b`); a nullable value is simply left out when absent. `words`
    renames the parameter `q` (the facet-values routes take the search's words as `query`).
    """
    schema = model.model_json_schema(by_alias=True)
    parameters: list[dict[str, Any]] = []
    for name, prop in schema.get("properties", {}).items():
        prop = {k: v for k, v in prop.items() if k != "title"}
        description = prop.pop("description", "")
        if "propertyNames" in prop:
            parameters += [
                _parameter(key, description.format(name=key), prop["additionalProperties"])
                for key in prop["propertyNames"]["enum"]
            ]
            continue
        if "anyOf" in prop:
            branches = [b for b in prop.pop("anyOf") if b.get("type") != "null"]
            prop = {**branches[0], **prop}
        if "default" in prop and prop["default"] is None:
            del prop["default"]  # absent means none
        parameters.append(_parameter(words if name == "q" else name, description, prop))
    return parameters


def _parameter(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    parameter: dict[str, Any] = {"name": name, "in": "query"}
    if description:
        parameter["description"] = description
    if schema.get("type") == "array":
        parameter |= {"style": "form", "explode": True}
        # One value on the wire is one item: a single value is as good as a list of one.
        schema = {"anyOf": [schema, schema["items"]]}
    # An empty value (`?from=`, as a bare HTML form sends) is the same as leaving it out.
    return parameter | {"schema": {"anyOf": [schema, {"const": ""}]}}


def _path(name: str, schema: dict[str, Any], example: str, description: str = "") -> dict[str, Any]:
    parameter: dict[str, Any] = {"name": name, "in": "path", "required": True}
    if description:
        parameter["description"] = description
    return parameter | {"schema": schema, "example": example}


def _error(description: str, code: str, *, page: bool = False) -> dict[str, Any]:
    """An error answer: the JSON error shape; on a page, its HTML form too (by Accept)."""
    content: dict[str, Any] = {
        "application/json": {
            "schema": {"$ref": _REF.format(model="ErrorResponse")},
            "example": {"error": {"code": code, "message": "…"}},
        }
    }
    if page:
        content = {"text/html": {"schema": {"type": "string"}}, **content}
    return {"description": description, "content": content}


# Answered by the HTTP server before the app, in its own HTML: gunicorn refuses a request line
# over 4094 bytes (`make run`); Flask's development server only past 65,536. Parameters at
# their documented limits can add up to more.
_URI_TOO_LONG = {
    "description": "The URL is longer than the server accepts",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


_HTML = {"text/html": {"schema": {"type": "string"}}}
_ATOM = {ATOM_TYPE: {"schema": {"type": "string"}}}
_NOT_MODIFIED = {"description": "The reader's copy (If-None-Match, If-Modified-Since) is current"}


def _alert_form() -> dict[str, Any]:
    """The alerts page's form: the saved search's fields, its search's fields beside them."""
    fields = AlertInput.model_json_schema(by_alias=True)["properties"]
    search = AlertSearch.model_json_schema(by_alias=True)["properties"]
    properties = {
        "name": {k: v for k, v in fields["name"].items() if k != "title"},
        "webhook_url": {"type": "string", "maxLength": MAX_URL_LENGTH},
        "api_key": {"type": "string"},
        **{key: _form_field(value) for key, value in search.items()},
    }
    return {"properties": properties, "required": ["name"]}


def _form_field(schema: dict[str, Any]) -> dict[str, Any]:
    """A field's schema in a form, where one value of a list looks like a single value."""
    schema = {k: v for k, v in schema.items() if k not in ("title", "default")}
    if schema.get("type") == "array":
        return {"anyOf": [schema, schema["items"]]}
    return schema


_DELETE_FORM: dict[str, Any] = {
    "properties": {
        "api_key": {"type": "string"},
        "id": _form_field({"type": "array", "items": {"type": "string"}}),
    },
}


def _json_body(model: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": _REF.format(model=model)}}},
    }


def _form_body(schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {
        "required": required,
        "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", **schema}}},
    }


def _routes() -> list[tuple[str, Route]]:
    search = tuple(query_parameters(SearchParams))
    facet = (
        _path("name", {"type": "string", "enum": list(FACETS)}, "location"),
        *query_parameters(FacetQuery),
        *query_parameters(SearchParams, words="query"),
    )
    # The seed article's id (seeds/): a page every index built by `make run` has.
    article_id = (_path("id", {"type": "string"}, "0a4f7763723d062e"),)
    entity = (
        _path("type", {"type": "string", "enum": list(ENTITY_TYPES)}, "location"),
        _path(
            "name",
            {"type": "string", "maxLength": MAX_VALUE_LENGTH},
            "Azerbaijan",
            "The canonical name, as the facet lists it.",
        ),
    )
    alert_id = (_path("id", {"type": "string", "maxLength": MAX_ID_LENGTH}, "jw3Hq2vJ0Hb8nM1x"),)
    api = {
        "/api/search": Route(
            "search", "Search articles", SearchPage, "One page of results with facets", search
        ),
        "/api/suggest": Route(
            "suggest",
            "Entity names and article titles for what has been typed so far",
            Suggestions,
            "Names (with their kind), most-mentioned first; then titles, newest",
            tuple(query_parameters(SuggestParams)),
        ),
        "/api/facets/{name}": Route(
            "facetValues",
            "Search within one facet's values, counted under the current search",
            FacetValues,
            "Matching values, most frequent first",
            facet,
            missing="No facet with this name",
        ),
        "/api/articles/{id}": Route(
            "getArticle",
            "One stored article",
            StoredArticle,
            "The article",
            article_id,
            errors=("500", "503"),
            missing="No article with this id",
        ),
        "/api/entities/{type}/{name}": Route(
            "getEntity",
            "One entity: canonical name, forms seen, articles, company",
            EntityView,
            "The entity",
            entity,
            errors=("500", "503"),
            missing="No article is filed under this entity",
        ),
    }
    api["/api/alerts"] = Route(
        "listAlerts",
        "The saved searches, newest first (at most 1,000)",
        AlertList,
        "The saved searches",
        errors=("500", "503"),
    )
    api["/api/alerts/{id}"] = Route(
        "getAlert",
        "One saved search",
        Alert,
        "The saved search",
        alert_id,
        errors=("500", "503"),
        missing="No alert with this id",
    )
    # Each page's JSON twin (`Accept: application/json`) is exactly its API route's answer.
    pages = {
        "/": ("searchPage", "The search page", "/api/search"),
        "/facets/{name}": ("facetPage", "A facet's values page", "/api/facets/{name}"),
        "/articles/{id}": ("articlePage", "An article page", "/api/articles/{id}"),
        "/entities/{type}/{name}": (
            "entityPage",
            "An entity's page",
            "/api/entities/{type}/{name}",
        ),
        "/alerts": ("alertsPage", "The alerts page: save a search, list, delete", "/api/alerts"),
    }
    search_params = query_parameters(SearchParams)
    feed_params = tuple(p for p in search_params if p["name"] in FEED_KEYS)
    export_params = tuple(p for p in search_params if p["name"] in EXPORT_KEYS)
    routes: list[tuple[str, Route]] = [
        *api.items(),
        *(
            (
                path,
                replace(
                    api[twin],
                    operation_id=operation_id,
                    summary=f"{title}; its JSON twin is exactly {twin}",
                    description=title,
                    page=True,
                ),
            )
            for path, (operation_id, title, twin) in pages.items()
        ),
        (
            "/api/alerts",
            Route(
                "createAlert",
                "Save a search with an alert (needs the API key)",
                AlertCreated,
                "The new saved search, with its webhook secret (shown only now)",
                method="post",
                status="201",
                body=_json_body("AlertInput"),
                secured=True,
                errors=("400", "401", "413", "500", "503"),
                links={
                    "GetAlert": {
                        "operationId": "getAlert",
                        "parameters": {"id": "$response.body#/id"},
                    },
                    "DeleteAlert": {
                        "operationId": "deleteAlert",
                        "parameters": {"id": "$response.body#/id"},
                    },
                },
            ),
        ),
        (
            "/api/alerts/{id}",
            Route(
                "deleteAlert",
                "Delete a saved search (needs the API key)",
                None,
                "Deleted",
                alert_id,
                method="delete",
                status="204",
                content={},
                secured=True,
                errors=("401", "500", "503"),
                missing="No alert with this id",
            ),
        ),
        (
            "/alerts",
            Route(
                "createAlertForm",
                "Save a search from the alerts page's form (the API key as a form field)",
                None,
                "The page showing the new alert and its secret",
                method="post",
                status="201",
                content=_HTML,
                body=_form_body(_alert_form()),
                errors=("400", "401", "413", "500", "503"),
                negotiated=True,
                page=True,
            ),
        ),
        (
            "/alerts/delete",
            Route(
                "deleteAlertsForm",
                "Delete the alerts ticked on the alerts page (the API key as a form field)",
                None,
                "Back to the alerts page",
                method="post",
                status="303",
                content={},
                body=_form_body(_DELETE_FORM, required=False),
                errors=("401", "500", "503"),
                negotiated=True,
                page=True,
                extra={"404": _error("No alert with one of these ids", "not_found", page=True)},
            ),
        ),
        (
            "/feeds/search.atom",
            Route(
                "searchFeed",
                "The newest articles matching a search, as an Atom feed",
                None,
                "An Atom 1.0 feed (ETag and Last-Modified; 304 when unchanged)",
                feed_params,
                content=_ATOM,
                negotiated=True,
                extra={"304": _NOT_MODIFIED},
            ),
        ),
        (
            "/feeds/alerts/{id}.atom",
            Route(
                "alertFeed",
                "The matches the checker found for one saved search, as an Atom feed",
                None,
                "An Atom 1.0 feed (ETag and Last-Modified; 304 when unchanged)",
                alert_id,
                content=_ATOM,
                errors=("500", "503"),
                negotiated=True,
                missing="No alert with this id",
                extra={"304": _NOT_MODIFIED},
            ),
        ),
        (
            "/api/export",
            Route(
                "export",
                "Every article matching a search, as CSV or JSON Lines (past 10,000 too)",
                None,
                "The file, streamed",
                (*export_params, *query_parameters(ExportParams)),
                content={
                    MEDIA_TYPES["csv"]: {"schema": {"type": "string"}},
                    MEDIA_TYPES["jsonl"]: {"schema": {"type": "string"}},
                },
            ),
        ),
        (
            "/api/openapi.json",
            Route(
                "openapi",
                "This description",
                None,
                "OpenAPI 3.1 document",
                errors=(),
            ),
        ),
        (
            "/healthz",
            Route(
                "health",
                "Whether searches can run",
                Health,
                "The engine answers and the index alias exists",
                errors=(),
                extra={
                    "503": {
                        "description": "The engine is unreachable or the index alias is missing",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": _REF.format(model="Unavailable")}
                            }
                        },
                    }
                },
            ),
        ),
    ]
    return routes


def _operation(route: Route) -> dict[str, Any]:
    if route.content is not None:
        content: dict[str, Any] = route.content
    else:
        schema = (
            {"$ref": _REF.format(model=route.answer.__name__)}
            if route.answer is not None
            else {"type": "object"}
        )
        content = {"application/json": {"schema": schema}}
        if route.page:
            content = {"text/html": {"schema": {"type": "string"}}, **content}
    success: dict[str, Any] = {"description": route.description}
    if content:
        success["content"] = copy.deepcopy(content)
    if route.links:
        success["links"] = route.links
    responses: dict[str, Any] = {route.status: success}
    negotiated = route.page or route.negotiated
    for status in route.errors:
        responses[status] = _error(*_ERRORS[status], page=negotiated)
    if route.missing:
        responses["404"] = _error(route.missing, "not_found", page=negotiated)
    responses |= route.extra
    responses["414"] = _URI_TOO_LONG
    operation: dict[str, Any] = {"operationId": route.operation_id, "summary": route.summary}
    if route.parameters:
        operation["parameters"] = copy.deepcopy(list(route.parameters))
    if route.body is not None:
        operation["requestBody"] = copy.deepcopy(route.body)
    if route.secured:
        operation["security"] = [{"apiKey": []}]
    return operation | {"responses": responses}


@functools.cache
def _document(page_size: int, max_page_size: int) -> dict[str, Any]:
    _, schemas = models_json_schema(
        [(model, "serialization") for model in _ANSWERS]
        + [(model, "validation") for model in _BODIES],
        ref_template=_REF,
        by_alias=True,
    )
    paths: dict[str, dict[str, Any]] = {}
    for path, route in _routes():
        paths.setdefault(path, {})[route.method] = _operation(route)
    used = _referenced(paths, schemas["$defs"])
    # The page size's default and maximum are the server's settings, not constants.
    for item in paths.values():
        for operation in item.values():
            for parameter in operation.get("parameters", ()):
                if parameter["name"] == "size":
                    default = FEED_SIZE if operation["operationId"] == "searchFeed" else page_size
                    parameter["schema"] |= {"default": default, "maximum": max_page_size}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "News search",
            "version": "1.0.0",
            "description": (
                "Full-text search over news articles with entity facets. Facet counts are "
                "disjunctive: values within one facet combine with OR, facets with AND, and each "
                "facet's counts ignore that facet's own selection. Every path answers "
                "methods other than GET (and HEAD, OPTIONS) with 405 and an Allow header, in the "
                "JSON error shape under /api/ and /healthz. Rules across parameters, which "
                "JSON Schema cannot state, are answered with 400: page * size may not exceed "
                f"{MAX_RESULT_WINDOW} unless a cursor is given; a cursor excludes page and "
                "must come from a search in the same order; from may not be after to."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": {name: schemas["$defs"][name] for name in sorted(used)},
            "securitySchemes": {
                "apiKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-API-Key",
                    "description": "The service's API key (API_KEY); writes need it.",
                }
            },
        },
    }


def _referenced(node: Any, defs: dict[str, Any], found: set[str] | None = None) -> set[str]:
    """The component names `node` refers to, directly or through other components (models
    kept out of the answers, such as the request a page carries, are left out)."""
    found = set() if found is None else found
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and (name := ref.rsplit("/", 1)[-1]) not in found:
            found.add(name)
            _referenced(defs[name], defs, found)
        for value in node.values():
            _referenced(value, defs, found)
    elif isinstance(node, list):
        for value in node:
            _referenced(value, defs, found)
    return found


def openapi_spec(
    page_size: int = DEFAULT_PAGE_SIZE, max_page_size: int = DEFAULT_MAX_PAGE_SIZE
) -> dict[str, Any]:
    """A fresh copy of the OpenAPI description for these page-size settings (callers may change
    it)."""
    return copy.deepcopy(_document(page_size, max_page_size))
