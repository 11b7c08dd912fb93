"""The door every parsed article passes: impossible values fail the record, large ones are cut.

The limits themselves are declared in `articles.limits` (and listed in the README). What is cut
or cleared is said in a note, so the load can list it: nothing changes silently.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from articles import Article
from articles.limits import MAX_ID_BYTES, published_range
from indexer.formats.records import ParseError


def admit(article: Article, *, today: date | None = None) -> tuple[Article, tuple[str, ...]]:
    """The article as it may be stored, and a note for each value changed on the way in.

    Raises ParseError for a value that cannot be right (an id the engine would refuse).
    """
    notes: list[str] = []
    _check_unicode(article)
    if article.id is not None and len(article.id.encode("utf-8")) > MAX_ID_BYTES:
        raise ParseError(
            f"field 'id' is {len(article.id.encode('utf-8')):,} bytes "
            f"(the engine takes at most {MAX_ID_BYTES})"
        )
    published = article.published
    if published is not None:
        earliest, latest = published_range(today)
        if not earliest <= published <= latest:
            notes.append(
                f"published date {published.isoformat()} is outside "
                f"{earliest.isoformat()}..{latest.isoformat()}: stored without a date"
            )
            published = None
    if published != article.published:
        article = dataclasses.replace(article, published=published)
    return article, tuple(notes)


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
