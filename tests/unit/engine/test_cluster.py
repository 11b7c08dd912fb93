"""A local cluster's layout (ports, names, folders) and starting it, with stand-in nodes."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import cluster as cluster_module
from engine.cluster import ClusterConfig, start_cluster
from engine.config import NodeConfig
from engine.errors import EngineError


def test_nodes_get_consecutive_ports_their_own_folders_and_one_snapshot_folder(
    tmp_path: Path,
) -> None:
    cluster = ClusterConfig(size=3, port=9410, root=tmp_path)
    nodes = cluster.node_configs()
    assert [n.port for n in nodes] == [9410, 9411, 9412]
    # Elasticsearch's own pairing: transport 100 above HTTP.
    assert [n.transport_port for n in nodes] == [9510, 9511, 9512]
    assert [n.name for n in nodes] == ["cluster-9410-1", "cluster-9410-2", "cluster-9410-3"]
    # No two nodes share a folder (their config folders hold a keystore each)...
    assert len({n.node_dir for n in nodes}) == 3
    # ...but they share the snapshot folder, as an fs repository requires.
    assert {n.snapshot_dir for n in nodes} == {tmp_path / "cluster-9410" / "snapshots"}
    assert cluster.urls == [f"http://127.0.0.1:{p}" for p in (9410, 9411, 9412)]


def test_every_node_knows_every_other_and_the_cluster_by_its_own_name(tmp_path: Path) -> None:
    nodes = ClusterConfig(size=3, port=9410, transport_port=9600, root=tmp_path).node_configs()
    memberships = {n.cluster for n in nodes}
    assert len(memberships) == 1
    membership = memberships.pop()
    assert membership is not None
    assert membership.cluster_name == "news-search-cluster-9410"
    assert membership.seed_hosts == ("127.0.0.1:9600", "127.0.0.1:9601", "127.0.0.1:9602")


def test_only_a_cluster_that_never_formed_names_its_initial_masters(tmp_path: Path) -> None:
    cluster = ClusterConfig(size=3, port=9410, root=tmp_path, name="c")
    first = cluster.node_configs()[0].cluster
    assert first is not None and first.initial_masters == ("c-1", "c-2", "c-3")
    # Once any node has written cluster state, no node bootstraps again (a restarted node
    # must join the cluster it belongs to, never elect one of its own).
    (tmp_path / "c-2" / "data" / "_state").mkdir(parents=True)
    assert cluster.formed()
    again = cluster.node_configs()[0].cluster
    assert again is not None and again.initial_masters == ()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"size": 1}, "a cluster has 2 to 9 nodes"),
        ({"size": 10}, "a cluster has 2 to 9 nodes"),
        ({"port": 65535}, "run past port 65535"),
        ({"port": 9400, "transport_port": 9402}, "overlap"),
        ({"name": "../escape"}, "a node name must be"),
        ({"heap": "lots"}, "ES_HEAP must be"),
    ],
)
def test_a_bad_cluster_layout_is_refused(
    tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(EngineError, match=message):
        ClusterConfig(root=tmp_path, **kwargs)  # type: ignore[arg-type]


def test_from_env_takes_the_first_ports_heap_and_cache(tmp_path: Path) -> None:
    environ = {
        "ES_PORT": "9420",
        "ES_TRANSPORT_PORT": "9700",
        "ES_HEAP": "384m",
        "ENGINE_CACHE": str(tmp_path),
    }
    cluster = ClusterConfig.from_env(3, environ)
    assert (cluster.port, cluster.transport_port, cluster.heap) == (9420, 9700, "384m")
    assert cluster.root == tmp_path.resolve()
    with pytest.raises(EngineError, match="ES_TRANSPORT_PORT must be a port number"):
        ClusterConfig.from_env(3, {**environ, "ES_TRANSPORT_PORT": "high"})


def test_every_node_is_launched_before_any_is_waited_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []

    def launch(node: NodeConfig) -> int:
        events.append(f"launch {node.name}")
        return node.port

    def wait(node: NodeConfig, pid: int | None, deadline: float, *, nodes: int | None) -> None:
        events.append(f"wait {node.name} for {nodes}")

    monkeypatch.setattr(cluster_module, "start_nowait", launch)
    monkeypatch.setattr(cluster_module, "wait_healthy", wait)
    cluster = ClusterConfig(size=2, port=9410, root=tmp_path, name="c")
    assert start_cluster(cluster) == ["http://127.0.0.1:9410", "http://127.0.0.1:9411"]
    # A node is healthy only once a majority runs: waiting on the first alone would never end.
    assert events == ["launch c-1", "launch c-2", "wait c-1 for 2", "wait c-2 for 2"]


def test_a_cluster_that_does_not_form_stops_the_nodes_it_launched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stopped: list[str] = []

    def launch(node: NodeConfig) -> int | None:
        return None if node.name == "c-1" else node.port  # c-1 was running already: reused

    def wait(node: NodeConfig, pid: int | None, deadline: float, *, nodes: int | None) -> None:
        raise EngineError("not healthy in time")

    monkeypatch.setattr(cluster_module, "start_nowait", launch)
    monkeypatch.setattr(cluster_module, "wait_healthy", wait)
    monkeypatch.setattr(
        cluster_module, "stop", lambda node, timeout: stopped.append(node.name) or True
    )
    with pytest.raises(EngineError, match="not healthy"):
        start_cluster(ClusterConfig(size=3, port=9410, root=tmp_path, name="c"))
    assert stopped == ["c-2", "c-3"]
