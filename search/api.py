"""The JSON API: search, suggestions, facet values, articles and the OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from search import pages
from search.entity import entity_page
from search.openapi import openapi_spec

bp = Blueprint("api", __name__)


@bp.get("/search")
def search() -> ResponseReturnValue:
    """Search articles; the query string is the whole request (see the OpenAPI description)."""
    return jsonify(pages.search_page().to_dict())


@bp.get("/suggest")
def suggest() -> ResponseReturnValue:
    """Entity names and article titles for what has been typed so far."""
    return jsonify(pages.suggest_payload(*pages.suggestions()))


@bp.get("/facets/<name>")
def facet_values(name: str) -> ResponseReturnValue:
    """Values of one facet containing a word starting with `q`, counted under the search."""
    return jsonify(pages.facet_payload(*pages.facet_page(name)))


@bp.get("/articles/<path:article_id>")
def article(article_id: str) -> ResponseReturnValue:
    """One stored article, body, entities and related articles included."""
    return jsonify(pages.article_page(article_id).to_dict())


@bp.get("/entities/<kind>/<path:name>")
def entity(kind: str, name: str) -> ResponseReturnValue:
    """One entity: canonical name, aliases seen, article count, unusually frequent company."""
    return jsonify(entity_page(kind, name).to_dict())


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this service."""
    return jsonify(openapi_spec())
