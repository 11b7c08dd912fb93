"""XML entity bombs in a feed and a page: refused or left unexpanded, in bounded memory (item 3).

The load runs as a real CLI process (`python -m indexer load`) on the real engine; its peak
memory is measured by a small wrapper process that reads its child's maximum resident set size.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.es

REPO = Path(__file__).resolve().parents[3]
# The whole CLI (Python, spaCy and its model) takes about 230 MB before it reads anything.
PEAK_LIMIT_MB = 300
# Runs the command given as its arguments; prints its exit code and peak memory in KiB.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
)


def bomb(value_chars: int = 10_000, references: int = 350_000) -> tuple[str, str]:
    """An entity declaration and the references to it: about 1 MB that expands to 3.5 G."""
    declaration = f'<!DOCTYPE rss [\n<!ENTITY e "{"A" * value_chars}">\n]>\n'
    return declaration, "&e;" * references


def load_measured(es_url: str, alias: str, path: Path) -> tuple[int, float, str]:
    """Exit code, peak memory in MB, and standard error of a CLI load of `path`."""
    command = [sys.executable, "-m", "indexer", "--es-url", es_url, "--index", alias]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command, "load", str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
    )
    *lines, last = done.stderr.strip().splitlines()
    code, peak_kib = map(int, last.split())
    return code, peak_kib / 1024, "\n".join(lines)


def test_a_feed_that_declares_entities_is_refused_in_bounded_memory(es_url, alias, tmp_path):
    declaration, references = bomb()
    feed = tmp_path / "bomb.rss"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + declaration
        + '<rss version="2.0"><channel><title>Wire</title>'
        + f"<item><title>Boom</title><description>{references}</description></item>"
        + "</channel></rss>\n",
        encoding="utf-8",
    )
    assert feed.stat().st_size > 1_000_000
    code, peak_mb, stderr = load_measured(es_url, alias, feed)
    assert code == 1, stderr
    assert "Traceback" not in stderr
    assert (
        f"FAILED {feed}: the feed declares XML entities (<!ENTITY>): refused, "
        "expanding them can take unbounded memory"
    ) in stderr
    assert peak_mb < PEAK_LIMIT_MB, f"peak {peak_mb:.0f} MB"
    print(f"entity-bomb feed: peak RSS {peak_mb:.0f} MB")


def test_a_page_that_declares_entities_is_read_without_expanding_them(es, es_url, alias, tmp_path):
    declaration, references = bomb()
    page = tmp_path / "bomb.html"
    page.write_text(
        declaration.replace("rss", "html")
        + "<html><head><title>Caspian talks</title></head><body><article>"
        + f"<h1>Caspian talks</h1><p>{references}</p></article></body></html>",
        encoding="utf-8",
    )
    code, peak_mb, stderr = load_measured(es_url, alias, page)
    assert code == 0, stderr
    assert peak_mb < PEAK_LIMIT_MB, f"peak {peak_mb:.0f} MB"
    es.indices.refresh(index=alias)
    (hit,) = es.search(index=alias)["hits"]["hits"]
    # lxml's HTML parser leaves the references as text; the value is never copied in.
    assert "AAAA" not in json.dumps(hit["_source"])
