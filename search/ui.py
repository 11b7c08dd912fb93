"""The HTML pages, rendered on the server; each answers the API's JSON when asked for it."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response

from search import pages
from search.negotiate import respond
from search.params import SORTS

bp = Blueprint("ui", __name__)


@bp.get("/")
def search() -> Response:
    """The search page: query box, results, facets, timeline and pagination, state in the URL."""
    page = pages.search_page()
    return respond(page, "search.html", page=page, params=page.params, sorts=SORTS)


@bp.get("/facets/<name>")
def facet_values(name: str) -> Response:
    """All values of one facet under the current search, searchable by word (`q`)."""
    found = pages.facet_page(name)
    return respond(found, "facet.html", query=found.query, values=found.values)


@bp.get("/articles/<path:article_id>")
def article(article_id: str) -> Response:
    """One article, its mentions linked to filtered searches, and related articles."""
    found = pages.article_page(article_id)
    return respond(found, "article.html", article=found)


@bp.get("/entities/<kind>/<path:name>")
def entity(kind: str, name: str) -> Response:
    """One entity's page: the forms it was seen under, its articles, its unusual company."""
    view = pages.entity_page(kind, name)
    return respond(view, "entity.html", entity=view)


@bp.app_template_filter("long_date")
def long_date(value: str) -> str:
    """A YYYY-MM-DD date as newspapers write it: 5 November 2020."""
    day = date.fromisoformat(value)
    return f"{day.day} {day:%B %Y}"
