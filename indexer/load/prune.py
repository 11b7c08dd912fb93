"""Removing articles whose input no longer holds them (`load --prune`)."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan

from indexer.formats.fetch import is_url
from indexer.formats.inputs import input_name
from indexer.load.bulk import BulkItem, bulk_load
from indexer.load.report import LoadReport
from indexer.load.retry import DEFAULT_BACKOFF, Backoff


def scope_query(args: Iterable[str | Path], *, keep: Collection[str] = ()) -> dict[str, Any]:
    """The articles that came from the given inputs: files and URLs exactly, folders by prefix.

    `keep` names inputs left out: one that failed to read, in part or whole, says nothing about
    which of its articles are gone.
    """
    exact: list[str] = []
    prefixes: list[str] = []
    for arg in args:
        name = input_name(arg)
        if not is_url(name) and Path(name).is_dir():
            prefixes.append(name.rstrip(os.sep) + os.sep)
        else:
            exact.append(name)
    should: list[dict[str, Any]] = [{"prefix": {"origin": p}} for p in prefixes]
    if exact:
        should.append({"terms": {"origin": exact}})
    query: dict[str, Any] = {"should": should, "minimum_should_match": 1}
    if keep:
        query["must_not"] = [{"terms": {"origin": sorted(keep)}}]
    return {"bool": query}


def prune_missing(
    client: Elasticsearch,
    index: str,
    args: Iterable[str | Path],
    *,
    seen_ids: Collection[str],
    keep: Collection[str] = (),
    backoff: Backoff = DEFAULT_BACKOFF,
    report: LoadReport | None = None,
) -> dict[str, int]:
    """Delete the articles of the given inputs that this run did not see; counts per input."""
    report = report if report is not None else LoadReport()
    # Everything this run wrote must be visible to the scan, or it could look like a leftover.
    client.indices.refresh(index=index)
    gone: dict[str, int] = {}

    def deletions() -> Iterator[BulkItem[str]]:
        hits = scan(
            client,
            index=index,
            query={"query": scope_query(args, keep=keep), "_source": ["origin"]},
            size=1_000,
        )
        for hit in hits:
            if hit["_id"] in seen_ids:
                continue
            origin = str(hit["_source"].get("origin") or "?")
            gone[origin] = gone.get(origin, 0) + 1
            yield BulkItem(
                {"_op_type": "delete", "_index": hit["_index"], "_id": hit["_id"]}, origin
            )

    bulk_load(client, deletions(), report=report, backoff=backoff)
    client.indices.refresh(index=index)
    return gone


def prune_inputs(
    client: Elasticsearch,
    index: str,
    args: Iterable[str | Path],
    *,
    seen_ids: Collection[str],
    report: LoadReport,
    backoff: Backoff = DEFAULT_BACKOFF,
) -> None:
    """Prune after a load: per input, except those `report` saw fail; counted in `report`."""
    failed = {name for name, summary in report.inputs.items() if summary.failed}
    pruning = LoadReport()
    gone = prune_missing(
        client, index, args, seen_ids=seen_ids, keep=failed, backoff=backoff, report=pruning
    )
    for origin, count in gone.items():
        report.input_summary(origin).pruned += count
    report.pruned += pruning.written
    report.failures.extend(pruning.failures)
