"""The HTML pages: the search page and the article page, rendered on the server, no JavaScript."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from search.article import fetch_article
from search.config import get_settings
from search.errors import AppError
from search.es import get_es
from search.query import SORTS, SearchParams, run_search

bp = Blueprint("ui", __name__)


@bp.get("/")
def search() -> str:
    """The search page: query box, results, facets and pagination, all state in the URL."""
    settings = get_settings()
    params = SearchParams.from_args(
        request.args, default_size=settings.page_size, max_size=settings.max_page_size
    )
    page = run_search(get_es(), params, settings.index_alias)
    return render_template("search.html", page=page, params=params, sorts=SORTS)


@bp.app_template_filter("long_date")
def long_date(value: str) -> str:
    """A YYYY-MM-DD date as newspapers write it: 5 November 2020."""
    day = date.fromisoformat(value)
    return f"{day.day} {day:%B %Y}"


@bp.get("/articles/<path:article_id>")
def article(article_id: str) -> str:
    """One article with its entities as links that filter the search."""
    found = fetch_article(get_es(), article_id, get_settings().index_alias)
    if found is None:
        raise AppError(404, "not_found", "no article with this id")
    return render_template("article.html", article=found)
