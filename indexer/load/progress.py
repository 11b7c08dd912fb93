"""Progress for long runs: a bar with docs/s and ETA on a terminal, periodic lines otherwise."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

# How often a line is printed when output is not a terminal (a CI log, `2> file`).
LOG_EVERY_SECONDS = 15.0


class LoadProgress:
    """Counts records as they are settled (written, skipped or failed) and shows the rate."""

    def __init__(self, console: Console, total: int, *, description: str = "indexing") -> None:
        self.console = console
        self.total = total
        self.description = description
        self.done = 0
        self.started = time.perf_counter()
        self.last_line = self.started
        self.bar = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]} docs/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self.task = self.bar.add_task(description, total=total or None, rate="-")

    def __enter__(self) -> LoadProgress:
        self.bar.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.bar.stop()

    def advance(self, n: int = 1) -> None:
        """Count `n` more records as settled."""
        self.done += n
        now = time.perf_counter()
        rate = self.done / (now - self.started) if now > self.started else 0.0
        # An estimate that fell short (a feed longer than guessed) grows rather than overflowing.
        if self.total and self.done > self.total:
            self.total = self.done
        self.bar.update(
            self.task, completed=self.done, total=self.total or None, rate=f"{rate:.0f}"
        )
        if not self.console.is_terminal and now - self.last_line >= LOG_EVERY_SECONDS:
            self.last_line = now
            self.console.print(self.line(rate), highlight=False, soft_wrap=True)

    def line(self, rate: float) -> str:
        """One plain progress line: done, total, rate and the time left."""
        if not self.total:
            return f"{self.description}: {self.done} records, {rate:.0f} docs/s"
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        percent = 100 * self.done / self.total
        return (
            f"{self.description}: {self.done}/{self.total} records ({percent:.0f}%), "
            f"{rate:.0f} docs/s, ETA {_duration(left)}"
        )


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"
