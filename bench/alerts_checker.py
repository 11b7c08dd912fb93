"""Benchmark: the alerts checker's time per run with 1,000 saved searches over the 44k articles.

Usage: python bench/alerts_checker.py [--es-url http://127.0.0.1:9200] [--alias bench-articles]
                                       [--alerts 1000] [--new 1000]

The articles behind `--alias` are only read. Everything written goes to indices and aliases
named `alerts-bench-*`, deleted at the end: an alias `alerts-bench-<id>` over the articles'
index and a new index for the new articles (copies of stored ones under new ids, stamped now),
and that alias's alerts and matches indices. The saved searches are made through the app's API
(so each query is compiled by the search side, as in production) from what people search: the
held-out relevance queries, entity facet values, sources, date ranges and mixes of them.

Measured (the checker in this process, as `python -m indexer alerts run` calls it, webhooks off:
delivery is the receiver's cost): a run with nothing new (the steady cost of watching 1,000
searches), then a run after `--new` new articles, then one more with nothing new. Prints the
seconds per run, the matches found, and the cost per new article; writes
artifacts/bench/alerts-checker.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, helpers

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from relevance_gold import SPLITS, read_queries  # noqa: E402

from articles import concrete_index_name, index_body  # noqa: E402
from articles.alerts import alerts_alias, matches_alias, versioned_name  # noqa: E402
from indexer.alerts.run import CheckOptions, check_alerts  # noqa: E402
from search import create_app  # noqa: E402
from search.config import Settings  # noqa: E402

OUT = REPO / "artifacts" / "bench" / "alerts-checker.json"
PREFIX = "alerts-bench-"
KEY = "alerts-bench-key-0123456789"


def top_values(es: Elasticsearch, index: str, field: str, size: int) -> list[str]:
    buckets = es.search(index=index, size=0, aggs={"v": {"terms": {"field": field, "size": size}}})
    return [str(b["key"]) for b in buckets["aggregations"]["v"]["buckets"]]


def saved_searches(es: Elasticsearch, index: str, count: int) -> list[dict[str, Any]]:
    """`count` searches people would save: words, entities, sources, dates, and mixes."""
    rng = random.Random(20261130)
    words = [q.q for q in read_queries(SPLITS)]
    people = top_values(es, index, "person", 200)
    orgs = top_values(es, index, "organization", 150)
    places = top_values(es, index, "location", 150)
    sources = top_values(es, index, "source", 5)
    kinds = [
        lambda: {"q": rng.choice(words)},
        lambda: {"person": [rng.choice(people)]},
        lambda: {"organization": [rng.choice(orgs)]},
        lambda: {"location": rng.sample(places, 2)},
        lambda: {"q": rng.choice(words), "location": [rng.choice(places)]},
        lambda: {"q": f'"{rng.choice(people)}"', "source": [rng.choice(sources)]},
        lambda: {"q": f"{rng.choice(words)} -{rng.choice(places).split()[0]}"},
        lambda: {"person": [rng.choice(people)], "from": "2010-01-01"},
        lambda: {"q": f"loc:{rng.choice(places).split()[0]} {rng.choice(words)}"},
        lambda: {"organization": [rng.choice(orgs)], "location": [rng.choice(places)]},
    ]
    return [kinds[n % len(kinds)]() for n in range(count)]


def copies(es: Elasticsearch, source: str, target: str, count: int) -> list[dict[str, Any]]:
    """`count` stored articles under new ids, as new arrivals (stamped when written)."""
    hits = es.search(
        index=source,
        size=count,
        query={"function_score": {"random_score": {"seed": 7, "field": "_seq_no"}}},
        source_excludes=["suggest"],
    )["hits"]["hits"]
    return [
        {
            "_index": target,
            "_id": f"{PREFIX}{n}",
            "_source": {
                **hit["_source"],
                "id": f"{PREFIX}{n}",
                "ingested_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            },
        }
        for n, hit in enumerate(hits)
    ]


def timed_run(es: Elasticsearch, alias: str) -> dict[str, Any]:
    started = time.perf_counter()
    report = check_alerts(es, alias, CheckOptions())
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "alerts": report.alerts,
        "searches": report.searches,
        "new_matches": report.found,
        "found_again": report.repeated,
        "failed_alerts": len(report.failed_alerts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--es-url", default=os.environ.get("ES_URL", "http://127.0.0.1:9200"))
    parser.add_argument("--alias", default="bench-articles")
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--new", type=int, default=1000)
    options = parser.parse_args()
    es = Elasticsearch(options.es_url, request_timeout=120)
    [stored] = sorted(es.indices.get_alias(name=options.alias))
    alias = f"{PREFIX}{uuid.uuid4().hex[:8]}"
    arrivals = concrete_index_name(f"{alias}-new")
    created = [arrivals]
    try:
        es.indices.create(index=arrivals, **index_body())
        es.indices.update_aliases(
            actions=[
                {"add": {"index": stored, "alias": alias}},
                {"add": {"index": arrivals, "alias": alias, "is_write_index": True}},
            ]
        )
        created += [versioned_name(alerts_alias(alias)), versioned_name(matches_alias(alias))]
        app = create_app(
            Settings(es_url=options.es_url, index_alias=alias, api_key=KEY, es_timeout=30),
            client=es,
        )
        client = app.test_client()
        started = time.perf_counter()
        for n, search in enumerate(saved_searches(es, stored, options.alerts)):
            answer = client.post(
                "/api/alerts",
                json={"name": f"bench {n}", "search": search},
                headers={"X-API-Key": KEY},
            )
            assert answer.status_code == 201, answer.json
        creating = time.perf_counter() - started
        idle = timed_run(es, alias)
        helpers.bulk(es, copies(es, stored, arrivals, options.new), chunk_size=500)
        es.indices.refresh(index=arrivals)
        busy = timed_run(es, alias)
        again = timed_run(es, alias)
    finally:
        es.indices.update_aliases(actions=[{"remove": {"index": stored, "alias": alias}}])
        es.indices.delete(index=created, ignore_unavailable=True)
    per_article_ms = (busy["seconds"] - idle["seconds"]) / options.new * 1000
    result = {
        "alerts": options.alerts,
        "articles": int(es.count(index=options.alias)["count"]),
        "new_articles": options.new,
        "creating_alerts_s": round(creating, 1),
        "run_nothing_new": idle,
        "run_after_new": busy,
        "run_again_nothing_new": again,
        "ms_per_new_article": round(per_article_ms, 2),
        "ms_per_new_match": round(
            (busy["seconds"] - idle["seconds"]) / max(1, busy["new_matches"]) * 1000, 3
        ),
    }
    print(
        f"{options.alerts} saved searches over {result['articles']:,} articles "
        f"(created through the API in {result['creating_alerts_s']} s):\n"
        f"  run with nothing new: {idle['seconds']} s ({idle['searches']} searches)\n"
        f"  run after {options.new} new articles: {busy['seconds']} s, "
        f"{busy['new_matches']} new matches ({busy['searches']} searches)\n"
        f"  next run, nothing new: {again['seconds']} s, {again['new_matches']} new matches, "
        f"{again['found_again']} found again within the overlap\n"
        f"  per new article: {result['ms_per_new_article']} ms; "
        f"per new match: {result['ms_per_new_match']} ms"
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
