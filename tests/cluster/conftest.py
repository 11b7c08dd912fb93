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

import pytest

from articles import concrete_index_name, index_body
from engine import ClusterConfig, EngineError, NodeConfig, start_cluster, stop_cluster
from engine.process import node_pid
from tests.cluster.disruption import LocalCluster
from tests.support import delete_indices

CLUSTER_HEAP = "512m"
# Offsets from ES_PORT: the single test node is ES_PORT, the engine-death node ES_PORT+50.
HTTP_OFFSET = 10
TRANSPORT_OFFSET = 110
# Every test here together must end well within this; past it the watchdog kills the nodes.
BUDGET_SECONDS = 20 * 60


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
    """SIGCONT then SIGKILL every node still running: the watchdog's last resort."""
    for node in config.node_configs(bootstrap=False):
        pid = node_pid(node.pid_file)  # never a pid the system has since given to another
        if pid is not None:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGCONT)
                os.killpg(pid, signal.SIGKILL)


# Package scope: stopped as soon as this folder's tests are done, not at the end of the run.
@pytest.fixture(scope="package")
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
