"""The one place where errors become responses, in one shape: `{"error": {"code", "message"}}`."""

from __future__ import annotations

import re

from elasticsearch import ApiError, BadRequestError, ConnectionTimeout, NotFoundError
from elasticsearch import ConnectionError as EsConnectionError
from flask import Flask, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from search.models import ErrorDetail, ErrorResponse
from search.negotiate import json_response, prefers_json
from search.params import InvalidParam

ENGINE_UNAVAILABLE = "search engine unavailable, try again shortly"
INDEX_NOT_READY = "the search index is not ready yet, try again shortly"

# Elasticsearch statuses that mean "busy or starting", not "broken".
_BUSY_STATUSES = frozenset({429, 502, 503, 504})


class AppError(Exception):
    """An error with its HTTP status, machine-readable code and human message."""

    def __init__(
        self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        # Sent with the answer, e.g. `WWW-Authenticate` on a 401.
        self.headers = headers or {}


def register_error_handlers(app: Flask) -> None:
    """Map every error to one response shape: JSON for the API and /healthz, HTML elsewhere."""
    app.register_error_handler(AppError, _respond)
    app.register_error_handler(InvalidParam, _invalid_param)
    app.register_error_handler(HTTPException, _http_exception)
    app.register_error_handler(EsConnectionError, _engine_unavailable)
    app.register_error_handler(ConnectionTimeout, _engine_unavailable)
    app.register_error_handler(NotFoundError, _index_not_ready)
    app.register_error_handler(BadRequestError, _engine_bad_request)
    app.register_error_handler(ApiError, _engine_error)
    app.register_error_handler(Exception, _internal_error)


def _always_json() -> bool:
    """Whether the path answers JSON whatever the Accept header: the API and the health check."""
    return request.path.startswith("/api/") or request.path in ("/api", "/healthz")


def wants_json() -> bool:
    """Whether the current request is answered in JSON: the API, the health check, and pages
    asked for with `Accept: application/json` (their JSON twin)."""
    return _always_json() or prefers_json()


def _respond(error: AppError) -> Response:
    if wants_json():
        body = ErrorResponse(error=ErrorDetail(code=error.code, message=error.message))
        response = json_response(body, error.status)
    else:
        html = render_template(
            "error.html", status=error.status, code=error.code, message=error.message
        )
        response = Response(html, status=error.status, mimetype="text/html")
    if not _always_json():
        # The same URL answers HTML or JSON by Accept: caches must keep them apart.
        response.vary.add("Accept")
    response.headers.update(error.headers)
    return response


def _invalid_param(error: InvalidParam) -> Response:
    # Our messages name the parameter and the rule, never the visitor's value.
    return _respond(AppError(400, error.code, error.message))


def _http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    name = error.name or "Error"
    code = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    message = {404: "no such page or article"}.get(status, name)
    response = _respond(AppError(status, code, message))
    # Keep headers such as `Allow` on 405.
    for key, value in error.get_headers():
        if key.lower() != "content-type":
            response.headers[key] = value
    return response


def _engine_unavailable(error: Exception) -> Response:
    current_app.logger.warning("search engine unreachable: %r", error)
    return _respond(AppError(503, "engine_unavailable", ENGINE_UNAVAILABLE))


def _index_not_ready(error: NotFoundError) -> Response:
    # Views turn a missing *document* into a plain 404 themselves; what reaches here is a
    # missing index or alias.
    current_app.logger.error("search index missing: %s", error)
    return _respond(AppError(503, "index_not_ready", INDEX_NOT_READY))


def _engine_bad_request(error: BadRequestError) -> Response:
    # The engine's message can quote the query and our internals: log it, do not show it.
    current_app.logger.warning("search engine refused the request: %s", error)
    return _respond(AppError(400, "bad_request", "the search could not be run as written"))


def _engine_error(error: ApiError) -> Response:
    if error.status_code in _BUSY_STATUSES:
        current_app.logger.warning("search engine busy: %s", error)
        return _respond(AppError(503, "engine_unavailable", ENGINE_UNAVAILABLE))
    return _internal_error(error)


def _internal_error(error: Exception) -> Response:
    current_app.logger.error("unexpected error", exc_info=error)
    return _respond(AppError(500, "internal_error", "something went wrong on our side"))
