"""The OpenAPI 3.1 description of the API, served at `/api/openapi.json`."""

from __future__ import annotations

import copy
from typing import Any

from articles import ENTITY_TYPES, FACETS
from search.query import MAX_QUERY_LENGTH, MAX_VALUE_LENGTH, MAX_VALUES_PER_FACET, SORTS

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
                "parameters": [
                    {
                        "name": "q",
                        "in": "query",
                        "description": (
                            "Words to find in title and body, all required by default. "
                            'Supports "phrases", -exclusion, | (or), + and ( ). '
                            "Syntax errors are ignored, never an error."
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
                        "schema": {"type": "string", "enum": list(SORTS), "default": "relevance"},
                    },
                    {
                        "name": "page",
                        "in": "query",
                        "description": "From 1; page * size may not exceed 10000.",
                        "schema": {"type": "integer", "minimum": 1, "default": 1},
                    },
                    {
                        "name": "size",
                        "in": "query",
                        "description": "Hits per page (the server sets the default and maximum).",
                        "schema": {"type": "integer", "minimum": 1},
                    },
                ],
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
