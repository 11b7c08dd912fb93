"""Every match of a search as CSV or JSON Lines, row by row (pure: rows and requests only).

The export reads the index through a point in time with `search_after`, one batch at a time, so
it reaches past the 10,000-hit window and holds one batch in memory whatever the total. CSV
cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
carriage return) are written with a leading apostrophe, as OWASP recommends; JSON Lines values
are data and are left as they are.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import Field

from articles import ENTITY_TYPES
from search.limits import MAX_TITLE_CHARS, capped
from search.params import ParamsModel
from search.query import sort_fields
from search.results import day, strings, text

ExportFormat = Literal["csv", "jsonl"]
# Matches read per request: a few hundred KB of metadata, so memory stays flat.
BATCH_SIZE = 1000
# How long the engine keeps the point in time between two batches.
KEEP_ALIVE = "2m"
COLUMNS = (
    "id",
    "title",
    "url",
    "source",
    "section",
    "published",
    "ingested_at",
    *ENTITY_TYPES,
    "categories",
)
_LISTS = frozenset({*ENTITY_TYPES, "categories"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPES: dict[str, str] = {"csv": "text/csv", "jsonl": "application/x-ndjson"}


class ExportParams(ParamsModel):
    """The file format of an export (the search itself is read as /api/search reads it)."""

    format: ExportFormat = Field(
        "jsonl", description="csv (spreadsheet-safe cells) or jsonl (one JSON object a line)."
    )


def export_row(hit: Mapping[str, Any]) -> dict[str, Any]:
    """One match as a row: stored values read defensively, lists kept as lists."""
    source: Mapping[str, Any] = hit.get("_source") or {}
    row: dict[str, Any] = {"id": str(hit.get("_id"))}
    for column in COLUMNS[1:]:
        value = source.get(column)
        if column in _LISTS:
            row[column] = strings(value)
        elif column == "title":
            row[column] = capped(text(value) or "", MAX_TITLE_CHARS)
        elif column == "published":
            row[column] = day(value)
        else:
            row[column] = text(value)
    return row


def safe_cell(value: object) -> str:
    """A CSV cell that no spreadsheet runs as a formula; lists joined with "; "."""
    if value is None:
        return ""
    cell = "; ".join(value) if isinstance(value, list) else str(value)
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def csv_header() -> bytes:
    """The CSV header row."""
    return _csv([list(COLUMNS)])


def csv_rows(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """Rows as CSV lines, every cell made safe."""
    return _csv([[safe_cell(row.get(column)) for column in COLUMNS] for row in rows])


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def jsonl_rows(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """Rows as JSON Lines."""
    return b"".join(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n" for row in rows)


def export_request(
    match: dict[str, Any], sort: str, pit_id: str, after: list[Any] | None
) -> dict[str, Any]:
    """One batch of an export: the matches after `after` in the point in time `pit_id`."""
    body: dict[str, Any] = {
        "query": match,
        "size": BATCH_SIZE,
        "sort": sort_fields(sort),  # type: ignore[arg-type]
        "pit": {"id": pit_id, "keep_alive": KEEP_ALIVE},
        "_source": list(COLUMNS[1:]),
        # Counting every match costs time and nothing reads it.
        "track_total_hits": False,
    }
    if after is not None:
        body["search_after"] = after
    return body
