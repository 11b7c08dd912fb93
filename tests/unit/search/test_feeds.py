"""Atom feeds: valid by RFC 4287's schema, readable by feedparser, whatever the stored data."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from lxml import etree

from search.feeds import (
    EPOCH,
    Feed,
    entry_from_article,
    etag,
    render_atom,
    rfc3339,
    summary_text,
)

SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parents[2] / "data" / "atom.rng")))
SCHEMES = {k: f"http://x/entities/{k}/" for k in ("person", "organization", "location")}


def feed(*sources: dict[str, object]) -> bytes:
    entries = [
        entry_from_article(f"a{n}", source, link=f"http://x/articles/a{n}", entity_scheme=SCHEMES)
        for n, source in enumerate(sources)
    ]
    return render_atom(
        Feed(
            id="http://x/f", title="T", self_url="http://x/f", page_url="http://x/", entries=entries
        )
    )


def valid(document: bytes) -> bool:
    return bool(SCHEMA.validate(etree.fromstring(document))) and not feedparser.parse(document).bozo


def test_an_article_becomes_an_entry_with_dates_links_and_entities_as_categories() -> None:
    document = feed(
        {
            "title": "Ceasefire",
            "url": "https://example.org/a",
            "source": "Wire",
            "published": "2020-10-10",
            "ingested_at": "2026-11-30T00:10:59.123+00:00",
            "person": ["Ali Khamenei"],
            "location": ["Baku"],
        }
    )
    assert valid(document)
    entry = feedparser.parse(document).entries[0]
    assert entry.title == "Ceasefire"
    assert entry.published == "2020-10-10T00:00:00Z"
    assert entry.updated == "2026-11-30T00:10:59Z"
    assert [tag.term for tag in entry.tags] == ["Ali Khamenei", "Baku"]
    assert {link.rel: link.href for link in entry.links}["related"] == "https://example.org/a"


def test_absurd_stored_values_still_make_a_valid_feed() -> None:
    document = feed(
        {"title": "Control\x00\x01 chars\ufffe", "published": "0001-01-01", "url": "javascript:x"},
        {"title": None, "published": "not a date", "ingested_at": 17, "person": ["", "\x02"]},
        {},
    )
    assert valid(document)
    parsed = feedparser.parse(document)
    assert parsed.entries[0].title == "Control chars"
    assert "related" not in {link.rel for link in parsed.entries[0].links}
    assert parsed.entries[2].updated == EPOCH


def test_an_empty_feed_is_valid_and_dated_at_the_epoch() -> None:
    document = feed()
    assert valid(document)
    assert feedparser.parse(document).feed.updated == EPOCH


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-10-10", "2020-10-10T00:00:00Z"),
        ("2020-10-10T05:00:00+03:00", "2020-10-10T02:00:00Z"),
        ("2020-10-10T05:00:00", "2020-10-10T05:00:00Z"),
        ("10/10/2020", None),
        (None, None),
    ],
)
def test_times_are_written_in_utc(value: object, expected: str | None) -> None:
    assert rfc3339(value) == expected


def test_summaries_are_plain_text_joined_and_cut() -> None:
    assert summary_text(["a  b\n", "c"]) == "a b … c"
    assert summary_text([]) is None
    assert len(summary_text(["x" * 1000]) or "") == 400


def test_the_etag_follows_the_bytes() -> None:
    assert etag(b"a") == etag(b"a") != etag(b"b")
