"""Benchmark: latency of /api/suggest and /api/search next to the same requests sent to the engine.

Usage: python bench/search_latency.py [--rounds 5] [--service URL] [--alias bench-search]

Without --service it serves the app itself with gunicorn on a free loopback port (INDEX_ALIAS set
to the alias). The alias is built first if missing or outdated (or with --rebuild): every
document of --from-alias (default `bench-articles`, both shared corpora; on --source-url if it
lives on another engine) is copied with the current mapping by bench/index_copy.py, and its
names index (the entity suggestions) is synced as a load does.

For every query of every round, the service request and the direct engine requests it makes
(built by the same pure functions) are timed back to back, so both see the same noise: the
search, and apart the lookup before it (search/lookup.py), whose round trip is the service's own
cost (the service keeps its answers a minute, so after the first round it mostly asks nothing).
Prints p50/p95/p99 and the service/engine ratios (against the search alone, and against the
search and the lookup), and writes them to artifacts/bench/search-latency.json.
This is a script, not a timed test: figures on a shared 2-core machine are noisy; compare ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import urllib3
from elasticsearch import Elasticsearch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from articles import names_alias  # noqa: E402
from bench.index_copy import copy_alias, outdated  # noqa: E402
from indexer.index.names import names_current, sync_names  # noqa: E402
from search.lookup import Lookup, build_lookup, read_lookup  # noqa: E402
from search.params import SearchParams  # noqa: E402
from search.query import build_search  # noqa: E402
from search.suggest import build_suggest, suggest_indices  # noqa: E402

# What people type into a news search: names, topics, phrases, typos, operators, prefixes,
# with facet selections and dates as the sidebar adds them.
SEARCHES: list[dict[str, Any]] = [
    {"q": "iran"},
    {"q": "iran nuclear deal"},
    {"q": "Karabakh ceasefire"},
    {"q": "election results"},
    {"q": "earthquake"},
    {"q": "oil prices"},
    {"q": "climate change"},
    {"q": "world cup"},
    {"q": "president"},
    {"q": "sanctions", "location": ["Iran"]},
    {"q": "protests", "location": ["Iran", "Iraq"]},
    {"q": "football", "sort": "newest"},
    {"q": "covid vaccine"},
    {"q": '"prime minister"'},
    {"q": '"supreme leader" -Trump'},
    {"q": "Iran OR Iraq"},
    {"q": "goverment corruption"},
    {"q": "ceasfire"},
    {"q": "presidnet election"},
    {"q": "earthquak"},
    {"q": 'person:"Donald Trump"'},
    {"q": "loc:Tehran economy"},
    {"q": "source:wikinews space"},
    {"q": "", "location": ["Iran"]},
    {"q": "", "source": ["Tehran Times"], "from": "2020-01-01", "to": "2020-12-31"},
    {"q": "trade", "person": ["Donald Trump"]},
    {"q": "Syria", "organization": ["United Nations"]},
    {"q": "hospital", "from": "2020-03-01", "to": "2020-04-15"},
    {"q": "Afghanistan Taliban"},
    {"q": "European Union", "page": "2"},
    {"q": ""},
    {"q": "missile test", "sort": "oldest"},
]
# Prefixes as they are typed, letter by letter in places.
PREFIXES = [
    "i", "ir", "ira", "iran", "te", "teh", "tehr", "tehran", "tr", "tru", "trump", "ka", "kar",
    "kara", "karab", "ele", "elec", "election", "un", "united", "united n", "khamenie", "obam",
    "oba", "cov", "covid", "wor", "world c", "pres", "president", "nasa", "ear", "earthq",
    "al", "ali", "syr", "foot", "olymp", "afgh", "pari",
]  # fmt: skip

SERVICE_PORT_WAIT_S = 30.0


def build_names(client: Elasticsearch, alias: str) -> None:
    """The entity suggestions of `alias`, synced as a load does, merged like the articles."""
    synced = sync_names(client, alias)
    target = names_alias(alias)
    client.options(request_timeout=1800).indices.forcemerge(index=target, max_num_segments=1)
    print(f"synced {target}: {synced.written} names written, {synced.deleted} deleted, "
          f"{synced.seconds:.0f} s", flush=True)  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve(alias: str, es_url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """Start gunicorn serving the app on a free loopback port; return it and its URL."""
    port = free_port()
    env = {**os.environ, "INDEX_ALIAS": alias, "ES_URL": es_url}
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
        "search:create_app()",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=REPO, env=env)
    url = f"http://127.0.0.1:{port}"
    wait_for_service(process, url)
    return process, url


def wait_for_service(process: subprocess.Popen[bytes], url: str) -> None:
    """Return once the service at `url` answers; stop `process` and exit if it never does."""
    http = urllib3.PoolManager()
    deadline = time.monotonic() + SERVICE_PORT_WAIT_S
    while time.monotonic() < deadline:
        try:
            if http.request("GET", url + "/healthz", retries=False).status == 200:
                return
        except urllib3.exceptions.HTTPError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("the service did not come up")


class Timer:
    """Keep-alive HTTP to the service and to the engine, timing whole round trips."""

    def __init__(self, service: str, es_url: str, alias: str) -> None:
        self.service = service
        self.es_url = es_url.rstrip("/")
        self.alias = alias
        self.http = urllib3.PoolManager(maxsize=4)

    def get(self, path: str) -> tuple[float, Any]:
        started = time.perf_counter()
        response = self.http.request("GET", self.service + path)
        body = json.loads(response.data)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status}: {body}")
        return elapsed, body

    def es(self, body: dict[str, Any], target: str | None = None) -> tuple[float, Any]:
        """POST `body` to `target` (`index/_search?params`; default: the alias's `_search`)."""
        path = target or self.alias + "/_search"
        return self._post(path, json.dumps(body).encode(), "application/json")

    def msearch(self, searches: list[dict[str, Any]]) -> tuple[float, Any]:
        """POST `searches` (header and body lines) to `_msearch`."""
        payload = "".join(json.dumps(line) + "\n" for line in searches).encode()
        return self._post("_msearch", payload, "application/x-ndjson")

    def _post(self, path: str, payload: bytes, content_type: str) -> tuple[float, Any]:
        """Time one engine request and its decoding; stop on an error status."""
        started = time.perf_counter()
        response = self.http.request(
            "POST",
            f"{self.es_url}/{path}",
            body=payload,
            headers={"Content-Type": content_type},
        )
        answer = json.loads(response.data)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"engine: HTTP {response.status}: {answer}")
        return elapsed, answer


