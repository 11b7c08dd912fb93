"""Benchmark: how many primary shards the articles index should have, on one node and on three.

Usage: ES_URL=http://127.0.0.1:9410,http://127.0.0.1:9411,http://127.0.0.1:9412 \\
       python bench/cluster_shards.py --label 3-nodes [--shards 1,2,3] [--rounds 5]
       [--source-url http://127.0.0.1:9200 --source-alias bench-articles] [--limit N]

For each shard count, the corpus (copied once, read-only, from --source-alias; see
bench/cluster_copy.py) is bulk-loaded with the indexer's loader into a new index behind
`bench-shards-<N>` with the production settings but that shard count (replicas as
`auto_expand_replicas` gives them: one on a cluster, none on one node), timed until refreshed
and green, then merged as a settled index is. Then the engine requests `/api/search` makes for
bench/search_latency.py's queries are timed against every index in turn, query by query, the
order rotating and the nodes taken round-robin, so that the machine's noise falls on each shard
count alike; the first round is discarded. Prints docs/s and search p50/p95/p99 per shard count
and writes them to artifacts/bench/cluster-shards-<label>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from itertools import cycle
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.cluster_copy import cache_corpus, load_copy  # noqa: E402
from bench.search_latency import SEARCHES, Timer, direct_search, percentiles  # noqa: E402


def alias_for(shards: int) -> str:
    return f"bench-shards-{shards}"


def search_latency(urls: list[str], counts: list[int], rounds: int) -> dict[int, dict[str, float]]:
    """p50/p95/p99 (ms) per shard count of the engine requests behind /api/search."""
    timers = {n: cycle([Timer("", url, alias_for(n)) for url in urls]) for n in counts}
    samples: dict[int, list[float]] = {n: [] for n in counts}
    for round_number in range(rounds + 1):
        for i, query in enumerate(SEARCHES):
            turn = (i + round_number) % len(counts)
            for n in counts[turn:] + counts[:turn]:
                elapsed = direct_search(next(timers[n]), query)
                if round_number > 0:  # the first round only warms caches and connections
                    samples[n].append(elapsed)
    return {n: percentiles(values) for n, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--label", required=True, help="names the output, e.g. 1-node")
    parser.add_argument("--shards", default="1,2,3")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--source-url", default="http://127.0.0.1:9200")
    parser.add_argument("--source-alias", default="bench-articles")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()

    urls = [u.strip() for u in os.environ.get("ES_URL", "").split(",") if u.strip()]
    if not urls:
        raise SystemExit("set ES_URL to the engine (or the cluster's nodes) to measure")
    client = Elasticsearch(urls, request_timeout=600, max_retries=3)
    corpus = cache_corpus(Elasticsearch(args.source_url, request_timeout=120), args.source_alias)
    nodes = int(client.cluster.health()["number_of_nodes"])
    counts = [int(n) for n in args.shards.split(",")]
    results: dict[str, Any] = {"label": args.label, "nodes": nodes, "shards": {}}
    try:
        for n in counts:
            loaded = load_copy(client, alias_for(n), corpus, shards=n, limit=args.limit)
            client.indices.forcemerge(index=loaded.index, max_num_segments=1)
            results["shards"][n] = {
                "docs": loaded.docs,
                "load_seconds": round(loaded.seconds, 1),
                "docs_per_second": round(loaded.docs_per_second),
            }
            print(f"{args.label}: {n} shards loaded: {results['shards'][n]}", flush=True)
        for n, figures in search_latency(urls, counts, args.rounds).items():
            results["shards"][n]["search_ms"] = figures
            print(f"{args.label}: {n} shards, search ms: {figures}", flush=True)
    finally:
        for n in counts:
            found = client.options(ignore_status=404).indices.get_alias(name=alias_for(n))
            if found.meta.status == 200:
                client.indices.delete(index=list(found.body))
    out = REPO / "artifacts" / "bench" / f"cluster-shards-{args.label}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
