"""The JSON API: search, suggestions, facet values, articles, entities and the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue

from search import alert_pages, pages
from search.auth import KEY_HEADER
from search.config import get_settings
from search.export import MEDIA_TYPES
from search.export_pages import export_page
from search.negotiate import json_response
from search.openapi import openapi_spec

bp = Blueprint("api", __name__)


@bp.get("/search")
def search() -> Response:
    """Search articles; the query string is the whole request (see the OpenAPI description)."""
    return json_response(pages.search_page())


@bp.get("/suggest")
def suggest() -> Response:
    """Entity names and article titles for what has been typed so far."""
    return json_response(pages.suggest_page())


@bp.get("/facets/<name>")
def facet_values(name: str) -> Response:
    """Values of one facet containing a word starting with `q`, counted under the search."""
    return json_response(pages.facet_page(name))


@bp.get("/articles/<path:article_id>")
def article(article_id: str) -> Response:
    """One stored article, body, entities and related articles included."""
    return json_response(pages.article_page(article_id))


@bp.get("/entities/<kind>/<path:name>")
def entity(kind: str, name: str) -> Response:
    """One entity: canonical name, the forms it was seen under, article count, company."""
    return json_response(pages.entity_page(kind, name))


@bp.get("/export")
def export() -> Response:
    """Every match of the search, streamed as CSV or JSON Lines (past 10,000 too)."""
    chunks, file_format = export_page()
    response = Response(chunks, mimetype=MEDIA_TYPES[file_format])
    response.headers["Content-Disposition"] = f'attachment; filename="news-export.{file_format}"'
    return response


@bp.get("/alerts")
def alerts() -> Response:
    """The saved searches, newest first."""
    return json_response(alert_pages.list_page())


@bp.post("/alerts")
def create_alert() -> Response:
    """Save a search with an alert; needs the API key. The answer holds the webhook secret."""
    request.max_content_length = alert_pages.MAX_BODY_BYTES
    body = request.get_json(silent=True)
    created = alert_pages.create_page(body, request.headers.get(KEY_HEADER))
    response = json_response(created, 201)
    response.headers["Location"] = f"/api/alerts/{created.id}"
    # The secret is shown once: no cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/alerts/<alert_id>")
def alert(alert_id: str) -> Response:
    """One saved search."""
    return json_response(alert_pages.alert_page(alert_id))


@bp.delete("/alerts/<alert_id>")
def delete_alert(alert_id: str) -> Response:
    """Delete a saved search; needs the API key."""
    alert_pages.delete_page(alert_id, request.headers.get(KEY_HEADER))
    return Response(status=204)


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this service."""
    settings = get_settings()
    return jsonify(openapi_spec(settings.page_size, settings.max_page_size))
