"""Streaming bulk load with a per-record report."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch.helpers import streaming_bulk


@dataclass(frozen=True)
class Failure:
    """A record that was not indexed: where it came from and why."""

    where: str
    reason: str
    doc_id: str | None = None

    def __str__(self) -> str:
        ident = f" (id {self.doc_id})" if self.doc_id else ""
        return f"{self.where}{ident}: {self.reason}"


@dataclass
class LoadReport:
    """What a load did: counts, failures and time taken."""

    indexed: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        """How many records failed, in parsing or in the engine."""
        return len(self.failures)

    @property
    def docs_per_second(self) -> float:
        """Indexing throughput over the whole run."""
        return self.indexed / self.seconds if self.seconds > 0 else 0.0

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures

    def summary(self) -> str:
        """A one-line summary for the end of a run."""
        return (
            f"indexed {self.indexed}, failed {self.failed} in {self.seconds:.1f}s "
            f"({self.docs_per_second:.0f} docs/s)"
        )


# An action paired with a label saying where its record came from (file and line).
Labelled = tuple[dict[str, Any], str]


def bulk_load(
    client: Elasticsearch,
    actions: Iterable[Labelled],
    *,
    report: LoadReport | None = None,
    chunk_size: int = 500,
    max_chunk_bytes: int = 10 * 1024 * 1024,
    max_retries: int = 5,
    on_progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Index actions in bulk, recording each failed record with its origin and the engine's reason.

    Rejections for back-pressure (429) are retried with exponential backoff by `streaming_bulk`;
    any other per-document error is reported and the load goes on.
    """
    report = report if report is not None else LoadReport()
    started = time.perf_counter()
    # Origins of the actions sent but not yet acknowledged, so a failure can name its file and
    # line. Bounded by what streaming_bulk holds in flight (a chunk or two).
    pending: dict[str, list[str]] = {}

    def unlabelled() -> Iterator[dict[str, Any]]:
        for action, where in actions:
            pending.setdefault(action["_id"], []).append(where)
            yield action

    for ok, item in streaming_bulk(
        client,
        unlabelled(),
        chunk_size=chunk_size,
        max_chunk_bytes=max_chunk_bytes,
        max_retries=max_retries,
        initial_backoff=1,
        max_backoff=30,
        raise_on_error=False,
        raise_on_exception=False,
    ):
        result = next(iter(item.values()))
        doc_id = str(result.get("_id"))
        origins = pending.get(doc_id)
        where = origins.pop(0) if origins else "?"
        if origins == []:
            del pending[doc_id]
        if ok:
            report.indexed += 1
        else:
            report.failures.append(Failure(where, _reason(result), doc_id))
        if on_progress is not None:
            on_progress(1)
    report.seconds += time.perf_counter() - started
    return report


def _reason(result: dict[str, Any]) -> str:
    """A short human reason from a bulk item error."""
    error = result.get("error")
    if isinstance(error, dict):
        reason = f"{error.get('type', 'error')}: {error.get('reason', '')}".strip()
        cause = error.get("caused_by")
        if isinstance(cause, dict) and cause.get("reason"):
            reason += f" ({cause['reason']})"
        return reason
    if error:
        return str(error)
    return f"status {result.get('status', '?')}"