class _Args:
    def __init__(self, pairs: dict[str, Any]) -> None:
        self.pairs = pairs

    def getlist(self, key: str) -> list[str]:
        value = self.pairs.get(key)
        return [] if value is None else list(value) if isinstance(value, list) else [value]


def direct_search(timer: Timer, query: dict[str, Any]) -> tuple[float, float]:
    """The engine requests /api/search makes for `query`: the lookup of its words (search/
    lookup.py, an `_msearch`), then the search; (search ms, lookup ms)."""
    params = SearchParams.from_args(_Args(query))
    lookup_ms = 0.0
    lookup = Lookup()
    if (searches := build_lookup(params.parsed, timer.alias)) is not None:
        lookup_ms, answer = timer.msearch(searches)
        lookup = read_lookup(params.parsed, answer["responses"])
    search_ms, _ = timer.es(build_search(params, timer.alias, lookup).to_dict())
    return search_ms, lookup_ms


def percentiles(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "p50": round(statistics.median(values), 2),
        "p95": round(cuts[94], 2),
        "p99": round(cuts[98], 2),
        "n": len(values),
    }


def run(timer: Timer, rounds: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {
        "suggest_service": [], "suggest_engine": [], "search_service": [], "search_engine": [],
        "search_engine_with_lookup": [], "search_lookup": [],
    }  # fmt: skip
    # What run_suggest sends: the articles and their names index in one request.
    suggest_target = f"{suggest_indices(timer.alias)}/_search?ignore_unavailable=true"
    for round_number in range(rounds + 1):
        record = round_number > 0  # the first round only warms caches and connections
        for i, prefix in enumerate(PREFIXES):
            # Alternate which goes first, so neither always gets the warmer caches.
            service_first = (i + round_number) % 2 == 0
            if service_first:
                service, _ = timer.get("/api/suggest?" + urlencode({"q": prefix}))
            engine, _ = timer.es(build_suggest(prefix), suggest_target)
            if not service_first:
                service, _ = timer.get("/api/suggest?" + urlencode({"q": prefix}))
            if record:
                samples["suggest_service"].append(service)
                samples["suggest_engine"].append(engine)
        for i, query in enumerate(SEARCHES):
            path = "/api/search?" + urlencode(query, doseq=True)
            service_first = (i + round_number) % 2 == 0
            if service_first:
                service, _ = timer.get(path)
            engine, lookup = direct_search(timer, query)
            if not service_first:
                service, _ = timer.get(path)
            if record:
                samples["search_service"].append(service)
                samples["search_engine"].append(engine)
                samples["search_engine_with_lookup"].append(engine + lookup)
                samples["search_lookup"].append(lookup)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--alias", default="bench-search")
    parser.add_argument("--from-alias", default="bench-articles")
    parser.add_argument("--source-url", help="the engine holding --from-alias (default: ES_URL)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the alias first")
    parser.add_argument("--service", help="URL of a running service (else gunicorn is started)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--out", type=Path, default=REPO / "artifacts" / "bench")
    args = parser.parse_args()

    es_url = os.environ.get("ES_URL", "http://127.0.0.1:9200")
    client = Elasticsearch(es_url, request_timeout=120)
    if args.rebuild or outdated(client, args.alias):
        source = Elasticsearch(args.source_url, request_timeout=120) if args.source_url else client
        copy_alias(source, args.from_alias, client, args.alias)
    if not names_current(client, args.alias):
        build_names(client, args.alias)
    docs = int(client.count(index=args.alias)["count"])

    process = None
    service = args.service
    if service is None:
        process, service = serve(args.alias, es_url, args.workers)
    try:
        samples = run(Timer(service, es_url, args.alias), args.rounds)
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)

    figures = {name: percentiles(values) for name, values in samples.items()}
    ratios = {
        kind: {
            p: round(figures[f"{kind}_service"][p] / figures[f"{kind}_engine"][p], 3)
            for p in ("p50", "p95", "p99")
        }
        for kind in ("suggest", "search")
    }
    # The lookup round trip is the service's own cost (issue 13): the ratio above compares
    # with the search request alone; this one with both engine requests.
    ratios["search_with_lookup"] = {
        p: round(figures["search_service"][p] / figures["search_engine_with_lookup"][p], 3)
        for p in ("p50", "p95", "p99")
    }
    report = {
        "docs": docs,
        "alias": args.alias,
        "rounds": args.rounds,
        "queries": {"suggest": len(PREFIXES), "search": len(SEARCHES)},
        "ms": figures,
        "service_over_engine": ratios,
        "targets": {
            "suggest_service_p95_ms": 30,
            "search_service_p95_ms": 80,
            "search_p95_ratio": 1.3,
        },
    }
    print(f"{docs} articles behind {args.alias}; {args.rounds} rounds")
    print(f"{'':18}{'p50':>9}{'p95':>9}{'p99':>9}   (ms)")
    for name, figure in figures.items():
        print(f"{name:18}{figure['p50']:9.1f}{figure['p95']:9.1f}{figure['p99']:9.1f}")
    for kind, ratio in ratios.items():
        print(f"{kind} service/engine: p50 {ratio['p50']}x  p95 {ratio['p95']}x  "
              f"p99 {ratio['p99']}x")  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "search-latency.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
