"""The benchmark corpus for cluster measurements: copied once from a loaded node, then re-loaded.

The shared corpora are loaded (with their entities) behind `bench-articles` by `make bench-load`.
`cache_corpus` reads them once, read-only, from that node into a JSON Lines file under
artifacts/ (no NER is run again), shaped for the current mapping as bench/search_latency.py
does; `load_copy` bulk-loads that file into a new index on any engine with the indexer's own
bulk loader, so load throughput is measured on the target alone.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, helpers

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from articles import concrete_index_name, index_body  # noqa: E402
from bench.index_copy import copied_source  # noqa: E402
from indexer.load.bulk import BulkItem, bulk_load  # noqa: E402

CACHE = REPO / "artifacts" / "bench" / "cluster-corpus.jsonl"


def cache_corpus(source: Elasticsearch, alias: str, path: Path = CACHE) -> Path:
    """Write every document of `alias` on `source` to `path` once (only reads from `source`)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        for hit in helpers.scan(source, index=alias, size=1000, preserve_order=False):
            line = {"_id": hit["_id"], "_source": copied_source(hit["_source"])}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    partial.replace(path)
    return path


def documents(path: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """The cached documents, `{"_id", "_source"}` each, the first `limit` of them."""
    with path.open(encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            if limit is not None and n >= limit:
                return
            yield json.loads(line)


@dataclass(frozen=True)
class Loaded:
    """An index loaded from the cache, and how fast."""

    index: str
    docs: int
    seconds: float

    @property
    def docs_per_second(self) -> float:
        """Bulk throughput, refresh included."""
        return self.docs / self.seconds


def load_copy(
    client: Elasticsearch,
    alias: str,
    path: Path,
    *,
    shards: int | None = None,
    limit: int | None = None,
) -> Loaded:
    """Load the cached documents into a new index behind `alias` (the old one is deleted).

    Timed from the first bulk request until every copy is searchable: refreshed, and green
    (so the replicas are written too).
    """
    index = concrete_index_name(alias)
    body = index_body()
    if shards is not None:
        body["settings"]["number_of_shards"] = shards
    client.indices.create(index=index, **body)
    client.cluster.health(index=index, wait_for_status="green", timeout="120s")
    items = (
        BulkItem({"_index": index, "_id": doc["_id"], "_source": doc["_source"]}, doc["_id"])
        for doc in documents(path, limit)
    )
    started = time.perf_counter()
    report = bulk_load(client, items)
    client.indices.refresh(index=index)
    client.cluster.health(index=index, wait_for_status="green", timeout="300s")
    seconds = time.perf_counter() - started
    if report.failures:
        raise SystemExit(f"{report.failed} documents failed: {report.failures[0]}")
    old = client.options(ignore_status=404).indices.get_alias(name=alias)
    previous = [] if old.meta.status == 404 else list(old.body)
    client.indices.update_aliases(
        actions=[
            *({"remove": {"index": name, "alias": alias}} for name in previous),
            {"add": {"index": index, "alias": alias, "is_write_index": True}},
        ]
    )
    if previous:
        client.indices.delete(index=previous)
    return Loaded(index, report.written, seconds)
