"""Saved searches for both their forms (API and pages): read the request, talk to the engine.

As in search/pages.py, the `*_page` functions read the request (Flask) and the `run_*` functions
are the only ones here that talk to Elasticsearch. Writes need the API key (search/auth.py).
The alerts index is created on the first write if it does not exist yet: named after the schema
version (articles/alerts.py), so two workers creating it at once end up with the same index.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from elasticsearch import BadRequestError, ConflictError, Elasticsearch, NotFoundError, helpers
from flask import request
from werkzeug.datastructures import MultiDict

from articles.alerts import alerts_index_body, versioned_name
from search.alerts import (
    MAX_ID_LENGTH,
    MAX_LISTED,
    Alert,
    AlertCreated,
    AlertInput,
    AlertList,
    alert_document,
    alias_names,
    new_alert_id,
    new_secret,
    now_iso,
)
from search.auth import KEY_HEADER, require_key, require_read_key
from search.config import Settings, get_settings
from search.errors import AppError
from search.es import get_es, get_lookup_cache
from search.lookup_pages import run_lookup
from search.matching import compiler_version, match_query
from search.params import InvalidParam, SearchParams
from search.webhook_target import check_webhook_url

# The largest saved search the parameters' limits allow, written with \u escapes, is ~200 KB.
MAX_BODY_BYTES = 512 * 1024
_NOT_FOUND = "no alert with this id"


def list_page(key: str | None = None) -> AlertList:
    """Every saved search (newest first), when reads are open or the key is given."""
    settings = get_settings()
    require_read_key(settings, key if key is not None else request.headers.get(KEY_HEADER))
    return run_list(get_es(), settings.index_alias)


def alert_page(alert_id: str) -> Alert:
    """One saved search; 404 when there is none."""
    settings = get_settings()
    require_read_key(settings, request.headers.get(KEY_HEADER))
    found = run_get(get_es(), settings.index_alias, alert_id)
    if found is None:
        raise AppError(404, "not_found", _NOT_FOUND)
    return found


def create_page(body: object, key: str | None) -> AlertCreated:
    """Create the saved search `body` describes (JSON object or form fields), with the key."""
    settings = get_settings()
    require_key(settings, key)
    alert, params = AlertInput.from_json(body, max_size=settings.max_page_size)
    if alert.webhook_url:
        check_webhook_url(
            alert.webhook_url,
            allow_private=settings.allow_private_webhooks,
            engine_url=settings.es_url,
        )
    secret = new_secret()
    client = get_es()
    # Compiled with what the index knows of the words now: the alert follows what the search
    # page lists by date, other spellings of its words included (see README, "One query, two
    # sides").
    lookup = run_lookup(client, params.parsed, settings.index_alias, get_lookup_cache())
    doc = alert_document(
        alert,
        params,
        articles_alias=settings.index_alias,
        secret=secret,
        now=now_iso(),
        lookup=lookup,
    )
    alert_id = run_create(client, settings, doc)
    return AlertCreated(**Alert.from_doc(alert_id, doc).model_dump(), secret=secret)


def delete_page(alert_id: str, key: str | None) -> None:
    """Delete a saved search, with the key; 404 when there is none."""
    settings = get_settings()
    require_key(settings, key)
    if not run_delete(get_es(), settings.index_alias, alert_id):
        raise AppError(404, "not_found", _NOT_FOUND)


def delete_all_page(alert_ids: list[str], key: str | None) -> None:
    """Delete several saved searches, with the key (checked even for none); 404 at the first
    that does not exist."""
    settings = get_settings()
    require_key(settings, key)
    for alert_id in alert_ids:
        if not run_delete(get_es(), settings.index_alias, alert_id):
            raise AppError(404, "not_found", _NOT_FOUND)


def run_list(client: Elasticsearch, articles_alias: str) -> AlertList:
    """The saved searches behind the alerts alias of `articles_alias`; none before the first."""
    alerts, _ = alias_names(articles_alias)
    try:
        response = client.search(
            index=alerts,
            size=MAX_LISTED,
            sort=[{"created_at": "desc"}],
            source_excludes=["query", "secret"],
            track_total_hits=True,
        ).body
    except NotFoundError:
        return AlertList(total=0, alerts=())
    hits = response["hits"]
    return AlertList(
        total=int(hits["total"]["value"]),
        alerts=tuple(Alert.from_doc(hit["_id"], hit.get("_source") or {}) for hit in hits["hits"]),
    )


def run_get(client: Elasticsearch, articles_alias: str, alert_id: str) -> Alert | None:
    """One saved search, None when there is none (or no alerts index yet)."""
    source = stored_alert(client, articles_alias, alert_id)
    return None if source is None else Alert.from_doc(alert_id, source)


def stored_alert(
    client: Elasticsearch, articles_alias: str, alert_id: str
) -> Mapping[str, Any] | None:
    """The stored document of a saved search (secret and query left out), or None."""
    if not alert_id or len(alert_id) > MAX_ID_LENGTH:
        return None
    alerts, _ = alias_names(articles_alias)
    try:
        doc = client.get(index=alerts, id=alert_id, source_excludes=["query", "secret"]).body
    except NotFoundError:
        return None
    source: Mapping[str, Any] = doc.get("_source") or {}
    return source


def run_create(client: Elasticsearch, settings: Settings, doc: dict[str, Any]) -> str:
    """Store a new saved search (creating the alerts index first if needed); its id."""
    alerts, _ = alias_names(settings.index_alias)
    ensure_alerts_index(client, alerts)
    # The checker compares each alert's query version with the one that saved the newest
    # (published when it changes: a mapping update is a cluster-wide change, slow to repeat).
    mapping = client.indices.get_mapping(index=alerts).body
    published = {
        (m.get("mappings", {}).get("_meta") or {}).get("query_version") for m in mapping.values()
    }
    if published != {doc["query_version"]}:
        client.indices.put_mapping(index=alerts, meta={"query_version": doc["query_version"]})
    alert_id = new_alert_id()
    # Visible to the list at once: whoever created it looks for it next.
    client.index(index=alerts, id=alert_id, document=doc, op_type="create", refresh=True)
    return alert_id


def run_delete(client: Elasticsearch, articles_alias: str, alert_id: str) -> bool:
    """Delete a saved search; whether there was one. Its matches stop being delivered (the
    checker skips and removes the matches of alerts that are gone)."""
    if not alert_id or len(alert_id) > MAX_ID_LENGTH:
        return False
    alerts, _ = alias_names(articles_alias)
    try:
        client.delete(index=alerts, id=alert_id, refresh=True)
    except NotFoundError:
        return False
    return True


def run_recompile(
    client: Elasticsearch, settings: Settings, *, every: bool = False
) -> tuple[int, list[str]]:
    """Compile the stale saved searches (with `every`, all of them) again with this code and
    what the index knows of their words now, keeping their ids, watermarks and secrets: (how
    many were compiled, the ids whose search no longer validates)."""
    alerts, _ = alias_names(settings.index_alias)
    if not client.indices.exists_alias(name=alerts):
        return 0, []
    version = compiler_version()
    stale = {"bool": {"must_not": [{"term": {"query_version": version}}]}}
    chosen = {"match_all": {}} if every else stale
    updated, refused = 0, []
    hits = helpers.scan(client, index=alerts, query={"query": chosen, "seq_no_primary_term": True})
    for hit in list(hits):
        source = dict(hit.get("_source") or {})
        args = MultiDict(parse_qsl(str(source.get("search_args") or "")))
        try:
            params = SearchParams.from_args(args, max_size=settings.max_page_size)
        except InvalidParam:
            refused.append(str(hit["_id"]))
            continue
        lookup = run_lookup(client, params.parsed, settings.index_alias)
        query = match_query(params, settings.index_alias, lookup)
        source |= {"query": query, "query_version": version}
        # Written whole (a partial update would merge the old query into the new one), and
        # only over the version read: an alert deleted or checked meanwhile is left alone.
        try:
            client.index(
                index=alerts,
                id=hit["_id"],
                document=source,
                if_seq_no=hit["_seq_no"],
                if_primary_term=hit["_primary_term"],
            )
        except ConflictError:
            continue
        updated += 1
    client.indices.put_mapping(index=alerts, meta={"query_version": version})
    client.indices.refresh(index=alerts)
    return updated, refused


def ensure_alerts_index(client: Elasticsearch, alias: str) -> None:
    """Create the alerts index behind `alias` unless the alias exists."""
    if client.indices.exists_alias(name=alias):
        return
    try:
        client.indices.create(
            index=versioned_name(alias), **alerts_index_body(), aliases={alias: {}}
        )
    except BadRequestError as exc:
        # Another worker created it first: use theirs.
        if exc.error != "resource_already_exists_exception":
            raise
