"""Reading articles from input files: seed-style `.txt` and JSON Lines."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from articles import Article

TEXT_SUFFIXES = frozenset({".txt"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES

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
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ParseError(ValueError):
    """A record that cannot be read; the message says why."""


@dataclass(frozen=True)
class Origin:
    """Where a record came from, for error reports: the file and, for JSON Lines, the line."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(frozen=True)
class ParsedArticle:
    """An article read from an input, with where it came from."""

    article: Article
    origin: Origin


@dataclass(frozen=True)
class ParseFailure:
    """A record or file that could not be read."""

    origin: Origin
    reason: str


def discover(paths: Iterable[Path]) -> Iterator[Path | ParseFailure]:
    """Expand files and folders into input files in a stable order; name what cannot be read."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                # Inside a folder, files of other kinds (READMEs, images) are not inputs.
                if child.is_file() and not hidden and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield path
            else:
                supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
                yield ParseFailure(
                    Origin(str(path)), f"unsupported file type (expected {supported})"
                )
        else:
            yield ParseFailure(Origin(str(path)), "no such file or folder")


def read_inputs(paths: Iterable[Path]) -> Iterator[ParsedArticle | ParseFailure]:
    """Every article in the given files and folders, and a failure for each unreadable record."""
    for item in discover(paths):
        if isinstance(item, ParseFailure):
            yield item
        elif item.suffix.lower() in JSONL_SUFFIXES:
            yield from read_jsonl(item)
        else:
            yield read_text_file(item)


def read_text_file(path: Path) -> ParsedArticle | ParseFailure:
    """One seed-style `.txt` article."""
    origin = Origin(str(path))
    try:
        text = path.read_bytes().decode("utf-8-sig")
        return ParsedArticle(parse_seed_text(text), origin)
    except UnicodeDecodeError as exc:
        return ParseFailure(origin, f"not UTF-8 text (byte {exc.start})")
    except OSError as exc:
        return ParseFailure(origin, f"cannot read file: {exc.strerror}")
    except ParseError as exc:
        return ParseFailure(origin, str(exc))


def read_jsonl(path: Path) -> Iterator[ParsedArticle | ParseFailure]:
    """The articles of a JSON Lines file, one per non-blank line."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield ParseFailure(Origin(str(path)), f"cannot read file: {exc.strerror}")
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            origin = Origin(str(path), number)
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
                yield ParsedArticle(parse_record(record), origin)
            except UnicodeDecodeError as exc:
                yield ParseFailure(origin, f"not UTF-8 text (byte {exc.start})")
            except json.JSONDecodeError as exc:
                yield ParseFailure(origin, f"invalid JSON: {exc.msg} at column {exc.colno}")
            except ParseError as exc:
                yield ParseFailure(origin, str(exc))


def parse_seed_text(text: str) -> Article:
    """A seed article: the first line is the title, the rest the body (see seeds/README.md)."""
    lines = _clean(text).split("\n")
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
    return Article(title=title, body=body, source=source, section=section)


def parse_record(record: Any) -> Article:
    """An article from one JSON object with the corpus fields (see seeds/README.md)."""
    if not isinstance(record, dict):
        raise ParseError(f"expected a JSON object, got {type(record).__name__}")
    title = _text_field(record, "title", required=True)
    body = _text_field(record, "body", required=True)
    assert title is not None and body is not None  # required=True guarantees it
    categories = record.get("categories") or []
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise ParseError("field 'categories' must be a list of strings")
    return Article(
        id=_text_field(record, "id"),
        title=" ".join(title.split()),
        body=_clean(body).strip(),
        published=_parse_date(record.get("published")),
        source=_text_field(record, "source"),
        section=_text_field(record, "section"),
        url=_text_field(record, "url"),
        language=_text_field(record, "language"),
        categories=tuple(c.strip() for c in categories if c.strip()),
    )


def _clean(text: str) -> str:
    """Normalise newlines and drop control characters that only confuse tokenizers and HTML."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


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


def _text_field(record: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = record.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ParseError(f"missing field '{name}'")
        return None
    if not isinstance(value, str):
        raise ParseError(f"field '{name}' must be a string, got {type(value).__name__}")
    return value.strip()


def _parse_date(value: Any) -> date | None:
    """A `YYYY-MM-DD` or ISO 8601 date-time; null stays null (never invented)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ParseError(f"field 'published' must be a date string, got {type(value).__name__}")
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise ParseError(f"field 'published' is not an ISO date: {value[:40]!r}") from None
