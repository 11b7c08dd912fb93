"""The OpenAPI 3.1 description of the API, served at `/api/openapi.json`."""

from __future__ import annotations

import copy
from typing import Any

from articles import ENTITY_TYPES, FACETS, SUGGEST_KINDS
from search.cursor import MAX_CURSOR_LENGTH
from search.query import MAX_QUERY_LENGTH, MAX_VALUE_LENGTH, MAX_VALUES_PER_FACET, SORTS
from search.suggest import MAX_PREFIX_LENGTH

_NULLABLE_STRING = {"type": ["string", "null"]}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_ENTITIES = {
    "type": "object",
    "required": list(ENTITY_TYPES),
    "properties": {kind: _STRINGS for kind in ENTITY_TYPES},
    "additionalProperties": False,
}
_DAY = {"type": ["string", "null"], "format": "date", "description": "YYYY-MM-DD, null if unknown"}


def _error_response(description: str, code_example: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "example": {"error": {"code": code_example, "message": "…"}},
            }
        },
    }


def _search_parameters(words: str = "q") -> list[dict[str, Any]]:
    """The parameters describing a search; `words` names the one holding the query text."""
    return [
        {
            "name": words,
            "in": "query",
            "description": (
                "Words to find in title and body, all required by default. "
                'Supports "phrases", -exclusion, OR (or |), + and ( ), and the prefixes '
                'person:, org:, loc: and source: (e.g. person:"Ali Khamenei"), which filter '
                "through entity aliases. Syntax that cannot be used is searched as text. "
                "When the exact words find fewer than 5 articles, close spellings are "
                "included, ranked below exact matches. Without words, the newest come first."
            ),
            "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        },
        *(
            {
                "name": name,
                "in": "query",
                "description": f"Keep articles with this {name}; repeat for OR.",
                "style": "form",
                "explode": True,
                "schema": {
                    "type": "array",
                    "maxItems": MAX_VALUES_PER_FACET,
                    "items": {"type": "string", "maxLength": MAX_VALUE_LENGTH},
                },
            }
            for name in FACETS
        ),
        {
            "name": "from",
            "in": "query",
            "description": "First publication day, inclusive.",
            "schema": {"type": "string", "format": "date"},
        },
        {
            "name": "to",
            "in": "query",
            "description": "Last publication day, inclusive.",
            "schema": {"type": "string", "format": "date"},
        },
        {
            "name": "sort",
            "in": "query",
            "description": "relevance (the default; the newest first when there are no words).",
            "schema": {"type": "string", "enum": list(SORTS), "default": "relevance"},
        },
        {
            "name": "page",
            "in": "query",
            "description": "From 1; page * size may not exceed 10000 (use cursor beyond).",
            "schema": {"type": "integer", "minimum": 1, "default": 1},
        },
        {
            "name": "size",
            "in": "query",
            "description": "Hits per page (the server sets the default and maximum).",
            "schema": {"type": "integer", "minimum": 1},
        },
        {
            "name": "cursor",
            "in": "query",
            "description": (
                "The next_cursor of a previous answer: the page after it, at any depth "
                "(search_after). Send the same other parameters; not with page."
            ),
            "schema": {"type": "string", "maxLength": MAX_CURSOR_LENGTH},
        },
        {
            "name": "expand",
            "in": "query",
            "description": "A facet to list with more values (up to 50); repeatable.",
            "style": "form",
            "explode": True,
            "schema": {"type": "array", "items": {"type": "string", "enum": list(FACETS)}},
        },
    ]


def _twin(description: str, schema: str) -> dict[str, Any]:
    """A 200 answered as HTML, or as the API's JSON to `Accept: application/json`."""
    return {
        "description": description,
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}},
        },
    }


_ERRORS = {
    "400": _error_response("A parameter has a bad value", "bad_request"),
    "500": _error_response("Unexpected server error", "internal_error"),
    "503": _error_response(
        "The engine is unreachable or the index is missing", "engine_unavailable"
    ),
}
_FACET_NAME = {
    "name": "name",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": list(FACETS)},
}
_FACET_VALUE_TEXT = {
    "name": "q",
    "in": "query",
    "description": "Keep values with a word starting with this text (any case).",
    "schema": {"type": "string", "maxLength": MAX_VALUE_LENGTH},
}


_SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "News search",
        "version": "1.0.0",
        "description": (
            "Full-text search over news articles with entity facets. Facet counts are "
            "disjunctive: values within one facet combine with OR, facets with AND, and each "
            "facet's counts ignore that facet's own selection."
        ),
    },
    "paths": {
        "/api/search": {
            "get": {
                "operationId": "search",
                "summary": "Search articles",
                "parameters": _search_parameters(),
                "responses": {
                    "200": {
                        "description": "One page of results with facets",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/SearchPage"}
                            }
                        },
                    },
                    "400": _error_response("A parameter has a bad value", "bad_request"),
                    "500": _error_response("Unexpected server error", "internal_error"),
                    "503": _error_response(
                        "The engine is unreachable or the index is missing", "engine_unavailable"
                    ),
                },
            }
        },
        "/api/suggest": {
            "get": {
                "operationId": "suggest",
                "summary": "Entity names and article titles for what has been typed so far",
                "parameters": [
                    {
                        "name": "q",
                        "in": "query",
                        "description": "The text typed so far; matched at the start of words.",
                        "schema": {"type": "string", "maxLength": MAX_PREFIX_LENGTH},
                    }
                ],
                "responses": {
                    "200": {
                        "description": (
                            "Names (with their kind), most-mentioned first; then titles, newest"
                        ),
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Suggestions"}
                            }
                        },
                    },
                    **_ERRORS,
                },
            }
        },
        "/api/facets/{name}": {
            "get": {
                "operationId": "facetValues",
                "summary": "Search within one facet's values, counted under the current search",
                "parameters": [_FACET_NAME, _FACET_VALUE_TEXT, *_search_parameters("query")],
                "responses": {
                    "200": {
                        "description": "Matching values, most frequent first",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/FacetValues"}
                            }
                        },
                    },
                    **_ERRORS,
                    "404": _error_response("No facet with this name", "not_found"),
                },
            }
        },
        "/": {
            "get": {
                "operationId": "searchPage",
                "summary": "The search page; its JSON twin is exactly /api/search",
                "parameters": _search_parameters(),
                "responses": {"200": _twin("The search page", "SearchPage"), **_ERRORS},
            }
        },
        "/facets/{name}": {
            "get": {
                "operationId": "facetPage",
                "summary": "A facet's values page; its JSON twin is exactly /api/facets/{name}",
                "parameters": [_FACET_NAME, _FACET_VALUE_TEXT, *_search_parameters("query")],
                "responses": {
                    "200": _twin("The values page", "FacetValues"),
                    **_ERRORS,
                    "404": _error_response("No facet with this name", "not_found"),
                },
            }
        },
        "/articles/{id}": {
            "get": {
                "operationId": "articlePage",
                "summary": "An article page; its JSON twin is exactly /api/articles/{id}",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": _twin("The article page", "Article"),
                    "404": _error_response("No article with this id", "not_found"),
                    "500": _ERRORS["500"],
                    "503": _ERRORS["503"],
                },
            }
        },
        "/api/articles/{id}": {
            "get": {
                "operationId": "getArticle",
                "summary": "One stored article",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "The article",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Article"}}
                        },
                    },
                    "404": _error_response("No article with this id", "not_found"),
                    "500": _error_response("Unexpected server error", "internal_error"),
                    "503": _error_response(
                        "The engine is unreachable or the index is missing", "engine_unavailable"
                    ),
                },
            }
        },
        "/api/entities/{type}/{name}": {
            "get": {
                "operationId": "getEntity",
                "summary": "One entity: canonical name, aliases seen, articles, company",
                "parameters": [
                    {
                        "name": "type",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": list(ENTITY_TYPES)},
                    },
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "description": "The canonical name, as the facet lists it.",
                        "schema": {"type": "string", "maxLength": MAX_VALUE_LENGTH},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The entity",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Entity"}}
                        },
                    },
                    "404": _error_response("No article is filed under this entity", "not_found"),
                    "500": _error_response("Unexpected server error", "internal_error"),
                    "503": _error_response(
                        "The engine is unreachable or the index is missing", "engine_unavailable"
                    ),
                },
            }
        },
        "/api/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This description",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1 document",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/healthz": {
            "get": {
                "operationId": "health",
                "summary": "Whether searches can run",
                "responses": {
                    "200": {
                        "description": "The engine answers and the index alias exists",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}
                        },
                    },
                    "503": {
                        "description": "The engine is unreachable or the index alias is missing",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Unavailable"}
                            }
                        },
                    },
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Entity": {
                "type": "object",
                "required": ["type", "name", "articles", "forms", "related"],
                "additionalProperties": False,
                "properties": {
                    "type": {"type": "string", "enum": list(ENTITY_TYPES)},
                    "name": {"type": "string"},
                    "articles": {"type": "integer", "minimum": 1},
                    "forms": {
                        "type": "array",
                        "description": "Forms the articles used for it, most frequent first",
                        "items": {
                            "type": "object",
                            "required": ["form", "articles"],
                            "additionalProperties": False,
                            "properties": {
                                "form": {"type": "string"},
                                "articles": {"type": "integer", "minimum": 1},
                            },
                        },
                    },
                    "related": {
                        "type": "object",
                        "description": "Per type, entities unusually frequent in its articles "
                        "(significant terms), most significant first",
                        "required": list(ENTITY_TYPES),
                        "additionalProperties": False,
                        "properties": {
                            kind: {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["name", "articles", "score"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "name": {"type": "string"},
                                        "articles": {"type": "integer", "minimum": 1},
                                        "score": {"type": "number"},
                                    },
                                },
                            }
                            for kind in ENTITY_TYPES
                        },
                    },
                },
            },
            "Error": {
                "type": "object",
                "required": ["error"],
                "additionalProperties": False,
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "additionalProperties": False,
                        "properties": {
                            "code": {
                                "type": "string",
                                "pattern": "^[a-z][a-z0-9_]*$",
                                "examples": [
                                    "bad_request",
                                    "not_found",
                                    "engine_unavailable",
                                    "index_not_ready",
                                    "internal_error",
                                ],
                            },
                            "message": {"type": "string"},
                        },
                    }
                },
            },
            "SearchPage": {
                "type": "object",
                "required": ["total", "took_ms", "page", "size", "hits", "facets"],
                "additionalProperties": False,
                "properties": {
                    "total": {"type": "integer", "minimum": 0},
                    "total_relation": {
                        "enum": ["eq", "gte"],
                        "description": "eq: total is exact; gte: total is a lower bound",
                    },
                    "sort": {"type": "string", "enum": list(SORTS)},
                    "last_page": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "The last page reachable with `page`",
                    },
                    "next_cursor": {
                        "type": ["string", "null"],
                        "description": "Pass as `cursor` for the next page; null on the last",
                    },
                    "fuzzy": {
                        "type": "boolean",
                        "description": "Whether close spellings were included",
                    },
                    "did_you_mean": {
                        "type": ["string", "null"],
                        "description": "The query with misspelled words corrected",
                    },
                    "query_filters": {
                        "type": "array",
                        "description": "Filters typed as prefixes (person:, org:, loc:, source:)",
                        "items": {
                            "type": "object",
                            "required": ["field", "value", "exclude"],
                            "additionalProperties": False,
                            "properties": {
                                "field": {"type": "string", "enum": list(FACETS)},
                                "value": {"type": "string"},
                                "exclude": {"type": "boolean"},
                            },
                        },
                    },
                    "timeline": {
                        "oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Timeline"}]
                    },
                    "took_ms": {"type": "integer", "minimum": 0},
                    "page": {"type": "integer", "minimum": 1},
                    "size": {"type": "integer", "minimum": 1},
                    "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                    "facets": {
                        "type": "object",
                        "required": list(FACETS),
                        "additionalProperties": False,
                        "properties": {
                            name: {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/FacetValue"},
                            }
                            for name in FACETS
                        },
                    },
                },
            },
            "Hit": {
                "type": "object",
                "required": [
                    "id",
                    "title",
                    "url",
                    "source",
                    "published",
                    "highlights",
                    "entities",
                ],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": "string", "description": "Plain text"},
                    "url": _NULLABLE_STRING,
                    "source": _NULLABLE_STRING,
                    "published": _DAY,
                    "highlights": {
                        "type": "object",
                        "description": (
                            "HTML-escaped fragments with <mark> around matches. The body "
                            "falls back to its opening when nothing in it matched."
                        ),
                        "required": ["title", "body"],
                        "additionalProperties": False,
                        "properties": {"title": _STRINGS, "body": _STRINGS},
                    },
                    "entities": _ENTITIES,
                },
            },
            "FacetValue": {
                "type": "object",
                "required": ["value", "count", "selected"],
                "additionalProperties": False,
                "properties": {
                    "value": {"type": "string"},
                    "count": {"type": "integer", "minimum": 0},
                    "selected": {"type": "boolean"},
                },
            },
            "Timeline": {
                "type": "object",
                "description": "Results per period, evenly spaced, empty periods included",
                "required": ["interval", "buckets"],
                "additionalProperties": False,
                "properties": {
                    "interval": {
                        "enum": [
                            "day",
                            "week",
                            "month",
                            "quarter",
                            "year",
                            "5 years",
                            "decade",
                            "century",
                        ]
                    },
                    "buckets": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["from", "to", "count"],
                            "additionalProperties": False,
                            "properties": {
                                "from": {"type": "string", "format": "date"},
                                "to": {"type": "string", "format": "date"},
                                "count": {"type": "integer", "minimum": 0},
                            },
                        },
                    },
                },
            },
            "Suggestions": {
                "type": "object",
                "required": ["q", "suggestions"],
                "additionalProperties": False,
                "properties": {
                    "q": {"type": "string"},
                    "suggestions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["kind", "text", "url"],
                            "additionalProperties": False,
                            "properties": {
                                "kind": {"enum": list(SUGGEST_KINDS)},
                                "text": {"type": "string"},
                                "url": {"type": "string"},
                                "id": {"type": "string"},
                                "published": _DAY,
                                "source": _NULLABLE_STRING,
                            },
                        },
                    },
                },
            },
            "FacetValues": {
                "type": "object",
                "required": ["facet", "q", "values"],
                "additionalProperties": False,
                "properties": {
                    "facet": {"type": "string", "enum": list(FACETS)},
                    "q": {"type": "string"},
                    "values": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/FacetValue"},
                    },
                },
            },
            "Related": {
                "type": "object",
                "required": ["id", "title", "published", "source"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": "string"},
                    "published": _DAY,
                    "source": _NULLABLE_STRING,
                },
            },
            "Article": {
                "type": "object",
                "required": [
                    "id",
                    "title",
                    "body",
                    "url",
                    "source",
                    "section",
                    "published",
                    "language",
                    "categories",
                    "entities",
                ],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": "string"},
                    "body": {"type": "string"},
                    "url": _NULLABLE_STRING,
                    "source": _NULLABLE_STRING,
                    "section": _NULLABLE_STRING,
                    "published": _DAY,
                    "language": _NULLABLE_STRING,
                    "categories": _STRINGS,
                    "entities": _ENTITIES,
                    "related": {
                        "type": "array",
                        "description": "Articles most like this one (more_like_this)",
                        "items": {"$ref": "#/components/schemas/Related"},
                    },
                },
            },
            "Health": {
                "type": "object",
                "required": ["status", "engine", "index"],
                "properties": {
                    "status": {"const": "ok"},
                    "engine": {
                        "type": "object",
                        "required": ["cluster_status", "version"],
                        "properties": {
                            "cluster_status": {"enum": ["green", "yellow", "red"]},
                            "version": _NULLABLE_STRING,
                            "nodes": {"type": "integer"},
                        },
                    },
                    "index": {
                        "type": "object",
                        "required": ["alias", "docs"],
                        "properties": {
                            "alias": {"type": "string"},
                            "docs": {"type": "integer", "minimum": 0},
                        },
                    },
                },
            },
            "Unavailable": {
                "type": "object",
                "required": ["status", "error"],
                "properties": {
                    "status": {"const": "unavailable"},
                    "error": {"$ref": "#/components/schemas/Error/properties/error"},
                },
            },
        }
    },
}


def openapi_spec() -> dict[str, Any]:
    """A fresh copy of the OpenAPI description (callers may change it)."""
    return copy.deepcopy(_SPEC)
