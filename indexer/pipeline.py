"""A load, step by step: read -> plan -> extract -> build -> bulk -> prune -> names.

1. read (`indexer.formats`): every input becomes records: a parsed article, or a failure.
2. plan (`indexer.load.changes`): what the engine holds already decides what to write; each
   write gets its provenance (document id, content hash, duplicate keys, origin, ingested_at).
3. extract (`indexer.load.workers`, `indexer.entities`): NER and the entity rules, in workers.
4. build (`indexer.documents`): the article, its entities and its provenance become one action.
5. bulk (`indexer.load.bulk`), then prune (`indexer.load.prune`) and the names index sync
   (`indexer.index.names`). Every record's outcome is counted in one `LoadReport`.

The entity step alone (`entity_step`, for `python -m indexer entities`) is steps 1 and 3.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch
from spacy.language import Language

from indexer.documents import Provenance, to_action
from indexer.entities.extract import extract_entities
from indexer.entities.found import Entities
from indexer.formats.inputs import ParsedArticle, ParseFailure, ReadOptions, Record, read_inputs
from indexer.index.names import update_names
from indexer.load.bulk import DEFAULT_CHUNK_BYTES, DEFAULT_CHUNK_DOCS, BulkItem, bulk_load
from indexer.load.changes import ChangeTracker, Planned, Skipped
from indexer.load.fingerprint import document_id
from indexer.load.prune import prune_inputs
from indexer.load.report import Failure, LoadReport, Note, Outcome
from indexer.load.retry import DEFAULT_BACKOFF, Backoff, EngineUnavailableError
from indexer.load.workers import ExtractFailed, extract_in_workers

# Articles looked up in the engine per round trip when deciding what changed.
TRIAGE_BATCH = 250

# Told of each record as it is settled (written, skipped or failed), for a progress display.
OnSettled = Callable[[int], None]


@dataclass(frozen=True)
class LoadOptions:
    """How a load runs: where to, with how many NER processes, how to read, and what to retry."""

    index: str
    workers: int = 1
    model: str | None = None
    read: ReadOptions = field(default_factory=ReadOptions)
    chunk_bytes: int = DEFAULT_CHUNK_BYTES
    chunk_docs: int = DEFAULT_CHUNK_DOCS
    backoff: Backoff = DEFAULT_BACKOFF
    prune: bool = False


def run_load(
    client: Elasticsearch,
    args: list[str],
    options: LoadOptions,
    *,
    nlp: Language | None = None,
    report: LoadReport | None = None,
    on_settled: OnSettled | None = None,
) -> LoadReport:
    """Load the inputs incrementally, then prune if asked; an engine that went away aborts."""
    report = report if report is not None else LoadReport()
    started = time.perf_counter()
    try:
        tracker = ChangeTracker(client, options.index, backoff=options.backoff)
        # Articles written by earlier runs must be visible to the duplicate search.
        client.indices.refresh(index=options.index)

        def settled(planned: Planned, error: str | None) -> None:
            report.count(planned.input, "failed" if error is not None else planned.outcome)
            if on_settled is not None:
                on_settled(1)

        items = plan_documents(args, tracker, options, report, nlp=nlp, on_settled=on_settled)
        try:
            bulk_load(
                client,
                items,
                report=report,
                chunk_bytes=options.chunk_bytes,
                chunk_docs=options.chunk_docs,
                backoff=options.backoff,
                on_item=settled,
            )
            client.indices.refresh(index=options.index)
        except EngineUnavailableError as exc:
            report.aborted = str(exc)
            return report
        if options.prune:
            prune_inputs(
                client,
                options.index,
                args,
                seen_ids=tracker.seen_ids,
                report=report,
                backoff=options.backoff,
            )
        update_names(client, options.index, report, backoff=options.backoff)
        return report
    finally:
        report.seconds = time.perf_counter() - started


def dry_run(
    args: Iterable[str | Path],
    options: LoadOptions,
    report: LoadReport,
    *,
    emit: Callable[[dict[str, Any]], None],
    nlp: Language | None = None,
) -> LoadReport:
    """Everything a load does short of the engine: each action it would send goes to `emit`.

    Without an engine every article is new; repeats within the run are still found.
    """
    started = time.perf_counter()
    try:
        tracker = ChangeTracker(None, options.index)
        for item in plan_documents(args, tracker, options, report, nlp=nlp):
            emit(item.action)
            report.written += 1
            report.count(item.label.input, item.label.outcome)
        return report
    finally:
        report.seconds = time.perf_counter() - started


def plan_documents(
    args: Iterable[str | Path],
    tracker: ChangeTracker,
    options: LoadOptions,
    report: LoadReport,
    *,
    nlp: Language | None = None,
    on_settled: OnSettled | None = None,
) -> Iterator[BulkItem[Planned]]:
    """Read, plan, extract and build: a bulk item for each new or changed article.

    Records that need no write (unreadable, unchanged, a duplicate) are counted in `report` as
    they pass; the items' outcomes are the caller's to count once they are settled.
    """
    records = read_inputs(args, options.read, on_input=report.opened)
    planned = _to_write(records, tracker, report, on_settled)
    for item, entities in extract_in_workers(
        planned, workers=options.workers, model=options.model, nlp=nlp
    ):
        if isinstance(entities, ExtractFailed):
            _fail(item, entities.reason, report, on_settled)
            continue
        try:
            action = to_action(
                item.article, entities, _stamped(item.provenance), index=options.index
            )
        except Exception as exc:  # one article that cannot be built fails alone
            _fail(
                item, f"cannot build the document ({type(exc).__name__}: {exc})", report, on_settled
            )
            continue
        yield BulkItem(action, item)


def _fail(item: Planned, reason: str, report: LoadReport, on_settled: OnSettled | None) -> None:
    """A planned write that never reached the engine: its record's FAILED line and count."""
    report.failures.append(Failure(item.where, reason, item.provenance.doc_id))
    report.count(item.input, "failed")
    if on_settled is not None:
        on_settled(1)


