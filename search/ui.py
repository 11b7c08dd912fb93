"""The HTML pages, rendered on the server; each answers the API's JSON when asked for it."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from flask import Blueprint, Response, redirect, render_template, request, url_for

from articles import FACETS
from search import alert_pages, pages
from search.alerts import AlertList
from search.auth import KEY_FIELD, KEY_HEADER
from search.errors import AppError
from search.matching import MATCH_KEYS, export_args, match_args
from search.negotiate import respond
from search.params import SORTS, InvalidParam

bp = Blueprint("ui", __name__)


@bp.get("/")
def search() -> Response:
    """The search page: query box, results, facets, timeline and pagination, state in the URL."""
    page = pages.search_page()
    return respond(
        page,
        "search.html",
        page=page,
        params=page.params,
        sorts=SORTS,
        follow_args=match_args(page.params),
        export_args=export_args(page.params),
    )


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


@bp.get("/alerts")
def alerts() -> Response:
    """Saved searches: the form to save the search in the URL, and the list with deletion."""
    found = _listed()
    context = _alerts_context(found, request.args.to_dict(flat=False))
    if found is None:
        # Reading needs the key, which a link cannot carry: the page says so.
        html = render_template("alerts.html", **context)
        return Response(html, mimetype="text/html")
    return respond(found, "alerts.html", **context)


@bp.post("/alerts")
def create_alert() -> Response:
    """Save the search the form carries. An HTML form cannot send a header, so the key comes
    as a form field over POST: never in a URL, never kept in a cookie."""
    request.max_content_length = alert_pages.MAX_BODY_BYTES
    form = request.form
    body = {
        "name": form.get("name", ""),
        "search": {
            key: values if key in FACETS else values[0]
            for key in MATCH_KEYS
            if (values := form.getlist(key))
        },
        "webhook_url": form.get("webhook_url") or None,
    }
    try:
        created = alert_pages.create_page(body, _form_key())
    except (AppError, InvalidParam) as error:
        return _form_again(error, form.to_dict(flat=False))
    html = render_template("alert_created.html", alert=created)
    response = Response(html, status=201, mimetype="text/html")
    # The secret is shown once: no cache may keep the page.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/alerts/delete")
def delete_alerts() -> Response:
    """Delete the saved searches ticked in the list (key as a form field, as above)."""
    form = request.form
    try:
        alert_pages.delete_all_page(form.getlist("id"), _form_key())
    except (AppError, InvalidParam) as error:
        return _form_again(error, {})
    return cast(Response, redirect(url_for("ui.alerts"), code=303))


def _form_key() -> str | None:
    """The key from the form's field; a client that can send the header may use it instead."""
    return request.form.get(KEY_FIELD) or request.headers.get(KEY_HEADER)


def _listed() -> AlertList | None:
    """The saved searches, or None when reading them needs the key (the page says so)."""
    try:
        return alert_pages.list_page(key="")
    except AppError as error:
        if error.status == 401:
            return None
        raise


def _alerts_context(found: AlertList | None, draft: dict[str, list[str]]) -> dict[str, Any]:
    search = {key: values for key, values in draft.items() if key in MATCH_KEYS and any(values)}
    return {
        "alerts": found,
        "draft": search,
        "name": " ".join(v for values in search.values() for v in values)[:200],
    }


def _form_again(error: AppError | InvalidParam, form: dict[str, list[str]]) -> Response:
    """The alerts page again with what was typed (never the key) and what went wrong."""
    status = error.status if isinstance(error, AppError) else 400
    context = _alerts_context(_listed(), form)
    context["name"] = (form.get("name") or [""])[0]
    context["webhook_url"] = (form.get("webhook_url") or [""])[0]
    html = render_template("alerts.html", error=error.message, **context)
    response = Response(html, status=status, mimetype="text/html")
    if isinstance(error, AppError):
        response.headers.update(error.headers)
    return response


@bp.app_template_filter("long_date")
def long_date(value: str) -> str:
    """A YYYY-MM-DD date as newspapers write it: 5 November 2020."""
    day = date.fromisoformat(value)
    return f"{day.day} {day:%B %Y}"
