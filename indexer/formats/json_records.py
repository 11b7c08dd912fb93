"""JSON inputs: JSON Lines (one article per line) and JSON documents (an array of articles)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from indexer.formats.fields import DEFAULT_FIELDS, FieldMap, read_record
from indexer.formats.records import Origin, ParseError, ParseFailure, Record, decode_utf8

# Python's JSON parser recurses once per level of nesting; an article is never nested deeply.
TOO_DEEP = "invalid JSON: nested too deeply"


def read_json_lines(
    lines: Iterable[bytes], path: str, fields: FieldMap = DEFAULT_FIELDS
) -> Iterator[Record]:
    """The articles of a JSON Lines input, one per non-blank line; a bad line fails alone."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        origin = Origin(path, number)
        try:
            record = json.loads(decode_utf8(raw) if number == 1 else raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield ParseFailure(origin, f"not UTF-8 text (byte {exc.start})")
        except json.JSONDecodeError as exc:
            yield ParseFailure(origin, _json_reason(exc))
        except RecursionError:
            yield ParseFailure(origin, TOO_DEEP)
        except ParseError as exc:
            yield ParseFailure(origin, str(exc))
        else:
            yield read_record(record, origin, fields)


def read_json_document(
    data: bytes, path: str, fields: FieldMap = DEFAULT_FIELDS
) -> Iterator[Record]:
    """The articles of a JSON document: an array, `{"articles": [...]}`, or one object."""
    try:
        document = json.loads(decode_utf8(data))
    except ParseError as exc:
        yield ParseFailure(Origin(path), str(exc))
        return
    except json.JSONDecodeError as exc:
        # A truncated export fails as a whole: without its end, no record in it can be trusted.
        yield ParseFailure(Origin(path), _json_reason(exc))
        return
    except RecursionError:
        yield ParseFailure(Origin(path), TOO_DEEP)
        return
    for number, record in enumerate(_records(document), start=1):
        yield read_record(record, Origin(path, entry=number), fields)


def _records(document: Any) -> list[Any]:
    if isinstance(document, dict) and isinstance(document.get("articles"), list):
        return list(document["articles"])
    if isinstance(document, list):
        return document
    return [document]


def _json_reason(exc: json.JSONDecodeError) -> str:
    where = f"line {exc.lineno} column {exc.colno}" if exc.lineno > 1 else f"column {exc.colno}"
    # Some messages end in "at" already ("Unterminated string starting at").
    return f"invalid JSON: {exc.msg.removesuffix(' at')} at {where}"
