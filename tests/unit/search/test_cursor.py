"""Cursors: opaque, URL-safe, and refused when not ours."""

from __future__ import annotations

import base64

import pytest

from search.cursor import Cursor, CursorError, cursor_after


def test_a_cursor_reads_back_as_written() -> None:
    token = cursor_after("newest", [1604534400000, 3.25, "0a4f7763723d062e"])
    assert Cursor.decode(token) == Cursor("newest", (1604534400000, 3.25, "0a4f7763723d062e"))
    assert "=" not in token and "+" not in token and "/" not in token


def test_missing_sort_values_survive() -> None:
    # Undated articles sort with a null or extreme long value.
    token = cursor_after("oldest", [9223372036854775807, None, "x"])
    assert Cursor.decode(token).after == (9223372036854775807, None, "x")


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not base64!",
        base64.urlsafe_b64encode(b"{}").decode(),
        base64.urlsafe_b64encode(b'["relevance"]').decode(),
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(b'["relevance", {"a": 1}]').decode(),
        base64.urlsafe_b64encode(b'["relevance", true]').decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "A" * 600,
    ],
)
def test_anything_else_is_refused(token: str) -> None:
    with pytest.raises(CursorError):
        Cursor.decode(token)
