"""Entity extraction in worker processes, each loading the model once, feeding results in order."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice

from spacy.language import Language

from articles import Article
from indexer.entities.extract import (
    A,
    build_nlp,
    entities_of,
    extract_entities,
    resolve_model,
)
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


def extract_in_workers(
    items: Iterable[A],
    *,
    workers: int,
    model: str | None = None,
    nlp: Language | None = None,
    task_size: int = TASK_SIZE,
) -> Iterator[tuple[A, Entities]]:
    """Each item with its article's entities, in input order, from `workers` processes.

    With one worker the given `nlp` is used in this process (or `model` loaded here); with more,
    each process loads `model` itself. At most `workers * TASKS_AHEAD` tasks are in flight, so
    memory stays bounded however large the input.
    """
    if workers <= 1:
        pipeline = nlp if nlp is not None else build_nlp(model)
        yield from extract_entities(pipeline, items, batch_size=task_size)
        return
    resolved = resolve_model(model)  # fail here, clearly, rather than in every worker
    # spawn, not fork: the parent may hold threads (the progress display, HTTP pools).
    context = multiprocessing.get_context("spawn")
    # Only the articles go to the workers; each item waits here for its entities.
    pending: deque[tuple[Future[list[Entities]], list[A]]] = deque()
    remaining = iter(items)
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


def _load(model: str) -> None:
    global _worker_nlp
    _worker_nlp = build_nlp(model)


def _extract(articles: list[Article]) -> list[Entities]:
    assert _worker_nlp is not None, "worker used before its initializer ran"
    return entities_of(_worker_nlp, articles)
