"""Zero-downtime reindex: build a new versioned index beside the live one, check, swap the alias."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan
from spacy.language import Language

from articles import Article
from indexer.documents import Provenance, stored_article, to_action
from indexer.entities.found import Entities
from indexer.index.lifecycle import (
    ReindexError,
    create_next_index,
    current_index,
    previous_index,
    swap_alias,
)
from indexer.index.names import update_names
from indexer.load.bulk import DEFAULT_CHUNK_BYTES, BulkItem, bulk_load
from indexer.load.fingerprint import provenance_of
from indexer.load.report import Failure, LoadReport
from indexer.load.retry import DEFAULT_BACKOFF, Backoff
from indexer.load.workers import Extracted, ExtractFailed, extract_in_workers


@dataclass(frozen=True)
class Stored:
    """A stored article read back, with the provenance its new document keeps."""

    article: Article
    provenance: Provenance
    # Where it was read from, for a failure: the old index and the document id.
    where: str

    def __str__(self) -> str:
        return self.where


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
            stored_articles(client, old), workers=workers, model=model, nlp=nlp
        )
        items = (
            BulkItem(to_action(s.article, entities, s.provenance, index=new), s)
            for s, entities in _extracted(extracted, report)
        )
        bulk_load(
            client,
            items,
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


def _extracted(
    extracted: Iterable[tuple[Stored, Extracted]], report: LoadReport
) -> Iterator[tuple[Stored, Entities]]:
    """The articles whose entities were found; the others fail (and so the reindex does)."""
    for stored, entities in extracted:
        if isinstance(entities, ExtractFailed):
            report.failures.append(Failure(stored.where, entities.reason, stored.provenance.doc_id))
        else:
            yield stored, entities


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


def stored_articles(client: Elasticsearch, index: str) -> Iterator[Stored]:
    """Every article stored in `index`, as the record it was made from.

    Its fingerprints are taken again (the article is what they describe); where and when it came
    in are kept as they were: they say how the article arrived, not what NER found in it.
    """
    for hit in scan(client, index=index, query={"query": {"match_all": {}}}, size=500):
        source = hit["_source"]
        article = stored_article(hit["_id"], source)
        provenance = provenance_of(
            article, origin=source.get("origin"), ingested_at=source.get("ingested_at")
        )
        yield Stored(article, provenance, f"{index}/{article.id}")
