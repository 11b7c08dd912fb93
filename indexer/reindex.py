"""Zero-downtime reindex: build a new versioned index beside the live one, check, swap the alias."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan
from spacy.language import Language

from articles import Article
from indexer.actions import to_action
from indexer.fingerprint import content_hash, duplicate_keys
from indexer.formats.dates import parse_date_text
from indexer.index import (
    ReindexError,
    create_next_index,
    current_index,
    previous_index,
    swap_alias,
)
from indexer.load import DEFAULT_CHUNK_BYTES, bulk_load
from indexer.names import update_names
from indexer.report import LoadReport
from indexer.retry import DEFAULT_BACKOFF, Backoff
from indexer.workers import extract_in_workers

# Kept as they were: they describe where and when an article came in, not what NER found.
_PROVENANCE = ("origin", "ingested_at")


@dataclass(frozen=True)
class Swap:
    """Which index the alias left and which it points at now."""

    alias: str
    old: str
    new: str
    docs: int


def reindex(
    client: Elasticsearch,
    alias: str,
    *,
    workers: int = 1,
    model: str | None = None,
    nlp: Language | None = None,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    backoff: Backoff = DEFAULT_BACKOFF,
    report: LoadReport | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Swap:
    """Rebuild every article behind `alias` into a new index with today's mapping and entities.

    Searches keep reading the old index until the new one holds exactly as many articles and is
    refreshed; then one atomic alias update swaps them. The old index is kept for `rollback`.
    On any failure the new index is deleted and the alias is left alone (ReindexError).
    """
    report = report if report is not None else LoadReport()
    started = time.perf_counter()
    old = current_index(client, alias)
    expected = int(client.count(index=old)["count"])
    new = create_next_index(client, alias, previous=old)
    try:
        extracted = extract_in_workers(
            _stored_articles(client, old), workers=workers, model=model, nlp=nlp
        )
        actions = (
            (_action(article, entities, stored, new), f"{old}/{article.id}")
            for article, entities, stored in extracted
        )
        bulk_load(
            client,
            actions,
            report=report,
            chunk_bytes=chunk_bytes,
            backoff=backoff,
            on_progress=on_progress,
        )
        if report.failures:
            raise ReindexError(f"{report.failed} articles could not be written to {new}")
        # Back to the default refresh interval, and everything visible before anyone reads it.
        client.indices.put_settings(index=new, settings={"index": {"refresh_interval": None}})
        client.indices.refresh(index=new)
        written = int(client.count(index=new)["count"])
        now = int(client.count(index=old)["count"])
        if written != expected or now != expected:
            raise ReindexError(
                f"counts differ: {old} had {expected} articles (now {now}), {new} has {written}; "
                "was something loading at the same time?"
            )
        swap_alias(client, alias, old=old, new=new)
    except BaseException:
        client.indices.delete(index=new, ignore_unavailable=True)
        raise
    finally:
        report.seconds = time.perf_counter() - started
    # Suggestions follow the alias; a failure here is in the report, the swap stands.
    update_names(client, alias, report, backoff=backoff)
    return Swap(alias, old, new, written)


def rollback(client: Elasticsearch, alias: str) -> Swap:
    """Point `alias` back at the index the last reindex replaced; the newer one is kept."""
    current = current_index(client, alias)
    previous = previous_index(client, current)
    if previous is None:
        raise ReindexError(
            f"{current} was not built by `reindex`: there is nothing to roll back to"
        )
    if not client.indices.exists(index=previous):
        raise ReindexError(f"the previous index {previous} no longer exists")
    swap_alias(client, alias, old=current, new=previous)
    names = LoadReport()
    update_names(client, alias, names)
    if not names.ok:
        problem = names.aborted or names.failures[0]
        raise ReindexError(
            f"{alias} now points at {previous}, but its suggestions were not synced ({problem}); "
            "run `load` on any input to sync them"
        )
    return Swap(alias, current, previous, int(client.count(index=previous)["count"]))


def _stored_articles(client: Elasticsearch, index: str) -> Iterator[tuple[Article, dict[str, Any]]]:
    """Every stored article as the record it was made from, with its stored source."""
    for hit in scan(client, index=index, query={"query": {"match_all": {}}}, size=500):
        source: dict[str, Any] = hit["_source"]
        published = source.get("published")
        article = Article(
            id=hit["_id"],
            title=source.get("title") or "",
            body=source.get("body") or "",
            published=_date(published),
            source=source.get("source"),
            section=source.get("section"),
            url=source.get("url"),
            language=source.get("language"),
            categories=tuple(source.get("categories") or ()),
        )
        yield article, source


def _action(article: Article, entities: Any, stored: dict[str, Any], index: str) -> dict[str, Any]:
    action = to_action(article, entities, index=index)
    action["_source"].update(
        content_hash=content_hash(article),
        duplicate_keys=list(duplicate_keys(article)),
        **{name: stored.get(name) for name in _PROVENANCE},
    )
    return action


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    return parse_date_text(value)
