"""Progress lines on stderr and the tails of logs that error messages quote."""

from __future__ import annotations

import os
import sys
from pathlib import Path

LOG_TAIL_LINES = 40
# Only the end of a log is read: a node that ran for days can leave a large console.log.
_TAIL_BYTES = 64 * 1024


def note(message: str) -> None:
    """A progress line on stderr, leaving stdout for results."""
    print(f"engine: {message}", file=sys.stderr, flush=True)


def tail_text(text: str, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of text."""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def tail_file(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of a log file, or a note that it is missing."""
    try:
        with path.open("rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - _TAIL_BYTES))
            return tail_text(f.read().decode(errors="replace"), lines)
    except OSError:
        return f"({path} is missing)"
