"""The JSON API: `/api/search`, `/api/articles/<id>` and the OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from search.article import fetch_article
from search.config import get_settings
from search.errors import AppError
from search.es import get_es
from search.openapi import openapi_spec
from search.query import SearchParams, run_search

bp = Blueprint("api", __name__)


@bp.get("/search")
def search() -> ResponseReturnValue:
    """Search articles; the query string is the whole request (see the OpenAPI description)."""
    settings = get_settings()
    params = SearchParams.from_args(
        request.args, default_size=settings.page_size, max_size=settings.max_page_size
    )
    return jsonify(run_search(get_es(), params, settings.index_alias).to_dict())


@bp.get("/articles/<path:article_id>")
def article(article_id: str) -> ResponseReturnValue:
    """One stored article, body and entities included."""
    found = fetch_article(get_es(), article_id, get_settings().index_alias)
    if found is None:
        raise AppError(404, "not_found", "no article with this id")
    return jsonify(found.to_dict())


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this service."""
    return jsonify(openapi_spec())
