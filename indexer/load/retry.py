"""Retrying engine calls with exponential backoff on overload and lost connections."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from elasticsearch import ApiError, ConnectionError, ConnectionTimeout

T = TypeVar("T")

# 429: the engine's queues are full; 502-504: a proxy or the node is (re)starting. All pass.
RETRY_STATUSES = frozenset({429, 502, 503, 504})


class EngineUnavailableError(RuntimeError):
    """The engine kept refusing or was unreachable after every retry."""


@dataclass(frozen=True)
class Backoff:
    """How often and how patiently to retry: 1 s, 2 s, 4 s ... capped at `maximum`."""

    retries: int = 6
    initial: float = 1.0
    maximum: float = 30.0

    def delays(self) -> Iterator[float]:
        """The waits before each retry."""
        delay = self.initial
        for _ in range(self.retries):
            yield delay
            delay = min(delay * 2, self.maximum)


DEFAULT_BACKOFF = Backoff()


def is_retryable(exc: BaseException) -> bool:
    """Whether an engine error is worth retrying (overload, unavailability, lost connection)."""
    if isinstance(exc, ConnectionError | ConnectionTimeout):
        return True
    return isinstance(exc, ApiError) and exc.meta.status in RETRY_STATUSES


def with_retries(call: Callable[[], T], backoff: Backoff, *, what: str) -> T:
    """Run `call`, retrying retryable engine errors; EngineUnavailableError when out of retries."""
    delays = backoff.delays()
    while True:
        try:
            return call()
        except (ApiError, ConnectionError, ConnectionTimeout) as exc:
            if not is_retryable(exc):
                raise
            delay = next(delays, None)
            if delay is None:
                raise EngineUnavailableError(
                    f"{what} failed after {backoff.retries} retries: {describe(exc)}"
                ) from exc
            time.sleep(delay)


def describe(exc: BaseException) -> str:
    """A short reason for an engine error."""
    if isinstance(exc, ApiError):
        return f"HTTP {exc.meta.status} {exc.message}"
    return f"{type(exc).__name__}: {str(exc)[:200]}"
