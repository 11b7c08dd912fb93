"""Seed-style `.txt` articles: the title on the first line, the body after it (seeds/README.md)."""

from __future__ import annotations

import re

from articles import Article
from indexer.formats.dates import date_from_dateline
from indexer.formats.records import (
    Origin,
    ParsedArticle,
    ParseError,
    ParseFailure,
    Record,
    clean_text,
    decode_utf8,
)

# "Iran PressAsia: ..." - the seed's source and section glued together ahead of the story, as
# copied from the agency's page. The glue (a lower-case letter followed by a capital inside one
# word) is what tells it apart from prose such as "The minister said: ...".
_GLUED_DATELINE = re.compile(
    r"^(?P<source>(?:[A-Z][\w.&'-]*\s+){0,3}[A-Z][a-z]+)(?P<section>[A-Z][a-z]+):\s+"
)
# "Iran Press/Asia: ..." or "Iran Press | Asia: ...", the same dateline when it was copied intact.
_SPLIT_DATELINE = re.compile(
    r"^(?P<source>(?:[A-Z][\w.&'-]*\s+){0,3}[A-Z][\w.&'-]*)\s*[/|]\s*"
    r"(?P<section>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})\s*:\s+"
)
# A dateline opens the story; the agency pages put a one-paragraph lead above it.
_DATELINE_PARAGRAPHS = 2
# "Read More:" starts the agency's list of related links, which is not part of the article.
_READ_MORE = re.compile(r"^\s*read\s+more\s*:", re.IGNORECASE)


def read_seed_text(data: bytes, origin: Origin) -> Record:
    """One seed-style article from the bytes of a `.txt` file."""
    try:
        return ParsedArticle(parse_seed_text(decode_utf8(data)), origin)
    except ParseError as exc:
        return ParseFailure(origin, str(exc))


def parse_seed_text(text: str) -> Article:
    """A seed article: the first line is the title, the rest the body (see seeds/README.md)."""
    lines = clean_text(text).split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ParseError("empty file")
    title = " ".join(lines[0].split())
    body_lines = _drop_read_more(lines[1:])
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", "\n".join(body_lines))]
    paragraphs = [p for p in paragraphs if p]
    source, section, paragraphs = _take_dateline(paragraphs)
    body = "\n\n".join(paragraphs)
    if not body:
        raise ParseError("no body text after the title line")
    published = next(
        (d for p in paragraphs[:_DATELINE_PARAGRAPHS] if (d := date_from_dateline(p))), None
    )
    return Article(title=title, body=body, source=source, section=section, published=published)


def _drop_read_more(lines: list[str]) -> list[str]:
    """Cut the trailing "Read More:" block of related links."""
    for index in range(len(lines) - 1, -1, -1):
        if _READ_MORE.match(lines[index]):
            return lines[:index]
    return lines


def _take_dateline(paragraphs: list[str]) -> tuple[str | None, str | None, list[str]]:
    """Split a leading "Source Section:" dateline off the story; it is metadata, not text."""
    for index, paragraph in enumerate(paragraphs[:_DATELINE_PARAGRAPHS]):
        match = _GLUED_DATELINE.match(paragraph) or _SPLIT_DATELINE.match(paragraph)
        if match:
            rest = paragraph[match.end() :].strip()
            kept = [*paragraphs[:index], *([rest] if rest else []), *paragraphs[index + 1 :]]
            return match["source"].strip(), match["section"].strip(), kept
    return None, None, paragraphs
