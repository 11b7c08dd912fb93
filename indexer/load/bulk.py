"""Bulk loading in requests sized by bytes, with retries, and a reason for every failed record."""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from elasticsearch import ApiError, Elasticsearch

from indexer.load.report import Failure, LoadReport
from indexer.load.retry import (
    DEFAULT_BACKOFF,
    RETRY_STATUSES,
    Backoff,
    EngineUnavailableError,
    describe,
    with_retries,
)

L = TypeVar("L")


@dataclass(frozen=True)
class BulkItem(Generic[L]):
    """One bulk operation and the label of the record it came from (`str(label)` names it)."""

    action: dict[str, Any]
    label: L


# A bulk request of a few MiB keeps the engine busy without straining a small heap; counting
# documents instead would make a request of long articles many times one of short ones.
# https://www.elastic.co/docs/deploy-manage/production-guidance/optimize-performance/indexing-speed
DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024
DEFAULT_CHUNK_DOCS = 2_000
DEFAULT_CONCURRENCY = 2
# Only what the per-item bookkeeping reads comes back from the engine.
_FILTER_PATH = "items.*._id,items.*.status,items.*.error"


def serialize(action: dict[str, Any]) -> list[bytes]:
    """The NDJSON lines of one bulk action: the header, and the source unless it is a delete."""
    op = action.get("_op_type", "index")
    header: dict[str, Any] = {"_id": action["_id"]}
    if "_index" in action:
        header["_index"] = action["_index"]
    lines = [json.dumps({op: header}).encode()]
    if op != "delete":
        lines.append(json.dumps(action["_source"], ensure_ascii=False).encode())
    return lines


