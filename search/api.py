"""The JSON API: search, suggestions, facet values, articles, entities and the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue

from search import pages
from search.config import get_settings
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


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this service."""
    settings = get_settings()
    return jsonify(openapi_spec(settings.page_size, settings.max_page_size))
