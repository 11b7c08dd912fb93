"""What the feeds show, fetched from the engine: a search's newest articles, an alert's matches."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch, NotFoundError
from flask import request, url_for

from articles import ENTITY_TYPES
from search.alert_pages import stored_alert
from search.alerts import alias_names
from search.auth import KEY_HEADER, require_read_key
from search.config import get_settings
from search.errors import AppError
from search.es import get_es, get_lookup_cache
from search.feeds import (
    ALERT_FEED_SIZE,
    FEED_SIZE,
    Feed,
    FeedEntry,
    entry_from_article,
    search_feed_request,
    summary_text,
)
from search.lookup_pages import run_lookup
from search.matching import FEED_KEYS, Only, match_args, match_query
from search.params import SearchParams


def _entity_schemes() -> dict[str, str]:
    """Each entity kind's page URL base: an entry's categories point at the entities' pages."""
    return {
        kind: url_for("ui.entity", kind=kind, name="x", _external=True)[:-1]
        for kind in ENTITY_TYPES
    }


def _article_url(article_id: str) -> str:
    return url_for("ui.article", article_id=article_id, _external=True)


def search_feed() -> Feed:
    """The newest articles of the search the query string describes (as /api/search reads it)."""
    settings = get_settings()
    params = SearchParams.from_args(
        Only(request.args, FEED_KEYS), default_size=FEED_SIZE, max_size=settings.max_page_size
    )
    args: dict[str, Any] = dict(match_args(params))
    if params.size != FEED_SIZE:
        args["size"] = [str(params.size)]
    entries = run_search_feed(get_es(), params, settings.index_alias)
    words = " ".join(v for values in match_args(params).values() for v in values)
    return Feed(
        id=url_for("feeds.search", _external=True, **args),
        title=f"News search: {words}" if words else "News search: the newest articles",
        subtitle="The newest articles matching this search",
        self_url=url_for("feeds.search", _external=True, **args),
        page_url=url_for("ui.search", _external=True, **dict[str, Any](match_args(params))),
        entries=entries,
    )


def run_search_feed(client: Elasticsearch, params: SearchParams, index: str) -> list[FeedEntry]:
    """The entries of a search feed: the newest matches first (the search's list by date)."""
    lookup = run_lookup(client, params.parsed, index, get_lookup_cache())
    body = search_feed_request(match_query(params, index, lookup), params.size)
    response = client.search(index=index, body=body).body
    schemes = _entity_schemes()
    return [
        entry_from_article(
            str(hit["_id"]),
            hit.get("_source") or {},
            link=_article_url(str(hit["_id"])),
            entity_scheme=schemes,
            summary=summary_text((hit.get("highlight") or {}).get("body") or ()),
        )
        for hit in response["hits"]["hits"]
    ]


def alert_feed(alert_id: str) -> Feed:
    """The newest matches of one saved search; 404 when there is none."""
    settings = get_settings()
    require_read_key(settings, request.headers.get(KEY_HEADER))
    client = get_es()
    alert = stored_alert(client, settings.index_alias, alert_id)
    if alert is None:
        raise AppError(404, "not_found", "no alert with this id")
    name = str(alert.get("name") or "")
    return Feed(
        id=url_for("feeds.alert", alert_id=alert_id, _external=True),
        title=f"News alert: {name}",
        subtitle="Articles new to this saved search, as the checker found them",
        self_url=url_for("feeds.alert", alert_id=alert_id, _external=True),
        page_url=url_for("ui.alerts", _external=True),
        entries=run_alert_feed(client, settings.index_alias, alert_id),
    )


def run_alert_feed(client: Elasticsearch, articles_alias: str, alert_id: str) -> list[FeedEntry]:
    """The newest matches recorded for `alert_id` (none before the checker's first run)."""
    _, matches = alias_names(articles_alias)
    try:
        response = client.search(
            index=matches,
            size=ALERT_FEED_SIZE,
            query={"term": {"alert_id": alert_id}},
            sort=[{"found_at": "desc"}, {"article_id": "asc"}],
        ).body
    except NotFoundError:
        return []
    schemes = _entity_schemes()
    entries = []
    for hit in response["hits"]["hits"]:
        source = hit.get("_source") or {}
        article_id = str(source.get("article_id") or "")
        entries.append(
            entry_from_article(
                article_id,
                source.get("article") or {},
                link=_article_url(article_id),
                entity_scheme=schemes,
                updated=source.get("found_at"),
            )
        )
    return entries
