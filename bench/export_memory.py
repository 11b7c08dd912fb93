"""Benchmark: /api/export streams every match in flat memory, past the 10,000-hit window.

Usage: python bench/export_memory.py [--es-url http://127.0.0.1:9200] [--alias bench-articles]

Read-only: it only searches the alias (default `bench-articles`, both shared corpora, left by
`make bench-load`). For two exports, about 10,000 articles (the oldest, up to the end of the
year that passes 10,000) and every article, it serves the app with gunicorn (one sync worker, as
`make run` serves it) on a free loopback port, warms the worker up, resets its peak-memory mark
(/proc/PID/clear_refs), streams `/api/export?format=jsonl`, checks that every id arrives exactly
once and that their number is the engine's count for the same query, and reads the worker's
peak RSS (VmHWM). Prints the figures and writes them to artifacts/bench/export-memory.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from elasticsearch import Elasticsearch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from search.matching import match_query  # noqa: E402
from search.params import SearchParams  # noqa: E402

OUT = REPO / "artifacts" / "bench" / "export-memory.json"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def worker_pid(master: int) -> int:
    """The gunicorn worker under `master` (one worker)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("no gunicorn worker")


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def ten_thousand_args(es: Elasticsearch, alias: str) -> dict[str, str]:
    """`to=` the end of the first year by which 10,000 articles were published (oldest first)."""
    years = es.search(
        index=alias,
        size=0,
        aggs={"y": {"date_histogram": {"field": "published", "calendar_interval": "year"}}},
    )["aggregations"]["y"]["buckets"]
    total = 0
    for bucket in years:
        total += bucket["doc_count"]
        if total >= 10_000:
            return {"to": f"{bucket['key_as_string'][:4]}-12-31"}
    return {}


def expected_count(es: Elasticsearch, alias: str, args: dict[str, str]) -> int:
    params = SearchParams.parse({"date_to": args["to"]} if "to" in args else {})
    return int(es.count(index=alias, query=match_query(params, alias))["count"])


def measure(es_url: str, alias: str, args: dict[str, str], expected: int) -> dict[str, Any]:
    url = f"127.0.0.1:{free_port()}"
    env = {**os.environ, "ES_URL": es_url, "INDEX_ALIAS": alias}
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", url, "--workers", "1", "search:create_app()"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://{url}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/search?q=iran", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        pid = worker_pid(server.pid)
        # Warm up the export path itself (imports, first point in time).
        urllib.request.urlopen(f"{base}/api/export?q=zzzzqqq", timeout=30).read()
        baseline = status_kb(pid, "VmRSS")
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset the peak (VmHWM)
        ids: set[str] = set()
        rows = 0
        size = 0
        started = time.perf_counter()
        query = urlencode({**args, "format": "jsonl"})
        with urllib.request.urlopen(f"{base}/api/export?{query}", timeout=600) as answer:
            for line in answer:
                rows += 1
                size += len(line)
                ids.add(json.loads(line)["id"])
        seconds = time.perf_counter() - started
        peak = status_kb(pid, "VmHWM")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert rows == len(ids) == expected, (rows, len(ids), expected)
    return {
        "query": args,
        "articles": rows,
        "unique_ids": len(ids),
        "engine_count": expected,
        "seconds": round(seconds, 2),
        "articles_per_s": round(rows / seconds),
        "mb": round(size / 1e6, 1),
        "rss_before_mb": round(baseline / 1024, 1),
        "peak_rss_mb": round(peak / 1024, 1),
        "peak_growth_mb": round((peak - baseline) / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--es-url", default=os.environ.get("ES_URL", "http://127.0.0.1:9200"))
    parser.add_argument("--alias", default="bench-articles")
    options = parser.parse_args()
    es = Elasticsearch(options.es_url, request_timeout=60)
    cases = [ten_thousand_args(es, options.alias), {}]
    results = []
    for args in cases:
        expected = expected_count(es, options.alias, args)
        result = measure(options.es_url, options.alias, args, expected)
        results.append(result)
        print(
            f"export of {result['articles']:,} articles ({result['mb']} MB JSON Lines) in "
            f"{result['seconds']} s ({result['articles_per_s']:,}/s), every id once; worker RSS "
            f"{result['rss_before_mb']} MB before, peak {result['peak_rss_mb']} MB "
            f"(+{result['peak_growth_mb']} MB)"
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
