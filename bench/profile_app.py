"""Profile where the app's own time goes per request (cProfile, in process, real engine).

Usage: python bench/profile_app.py [--alias bench-search] [--rounds 5] [--no-lookup-cache]
       [--path search|suggest] [--top 40]

The app is made in this process and driven by Flask's test client over the queries of
bench/search_latency.py (no HTTP server: what is measured is the app, from the WSGI call to the
bytes of the answer). The CPU time of the process per request is measured first, without the
profiler (the figure to compare between versions). Then, profiled, the engine's round trips are
timed apart (the transport's
`perform_request`), so the figure printed per request is the app's own CPU: total minus waiting
for the engine. With --no-lookup-cache every search sends its lookup, as distinct queries would.
Writes the profile (pstats) to artifacts/bench/profile-<path>.prof and prints the top functions
by own and by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from elastic_transport import Transport  # noqa: E402

from bench.search_latency import PREFIXES, SEARCHES  # noqa: E402
from search import create_app  # noqa: E402
from search.config import Settings  # noqa: E402
from search.es import LOOKUP_CACHE_KEY  # noqa: E402
from search.lookup import LookupCache  # noqa: E402


class _NoCache(LookupCache):
    """A lookup cache that never keeps anything: every search asks its lookup."""

    def put(self, key: Any, lookup: Any) -> None:
        return None


def paths(kind: str) -> list[str]:
    """The request paths of one round."""
    if kind == "suggest":
        return ["/api/suggest?" + urlencode({"q": prefix}) for prefix in PREFIXES]
    return ["/api/search?" + urlencode(query, doseq=True) for query in SEARCHES]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alias", default="bench-search")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--path", choices=("search", "suggest"), default="search")
    parser.add_argument("--no-lookup-cache", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--out", type=Path, default=REPO / "artifacts" / "bench")
    args = parser.parse_args()

    settings = Settings.from_env({**os.environ, "INDEX_ALIAS": args.alias})
    app = create_app(settings)
    if args.no_lookup_cache:
        app.extensions[LOOKUP_CACHE_KEY] = _NoCache()
    client = app.test_client()
    engine_s = 0.0
    original = Transport.perform_request

    def timed(self: Transport, *a: Any, **k: Any) -> Any:
        nonlocal engine_s
        started = time.perf_counter()
        try:
            return original(self, *a, **k)
        finally:
            engine_s += time.perf_counter() - started

    Transport.perform_request = timed  # type: ignore[method-assign]
    urls = paths(args.path)
    for url in urls:  # warm up: imports, connections, templates, caches
        assert client.get(url).status_code == 200, url
    requests = args.rounds * len(urls)
    # First without the profiler: the process's own CPU per request, the figure to compare.
    cpu = time.process_time()
    for _ in range(args.rounds):
        for url in urls:
            client.get(url)
    print(f"{(time.process_time() - cpu) / requests * 1000:.2f} ms CPU per request (no profiler)")
    engine_s = 0.0
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(args.rounds):
        for url in urls:
            client.get(url)
    profiler.disable()
    wall = time.perf_counter() - started
    print(
        f"{requests} requests: {wall / requests * 1000:.2f} ms each in all, "
        f"{engine_s / requests * 1000:.2f} ms waiting for the engine, "
        f"{(wall - engine_s) / requests * 1000:.2f} ms the app's own (profiler on)"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(args.out / f"profile-{args.path}.prof")
    for order in ("tottime", "cumulative"):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(args.top)
        print(text.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