def bulk_load(
    client: Elasticsearch,
    items: Iterable[BulkItem[L]],
    *,
    report: LoadReport | None = None,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    chunk_docs: int = DEFAULT_CHUNK_DOCS,
    backoff: Backoff = DEFAULT_BACKOFF,
    on_item: Callable[[L, str | None], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> LoadReport:
    """Send items in bulk requests of at most `chunk_bytes`; record each failure with its origin.

    A whole request that meets a lost connection, 429 or 503 is sent again after a growing wait;
    so are the single documents the engine turned away with 429 or 503. Other per-document
    errors (a mapping conflict, a bad date) are reported and the load goes on. When the engine
    stays away through every retry, EngineUnavailableError is raised: what was acknowledged is
    stored, and running the same load again finishes the job.
    """
    report = report if report is not None else LoadReport()
    started = time.perf_counter()
    # Requests in flight at once: a single-shard index indexes one request on one write thread,
    # so a second request keeps a second core busy while the first is being indexed.
    pending: deque[tuple[_Chunk[L], Future[_Answers]]] = deque()

    def settle_oldest() -> None:
        chunk, future = pending.popleft()
        answers, problem = future.result()
        unanswered = dict(enumerate(chunk.items))
        for position, error in answers:
            _record(report, unanswered.pop(position), error, on_item)
        if problem is not None:
            # The request in flight may or may not have been applied: say so per record.
            reason = f"not confirmed, the engine went away ({problem})"
            for item in unanswered.values():
                _record(report, item, reason, on_item)
        if on_progress is not None:
            on_progress(len(chunk.items))
        if problem is not None:
            while pending:  # what else was in flight is settled (and reported) before giving up
                settle_oldest()
            raise problem

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="bulk") as pool:
        try:
            try:
                for chunk in _chunks(items, chunk_bytes, chunk_docs):
                    pending.append((chunk, pool.submit(_send_all, client, chunk, backoff)))
                    if len(pending) >= concurrency:
                        settle_oldest()
            except EngineUnavailableError:
                # The input side lost the engine (a lookup): settle what is in flight, then stop.
                while pending:
                    settle_oldest()
                raise
            while pending:
                settle_oldest()
        finally:
            for _, future in pending:
                future.cancel()
            report.seconds += time.perf_counter() - started
    return report


@dataclass
class _Chunk(Generic[L]):
    """The items of one bulk request, each with its NDJSON lines, and their size in bytes."""

    items: list[BulkItem[L]] = field(default_factory=list)
    lines: list[list[bytes]] = field(default_factory=list)
    size: int = 0


# Each answered item's position and error (None when stored), and why the rest went unanswered.
_Answers = tuple[list[tuple[int, str | None]], EngineUnavailableError | None]


def _send_all(client: Elasticsearch, chunk: _Chunk[Any], backoff: Backoff) -> _Answers:
    answers: list[tuple[int, str | None]] = []
    try:
        answers.extend(_send(client, chunk, backoff))
    except EngineUnavailableError as exc:
        return answers, exc
    return answers, None


def _record(
    report: LoadReport,
    item: BulkItem[L],
    error: str | None,
    on_item: Callable[[L, str | None], None] | None,
) -> None:
    if error is None:
        report.written += 1
    else:
        report.failures.append(Failure(str(item.label), error, item.action.get("_id")))
    if on_item is not None:
        on_item(item.label, error)


def _chunks(items: Iterable[BulkItem[L]], max_bytes: int, max_docs: int) -> Iterator[_Chunk[L]]:
    chunk: _Chunk[L] = _Chunk()
    for item in items:
        lines = serialize(item.action)
        weight = sum(len(line) + 1 for line in lines)
        if chunk.items and (chunk.size + weight > max_bytes or len(chunk.items) >= max_docs):
            yield chunk
            chunk = _Chunk()
        chunk.items.append(item)
        chunk.lines.append(lines)
        chunk.size += weight
    if chunk.items:
        yield chunk


def _send(
    client: Elasticsearch, chunk: _Chunk[Any], backoff: Backoff
) -> Iterator[tuple[int, str | None]]:
    """Each item's position in the chunk and outcome: None when stored, else why it was not."""
    return _send_positions(client, chunk, list(range(len(chunk.items))), backoff)


def _send_positions(
    client: Elasticsearch,
    chunk: _Chunk[Any],
    todo: list[int],
    backoff: Backoff,
) -> Iterator[tuple[int, str | None]]:
    """Send the items at `todo`; a request refused whole is split until the culprit fails alone.

    The engine refuses a whole bulk request for one bad item in it (400: an id too long, a line
    it cannot parse) or for its size (413: over `http.max_content_length`, 100mb by default);
    halving finds the records to blame in a few requests and stores all the others.
    """
    delays = backoff.delays()
    while todo:
        body = [line for position in todo for line in chunk.lines[position]]

        def send(body: list[bytes] = body) -> Any:
            return client.bulk(operations=cast(Any, body), filter_path=_FILTER_PATH)

        try:
            response = with_retries(send, backoff, what="a bulk request")
        except ApiError as exc:  # not retryable: this request, as it is, will never pass
            if len(todo) == 1:
                yield todo[0], _refused(exc)
                return
            half = len(todo) // 2
            yield from _send_positions(client, chunk, todo[:half], backoff)
            yield from _send_positions(client, chunk, todo[half:], backoff)
            return
        again: list[int] = []
        for position, result in zip(todo, response["items"], strict=True):
            outcome = next(iter(result.values()))
            status = int(outcome.get("status", 0))
            if 200 <= status < 300 or (status == 404 and "delete" in result):
                yield position, None
            elif status in RETRY_STATUSES:
                again.append(position)
            else:
                yield position, _reason(outcome)
        if not again:
            return
        delay = next(delays, None)
        if delay is None:
            for position in again:
                yield position, f"still refused by the engine after {backoff.retries} retries"
            return
        time.sleep(delay)
        todo = again


def _refused(exc: ApiError) -> str:
    """Why the engine refused a request holding a single record."""
    if exc.meta.status == 413:
        return (
            "too large for one request to the engine (HTTP 413: over its http.max_content_length)"
        )
    return f"refused by the engine: {describe(exc)}"


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
