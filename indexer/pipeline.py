"""The load pipeline wired together: inputs -> changes -> entities (in workers) -> bulk -> prune."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch
from spacy.language import Language

from indexer.actions import to_action
from indexer.changes import ChangeTracker, Planned, Skipped
from indexer.formats.detect import SUFFIX_FORMATS
from indexer.load import DEFAULT_CHUNK_BYTES, DEFAULT_CHUNK_DOCS, bulk_load
from indexer.names import update_names
from indexer.parse import ParsedArticle, ParseFailure, ReadOptions, discover, read_inputs
from indexer.prune import prune_missing
from indexer.report import Failure, LoadReport, Outcome
from indexer.retry import DEFAULT_BACKOFF, Backoff, EngineUnavailableError
from indexer.workers import extract_in_workers

# Articles looked up in the engine per round trip when deciding what changed.
TRIAGE_BATCH = 250


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


def count_records(args: Iterable[str | Path]) -> int:
    """A quick estimate of the records in the inputs, for the progress bar (URLs count as 0)."""
    total = 0
    for item in discover(args):
        if isinstance(item, ParseFailure) or item.is_url:
            continue
        fmt = SUFFIX_FORMATS.get(Path(item.name).suffix.lower())
        try:
            with open(item.name, "rb") as handle:
                if fmt in ("jsonl", "csv", "tsv"):
                    lines = sum(1 for line in handle if line.strip())
                    total += lines - (fmt != "jsonl")
                elif fmt in ("text", "html"):
                    total += 1
                else:
                    data = handle.read()
                    total += max(data.count(b"<item"), data.count(b"<entry"), 1)
        except OSError:
            continue
    return total


def planned_actions(
    args: Iterable[str | Path],
    tracker: ChangeTracker,
    options: LoadOptions,
    report: LoadReport,
    *,
    nlp: Language | None = None,
    on_settled: Callable[[int], None] | None = None,
) -> Iterator[tuple[dict[str, Any], Planned]]:
    """Bulk actions for the new and changed articles; everything else is counted in `report`."""
    ingested_at = datetime.now(UTC).isoformat(timespec="seconds")

    def settle(input_name: str, outcome: Outcome) -> None:
        count_outcome(report, input_name, outcome)
        if on_settled is not None:
            on_settled(1)

    def to_write() -> Iterator[tuple[Any, Planned]]:
        def opened(name: str, fmt: str | None) -> None:
            report.summary_for(name, fmt)

        records = read_inputs(args, options.read, on_input=opened)
        for batch in _batches(records, report, settle):
            for decision in tracker.triage(batch):
                if isinstance(decision, Skipped):
                    settle(decision.input, decision.outcome)
                else:
                    yield decision.article, decision

    for article, entities, planned in extract_in_workers(
        to_write(), workers=options.workers, model=options.model, nlp=nlp
    ):
        action = to_action(article, entities, index=options.index)
        yield with_provenance(action, planned, ingested_at), planned


def with_provenance(action: dict[str, Any], planned: Planned, ingested_at: str) -> dict[str, Any]:
    """The action aimed at the planned document id, carrying the change-tracking fields."""
    action["_id"] = planned.doc_id
    action["_source"].update(
        id=planned.doc_id,
        content_hash=planned.content_hash,
        origin=planned.input,
        ingested_at=ingested_at,
        duplicate_keys=list(planned.duplicate_keys),
    )
    return action


def run_load(
    client: Elasticsearch,
    args: list[str],
    options: LoadOptions,
    *,
    nlp: Language | None = None,
    report: LoadReport | None = None,
    on_settled: Callable[[int], None] | None = None,
) -> LoadReport:
    """Load the inputs incrementally, then prune if asked; an engine that went away aborts."""
    report = report if report is not None else LoadReport()
    tracker = ChangeTracker(client, options.index, backoff=options.backoff)
    # Articles written by earlier runs must be visible to the duplicate search.
    client.indices.refresh(index=options.index)

    def settled(label: Planned, error: str | None) -> None:
        count_outcome(report, label.input, "failed" if error is not None else label.outcome)
        if on_settled is not None:
            on_settled(1)

    actions = planned_actions(args, tracker, options, report, nlp=nlp, on_settled=on_settled)
    try:
        bulk_load(
            client,
            actions,
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
        failed = {name for name, summary in report.inputs.items() if summary.failed}
        pruning = LoadReport()
        gone = prune_missing(
            client,
            options.index,
            args,
            seen_ids=tracker.seen_ids,
            keep=failed,
            backoff=options.backoff,
            report=pruning,
        )
        for origin, count in gone.items():
            report.summary_for(origin).pruned += count
        report.pruned += pruning.indexed
        report.failures.extend(pruning.failures)
    update_names(client, options.index, report, backoff=options.backoff)
    return report


def _batches(
    records: Iterable[ParsedArticle | ParseFailure],
    report: LoadReport,
    settle: Callable[[str, Outcome], None],
) -> Iterator[list[ParsedArticle]]:
    """Readable articles in batches; unreadable records go to the report as they come."""
    batch: list[ParsedArticle] = []
    for record in records:
        if isinstance(record, ParseFailure):
            report.failures.append(Failure(str(record.origin), record.reason))
            settle(record.origin.path, "failed")
            continue
        batch.append(record)
        if len(batch) >= TRIAGE_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def count_outcome(report: LoadReport, input_name: str, outcome: Outcome) -> None:
    """Count one record's outcome in the run's totals and in its input's summary."""
    report.summary_for(input_name).count(outcome)
    if outcome == "added":
        report.added += 1
    elif outcome == "updated":
        report.updated += 1
    elif outcome == "unchanged":
        report.unchanged += 1
    elif outcome == "duplicate":
        report.duplicates += 1