def _stamped(provenance: Provenance) -> Provenance:
    """The provenance with `ingested_at` set to now, as the document is built for writing.

    Not the run's start: a load can run for an hour, and the alerts checker finds new articles
    by this stamp, looking back only as far as a document can take to be written and become
    searchable (indexer/alerts/find.py).
    """
    return replace(provenance, ingested_at=datetime.now(UTC).isoformat(timespec="milliseconds"))


def entity_step(
    args: Iterable[str | Path],
    nlp: Language,
    *,
    n_process: int = 1,
    on_failure: Callable[[ParseFailure], None],
) -> Iterator[tuple[str, Entities]]:
    """The entity step alone (read, extract): each readable article's document id and entities."""

    def readable() -> Iterator[ParsedArticle]:
        for record in read_inputs(args):
            if isinstance(record, ParseFailure):
                on_failure(record)
            else:
                yield record

    for parsed, entities in extract_entities(nlp, readable(), n_process=n_process):
        yield document_id(parsed.article), entities


def _to_write(
    records: Iterable[Record],
    tracker: ChangeTracker,
    report: LoadReport,
    on_settled: OnSettled | None,
) -> Iterator[Planned]:
    """The planned writes among the records; the rest are counted in `report` as they come."""

    def settle(input_name: str, outcome: Outcome) -> None:
        report.count(input_name, outcome)
        if on_settled is not None:
            on_settled(1)

    for batch in _batches(records, report, settle):
        for decision in tracker.triage(batch):
            if isinstance(decision, Skipped):
                if decision.reason is not None:
                    report.conflict_lines.append(Note(decision.where, decision.reason))
                settle(decision.input, decision.outcome)
            else:
                yield decision


def _batches(
    records: Iterable[Record], report: LoadReport, settle: Callable[[str, Outcome], None]
) -> Iterator[list[ParsedArticle]]:
    """Readable articles in batches; unreadable records go to the report as they come."""
    batch: list[ParsedArticle] = []
    for record in records:
        if isinstance(record, ParseFailure):
            report.failures.append(Failure(str(record.origin), record.reason))
            settle(record.origin.path, "failed")
            continue
        report.note(str(record.origin), record.notes)
        batch.append(record)
        if len(batch) >= TRIAGE_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
