"""Opaque cursors for paging past the result window with `search_after` (pure).

A cursor is the sort values of the last hit of a page, tagged with the sort they belong to, in
URL-safe base64. It holds no state on the server: the next page is the same search continued
after that hit. (Without a point in time, articles indexed meanwhile may shift the pages; for a
news archive that is an acceptable trade for requests that stay stateless.)
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass

MAX_CURSOR_LENGTH = 512
Scalar = str | int | float | None


class CursorError(ValueError):
    """A cursor that this service did not make, or that was cut or altered."""


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after the hit with these sort values, under this sort."""

    sort: str
    after: tuple[Scalar, ...]

    def encode(self) -> str:
        """The cursor as an opaque URL-safe token."""
        raw = json.dumps([self.sort, *self.after], separators=(",", ":")).encode("utf-8")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """Read a token made by `encode`; raises CursorError for anything else."""
        if len(token) > MAX_CURSOR_LENGTH:
            raise CursorError("cursor too long")
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            value = json.loads(raw.decode("utf-8"))
        except (binascii.Error, ValueError) as exc:
            raise CursorError("cursor unreadable") from exc
        if (
            not isinstance(value, list)
            or len(value) < 2
            or not isinstance(value[0], str)
            or not all(_is_scalar(v) for v in value[1:])
        ):
            raise CursorError("cursor malformed")
        return cls(sort=value[0], after=tuple(value[1:]))


def _is_scalar(value: object) -> bool:
    return value is None or (isinstance(value, str | int | float) and not isinstance(value, bool))


def cursor_after(sort: str, values: Sequence[Scalar]) -> str:
    """The token for continuing a search sorted by `sort` after a hit with these sort values."""
    return Cursor(sort, tuple(values)).encode()
