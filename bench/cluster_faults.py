"""Benchmark: which client settings lose no search while a node of the cluster dies or hangs.

Usage: ES_PORT=9410 python bench/cluster_faults.py [--nodes 3] [--alias bench-faults]
       [--source-url http://127.0.0.1:9200 --source-alias bench-articles] [--limit N]

Needs a local cluster started by `python -m engine start --nodes 3` with the same ES_PORT (this
script kills, pauses and restarts its nodes). The corpus is copied once from --source-alias
(read-only; bench/cluster_copy.py) into --alias on the cluster. Then several apps, each with
its own client settings, search through `/api/search` side by side, continuously, while:

1. the elected master is SIGKILLed (20 s), then restarted (the cluster back to green);
2. a node holding the articles' primary is SIGKILLed (20 s), then restarted;
3. that node is SIGSTOPped for 30 s (a long GC pause), then resumed.

For each variant and phase it prints searches, failures (by status), answers with a total that
differs from the total before any disruption, p50/p95/slowest, and writes them to
artifacts/bench/cluster-faults.json. A script, not a test: the chosen settings live in
search/es.py and tests/cluster/ checks them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.cluster_copy import cache_corpus, load_copy  # noqa: E402
from bench.search_latency import SEARCHES  # noqa: E402
from engine import ClusterConfig  # noqa: E402
from search import create_app  # noqa: E402
from search.config import Settings  # noqa: E402
from tests.cluster.disruption import LocalCluster, SearchLoop, Summary, searching  # noqa: E402

OUT = REPO / "artifacts" / "bench" / "cluster-faults.json"
TIMEOUT = 3.0
# The client settings compared; each runs in its own app beside the others.
VARIANTS: dict[str, dict[str, Any]] = {
    "no retries": {"max_retries": 0},
    "1 retry": {"max_retries": 1, "max_dead_node_backoff": 5.0},
    "1 retry, also on timeout": {
        "max_retries": 1,
        "retry_on_timeout": True,
        "max_dead_node_backoff": 5.0,
    },
    "1 retry, also on timeout, dead node backoff up to 30 s": {
        "max_retries": 1,
        "retry_on_timeout": True,
    },
    "2 retries, also on timeout": {
        "max_retries": 2,
        "retry_on_timeout": True,
        "max_dead_node_backoff": 5.0,
    },
    "2 retries, sniffing on failure": {
        "max_retries": 2,
        "max_dead_node_backoff": 5.0,
        "sniff_on_node_failure": True,
        "min_delay_between_sniffing": 1.0,
    },
}


def loop_for(
    urls: list[str], alias: str, options: dict[str, Any], queries: list[str]
) -> SearchLoop:
    """A search loop through an app of its own whose client has `options`."""
    client = Elasticsearch(urls, request_timeout=TIMEOUT, **options)
    settings = Settings(es_url=",".join(urls), index_alias=alias, es_timeout=TIMEOUT)
    web = create_app(settings, client=client).test_client()

    def search(q: str) -> tuple[int, int | None]:
        answer = web.get("/api/search", query_string={"q": q})
        body = answer.get_json(silent=True) or {}
        return answer.status_code, body.get("total")

    return SearchLoop(search, queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--alias", default="bench-faults")
    parser.add_argument("--source-url", default="http://127.0.0.1:9200")
    parser.add_argument("--source-alias", default="bench-articles")
    parser.add_argument("--limit", type=int, default=None, help="documents to copy")
    parser.add_argument("--kill-seconds", type=float, default=20.0)
    parser.add_argument("--pause-seconds", type=float, default=30.0)
    args = parser.parse_args()

    cluster = LocalCluster(ClusterConfig.from_env(args.nodes))
    es = cluster.client
    if not es.indices.exists_alias(name=args.alias):
        source = Elasticsearch(args.source_url, request_timeout=120)
        loaded = load_copy(
            es, args.alias, cache_corpus(source, args.source_alias), limit=args.limit
        )
        print(
            f"loaded {loaded.docs} docs into {loaded.index} in {loaded.seconds:.0f} s", flush=True
        )
    cluster.wait_green()
    index = next(iter(es.indices.get_alias(name=args.alias)))
    queries = [str(s["q"]) for s in SEARCHES if s.get("q") and len(s) == 1]
    # The totals with every node up, read through the same app the loops use.
    reference = loop_for(cluster.urls, args.alias, {}, queries)
    expected = {q: total for q in queries for status, total in [reference.search(q)] if total}
    queries = [q for q in queries if q in expected]
    loops = {
        name: loop_for(cluster.urls, args.alias, opts, queries) for name, opts in VARIANTS.items()
    }
    marks: list[tuple[str, float]] = []

    def phase(name: str) -> None:
        marks.append((name, time.monotonic()))
        print(f"{time.strftime('%H:%M:%S')} {name}", flush=True)

    with searching(list(loops.values())):
        phase("steady")
        time.sleep(5)
        master = cluster.master()
        phase(f"SIGKILL master {master}")
        cluster.kill(master)
        time.sleep(args.kill_seconds)
        phase(f"restart {master}")
        cluster.restart(master)
        cluster.wait_green()
        holders = cluster.primaries(index)
        master = cluster.master()
        victim = next((n for n in holders if n != master), holders[0])
        phase(f"SIGKILL primary holder {victim}")
        cluster.kill(victim)
        time.sleep(args.kill_seconds)
        phase(f"restart {victim}")
        cluster.restart(victim)
        cluster.wait_green()
        victim = cluster.primaries(index)[0]
        phase(f"SIGSTOP {victim} for {args.pause_seconds:.0f} s")
        cluster.pause(victim)
        try:
            time.sleep(args.pause_seconds)
        finally:
            cluster.resume(victim)
        phase(f"SIGCONT {victim}")
        cluster.wait_green()
        phase("healed")
        time.sleep(5)
        marks.append(("end", time.monotonic()))

    results: dict[str, dict[str, Any]] = {}
    for name, loop in loops.items():
        print(f"\n{name} {VARIANTS[name]}")
        results[name] = {}
        for (label, begin), (_, end) in itertools.pairwise(marks):
            answers = [a for a in loop.answers if begin <= a.sent < end]
            summary = Summary.of(answers, expected, slow=TIMEOUT)
            results[name][label] = asdict(summary)
            print(f"  {label:40} {summary}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"variants": VARIANTS, "results": results}, indent=2) + "\n")
    print(f"\nwritten to {OUT}")


if __name__ == "__main__":
    main()
