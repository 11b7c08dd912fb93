"""The Atom feeds: every search is one, and every saved search has one of its matches."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, request

from search import feed_pages
from search.feeds import ATOM_TYPE, Feed, etag, render_atom

bp = Blueprint("feeds", __name__)
# Readers poll; a minute of caching spares the engine without delaying news much.
MAX_AGE = 60


@bp.get("/feeds/search.atom")
def search() -> Response:
    """The newest articles matching the search (the same parameters as /api/search)."""
    return atom_response(feed_pages.search_feed())


@bp.get("/feeds/alerts/<alert_id>.atom")
def alert(alert_id: str) -> Response:
    """The matches the checker found for one saved search, newest first."""
    return atom_response(feed_pages.alert_feed(alert_id))


def atom_response(feed: Feed) -> Response:
    """The feed as Atom with its validators; 304 when the reader's copy is current."""
    document = render_atom(feed)
    response = Response(document, mimetype=ATOM_TYPE)
    response.set_etag(etag(document))
    response.last_modified = datetime.fromisoformat(feed.updated.replace("Z", "+00:00"))
    response.cache_control.max_age = MAX_AGE
    response.make_conditional(request)
    return response
