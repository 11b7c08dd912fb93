"""Benchmark: /api/search at 1, 8 and 32 concurrent clients next to the identical engine requests.

Usage: python bench/throughput.py [--clients 1,8,32] [--seconds 8] [--rounds 2]
       [--serving sync:2,gthread:2x8] [--modes repeated,distinct] [--alias bench-search]

For each serving model (gunicorn worker class, workers and threads; the app is started on a
free loopback port with INDEX_ALIAS set to the alias, built as bench/search_latency.py builds
it) and each number of clients, phases of --seconds alternate between the service and the
engine, --rounds times each, the side that goes first alternating: both see the same noise.
Each client sends its next request as soon as the last one is answered (a closed loop), over
one keep-alive connection.

What one "request" is on each side:
- service: `GET /api/search?...`;
- engine: every request the service sends for that page, in the same order, built by the same
  pure functions (search/lookup.py, search/query.py), prepared before the phase so that the
  load generator spends no time building them: the lookup `_msearch` when the service sends it,
  then the search.

Two kinds of query stream, since the service keeps each lookup a minute per process:
- `repeated`: bench/search_latency.py's 32 searches (names, phrases, typos, operators, facet
  selections, dates) over and over. After a warm-up the service answers the lookups from its
  cache, so the engine side sends the searches alone; the lookups the service still sent are
  counted (the engine's query count over the phase) and printed.
- `distinct`: 1 to 3 consecutive words of the stored titles (the last one sometimes cut, as
  when typing), each query sent once in the whole run, by one side only: every service request
  sends its lookup, and the engine side sends lookup and search. The engine-side bodies are
  prepared with `request_cache: false` so the engine's shard request cache is not warmed by the
  preparation.

With --pin ENGINE:APP (CPU lists, e.g. `--pin 0:1`) the engine's threads run on the first CPUs
and the load generator and the service on the others, as if the engine had a machine of its
own, as it has in any real deployment: on 2 shared cores the service's own CPU otherwise comes
out of the engine's, so its rate can never reach the engine's (README, "Throughput"). Both
sides are measured under the same pinning; it is undone at the end.

Prints p50/p95/p99 latency (ms), requests/s and the service/engine ratios per phase pair
(medians over rounds), and writes everything to artifacts/bench/throughput.json.
This is a script, not a timed test: figures on a shared machine are noisy; compare ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import urllib3
from elasticsearch import Elasticsearch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.index_copy import copy_alias, outdated  # noqa: E402
from bench.search_latency import (  # noqa: E402
    SEARCHES,
    _Args,
    build_names,
    free_port,
    percentiles,
    wait_for_service,
)
from indexer.index.names import names_current  # noqa: E402
from search.lookup import Lookup, build_lookup, read_lookup  # noqa: E402
from search.params import SearchParams  # noqa: E402
from search.query import build_search  # noqa: E402

JSON = {"Content-Type": "application/json"}
NDJSON = {"Content-Type": "application/x-ndjson"}
# Words of titles that make no query on their own.
_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP = frozenset(
    ("the", "and", "for", "with", "from", "that", "this", "are", "was", "were", "has", "have",
     "had", "not", "but", "its", "his", "her", "they", "their", "after", "over", "into",
     "about", "says", "said", "will", "new", "more", "than", "what", "who", "how", "why", "when")
)  # fmt: skip


@dataclass(frozen=True)
class Serving:
    """A gunicorn serving model: worker class, worker processes and threads per worker."""

    worker_class: str
    workers: int
    threads: int = 1
    # The checkout served (another commit's code, for a before/after in one run).
    app_dir: Path = REPO

    @classmethod
    def parse(cls, text: str) -> Serving:
        """`sync:4`, `gthread:2x8`, `sync:2@/tmp/main` (the app of another checkout)."""
        model, _, app_dir = text.partition("@")
        kind, _, size = model.partition(":")
        workers, _, threads = size.partition("x")
        return cls(kind, int(workers), int(threads or 1), Path(app_dir) if app_dir else REPO)

    @property
    def name(self) -> str:
        """How it is written on the command line."""
        name = f"{self.worker_class}:{self.workers}" + (
            f"x{self.threads}" if self.worker_class == "gthread" else ""
        )
        return name if self.app_dir == REPO else f"{name}@{self.app_dir}"

    def command(self, port: int) -> list[str]:
        """The gunicorn command line serving the app on `port`."""
        return [
            str(Path(sys.executable).with_name("gunicorn")),
            "--worker-class", self.worker_class, "--workers", str(self.workers),
            "--threads", str(self.threads), "--bind", f"127.0.0.1:{port}",
            "--log-level", "warning", "search:create_app()",
        ]  # fmt: skip


@dataclass(frozen=True)
class EngineRequest:
    """One engine request, ready to send: method path and body bytes."""

    path: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Page:
    """One search page: the service's URL and the engine requests the service sends for it."""

    url: str
    lookup: EngineRequest | None
    search: EngineRequest

    def engine_requests(self, *, with_lookup: bool) -> list[EngineRequest]:
        """The engine side of this page (with or without its lookup)."""
        if with_lookup and self.lookup is not None:
            return [self.lookup, self.search]
        return [self.search]


