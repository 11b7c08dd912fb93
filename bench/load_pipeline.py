"""Benchmark: docs/s of the full load pipeline, of entity extraction alone, of bulk-loading alone.

Usage: python bench/load_pipeline.py [--limit N] [--workers 2] [--repeat K] [--bulk-repeat K]
       [PATH...]

(a) full pipeline: `run_load`, what `python -m indexer load` runs (parse, change check, NER in
    worker processes, bulk), into a fresh index behind the alias `bench-ingest`;
(b) entity extraction alone: parse and NER in the same worker processes, no engine;
(c) bulk-loading alone: the actions (b) built, sent with `bulk_load` into a fresh index;
    then, timed apart as (d), building the suggestions' names index from those articles
    (indexer/index/names.py), as a load does at its end.
All of them read the same articles, so their rates compare. Prints medians over the repeats
and the ratio a/b, and writes them to artifacts/bench-ingest.json. Needs a running engine
(ES_URL).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from indexer.documents import article_fields, to_action  # noqa: E402
from indexer.entities.found import Entities  # noqa: E402
from indexer.formats.inputs import ParsedArticle, read_inputs  # noqa: E402
from indexer.index.lifecycle import delete_all, ensure_index  # noqa: E402
from indexer.index.names import sync_names  # noqa: E402
from indexer.load.bulk import BulkItem, bulk_load  # noqa: E402
from indexer.load.fingerprint import provenance_of  # noqa: E402
from indexer.load.workers import extract_in_workers  # noqa: E402
from indexer.pipeline import LoadOptions, run_load  # noqa: E402

DEFAULT_INPUTS = [REPO.parent / "shared" / "corpus", REPO.parent / "shared" / "corpus-tehrantimes"]
ALIAS = "bench-ingest"


def subset(paths: list[Path], limit: int | None, into: Path) -> int:
    """The first `limit` readable articles of the inputs, as records in one JSON Lines file."""
    records = (r for r in read_inputs(paths) if isinstance(r, ParsedArticle))
    count = 0
    with into.open("w", encoding="utf-8") as out:
        for item in itertools.islice(records, limit):
            record = {"id": item.article.id, **article_fields(item.article)}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def extraction_alone(source: Path, workers: int) -> tuple[float, list[dict[str, Any]]]:
    """(b): seconds to parse and extract entities, and the bulk actions that result."""
    started = time.perf_counter()
    items = (r for r in read_inputs([source]) if isinstance(r, ParsedArticle))
    actions = [
        to_action(item.article, entities, provenance_of(item.article), index=ALIAS)
        for item, entities in extract_in_workers(items, workers=workers)
        if isinstance(entities, Entities)
    ]
    return time.perf_counter() - started, actions


def bulk_alone(client: Elasticsearch, actions: list[dict[str, Any]]) -> tuple[float, float, int]:
    """(c) seconds to bulk-load extracted actions into a fresh index, searchable; then
    (d) seconds to build the names index from them, and how many names it holds."""
    delete_all(client, ALIAS)
    ensure_index(client, ALIAS)
    started = time.perf_counter()
    report = bulk_load(client, (BulkItem(a, f"action {n}") for n, a in enumerate(actions)))
    client.indices.refresh(index=ALIAS)
    seconds = time.perf_counter() - started
    assert report.ok, report.failures[:3]
    synced = sync_names(client, ALIAS)
    return seconds, synced.seconds, synced.written


def full_pipeline(client: Elasticsearch, source: Path, workers: int) -> float:
    """(a): seconds for the whole load, from the file to searchable documents."""
    delete_all(client, ALIAS)
    ensure_index(client, ALIAS)
    started = time.perf_counter()
    report = run_load(client, [str(source)], LoadOptions(index=ALIAS, workers=workers))
    seconds = time.perf_counter() - started
    assert report.ok and report.aborted is None, (report.failures[:3], report.aborted)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=DEFAULT_INPUTS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--bulk-repeat", type=int, default=1, help="(c) runs per run: it is cheap, and noisy"
    )
    args = parser.parse_args()

    es_url = os.environ.get("ES_URL", "http://127.0.0.1:9200")
    client = Elasticsearch(es_url, request_timeout=120)
    runs: dict[str, list[float]] = {"full": [], "extract": [], "bulk": [], "bulk_then_names": []}
    names_seconds: list[float] = []
    names = 0
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "articles.jsonl"
        docs = subset(args.paths, args.limit, source)
        print(f"{docs} articles, {args.workers} NER workers, {args.repeat} run(s)", flush=True)
        try:
            for run in range(1, args.repeat + 1):
                seconds, actions = extraction_alone(source, args.workers)
                runs["extract"].append(docs / seconds)
                print(f"run {run}: (b) extraction alone {docs / seconds:8.1f} docs/s", flush=True)
                for _ in range(args.bulk_repeat):
                    seconds, naming, names = bulk_alone(client, actions)
                    runs["bulk"].append(docs / seconds)
                    runs["bulk_then_names"].append(docs / (seconds + naming))
                    names_seconds.append(naming)
                    print(
                        f"run {run}: (c) bulk alone       {docs / seconds:8.1f} docs/s; "
                        f"(d) names index {naming:.1f} s for {names} names "
                        f"({docs / (seconds + naming):.1f} docs/s with it)",
                        flush=True,
                    )
                del actions
                seconds = full_pipeline(client, source, args.workers)
                runs["full"].append(docs / seconds)
                print(f"run {run}: (a) full pipeline    {docs / seconds:8.1f} docs/s", flush=True)
        finally:
            delete_all(client, ALIAS)
    p50 = {name: statistics.median(values) for name, values in runs.items()}
    ratios = [full / extract for full, extract in zip(runs["full"], runs["extract"], strict=True)]
    figures = {
        "inputs": [str(p) for p in args.paths],
        "articles": docs,
        "limit": args.limit,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "repeat": args.repeat,
        "bulk_repeat": args.bulk_repeat,
        "docs_per_second": {name: [round(v, 1) for v in values] for name, values in runs.items()},
        "p50_docs_per_second": {name: round(v, 1) for name, v in p50.items()},
        "full_over_extract_p50": round(statistics.median(ratios), 3),
        "names": names,
        "names_index_seconds": [round(v, 2) for v in names_seconds],
    }
    print(json.dumps(figures, indent=2))
    out = REPO / "artifacts" / "bench-ingest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
