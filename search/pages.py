"""What each page shows, fetched once for both its forms (HTML and the API's JSON)."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from search.article import StoredArticle, fetch_article
from search.config import get_settings
from search.errors import AppError
from search.es import get_es
from search.facet_values import FacetQuery, run_facet_values
from search.query import SearchParams, run_search
from search.results import FacetValue, SearchPage
from search.suggest import Suggestion, run_suggest, suggest_prefix


def search_page() -> SearchPage:
    """The search described by the request's query string."""
    settings = get_settings()
    params = SearchParams.from_args(
        request.args, default_size=settings.page_size, max_size=settings.max_page_size
    )
    return run_search(get_es(), params, settings.index_alias)


def article_page(article_id: str) -> StoredArticle:
    """The stored article with its related articles; 404 when there is none."""
    found = fetch_article(get_es(), article_id, get_settings().index_alias)
    if found is None:
        raise AppError(404, "not_found", "no article with this id")
    return found


def facet_page(name: str) -> tuple[FacetQuery, list[FacetValue]]:
    """The values of facet `name` matching the request's `q`, under the request's search."""
    settings = get_settings()
    try:
        query = FacetQuery.from_args(
            name, request.args, default_size=settings.page_size, max_size=settings.max_page_size
        )
    except KeyError:
        raise AppError(404, "not_found", "no such facet") from None
    return query, run_facet_values(get_es(), query, settings.index_alias)


def facet_payload(query: FacetQuery, values: list[FacetValue]) -> dict[str, Any]:
    """The API form of `/api/facets/<name>`."""
    return {
        "facet": query.facet,
        "q": query.text,
        "values": [value.to_dict() for value in values],
    }


def suggestions() -> tuple[str, list[Suggestion]]:
    """The prefix typed so far and its suggestions."""
    prefix = suggest_prefix(request.args)
    return prefix, run_suggest(get_es(), prefix, get_settings().index_alias)


def suggestion_url(suggestion: Suggestion) -> str:
    """Where picking a suggestion leads: the article, or the search filtered on the entity."""
    if suggestion.kind == "title" and suggestion.id:
        return url_for("ui.article", article_id=suggestion.id)
    args: dict[str, Any] = dict(suggestion.search_args)
    return url_for("ui.search", **args)


def suggest_payload(prefix: str, found: list[Suggestion]) -> dict[str, Any]:
    """The API form of `/api/suggest`."""
    return {
        "q": prefix,
        "suggestions": [{**s.to_dict(), "url": suggestion_url(s)} for s in found],
    }
