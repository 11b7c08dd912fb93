"""Copy an index of articles into a new one with the current mapping, without running NER again.

    .venv/bin/python bench/index_copy.py --from-alias bench-articles --alias rank-articles \
        [--source-url http://127.0.0.1:9200] [--if-outdated]

Every document of the source alias is read with a scroll and bulk-loaded into a new versioned
index behind `--alias` (on `ES_URL`; the source may sit on another engine, `--source-url`), with
what the current code derives from a stored article computed again (the suggestion inputs; the
mentions of an index loaded before they existed). The copy is refreshed, merged to one segment
as a settled read-only index would be, and the alias moved to it; earlier copies behind the alias
are deleted. Benchmarks use it to measure the current mapping on the articles `make bench-load`
left (`bench/search_latency.py`, `bench/relevance.py` on a copy).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, helpers

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from articles import ENTITY_TYPES, concrete_index_name, index_body, suggest_entries  # noqa: E402
from indexer.index.lifecycle import missing_fields  # noqa: E402

DEFAULT_ES_URL = "http://127.0.0.1:9200"


def copied_source(source: dict[str, Any]) -> dict[str, Any]:
    """A stored article as the current code would write it (derived fields computed again)."""
    doc = dict(source)
    for kind in ENTITY_TYPES:
        # Loaded before mentions existed: a name is its own mention, as the indexer writes it
        # until names are canonicalised.
        doc.setdefault(f"{kind}_mentions", list(doc.get(kind) or []))
    published = date.fromisoformat(doc["published"][:10]) if doc.get("published") else None
    doc["suggest"] = suggest_entries(doc.get("title") or "", published)
    return doc


def copy_alias(source: Elasticsearch, from_alias: str, target: Elasticsearch, alias: str) -> str:
    """Copy every article behind `from_alias` (on `source`) into a new index behind `alias`
    (on `target`) with the current mapping; returns the new index's name."""
    index = concrete_index_name(alias)
    target.indices.create(index=index, **index_body())

    def actions() -> Iterator[dict[str, Any]]:
        for hit in helpers.scan(source, index=from_alias, size=1000, preserve_order=False):
            yield {"_index": index, "_id": hit["_id"], "_source": copied_source(hit["_source"])}

    started = time.perf_counter()
    ok, errors = helpers.bulk(target, actions(), chunk_size=500, raise_on_error=False)
    target.indices.refresh(index=index)
    # A read-only benchmark index, merged as a settled production index would be.
    target.options(request_timeout=1800).indices.forcemerge(index=index, max_num_segments=1)
    current = target.options(ignore_status=404).indices.get_alias(name=alias)
    old = [] if current.meta.status == 404 else list(current.body)
    target.indices.update_aliases(
        actions=[
            *({"remove": {"index": name, "alias": alias}} for name in old),
            {"add": {"index": index, "alias": alias}},
        ]
    )
    if old:
        # Earlier copies made by this script; the source alias is never touched.
        target.indices.delete(index=old)
    failed = errors if isinstance(errors, int) else len(errors)
    print(f"built {alias} -> {index}: {ok} docs, {failed} errors, "
          f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
    return index


def outdated(client: Elasticsearch, alias: str) -> bool:
    """Whether `alias` is missing or lacks fields of the current mapping (then copy again)."""
    return not client.indices.exists_alias(name=alias) or bool(missing_fields(client, alias))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-alias", default="bench-articles")
    parser.add_argument("--alias", required=True)
    parser.add_argument("--source-url", help="the engine holding --from-alias (default: ES_URL)")
    parser.add_argument(
        "--if-outdated", action="store_true", help="only if the alias is missing or outdated"
    )
    args = parser.parse_args()
    es_url = os.environ.get("ES_URL", DEFAULT_ES_URL)
    target = Elasticsearch(es_url, request_timeout=120)
    if args.if_outdated and not outdated(target, args.alias):
        print(f"{args.alias} is up to date with the mapping")
        return 0
    source = Elasticsearch(args.source_url, request_timeout=120) if args.source_url else target
    copy_alias(source, args.from_alias, target, args.alias)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
