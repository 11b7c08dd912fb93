"""Cursors: opaque, URL-safe, and refused when not ours."""

from __future__ import annotations

import base64

import pytest

from search.cursor import Cursor, CursorError, cursor_after


def test_a_cursor_reads_back_as_written() -> None:
    token = cursor_after("newest", [1604534400000, 3.25, "0a4f7763723d062e"])
    assert Cursor.decode(token) == Cursor("newest", (1604534400000, 3.25, "0a4f7763723d062e"))
    assert "=" not in token and "+" not in token and "/" not in token


@pytest.mark.parametrize(
    "token",
    [
        "relevance.f0.s",
        "relevance.f-12p5e-300.s_-",
        "relevance.f9e999.sAAA",
        "newest.m.f0.s__8",
        "oldest.M.f1p25.sAAAA",
        "newest.i-62135596800000.f1.s__-_",
    ],
)
def test_every_token_of_the_published_form_reads_back(token: str) -> None:
    # The OpenAPI document publishes the pattern: whatever matches it is a usable cursor.
    cursor = Cursor.decode(token)
    assert cursor.sort == token.split(".")[0]
    assert all(v is None or isinstance(v, str | int | float) for v in cursor.after)


def test_missing_sort_values_survive() -> None:
    # Undated articles sort with an extreme long value.
    token = cursor_after("oldest", [9223372036854775807, 1.0, "x"])
    assert Cursor.decode(token).after == (9223372036854775807, 1.0, "x")
    token = cursor_after("newest", [-9223372036854775808, 1.0, "x"])
    assert Cursor.decode(token).after == (-9223372036854775808, 1.0, "x")


def test_a_null_sort_value_makes_no_cursor() -> None:
    # The engine refuses null in search_after: such a cursor could never be used.
    with pytest.raises(CursorError):
        cursor_after("oldest", [1, None, "x"])


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
        "relevance.f1",
        "relevance.f1.sAA.sAA",
        "newest.f1.f2.sAA",
        "oldest.i1.f1.sA",
        "newest.n.f1.sAAA",
        "oldest.i1.n.sAAA",
        "newest.i9223372036854775807.f1.sAA",
        "relevance.f1.sAA" + "A" * 1100,
    ],
)
def test_anything_else_is_refused(token: str) -> None:
    with pytest.raises(CursorError):
        Cursor.decode(token)
