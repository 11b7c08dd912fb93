"""The node's command line and environment, built without running anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.command import node_command
from engine.config import Membership, NodeConfig

ES_HOME = Path("/opt/es")
JAVA_HOME = Path("/opt/jdk")


def es_settings(argv: list[str]) -> dict[str, str]:
    """The -Ekey=value settings of a node command line, as a dict."""
    pairs = [arg.removeprefix("-E").split("=", 1) for arg in argv[1:]]
    return {key: value for key, value in pairs}


def test_node_command_runs_the_distribution_start_script() -> None:
    argv, _ = node_command(NodeConfig(), ES_HOME, JAVA_HOME)
    assert argv[0] == str(ES_HOME / "bin" / "elasticsearch")


def test_every_setting_is_a_single_dash_e_argument() -> None:
    argv, _ = node_command(NodeConfig(), ES_HOME, JAVA_HOME)
    assert all(arg.startswith("-E") and "=" in arg for arg in argv[1:])


def test_node_binds_to_loopback_only() -> None:
    settings = es_settings(node_command(NodeConfig(), ES_HOME, JAVA_HOME)[0])
    assert settings["network.host"] == "127.0.0.1"
    # Any of these would widen the binding again.
    for wider in ("http.host", "http.bind_host", "transport.host", "network.bind_host"):
        assert wider not in settings


def test_node_is_a_single_node_cluster_with_our_cluster_name() -> None:
    settings = es_settings(node_command(NodeConfig(), ES_HOME, JAVA_HOME)[0])
    assert settings["discovery.type"] == "single-node"
    assert settings["cluster.name"] == "news-search-dev"


def test_node_listens_on_the_configured_port() -> None:
    settings = es_settings(node_command(NodeConfig(port=9311), ES_HOME, JAVA_HOME)[0])
    assert settings["http.port"] == "9311"


def test_disk_watermarks_cannot_make_indices_read_only() -> None:
    settings = es_settings(node_command(NodeConfig(), ES_HOME, JAVA_HOME)[0])
    assert settings["cluster.routing.allocation.disk.threshold_enabled"] == "false"


def test_security_is_switched_off_explicitly_so_it_is_not_auto_configured() -> None:
    settings = es_settings(node_command(NodeConfig(), ES_HOME, JAVA_HOME)[0])
    assert settings["xpack.security.enabled"] == "false"


def test_data_and_logs_live_under_the_node_directory(tmp_path: Path) -> None:
    cfg = NodeConfig(port=9222, root=tmp_path)
    argv, env = node_command(cfg, ES_HOME, JAVA_HOME)
    settings = es_settings(argv)
    assert settings["path.data"] == str(tmp_path / "node-9222" / "data")
    assert settings["path.logs"] == str(tmp_path / "node-9222" / "logs")
    assert env["ES_PATH_CONF"] == str(tmp_path / "node-9222" / "config")
    assert env["ES_TMPDIR"] == str(tmp_path / "node-9222" / "tmp")


def test_heap_is_pinned_to_the_configured_size() -> None:
    _, env = node_command(NodeConfig(heap="768m"), ES_HOME, JAVA_HOME)
    assert env["ES_JAVA_OPTS"] == "-Xms768m -Xmx768m"


def test_java_home_is_handed_over_as_es_java_home() -> None:
    _, env = node_command(NodeConfig(), ES_HOME, JAVA_HOME)
    assert env["ES_JAVA_HOME"] == str(JAVA_HOME)


def test_callers_java_settings_do_not_leak_into_the_node(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", "-Xmx20g")
    monkeypatch.setenv("ES_JAVA_OPTS", "-Xmx20g")
    monkeypatch.setenv("JAVA_HOME", "/usr/lib/jvm/java-17")
    _, env = node_command(NodeConfig(), ES_HOME, JAVA_HOME)
    assert "JAVA_TOOL_OPTIONS" not in env
    assert "JAVA_HOME" not in env
    assert env["ES_JAVA_OPTS"] == "-Xms512m -Xmx512m"


def test_node_name_is_the_configured_name_and_follows_the_port_by_default() -> None:
    assert (
        es_settings(node_command(NodeConfig(port=9311), ES_HOME, JAVA_HOME)[0])["node.name"]
        == "node-9311"
    )
    named = NodeConfig(port=9311, name="node-2")
    assert es_settings(node_command(named, ES_HOME, JAVA_HOME)[0])["node.name"] == "node-2"


def test_transport_port_is_left_to_elasticsearch_unless_configured() -> None:
    assert "transport.port" not in es_settings(node_command(NodeConfig(), ES_HOME, JAVA_HOME)[0])
    cfg = NodeConfig(port=9201, transport_port=9301)
    assert es_settings(node_command(cfg, ES_HOME, JAVA_HOME)[0])["transport.port"] == "9301"


def test_a_single_node_keeps_snapshots_in_its_own_folder(tmp_path: Path) -> None:
    settings = es_settings(
        node_command(NodeConfig(port=9222, root=tmp_path), ES_HOME, JAVA_HOME)[0]
    )
    assert settings["path.repo"] == str(tmp_path / "node-9222" / "snapshots")


def test_a_cluster_node_finds_the_others_instead_of_being_a_single_node_cluster(
    tmp_path: Path,
) -> None:
    membership = Membership(
        cluster_name="news-search-c",
        seed_hosts=("127.0.0.1:9510", "127.0.0.1:9511", "127.0.0.1:9512"),
        initial_masters=("c-1", "c-2", "c-3"),
    )
    cfg = NodeConfig(
        port=9411, name="c-2", transport_port=9511, cluster=membership, repo_dir=tmp_path / "c"
    )
    settings = es_settings(node_command(cfg, ES_HOME, JAVA_HOME)[0])
    assert "discovery.type" not in settings
    assert settings["cluster.name"] == "news-search-c"
    assert settings["discovery.seed_hosts"] == "127.0.0.1:9510,127.0.0.1:9511,127.0.0.1:9512"
    assert settings["cluster.initial_master_nodes"] == "c-1,c-2,c-3"
    assert settings["transport.port"] == "9511"
    assert settings["path.repo"] == str(tmp_path / "c")
    # Loopback only, a cluster's nodes included.
    assert settings["network.host"] == "127.0.0.1"


def test_a_node_of_a_formed_cluster_never_names_initial_masters() -> None:
    membership = Membership(cluster_name="news-search-c", seed_hosts=("127.0.0.1:9510",))
    cfg = NodeConfig(port=9411, name="c-2", transport_port=9511, cluster=membership)
    assert "cluster.initial_master_nodes" not in es_settings(
        node_command(cfg, ES_HOME, JAVA_HOME)[0]
    )
