"""Opaque cursors for paging past the result window with `search_after` (pure).

A cursor is the sort values of the last hit of a page, tagged with the sort they belong to. It
holds no state on the server: the next page is the same search continued after that hit.
(Without a point in time, articles indexed meanwhile may shift the pages; for a news archive
that is an acceptable trade for requests that stay stateless.)

The form is a small grammar, so the API can publish it as a pattern and every token that
matches it reads back: `<sort>.<value>...`, one value per sort key, each a letter and its text:
`f` a float (`p` for the point), `i` an integer, `M`/`m` the largest/smallest long (where the
engine puts undated articles), `s` a string in unpadded URL-safe base64. There is no null: the
engine never sorts on one here, and refuses one in `search_after`.
"""

from __future__ import annotations

import base64
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

MAX_CURSOR_LENGTH = 1024
Scalar = str | int | float | None

_LONG_MAX = 2**63 - 1
_LONG_MIN = -(2**63)
# Integers written in full; past these only the engine's two extremes occur (no date is that far).
_INT_DIGITS = 18
_FLOAT = r"f-?[0-9]{1,20}(?:p[0-9]{1,20})?(?:e-?[0-9]{1,3})?"
_INT = rf"i-?[0-9]{{1,{_INT_DIGITS}}}|M|m"
_STRING = r"s(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?"
# Relevance sorts on [score, id]; newest and oldest on [published, score, id].
CURSOR_PATTERN = (
    rf"^(?:relevance\.{_FLOAT}\.{_STRING}"
    rf"|(?:newest|oldest)\.(?:{_INT})\.{_FLOAT}\.{_STRING})$"
)
_CURSOR = re.compile(CURSOR_PATTERN)


class CursorError(ValueError):
    """A cursor that this service did not make, or that was cut or altered."""


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after the hit with these sort values, under this sort."""

    sort: str
    after: tuple[Scalar, ...]

    def encode(self) -> str:
        """The cursor as an opaque URL-safe token."""
        return ".".join([self.sort, *map(_encode, self.after)])

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """Read a token of the published form; raises CursorError for anything else."""
        if len(token) > MAX_CURSOR_LENGTH or not _CURSOR.fullmatch(token):
            raise CursorError("cursor malformed")
        sort, *values = token.split(".")
        return cls(sort=sort, after=tuple(map(_decode, values)))


def _encode(value: Scalar) -> str:
    if value is None:
        raise CursorError("no position after a null sort value")
    if isinstance(value, str):
        return "s" + base64.urlsafe_b64encode(value.encode("utf-8")).decode("ascii").rstrip("=")
    if isinstance(value, int):
        if abs(value) < 10**_INT_DIGITS:
            return f"i{value}"
        return "M" if value > 0 else "m"
    return "f" + repr(float(value)).replace(".", "p").replace("e+", "e")


def _decode(text: str) -> Scalar:
    kind, rest = text[0], text[1:]
    if kind == "M":
        return _LONG_MAX
    if kind == "m":
        return _LONG_MIN
    if kind == "i":
        return int(rest)
    if kind == "f":
        number = float(rest.replace("p", "."))
        # The pattern admits exponents no score reaches; keep them finite for the engine.
        return number if math.isfinite(number) else math.copysign(sys.float_info.max, number)
    raw = base64.urlsafe_b64decode(rest + "=" * (-len(rest) % 4))
    # Every pattern-valid token reads back; bytes that are no UTF-8 match no id, harmlessly.
    return raw.decode("utf-8", errors="replace")


def cursor_after(sort: str, values: Sequence[Scalar]) -> str:
    """The token for continuing a search sorted by `sort` after a hit with these sort values."""
    return Cursor(sort, tuple(values)).encode()
