"""One local three-node cluster for every test in this folder, started fresh, always stopped.

Its ports derive from ES_PORT (HTTP ES_PORT+10.., transport ES_PORT+110..), so checkouts
tested side by side on other ES_PORTs never share it, and its folders are its own
(`faults-<port>-N` under the engine cache), so it never touches a cluster started by hand.
Nodes are small (CLUSTER_HEAP each). A watchdog kills the nodes if the tests outlive their
budget, so nothing here can hang a CI run or leave nodes behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch, helpers

from articles import concrete_index_name, index_body
from engine import ClusterConfig, EngineError, NodeConfig, start_cluster, stop_cluster
from indexer.documents import to_action
from indexer.entities.found import Entities
from indexer.formats.inputs import read_inputs
from indexer.formats.records import ParsedArticle
from indexer.index.names import sync_names
from indexer.load.fingerprint import provenance_of
from tests.cluster.disruption import LocalCluster
from tests.support import delete_indices

CLUSTER_HEAP = "512m"
# Offsets from ES_PORT: the single test node is ES_PORT, the engine-death node ES_PORT+50.
HTTP_OFFSET = 10
TRANSPORT_OFFSET = 110
# Every test here together must end well within this; past it the watchdog kills the nodes.
BUDGET_SECONDS = 20 * 60
REPO = Path(__file__).resolve().parents[2]
CORPUS_FILE = REPO.parent / "shared" / "corpus" / "news-0001.jsonl"
NEWS_ARTICLES = 600


def _required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_ES") == "1"


def cluster_config() -> ClusterConfig:
    """The fault tests' cluster: three nodes above ES_PORT, in folders of their own."""
    base = NodeConfig.from_env()
    port = base.port + HTTP_OFFSET
    return ClusterConfig(
        size=3,
        port=port,
        transport_port=base.port + TRANSPORT_OFFSET,
        heap=CLUSTER_HEAP,
        root=base.root,
        version=base.version,
        name=f"faults-{port}",
    )


def _wipe(config: ClusterConfig) -> None:
    """Remove what an earlier run left: its nodes (if still running) and their folders."""
    stop_cluster(config, timeout=30)
    for folder in [config.folder, *(n.node_dir for n in config.node_configs(bootstrap=False))]:
        shutil.rmtree(folder, ignore_errors=True)


def _kill_all(config: ClusterConfig) -> None:
    """SIGCONT then SIGKILL every node with a pid file: the watchdog's last resort."""
    for node in config.node_configs(bootstrap=False):
        with contextlib.suppress(OSError, ValueError):
            pid = int(node.pid_file.read_text())
            os.killpg(pid, signal.SIGCONT)
            os.killpg(pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def cluster() -> Iterator[LocalCluster]:
    """A fresh local cluster of three nodes; stopped (paused nodes too) whatever happens."""
    config = cluster_config()
    try:
        _wipe(config)
        start_cluster(config, timeout=300)
    except (EngineError, OSError) as exc:
        with contextlib.suppress(EngineError, OSError):
            stop_cluster(config, timeout=30)
        if _required():
            pytest.fail(f"could not start a local cluster: {exc}")
        pytest.skip(f"could not start a local cluster: {exc}")
    watchdog = threading.Timer(BUDGET_SECONDS, _kill_all, args=(config,))
    watchdog.daemon = True
    watchdog.start()
    local = LocalCluster(config)
    try:
        local.wait_green()
        yield local
    finally:
        watchdog.cancel()
        local.stop()


@pytest.fixture
def cluster_alias(cluster: LocalCluster) -> Iterator[Callable[[], str]]:
    """Creates empty article indices behind unique aliases on the cluster, deleted after."""
    created: list[str] = []

    def create() -> str:
        alias = f"test-cluster-{uuid.uuid4().hex[:12]}"
        cluster.client.indices.create(
            index=concrete_index_name(alias), **index_body(), aliases={alias: {}}
        )
        created.append(alias)
        return alias

    yield create
    for alias in created:
        with contextlib.suppress(Exception):
            delete_indices(cluster.client, alias)


def news_source() -> Path:
    """Real news articles as JSON Lines: the shared corpus, else articles of our own."""
    if CORPUS_FILE.exists():
        return CORPUS_FILE
    body = "Officials in Yerevan and Baku met United Nations envoys on Monday. " * 30
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"cluster-news-{uuid.uuid4().hex}.jsonl"
    path.write_text(
        "".join(
            f'{{"id": "n{n}", "title": "Talks in Yerevan, day {n}", "body": "{body}"}}\n'
            for n in range(NEWS_ARTICLES)
        ),
        encoding="utf-8",
    )
    return path


def load_news(es: Elasticsearch, alias: str, limit: int = NEWS_ARTICLES) -> list[str]:
    """Store the first `limit` news articles as the indexer writes them (no NER) with their
    names index; return their ids."""
    stamp = datetime.now(UTC).isoformat()
    articles = (r for r in read_inputs([news_source()]) if isinstance(r, ParsedArticle))

    ids: list[str] = []

    def actions() -> Iterator[dict[str, object]]:
        for n, record in enumerate(articles):
            if n >= limit:
                return
            provenance = provenance_of(record.article, origin=str(record.origin), ingested_at=stamp)
            ids.append(provenance.doc_id)
            yield to_action(record.article, Entities(), provenance, index=alias)

    ok, errors = helpers.bulk(es, actions(), refresh=True, raise_on_error=False)
    assert (ok, errors) == (len(ids), [])
    sync_names(es, alias)
    return list(dict.fromkeys(ids))  # a record repeating an id overwrote the first
