"""Entity extraction in worker processes, each loading the model once, feeding results in order."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice

from spacy.language import Language

from articles import Article
from indexer.entities.extract import A, build_nlp, entities_of, resolve_model
from indexer.entities.found import Entities

# Articles per task sent to a worker: big enough that pickling and queueing cost little next to
# NER, small enough that the first results reach the bulk loader quickly.
TASK_SIZE = 64
# Tasks queued per worker, so a worker never idles while the main process waits on the engine.
TASKS_AHEAD = 4

# The pipeline a worker process loaded in its initializer.
_worker_nlp: Language | None = None


class WorkerError(RuntimeError):
    """A worker process could not start (e.g. its model failed to load) or died."""


@dataclass(frozen=True)
class ExtractFailed:
    """The entity step failed on one article; the reason goes on that record's FAILED line."""

    reason: str


Extracted = Entities | ExtractFailed


def extract_in_workers(
    items: Iterable[A],
    *,
    workers: int,
    model: str | None = None,
    nlp: Language | None = None,
    task_size: int = TASK_SIZE,
) -> Iterator[tuple[A, Extracted]]:
    """Each item with its article's entities (or why they failed), in input order.

    With one worker the given `nlp` is used in this process (or `model` loaded here); with more,
    each process loads `model` itself. At most `workers * TASKS_AHEAD` tasks are in flight, so
    memory stays bounded however large the input. An article the step breaks on fails alone.
    """
    remaining = iter(items)
    if workers <= 1:
        pipeline = nlp if nlp is not None else build_nlp(model)
        while task := list(islice(remaining, task_size)):
            yield from zip(task, safe_entities(pipeline, [i.article for i in task]), strict=True)
        return
    resolved = resolve_model(model)  # fail here, clearly, rather than in every worker
    # spawn, not fork: the parent may hold threads (the progress display, HTTP pools).
    context = multiprocessing.get_context("spawn")
    # Only the articles go to the workers; each item waits here for its entities.
    pending: deque[tuple[Future[list[Extracted]], list[A]]] = deque()
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_load, initargs=(resolved,)
    ) as pool:
        try:
            while True:
                while len(pending) < workers * TASKS_AHEAD:
                    task = list(islice(remaining, task_size))
                    if not task:
                        break
                    pending.append((pool.submit(_extract, [i.article for i in task]), task))
                if not pending:
                    return
                future, task = pending.popleft()
                yield from zip(task, future.result(), strict=True)
        except BrokenProcessPool as exc:
            raise WorkerError(f"an entity-extraction worker died: {exc}") from None
        finally:
            # On an early exit (the engine went away) queued tasks are dropped, not finished.
            for future, _ in pending:
                future.cancel()


def safe_entities(nlp: Language, articles: list[Article]) -> list[Extracted]:
    """The entities of each article; if the batch breaks, each article again on its own."""
    try:
        return list(entities_of(nlp, articles))
    except Exception as exc:  # one article the step breaks on must not end the run
        if len(articles) == 1:
            return [_failed(exc)]
    results: list[Extracted] = []
    for article in articles:
        try:
            results.extend(entities_of(nlp, [article]))
        except Exception as exc:
            results.append(_failed(exc))
    return results


def _failed(exc: Exception) -> ExtractFailed:
    detail = str(exc).replace("\n", " ")[:200]
    return ExtractFailed(f"entity extraction failed ({type(exc).__name__}: {detail})")


def _load(model: str) -> None:
    global _worker_nlp
    _worker_nlp = build_nlp(model)


def _extract(articles: list[Article]) -> list[Extracted]:
    assert _worker_nlp is not None, "worker used before its initializer ran"
    return safe_entities(_worker_nlp, articles)
