"""RSS and Atom feeds: one article per entry, read with feedparser."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import feedparser
from feedparser.encodings import convert_to_utf8

from articles import Article
from indexer.formats.dates import date_from_struct, parse_date_text
from indexer.formats.html_text import html_to_text
from indexer.formats.records import Origin, ParsedArticle, ParseFailure, Record, one_line

ENTITIES_REFUSED = (
    "the feed declares XML entities (<!ENTITY>): refused, expanding them can take unbounded memory"
)
# What feedparser takes for the end of the prolog, and an entity declaration in it.
_FIRST_ELEMENT = re.compile(rb"<\w")
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


def read_feed(data: bytes, path: str, *, content_type: str | None = None) -> Iterator[Record]:
    """The entries of an RSS or Atom feed; an entry without a title or text fails alone."""
    headers = {"content-type": content_type} if content_type else {}
    if declares_entities(data, headers):
        yield ParseFailure(Origin(path), ENTITIES_REFUSED)
        return
    # A BytesIO, never the bytes themselves: feedparser treats a str or bytes that looks like a
    # URL or path as one and would fetch it.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f": {problem}" if problem else ""
        yield ParseFailure(Origin(path), f"not a readable RSS or Atom feed{detail}")
        return
    feed: dict[str, Any] = parsed.get("feed", {})
    source = one_line(feed.get("title") or "") or None
    language = (feed.get("language") or "").strip() or None
    for number, entry in enumerate(parsed.entries, start=1):
        origin = Origin(path, entry=number)
        title = one_line(html_to_text(entry.get("title") or ""))
        body = _entry_text(entry)
        if not title:
            yield ParseFailure(origin, "entry has no title")
        elif not body:
            yield ParseFailure(origin, "entry has no text (no content, summary or description)")
        else:
            article = Article(
                title=title,
                body=body,
                url=(entry.get("link") or "").strip() or None,
                published=_entry_date(entry),
                source=source,
                language=language,
                categories=_tags(entry),
            )
            yield ParsedArticle(article, origin)


def declares_entities(data: bytes, headers: dict[str, str]) -> bool:
    """Whether the feed's prolog declares XML entities, which feedparser would expand.

    When expat refuses a document for its entity amplification, feedparser falls back to its
    loose parser, which expands the entities of the prolog itself, without limit: a 1 MB feed
    became a 200-million-character summary. No real feed declares entities, so such a feed is
    refused before feedparser sees it. The check reads the bytes as feedparser does (its own
    encoding detection, then everything before the first element, where it looks for them).
    """
    converted = convert_to_utf8(headers, data, {})
    first_element = _FIRST_ELEMENT.search(converted)
    prolog = converted[: first_element.start() + 1] if first_element else converted
    return _ENTITY_DECLARATION.search(prolog) is not None


def _entry_text(entry: Any) -> str:
    """The fullest text an entry has: its content, else its summary."""
    for content in entry.get("content") or ():
        text = html_to_text(content.get("value") or "")
        if text:
            return text
    return html_to_text(entry.get("summary") or "")


def _entry_date(entry: Any) -> date | None:
    """Published, else updated; a date feedparser could not read gets one more try, else null."""
    for key in ("published", "updated", "created"):
        found = date_from_struct(entry.get(f"{key}_parsed"))
        if found is None and entry.get(key):
            found = parse_date_text(str(entry[key]))
        if found is not None:
            return found
    return None


def _tags(entry: Any) -> tuple[str, ...]:
    terms = (one_line(tag.get("term") or tag.get("label") or "") for tag in entry.get("tags") or ())
    return tuple(dict.fromkeys(t for t in terms if t))
