"""CSV and TSV exports: a header row naming the columns, then one article per row."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator

from indexer.formats.fields import DEFAULT_FIELDS, FieldMap, read_record
from indexer.formats.records import Origin, ParseError, ParseFailure, Record, decode_utf8

# Article bodies easily pass the csv module's default 128 KiB cell limit.
csv.field_size_limit(min(sys.maxsize, 64 * 1024 * 1024))


def read_csv(
    data: bytes, path: str, fields: FieldMap = DEFAULT_FIELDS, *, delimiter: str = ","
) -> Iterator[Record]:
    """The articles of a CSV input; a bad row fails alone, a malformed file stops there."""
    try:
        text = decode_utf8(data)
    except ParseError as exc:
        yield ParseFailure(Origin(path), str(exc))
        return
    # strict: a quote left open by a truncated export is an error, not a silently merged row.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as exc:
        yield ParseFailure(Origin(path, 1), f"malformed CSV: {exc}")
        return
    missing = [fields[name] for name in ("title", "body") if fields[name] not in header]
    if missing:
        columns = ", ".join(repr(c) for c in missing)
        yield ParseFailure(Origin(path, 1), f"no column {columns} in the header row")
        return
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield ParseFailure(Origin(path, start), f"malformed CSV: {exc}")
            return
        if not any(cell.strip() for cell in row):
            continue
        origin = Origin(path, start)
        if len(row) != len(header):
            yield ParseFailure(origin, f"expected {len(header)} cells, got {len(row)}")
            continue
        yield read_record(dict(zip(header, row, strict=True)), origin, fields, csv_row=True)
