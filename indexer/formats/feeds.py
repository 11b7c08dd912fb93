"""RSS and Atom feeds: one article per entry, read with feedparser."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import feedparser

from articles import Article
from indexer.formats.dates import date_from_struct, parse_date_text
from indexer.formats.html_text import html_to_text
from indexer.formats.records import Origin, ParsedArticle, ParseFailure, Record, one_line


def read_feed(data: bytes, path: str, *, content_type: str | None = None) -> Iterator[Record]:
    """The entries of an RSS or Atom feed; an entry without a title or text fails alone."""
    headers = {"content-type": content_type} if content_type else {}
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
