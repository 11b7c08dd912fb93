"""Atom feeds (RFC 4287): a search's newest articles, and an alert's matches (pure).

The documents are built with ElementTree, so text is always escaped; characters XML 1.0 cannot
carry (controls, lone surrogates) are dropped first, and dates are written as RFC 3339 from the
stored values only when those can be read. An entry's `updated` is when the article (or the
match) was stored, else its publication day; the feed's is the newest of its entries', so both
stay the same until something new is stored: `ETag` and `Last-Modified` come from them, and a
reader polling with `If-None-Match` gets 304 until then.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from articles import ENTITY_TYPES
from search.limits import MAX_HIGHLIGHT_CHARS, MAX_TITLE_CHARS, capped
from search.query import sort_fields
from search.results import day, strings, text

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
# Entries per search feed unless `size` says otherwise, and per alert feed.
FEED_SIZE = 20
ALERT_FEED_SIZE = 50
# Characters of an entry's summary.
SUMMARY_CHARS = 400
# The feed's `updated` when it has no entry: fixed, so an empty feed is cacheable too.
EPOCH = "1970-01-01T00:00:00Z"
GENERATOR = "The News Index"

# Not allowed in XML 1.0 documents at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

ET.register_namespace("", ATOM_NS)


@dataclass(frozen=True)
class Category:
    """An entity of the article: its name, and the URL base of its kind's pages."""

    term: str
    scheme: str


@dataclass(frozen=True)
class FeedEntry:
    """One article in a feed."""

    id: str
    title: str
    link: str
    updated: str
    published: str | None = None
    summary: str | None = None
    # The article at its source, when that is a web address.
    original: str | None = None
    author: str | None = None
    categories: tuple[Category, ...] = ()


@dataclass(frozen=True)
class Feed:
    """A feed: what it is, where it lives, and its entries (newest first)."""

    id: str
    title: str
    self_url: str
    page_url: str
    subtitle: str | None = None
    entries: Sequence[FeedEntry] = field(default_factory=tuple)

    @property
    def updated(self) -> str:
        """The newest entry's `updated`; the epoch for an empty feed."""
        return max((entry.updated for entry in self.entries), default=EPOCH)


def xml_text(value: str) -> str:
    """`value` without the characters XML cannot carry."""
    return _NOT_XML.sub("", value)


def rfc3339(value: object) -> str | None:
    """A stored time or day as RFC 3339 in UTC (`2020-10-29T00:00:00Z`), None if unreadable."""
    if not isinstance(value, str):
        return None
    stamp = value.strip()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", stamp):
        stamp += "T00:00:00+00:00"
    try:
        parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        parsed = parsed.astimezone(UTC)
    except OverflowError:
        return None
    # Zero-padded by hand: strftime writes the year 1 as "1" on some platforms.
    return f"{parsed.year:04d}-{parsed:%m-%dT%H:%M:%S}Z"


def summary_text(fragments: Iterable[str]) -> str | None:
    """Plain text from highlighter fragments (sent without tags), joined and cut."""
    joined = " … ".join(" ".join(f.split()) for f in fragments if f and f.strip())
    return capped(joined, SUMMARY_CHARS) if joined else None


def entry_from_article(
    article_id: str,
    source: Mapping[str, Any],
    *,
    link: str,
    entity_scheme: Mapping[str, str],
    summary: str | None = None,
    updated: object = None,
) -> FeedEntry:
    """A feed entry from a stored article (or a match's snapshot of one), read defensively.

    `updated` overrides when the entry changed (an alert's feed: when the match was found).
    """
    published = rfc3339(day(source.get("published")))
    stamp = rfc3339(updated) or rfc3339(source.get("ingested_at")) or published or EPOCH
    original = text(source.get("url"))
    return FeedEntry(
        id=link,
        title=capped(text(source.get("title")) or "(untitled)", MAX_TITLE_CHARS),
        link=link,
        updated=stamp,
        published=published,
        summary=summary,
        original=original if original and original.startswith(("http://", "https://")) else None,
        author=text(source.get("source")),
        categories=tuple(
            Category(name, entity_scheme[kind])
            for kind in ENTITY_TYPES
            for name in strings(source.get(kind))
            if xml_text(name).strip()
        ),
    )


def render_atom(feed: Feed) -> bytes:
    """The feed as an Atom document, UTF-8 with an XML declaration."""
    root = ET.Element(f"{{{ATOM_NS}}}feed")
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    if feed.subtitle:
        _text(root, "subtitle", feed.subtitle)
    _text(root, "updated", feed.updated)
    _link(root, feed.self_url, rel="self", kind=ATOM_TYPE)
    _link(root, feed.page_url, rel="alternate", kind="text/html")
    author = ET.SubElement(root, f"{{{ATOM_NS}}}author")
    _text(author, "name", GENERATOR)
    _text(root, "generator", GENERATOR)
    for entry in feed.entries:
        _entry(root, entry)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def _entry(parent: ET.Element, entry: FeedEntry) -> None:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}entry")
    _text(element, "id", entry.id)
    _text(element, "title", entry.title)
    _link(element, entry.link, rel="alternate", kind="text/html")
    if entry.original:
        _link(element, entry.original, rel="related")
    if entry.published:
        _text(element, "published", entry.published)
    _text(element, "updated", entry.updated)
    if entry.author:
        author = ET.SubElement(element, f"{{{ATOM_NS}}}author")
        _text(author, "name", entry.author)
    for category in entry.categories:
        ET.SubElement(
            element,
            f"{{{ATOM_NS}}}category",
            term=xml_text(category.term),
            scheme=xml_text(category.scheme),
            label=xml_text(category.term),
        )
    if entry.summary:
        _text(element, "summary", entry.summary)


def _text(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, f"{{{ATOM_NS}}}{name}").text = xml_text(value)


def _link(parent: ET.Element, href: str, *, rel: str, kind: str | None = None) -> None:
    attributes = {"rel": rel, "href": xml_text(href)}
    if kind:
        attributes["type"] = kind
    ET.SubElement(parent, f"{{{ATOM_NS}}}link", attributes)


def etag(document: bytes) -> str:
    """A strong validator for a rendered feed: its bytes hashed."""
    return hashlib.sha256(document).hexdigest()[:32]


def search_feed_request(match: dict[str, Any], size: int) -> dict[str, Any]:
    """The engine request behind a search feed: the newest `size` matches, with a summary."""
    return {
        "query": match,
        "size": size,
        "sort": sort_fields("newest"),
        "_source": ["id", "title", "url", "source", "published", "ingested_at", *ENTITY_TYPES],
        "highlight": {
            # Plain fragments: the summary is text, escaped by the XML writer.
            "pre_tags": [""],
            "post_tags": [""],
            "max_analyzed_offset": MAX_HIGHLIGHT_CHARS,
            "fields": {
                "body": {"fragment_size": 200, "number_of_fragments": 2, "no_match_size": 200}
            },
        },
    }
