"""Benchmark: load both shared corpora through the indexer CLI and report docs/s and wall time.

Usage: python bench/load_corpora.py [--alias bench-articles] [--workers 2] [PATH...]
Needs a running engine (`make engine`) or ES_URL. Writes the figures to artifacts/bench-load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from elasticsearch import Elasticsearch

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from indexer.index.lifecycle import delete_all  # noqa: E402

DEFAULT_INPUTS = [REPO.parent / "shared" / "corpus", REPO.parent / "shared" / "corpus-tehrantimes"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=DEFAULT_INPUTS)
    parser.add_argument("--alias", default="bench-articles")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the index afterwards")
    args = parser.parse_args()

    es_url = os.environ.get("ES_URL", "http://127.0.0.1:9200")
    client = Elasticsearch(es_url, request_timeout=60)
    # Start from nothing so the count at the end is this run's alone.
    delete_all(client, args.alias)

    command = [
        sys.executable,
        "-m",
        "indexer",
        "--es-url",
        es_url,
        "--index",
        args.alias,
        "load",
        "--workers",
        str(args.workers),
        *map(str, args.paths),
    ]
    print("running:", " ".join(command), flush=True)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, check=False)
    wall = time.perf_counter() - started
    count = int(client.count(index=args.alias)["count"])
    figures = {
        "inputs": [str(p) for p in args.paths],
        "workers": args.workers,
        "exit_status": result.returncode,
        "documents": count,
        "wall_seconds": round(wall, 1),
        "docs_per_second": round(count / wall, 1),
    }
    print(json.dumps(figures, indent=2))
    out = REPO / "artifacts" / "bench-load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    if not args.keep:
        delete_all(client, args.alias)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
