"""Benchmark: where a search's time goes on a large index, and what sampled facets would save.

    ES_URL=http://127.0.0.1:9400 .venv/bin/python bench/scale_facets.py --alias scale-1000000 \
        [--rounds 5] [--sample 20000]

For each search of bench/search_latency.py, the engine request /api/search sends (with the
lookup's answer, search/lookup.py) is timed as it is, without its aggregations (facets and
timeline), with only its aggregations (size 0), with each facet's aggregation alone, and with
its aggregations under a `random_sampler` that reads about --sample of the hits (probability
--sample / hits, seeded; below 2 x --sample the request as sent). Variants are interleaved
round by round so they see the same noise. For the sampled requests it also reports how many
of each facet's exact top 10 values the sample's top 10 holds. Figures go to
artifacts/bench/scale-facets-<alias>.json. Engine only: the service is not involved.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from articles import FACETS  # noqa: E402
from bench.search_latency import SEARCHES, _Args  # noqa: E402
from search.lookup import Lookup, build_lookup, read_lookup  # noqa: E402
from search.params import SearchParams  # noqa: E402
from search.query import build_search  # noqa: E402

# random_sampler takes a probability below 0.5 (or exactly 1).
MAX_PROBABILITY = 0.49
# A fixed seed: the same search samples the same articles, so its counts do not flicker.
SEED = 20261130


def request(client: Elasticsearch, alias: str, query: dict[str, Any]) -> dict[str, Any]:
    """The search body /api/search sends for `query`, given the lookup it asks first."""
    params = SearchParams.from_args(_Args(query))
    lookup = Lookup()
    if (searches := build_lookup(params.parsed, alias)) is not None:
        lookup = read_lookup(params.parsed, client.msearch(searches=searches)["responses"])
    body: dict[str, Any] = build_search(params, alias, lookup).to_dict()
    return body


def variants(body: dict[str, Any], hits: int, sample: int) -> dict[str, dict[str, Any]]:
    """The request as sent and its variants, by name."""
    aggs = body.get("aggs") or {}
    bare = {key: value for key, value in body.items() if key != "aggs"}
    found = {
        "as_sent": body,
        "no_aggregations": bare,
        "aggregations_only": {**body, "size": 0},
    }
    for name in FACETS:
        if f"_filter_{name}" in aggs:
            found[f"only_{name}"] = {**body, "size": 0, "aggs": {name: aggs[f"_filter_{name}"]}}
    # Under the policy measured: sampled above 2 x `sample` hits, exact below.
    found["sampled"] = body
    if hits >= 2 * sample:
        sampler = {"probability": min(MAX_PROBABILITY, sample / hits), "seed": SEED}
        found["sampled"] = {**bare, "aggs": {"_sample": {"random_sampler": sampler, "aggs": aggs}}}
    return found


def top_values(aggs: dict[str, Any], name: str) -> list[str]:
    """The top values of one facet in a response's aggregations (sampled or not)."""
    facet = (aggs.get("_sample") or aggs).get(f"_filter_{name}", {}).get(name, {})
    return [str(bucket["key"]) for bucket in facet.get("buckets", [])]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alias", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sample", type=int, default=20_000, help="hits read by the sampler")
    parser.add_argument("--out", type=Path, default=REPO / "artifacts" / "bench")
    args = parser.parse_args()
    client = Elasticsearch(os.environ.get("ES_URL", "http://127.0.0.1:9200"), request_timeout=300)

    bodies = [request(client, args.alias, query) for query in SEARCHES]
    totals = [
        int(client.search(index=args.alias, body=body)["hits"]["total"]["value"]) for body in bodies
    ]
    samples: dict[str, list[float]] = {}
    overlap: list[float] = []
    for round_number in range(args.rounds + 1):
        for body, hits in zip(bodies, totals, strict=True):
            answers = {}
            for name, variant in variants(body, hits, args.sample).items():
                started = time.perf_counter()
                answers[name] = client.search(index=args.alias, body=variant, request_cache=False)
                if round_number:  # the first round only warms caches
                    samples.setdefault(name, []).append((time.perf_counter() - started) * 1000)
            if round_number == 1 and hits >= 2 * args.sample:
                exact, sampled = (
                    answers["as_sent"]["aggregations"],
                    answers["sampled"]["aggregations"],
                )
                for name in FACETS:
                    if wanted := top_values(exact, name):
                        kept = set(top_values(sampled, name)) & set(wanted)
                        overlap.append(len(kept) / len(wanted))

    def cut(values: list[float], share: int) -> float:
        return round(statistics.quantiles(values, n=100, method="inclusive")[share - 1], 1)

    result = {
        "alias": args.alias,
        "searches": len(bodies),
        "hits": {"median": statistics.median(totals), "max": max(totals)},
        "load_average": os.getloadavg(),
        "ms": {
            name: {"p50": round(statistics.median(v), 1), "p95": cut(v, 95), "n": len(v)}
            for name, v in samples.items()
        },
        "sampled_searches": sum(hits >= 2 * args.sample for hits in totals),
        "sampled_top10_overlap": round(statistics.mean(overlap), 3) if overlap else None,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"scale-facets-{args.alias}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "ms"}))
    for name, figure in result["ms"].items():
        print(f"  {name:24}{figure['p50']:9.1f}{figure['p95']:9.1f}  n={figure['n']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
