"""(b) A node SIGKILLed in the middle of a load: the load finishes (or stops with ABORTED and
running it again finishes), with exactly the expected articles and no duplicates; (d) the node
restarts and the cluster returns to green with every document.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.cluster.disruption import LocalCluster
from tests.cluster.news import REPO, assert_every_document, news_source
from tests.support import delete_indices, wait_for_documents

pytestmark = [pytest.mark.es, pytest.mark.slow, pytest.mark.cluster]

ARTICLES = 300
# The node dies once this many articles are stored: well into the load, well before its end.
KILL_AFTER = 80


def write_input(path: Path) -> list[str]:
    """The first ARTICLES news articles as a JSON Lines file; their ids."""
    with news_source().open(encoding="utf-8") as corpus:
        lines = [next(corpus) for _ in range(ARTICLES)]
    path.write_text("".join(lines), encoding="utf-8")
    return [json.loads(line)["id"] for line in lines]


def test_a_load_that_loses_a_node_stores_every_article_once(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    alias = f"test-cluster-load-{uuid.uuid4().hex[:12]}"
    source = tmp_path / "news.jsonl"
    ids = write_input(source)
    # Every node's URL, as ES_URL gives them; small requests, so the node dies between
    # acknowledged requests and in the middle of one; one NER process (the cores are shared).
    command = [
        sys.executable, "-m", "indexer", "--es-url", cluster.es_url, "--index", alias,
        "load", "--workers", "1", "--batch-size", "20", "--retries", "3", str(source),
    ]  # fmt: skip
    es = cluster.client
    runs: list[str] = []
    try:
        first = subprocess.Popen(
            command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        try:
            wait_for_documents(es, alias, at_least=KILL_AFTER, process=first)
            index = next(iter(es.indices.get_alias(name=alias)))
            # The node holding the primary: the one every write of this index goes through.
            victim = cluster.primaries(index)[0]
            cluster.kill(victim)
            output, _ = first.communicate(timeout=600)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        runs.append(output)
        if first.returncode != 0:
            # Allowed, if it says so: what the engine acknowledged is kept, a re-run finishes.
            assert "ABORTED:" in output, output
            again = subprocess.run(
                command, cwd=REPO, capture_output=True, text=True, timeout=600, check=False
            )
            runs.append(again.stdout + again.stderr)
            assert again.returncode == 0, runs
        summary = runs[-1].strip().splitlines()[-1]
        assert "failed 0" in summary, runs
        print(f"load with a node killed: {len(runs)} run(s); last: {summary}")

        # (d) the node comes back; the cluster heals with every article, once, in both copies.
        cluster.restart(victim)
        cluster.wait_green()
        assert_every_document(cluster, alias, ids)
    finally:
        delete_indices(es, alias)
