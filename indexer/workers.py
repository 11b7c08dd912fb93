"""Entity extraction in worker processes, each loading the model once, feeding results in order."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import TypeVar

from spacy.language import Language

from articles import Article
from indexer.entities import Entities, build_nlp, extract_entities, resolve_model

T = TypeVar("T")

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
    items: Iterable[tuple[Article, T]],
    *,
    workers: int,
    model: str | None = None,
    nlp: Language | None = None,
    task_size: int = TASK_SIZE,
) -> Iterator[tuple[Article, Entities, T]]:
    """Entities for each article, in input order, from `workers` processes (1: this process).

    With one worker the given `nlp` is used (or `model` loaded here); with more, each process
    loads `model` itself. At most `workers * TASKS_AHEAD` tasks are in flight, so memory stays
    bounded however large the input.
    """
    if workers <= 1:
        pipeline = nlp if nlp is not None else build_nlp(model)
        yield from extract_entities(pipeline, items, batch_size=task_size)
        return
    resolved = resolve_model(model)  # fail here, clearly, rather than in every worker
    # spawn, not fork: the parent may hold threads (the progress display, HTTP pools).
    context = multiprocessing.get_context("spawn")
    pending: deque[tuple[Future[list[Entities]], list[tuple[Article, T]]]] = deque()
    source = iter(items)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_load, initargs=(resolved,)
    ) as pool:
        try:
            while True:
                while len(pending) < workers * TASKS_AHEAD:
                    task = list(islice(source, task_size))
                    if not task:
                        break
                    pending.append((pool.submit(_extract, [a for a, _ in task]), task))
                if not pending:
                    return
                future, task = pending.popleft()
                for (article, context_value), entities in zip(task, future.result(), strict=True):
                    yield article, entities, context_value
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
    pairs = ((article, None) for article in articles)
    return [
        entities
        for _, entities, _ in extract_entities(_worker_nlp, pairs, batch_size=len(articles))
    ]
