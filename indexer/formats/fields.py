"""Records with named fields (JSON objects, CSV rows) turned into articles, with renamed columns."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from articles import Article
from indexer.formats.dates import parse_date_field
from indexer.formats.records import (
    Origin,
    ParsedArticle,
    ParseError,
    ParseFailure,
    Record,
    clean_text,
    one_line,
    text_field,
    unexpected,
)

# The article fields an input record can carry (seeds/README.md); title and body are required.
FIELDS = ("id", "title", "body", "published", "url", "source", "section", "language", "categories")
# CSV has no lists: categories are one cell separated by semicolons or pipes.
_CATEGORY_SEPARATORS = re.compile(r"\s*[;|]\s*")


class FieldMap(Mapping[str, str]):
    """Which column (CSV) or key (JSON) holds each article field; unnamed fields keep their name."""

    def __init__(self, renames: Mapping[str, str] | None = None) -> None:
        renames = dict(renames or {})
        unknown = sorted(set(renames) - set(FIELDS))
        if unknown:
            raise ValueError(
                f"unknown article field {', '.join(map(repr, unknown))} "
                f"(fields: {', '.join(FIELDS)})"
            )
        self._columns = MappingProxyType({name: renames.get(name, name) for name in FIELDS})

    @classmethod
    def parse(cls, pairs: Iterable[str]) -> FieldMap:
        """From `FIELD=COLUMN` strings, as given on the command line."""
        renames: dict[str, str] = {}
        for pair in pairs:
            field, sep, column = pair.partition("=")
            if not sep or not field.strip() or not column.strip():
                raise ValueError(f"expected FIELD=COLUMN, got {pair!r}")
            renames[field.strip()] = column.strip()
        return cls(renames)

    def __getitem__(self, field: str) -> str:
        return self._columns[field]

    def __iter__(self) -> Any:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldMap) and dict(self._columns) == dict(other._columns)

    def __hash__(self) -> int:
        return hash(tuple(self._columns.items()))


DEFAULT_FIELDS = FieldMap()


def record_to_article(
    record: Any, fields: FieldMap = DEFAULT_FIELDS, *, csv_row: bool = False
) -> Article:
    """An article from one JSON object or CSV row, reading each field from its mapped column."""
    if not isinstance(record, dict):
        raise ParseError(f"expected a JSON object, got {type(record).__name__}")
    values = {name: record.get(column) for name, column in fields.items()}
    title = text_field(values, "title", required=True)
    body = text_field(values, "body", required=True)
    assert title is not None and body is not None  # required=True guarantees it
    return Article(
        id=text_field(values, "id"),
        title=one_line(title),
        body=clean_text(body).strip(),
        published=parse_date_field(values.get("published")),
        source=text_field(values, "source"),
        section=text_field(values, "section"),
        url=text_field(values, "url"),
        language=text_field(values, "language"),
        categories=_categories(values.get("categories"), split=csv_row),
    )


def read_record(
    record: Any, origin: Origin, fields: FieldMap = DEFAULT_FIELDS, *, csv_row: bool = False
) -> Record:
    """The article of one JSON object or CSV row, or the failure that says why there is none."""
    try:
        return ParsedArticle(record_to_article(record, fields, csv_row=csv_row), origin)
    except ParseError as exc:
        return ParseFailure(origin, str(exc))
    except Exception as exc:  # one odd record must not end the input: it fails alone
        return ParseFailure(origin, unexpected(exc))


def _categories(value: Any, *, split: bool) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if split and isinstance(value, str):
        value = _CATEGORY_SEPARATORS.split(value)
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise ParseError("field 'categories' must be a list of strings")
    return tuple(c.strip() for c in value if c.strip())
