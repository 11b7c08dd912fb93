"""The app's CPU per search, piece by piece, without a profiler (in process, real engine).

Usage: ES_URL=... python bench/profile_pieces.py [--alias bench-search] [--rounds 20]

bench/profile_app.py's cProfile charges every small function several times its cost; this
times each step of a search on its own with `time.process_time` over the 32 searches of
bench/search_latency.py (the lookups cached, as for repeated queries): parameters, the request
body, the client (request, transport, answer decoded: CPU only, the engine's time is another
process's), the answer model, the JSON answer, and the whole request through Flask's test client.
"rest" is the whole request less the pieces: Flask, Werkzeug and the test client.
Run it in two checkouts, alternating, to compare them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from werkzeug.datastructures import MultiDict  # noqa: E402

from bench.search_latency import SEARCHES  # noqa: E402
from search import create_app  # noqa: E402
from search.config import Settings  # noqa: E402
from search.es import get_lookup_cache  # noqa: E402
from search.lookup_pages import run_lookup  # noqa: E402
from search.negotiate import json_response  # noqa: E402
from search.params import SearchParams  # noqa: E402
from search.query import build_search  # noqa: E402
from search.results import SearchPage  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alias", default="bench-search")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    settings = Settings.from_env({**os.environ, "INDEX_ALIAS": args.alias})
    app = create_app(settings)
    client = app.test_client()
    es = app.extensions["es"]
    alias = settings.index_alias
    queries = [urlencode(query, doseq=True) for query in SEARCHES]
    for query in queries:  # warm up: imports, connections, caches
        assert client.get(f"/api/search?{query}").status_code == 200, query

    def per_search(step: Callable[[], Any], rounds: int = args.rounds) -> float:
        step()
        started = time.process_time()
        for _ in range(rounds):
            step()
        return (time.process_time() - started) / rounds / len(queries) * 1000

    pieces: dict[str, float] = {}
    with app.test_request_context("/api/search"):
        cache = get_lookup_cache()
        raw = [MultiDict(parse_qsl(query, keep_blank_values=True)) for query in queries]
        size, largest = settings.page_size, settings.max_page_size
        params = [SearchParams.from_args(a, default_size=size, max_size=largest) for a in raw]
        lookups = [run_lookup(es, p.parsed, alias, cache) for p in params]
        bodies = [
            build_search(p, alias, lk).to_dict() for p, lk in zip(params, lookups, strict=True)
        ]
        answers = [es.search(index=alias, body=body).body for body in bodies]
        found = list(zip(answers, params, lookups, strict=True))
        pages = [SearchPage.from_response(a, p, lookup=lk) for a, p, lk in found]
        pieces["parameters"] = per_search(
            lambda: [SearchParams.from_args(a, default_size=size, max_size=largest) for a in raw]
        )
        pieces["lookup (cached)"] = per_search(
            lambda: [run_lookup(es, p.parsed, alias, cache) for p in params]
        )
        pieces["request body"] = per_search(
            lambda: [build_search(p, alias, lk) for p, lk in zip(params, lookups, strict=True)]
        )
        pieces["client"] = per_search(
            lambda: [es.search(index=alias, body=body) for body in bodies],
            max(3, args.rounds // 4),
        )
        pieces["answer model"] = per_search(
            lambda: [SearchPage.from_response(a, p, lookup=lk) for a, p, lk in found]
        )
        pieces["JSON answer"] = per_search(lambda: [json_response(page) for page in pages])
    whole = per_search(
        lambda: [client.get(f"/api/search?{query}") for query in queries], max(3, args.rounds // 4)
    )
    pieces["rest (Flask, Werkzeug, test client)"] = whole - sum(pieces.values())
    pieces["whole request"] = whole
    for name, ms in pieces.items():
        print(f"{ms:7.3f} ms CPU per search  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
