"""The door every parsed article passes: impossible values fail the record, large ones are cut.

The limits themselves are declared in `articles.limits` (and listed in the README). What is cut
or cleared is said in a note, so the load can list it: nothing changes silently.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from articles import Article
from articles.limits import (
    BODY_TRUNCATED,
    MAX_BODY_CHARS,
    MAX_CATEGORIES,
    MAX_ID_BYTES,
    MAX_LABEL_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    published_range,
)
from indexer.formats.records import ParseError

# Where a sentence ends, for cutting a long body that has no paragraph break near the limit.
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s")
# A cut looks this far back from the limit for a boundary before it settles for a hard cut.
_CUT_WINDOW = 0.1


def admit(article: Article, *, today: date | None = None) -> tuple[Article, tuple[str, ...]]:
    """The article as it may be stored, and a note for each value changed on the way in.

    Raises ParseError for a value that cannot be right: an id the engine would refuse, a title,
    label or URL far longer than any real one, text that is not valid Unicode.
    """
    notes: list[str] = []
    changes: dict[str, Any] = {}
    _check_unicode(article)
    if article.id is not None and len(article.id.encode("utf-8")) > MAX_ID_BYTES:
        raise ParseError(
            f"field 'id' is {len(article.id.encode('utf-8')):,} bytes "
            f"(the engine takes at most {MAX_ID_BYTES})"
        )
    _check_length("title", article.title, MAX_TITLE_CHARS)
    for name in ("source", "section", "language"):
        _check_length(name, getattr(article, name), MAX_LABEL_CHARS)
    for category in article.categories:
        _check_length("categories", category, MAX_LABEL_CHARS)
    if article.url is not None:
        _check_length("url", article.url, MAX_URL_CHARS)
        _check_url(article.url)
    if len(article.body) > MAX_BODY_CHARS:
        changes["body"] = cut_body(article.body)
        notes.append(
            f"body of {len(article.body):,} characters cut to {len(changes['body']):,} "
            f"(limit {MAX_BODY_CHARS:,})"
        )
    if len(article.categories) > MAX_CATEGORIES:
        changes["categories"] = article.categories[:MAX_CATEGORIES]
        notes.append(f"kept the first {MAX_CATEGORIES} of {len(article.categories):,} categories")
    published = article.published
    if published is not None:
        earliest, latest = published_range(today)
        if not earliest <= published <= latest:
            notes.append(
                f"published date {published.isoformat()} is outside "
                f"{earliest.isoformat()}..{latest.isoformat()}: stored without a date"
            )
            changes["published"] = None
    if changes:
        article = dataclasses.replace(article, **changes)
    return article, tuple(notes)


def cut_body(body: str, limit: int = MAX_BODY_CHARS) -> str:
    """`body` cut to at most `limit` characters at a paragraph, sentence or word boundary."""
    room = limit - len(BODY_TRUNCATED)
    head = body[:room]
    floor = int(room * (1 - _CUT_WINDOW))
    cut = head.rfind("\n\n", floor)
    if cut < 0:
        ends = [m.end() for m in _SENTENCE_END.finditer(head, floor)]
        cut = ends[-1] if ends else head.rfind(" ", floor)
    if cut < 0:
        cut = room
    return head[:cut].rstrip() + BODY_TRUNCATED


def _check_length(name: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        raise ParseError(f"field '{name}' is {len(value):,} characters (limit {limit:,})")


def _check_url(url: str) -> None:
    """A URL the fingerprints can take apart (an unclosed IPv6 bracket cannot be)."""
    try:
        parse_qsl(urlsplit(url).query)
    except ValueError as exc:
        raise ParseError(f"field 'url' is not a valid URL ({exc})") from None


def _check_unicode(article: Article) -> None:
    """Text the engine can take: a lone surrogate (from a JSON escape) cannot be sent as UTF-8."""
    for field in dataclasses.fields(article):
        value = getattr(article, field.name)
        for text in value if isinstance(value, tuple) else (value,):
            if isinstance(text, str):
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    raise ParseError(
                        f"field '{field.name}' is not valid Unicode (a lone surrogate)"
                    ) from None