@dataclass
class Phase:
    """One timed phase: latencies (ms) and how long it ran."""

    side: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0
    engine_queries: int = 0
    # CPU seconds over the phase: the service's processes, the engine's, this load generator's.
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Requests answered per second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def start_service(serving: Serving, alias: str, es_url: str) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn with `serving` on a free loopback port; the process and its URL."""
    port = free_port()
    env = {**os.environ, "INDEX_ALIAS": alias, "ES_URL": es_url}
    process = subprocess.Popen(serving.command(port), cwd=serving.app_dir, env=env)
    url = f"http://127.0.0.1:{port}"
    wait_for_service(process, url)
    return process, url


def prepare(
    es: urllib3.HTTPConnectionPool, alias: str, query: dict[str, Any], *, cold: bool
) -> Page:
    """The page of `query`: its URL and the engine requests the service sends for it.

    The lookup is asked here to build the search from its answer; with `cold`, bypassing the
    engine's request cache, so that the phase's own lookup finds it cold as the service's does.
    """
    params = SearchParams.from_args(_Args(query))
    lookup = Lookup()
    lookup_request = None
    if (searches := build_lookup(params.parsed, alias)) is not None:
        body = "".join(json.dumps(line) + "\n" for line in searches).encode()
        lookup_request = EngineRequest("/_msearch", body, NDJSON)
        # Headers are the even lines; `request_cache` is a header's setting in an _msearch.
        asked = [
            {**line, "request_cache": False} if cold and i % 2 == 0 else line
            for i, line in enumerate(searches)
        ]
        payload = "".join(json.dumps(line) + "\n" for line in asked).encode()
        answer = json.loads(es.request("POST", "/_msearch", body=payload, headers=NDJSON).data)
        lookup = read_lookup(params.parsed, answer["responses"])
    body = json.dumps(build_search(params, alias, lookup).to_dict()).encode()
    return Page(
        url="/api/search?" + urlencode(query, doseq=True),
        lookup=lookup_request,
        search=EngineRequest(f"/{alias}/_search", body, JSON),
    )


def title_queries(
    client: Elasticsearch, alias: str, count: int, seed: int, seen: set[tuple[str, ...]]
) -> list[dict[str, Any]]:
    """`count` queries of 1 to 3 consecutive title words, some with the last word cut short as
    while typing, none of them in `seen` (added to it): their lookups differ from any other's."""
    rng = random.Random(seed)
    answer = client.search(
        index=alias,
        size=5000,
        source_includes=["title"],
        query={"function_score": {"random_score": {"seed": seed, "field": "_seq_no"}}},
    )
    titles = [hit["_source"].get("title") or "" for hit in answer["hits"]["hits"]]
    queries: list[dict[str, Any]] = []
    for _ in range(count * 20):
        words = [w for w in _WORD.findall(rng.choice(titles)) if w.lower() not in _STOP]
        if not words:
            continue
        length = rng.choice((1, 2, 2, 3))
        start = rng.randrange(max(1, len(words) - length + 1))
        chosen = [w.lower() for w in words[start : start + length]]
        if rng.random() < 0.25 and len(chosen[-1]) > 4:
            chosen[-1] = chosen[-1][: rng.randrange(3, len(chosen[-1]))]
        key = tuple(chosen)
        if key not in seen:
            seen.add(key)
            queries.append({"q": " ".join(chosen)})
        if len(queries) == count:
            break
    return queries


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user and system) the processes `pids` have used, from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def children(pid: int) -> list[int]:
    """`pid` and its child processes (gunicorn's master and workers)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def engine_pid(es: urllib3.HTTPConnectionPool) -> int:
    """The process id of the engine node answering at `es`."""
    nodes = json.loads(es.request("GET", "/_nodes/_local/process").data)["nodes"]
    return int(next(iter(nodes.values()))["process"]["id"])


def engine_query_total(es: urllib3.HTTPConnectionPool, alias: str) -> int:
    """Shard-level queries the engine has run on `alias` (lookups count one per search)."""
    stats = json.loads(es.request("GET", f"/{alias}/_stats/search").data)
    return int(stats["_all"]["primaries"]["search"]["query_total"])


def run_phase(
    side: str,
    clients: int,
    seconds: float,
    send: Callable[[urllib3.HTTPConnectionPool, int], bool],
    make_pool: Callable[[], urllib3.HTTPConnectionPool],
) -> Phase:
    """`clients` closed-loop clients calling `send(pool, n)` for `seconds`; n counts requests
    across clients (the stream position)."""
    phase = Phase(side, clients)
    counter = itertools.count()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    start = threading.Barrier(clients + 1)
    exhausted: list[str] = []

    def client() -> None:
        pool = make_pool()
        mine: list[float] = []
        errors = 0
        start.wait()
        while time.monotonic() < stop_at:
            n = next(counter)
            began = time.perf_counter()
            try:
                ok = send(pool, n)
            except StreamExhaustedError as exc:
                # A thread cannot end the run itself; the phase reports it once all have stopped.
                exhausted.append(str(exc))
                break
            mine.append((time.perf_counter() - began) * 1000)
            errors += not ok
        with lock:
            phase.latencies.extend(mine)
            phase.errors += errors

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join()
    phase.seconds = time.monotonic() - began
    if exhausted:
        raise SystemExit(exhausted[0])
    return phase


class StreamExhaustedError(Exception):
    """A distinct stream has no page left (raised in a client thread, re-raised after the phase)."""


class Stream:
    """The pages of one mode, handed out in order; `distinct` ones never twice."""

    def __init__(self, pages: list[Page], *, distinct: bool) -> None:
        self.pages = pages
        self.distinct = distinct
        self.offset = 0

    def take(self, n: int) -> Page:
        """The page for request `n` of the current phase."""
        if self.distinct:
            index = self.offset + n
            if index >= len(self.pages):
                raise StreamExhaustedError("distinct queries ran out: raise --distinct-queries")
            return self.pages[index]
        return self.pages[n % len(self.pages)]

    def advance(self, used: int) -> None:
        """After a phase that used `used` pages."""
        if self.distinct:
            self.offset += used


def measure(
    service: str,
    es_url: str,
    alias: str,
    service_stream: Stream,
    engine_stream: Stream,
    clients: int,
    seconds: float,
    rounds: int,
    *,
    engine_lookups: bool,
    service_pid: int,
) -> list[tuple[Phase, Phase]]:
    """`rounds` pairs of a service phase and an engine phase, alternating which goes first."""
    counter_pool = urllib3.connection_from_url(es_url)
    engine = engine_pid(counter_pool)
    service_pids = children(service_pid)

    def cpu_now() -> dict[str, float]:
        return {
            "service": cpu_seconds(service_pids),
            "engine": cpu_seconds([engine]),
            "load": time.process_time(),
        }

    def service_pool() -> urllib3.HTTPConnectionPool:
        return urllib3.connection_from_url(service, maxsize=1)

    def engine_pool() -> urllib3.HTTPConnectionPool:
        return urllib3.connection_from_url(es_url, maxsize=1)

    def send_service(pool: urllib3.HTTPConnectionPool, n: int) -> bool:
        response = pool.request("GET", service_stream.take(n).url)
        return response.status == 200

    def send_engine(pool: urllib3.HTTPConnectionPool, n: int) -> bool:
        ok = True
        for request in engine_stream.take(n).engine_requests(with_lookup=engine_lookups):
            answer = pool.request("POST", request.path, body=request.body, headers=request.headers)
            ok = ok and answer.status == 200
        return ok

    pairs: list[tuple[Phase, Phase]] = []
    for round_number in range(rounds):
        done: dict[str, Phase] = {}
        order = ("service", "engine") if round_number % 2 == 0 else ("engine", "service")
        for side in order:
            before = engine_query_total(counter_pool, alias)
            cpu_before = cpu_now()
            if side == "service":
                phase = run_phase(side, clients, seconds, send_service, service_pool)
                service_stream.advance(len(phase.latencies) + clients)
            else:
                phase = run_phase(side, clients, seconds, send_engine, engine_pool)
                engine_stream.advance(len(phase.latencies) + clients)
            phase.cpu = {name: used - cpu_before[name] for name, used in cpu_now().items()}
            phase.engine_queries = engine_query_total(counter_pool, alias) - before
            done[side] = phase
        pairs.append((done["service"], done["engine"]))
    return pairs


def summary(pairs: list[tuple[Phase, Phase]]) -> dict[str, Any]:
    """Latency percentiles over all phases of each side, rates and ratios (medians over pairs)."""
    service = [s for s, _ in pairs]
    engine = [e for _, e in pairs]
    out: dict[str, Any] = {}
    for name, phases in (("service", service), ("engine", engine)):
        values = [v for phase in phases for v in phase.latencies]
        requests = sum(len(phase.latencies) for phase in phases)
        out[name] = {
            "ms": percentiles(values),
            "requests_per_s": round(statistics.median(phase.rate for phase in phases), 1),
            "rates": [round(phase.rate, 1) for phase in phases],
            "errors": sum(phase.errors for phase in phases),
            "engine_queries_per_request": round(
                sum(phase.engine_queries for phase in phases) / max(1, requests), 2
            ),
            # CPU milliseconds per request: what serving one costs, whatever else runs.
            "cpu_ms_per_request": {
                part: round(sum(phase.cpu[part] for phase in phases) * 1000 / max(1, requests), 2)
                for part in ("service", "engine", "load")
            },
        }
    out["rate_ratio"] = round(statistics.median(s.rate / e.rate for s, e in pairs if e.rate), 3)
    out["p50_ratio"] = round(out["service"]["ms"]["p50"] / out["engine"]["ms"]["p50"], 3)
    out["p95_ratio"] = round(out["service"]["ms"]["p95"] / out["engine"]["ms"]["p95"], 3)
    return out


def pages_for(es_url: str, alias: str, queries: list[dict[str, Any]], *, cold: bool) -> list[Page]:
    """The pages of `queries`, prepared by a few threads."""
    local = threading.local()

    def one(query: dict[str, Any]) -> Page:
        if not hasattr(local, "pool"):
            local.pool = urllib3.connection_from_url(es_url, maxsize=1)
        return prepare(local.pool, alias, query, cold=cold)

    with ThreadPoolExecutor(4) as executor:
        return list(executor.map(one, queries))


def run_mode(
    mode: str, serving: Serving, args: argparse.Namespace, es_url: str, client: Elasticsearch
) -> dict[str, Any]:
    """Every client count of one mode against one serving model."""
    rng = random.Random(args.seed)
    distinct = mode == "distinct"
    if distinct:
        # Fresh queries for each serving model too: the engine would have cached the lookups.
        args.seed += 1
        queries = title_queries(
            client, args.alias, args.distinct_queries * 2, args.seed, args.queries_seen
        )
        rng.shuffle(queries)
        half = len(queries) // 2
        service_pages = [
            Page("/api/search?" + urlencode(q), None, EngineRequest("", b"", {}))
            for q in queries[:half]
        ]
        started = time.monotonic()
        engine_pages = pages_for(es_url, args.alias, queries[half:], cold=True)
        print(f"  prepared {len(engine_pages)} engine pages in {time.monotonic() - started:.0f} s")
    else:
        service_pages = engine_pages = pages_for(es_url, args.alias, SEARCHES, cold=False)
    service_stream = Stream(service_pages, distinct=distinct)
    engine_stream = Stream(engine_pages, distinct=distinct)
    process, service = start_service(serving, args.alias, es_url)
    results: dict[str, Any] = {}
    try:
        if not distinct:
            # Every worker's lookup cache warm (and the engine's own caches, both sides).
            warm = Stream(service_pages, distinct=False)
            http = urllib3.PoolManager(maxsize=16)

            def warm_one(n: int) -> None:
                # A connection per request: a kept-alive one would stay with one worker.
                http.request("GET", service + warm.take(n).url, headers={"Connection": "close"})

            with ThreadPoolExecutor(8) as executor:
                list(executor.map(warm_one, range(len(service_pages) * 6 * serving.workers)))
        for clients in args.clients:
            pairs = measure(
                service, es_url, args.alias, service_stream, engine_stream, clients,
                args.seconds, args.rounds, engine_lookups=distinct, service_pid=process.pid,
            )  # fmt: skip
            results[str(clients)] = summary(pairs)
            show(mode, serving, clients, results[str(clients)])
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    return results


def show(mode: str, serving: Serving, clients: int, figures: dict[str, Any]) -> None:
    """One block of printed figures."""
    print(f"{mode:9} {serving.name:13} {clients:3} clients")
    for side in ("service", "engine"):
        s = figures[side]
        ms = s["ms"]
        print(
            f"    {side:8} {s['requests_per_s']:7.1f}/s  p50 {ms['p50']:6.1f}  p95 {ms['p95']:6.1f}"
            f"  p99 {ms['p99']:6.1f} ms  n={ms['n']} errors={s['errors']}"
            f"  engine queries/request {s['engine_queries_per_request']}"
        )
        cpu = s["cpu_ms_per_request"]
        print(
            f"             CPU ms/request: service {cpu['service']:.2f}  engine {cpu['engine']:.2f}"
            f"  load generator {cpu['load']:.2f}"
        )
    print(
        f"    service/engine: requests/s {figures['rate_ratio']}x  p50 {figures['p50_ratio']}x"
        f"  p95 {figures['p95_ratio']}x",
        flush=True,
    )


def cpu_list(text: str) -> set[int]:
    """CPUs written as `0`, `0,1` or `0-3`."""
    cpus: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        cpus.update(range(int(first), int(last or first) + 1))
    return cpus


def pin(client: Elasticsearch, engine_cpus: set[int], app_cpus: set[int]) -> Callable[[], None]:
    """Run the engine's threads on `engine_cpus` and this process (the load generator, and the
    services it starts later) on `app_cpus`; return what undoes it.

    Must be called before this process starts any thread: Linux sets a thread's affinity, and
    threads and processes inherit it from the one that makes them.
    """
    nodes = client.nodes.info(node_id="_local", metric="process")["nodes"]
    pid = int(next(iter(nodes.values()))["process"]["id"])
    tasks = Path(f"/proc/{pid}/task")
    if not tasks.exists():
        raise SystemExit("--pin: the engine does not run on this machine")
    everything = os.sched_getaffinity(0)

    def engine_on(cpus: set[int]) -> None:
        for task in tasks.iterdir():
            # A thread may end meanwhile.
            with contextlib.suppress(ProcessLookupError):
                os.sched_setaffinity(int(task.name), cpus)

    engine_on(engine_cpus)
    os.sched_setaffinity(0, app_cpus)

    def undo() -> None:
        engine_on(everything)
        os.sched_setaffinity(0, everything)

    return undo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,8,32", help="comma-separated client counts")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one phase")
    parser.add_argument("--rounds", type=int, default=2, help="phase pairs per client count")
    parser.add_argument("--serving", default="gthread:2x8", help="comma-separated models")
    parser.add_argument("--modes", default="repeated,distinct")
    parser.add_argument("--distinct-queries", type=int, default=6000, help="per side")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--alias", default="bench-search")
    parser.add_argument("--from-alias", default="bench-articles")
    parser.add_argument("--source-url", help="the engine holding --from-alias (default: ES_URL)")
    parser.add_argument("--label", default="", help="added to the artifact's name")
    parser.add_argument("--out", type=Path, default=REPO / "artifacts" / "bench")
    parser.add_argument("--pin", help="ENGINE:APP CPU lists, e.g. 0:1 (see above)")
    args = parser.parse_args()
    args.clients = [int(n) for n in args.clients.split(",")]
    args.queries_seen = set()
    # Stopped by a signal, the bench still stops the service it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    es_url = os.environ.get("ES_URL", "http://127.0.0.1:9200").split(",")[0]
    client = Elasticsearch(es_url, request_timeout=120)
    unpin: Callable[[], None] = lambda: None  # noqa: E731
    if args.pin:
        engine_cpus, _, app_cpus = args.pin.partition(":")
        unpin = pin(client, cpu_list(engine_cpus), cpu_list(app_cpus))
    try:
        return run_all(args, es_url, client)
    finally:
        unpin()


def run_all(args: argparse.Namespace, es_url: str, client: Elasticsearch) -> int:
    """Prepare the index, run every serving model and mode, write the report."""
    if outdated(client, args.alias):
        source = Elasticsearch(args.source_url, request_timeout=120) if args.source_url else client
        copy_alias(source, args.from_alias, client, args.alias)
    if not names_current(client, args.alias):
        build_names(client, args.alias)
    docs = int(client.count(index=args.alias)["count"])
    print(f"{docs} articles behind {args.alias}; phases of {args.seconds:.0f} s, "
          f"{args.rounds} per side")  # fmt: skip

    report: dict[str, Any] = {
        "docs": docs,
        "alias": args.alias,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "pin": args.pin,
        "load_before": os.getloadavg(),
        "results": {},
    }
    for name in args.serving.split(","):
        serving = Serving.parse(name)
        for mode in args.modes.split(","):
            report["results"].setdefault(serving.name, {})[mode] = run_mode(
                mode, serving, args, es_url, client
            )
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = f"-{args.label}" if args.label else ""
    (args.out / f"throughput{suffix}.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
