"""The export: every match of the request's search, streamed from a point in time."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from elasticsearch import ApiError, Elasticsearch
from elasticsearch import ConnectionError as EsConnectionError
from flask import request

from search.config import get_settings
from search.es import get_es, get_lookup_cache
from search.export import (
    KEEP_ALIVE,
    ExportFormat,
    ExportParams,
    csv_header,
    csv_rows,
    export_request,
    export_row,
    jsonl_rows,
)
from search.lookup_pages import run_lookup
from search.matching import EXPORT_KEYS, Only, match_query
from search.params import SearchParams, first

# The stream outlives the request: no app context to log through.
_log = logging.getLogger(__name__)


def export_page() -> tuple[Iterator[bytes], ExportFormat]:
    """The request's search as a stream of file chunks, and the format they are in.

    The point in time is opened before the first byte is sent, so an engine that is down or an
    index that is missing is still answered with the usual error status.
    """
    settings = get_settings()
    params = SearchParams.from_args(
        Only(request.args, EXPORT_KEYS),
        default_size=settings.page_size,
        max_size=settings.max_page_size,
    )
    raw_format = first(request.args, "format")
    export = ExportParams.parse({"format": raw_format} if raw_format else {})
    client = get_es()
    index = settings.index_alias
    # What the search's list by date holds (every word), in the order asked for.
    match = match_query(params, index, run_lookup(client, params.parsed, index, get_lookup_cache()))
    pit_id = str(client.open_point_in_time(index=index, keep_alive=KEEP_ALIVE)["id"])
    chunks = run_export(client, pit_id, match, params.effective_sort, export)
    return chunks, export.format


def run_export(
    client: Elasticsearch,
    pit_id: str,
    match: dict[str, Any],
    sort: str,
    export: ExportParams,
) -> Iterator[bytes]:
    """Every match in `sort` order, one batch per request, as chunks of the file; the point in
    time is closed at the end, when the reader goes away too."""
    try:
        if export.format == "csv":
            yield csv_header()
        after: list[Any] | None = None
        while True:
            response = client.search(body=export_request(match, sort, pit_id, after)).body
            hits = response["hits"]["hits"]
            if not hits:
                return
            rows = [export_row(hit) for hit in hits]
            yield csv_rows(rows) if export.format == "csv" else jsonl_rows(rows)
            pit_id = str(response.get("pit_id") or pit_id)
            after = list(hits[-1]["sort"])
    finally:
        _close(client, pit_id)


def _close(client: Elasticsearch, pit_id: str) -> None:
    try:
        client.close_point_in_time(id=pit_id)
    except (ApiError, EsConnectionError) as exc:
        # It expires by itself after KEEP_ALIVE; nothing the reader can do about it.
        _log.warning("could not close an export's point in time: %s", exc)
