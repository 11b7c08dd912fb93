"""A node's configuration from the environment, its identity and where its cache lives."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import config
from engine.config import NodeConfig
from engine.errors import EngineError

REPO = Path(__file__).resolve().parents[3]


def test_config_falls_back_to_defaults_when_the_environment_is_empty() -> None:
    cfg = NodeConfig.from_env({})
    assert (cfg.version, cfg.port, cfg.heap) == ("9.5.4", 9200, "512m")
    # Where the default cache lands depends on where the checkout sits (see default_root's
    # tests below), so it is compared with that rule, not with one location.
    assert cfg.root == config.default_root()
    assert cfg.root.is_absolute()


def test_the_default_cache_is_the_checkouts_own_cache_folder() -> None:
    assert config.DEFAULT_ROOT == REPO / ".cache" / "engine"


def test_config_reads_version_port_heap_and_cache_from_the_environment(tmp_path: Path) -> None:
    env = {"ES_VERSION": "9.4.0", "ES_PORT": "9250", "ES_HEAP": "1g", "ENGINE_CACHE": str(tmp_path)}
    cfg = NodeConfig.from_env(env)
    assert cfg == NodeConfig(version="9.4.0", port=9250, heap="1g", root=tmp_path)


def test_blank_environment_values_count_as_unset() -> None:
    env = {"ES_VERSION": "", "ES_PORT": " ", "ES_HEAP": "", "ENGINE_CACHE": ""}
    assert NodeConfig.from_env(env) == NodeConfig.from_env({})


def test_relative_engine_cache_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert NodeConfig.from_env({"ENGINE_CACHE": "cache"}).root == tmp_path / "cache"


@pytest.mark.parametrize("port", ["abc", "92OO", "-1", "9200.0", "0x2400", "123456"])
def test_non_numeric_port_is_rejected_with_a_message_naming_es_port(port: str) -> None:
    with pytest.raises(EngineError, match=r"ES_PORT must be a port number \(1-65535\)"):
        NodeConfig.from_env({"ES_PORT": port})


@pytest.mark.parametrize("port", ["0", "65536", "99999"])
def test_port_outside_the_tcp_range_is_rejected(port: str) -> None:
    with pytest.raises(EngineError, match="ES_PORT"):
        NodeConfig.from_env({"ES_PORT": port})


@pytest.mark.parametrize("heap", ["512", "lots", "0m", "1.5g", "-Xmx1g"])
def test_heap_must_be_a_jvm_size(heap: str) -> None:
    with pytest.raises(EngineError, match="ES_HEAP"):
        NodeConfig.from_env({"ES_HEAP": heap})


@pytest.mark.parametrize("version", ["latest", "9.5", "../../etc", "9.5.4 -Dx"])
def test_version_must_look_like_a_release_number(version: str) -> None:
    with pytest.raises(EngineError, match="ES_VERSION"):
        NodeConfig.from_env({"ES_VERSION": version})


def test_url_is_loopback_on_the_configured_port() -> None:
    assert NodeConfig(port=9333).url == "http://127.0.0.1:9333"


def test_each_port_gets_its_own_node_directory(tmp_path: Path) -> None:
    a, b = NodeConfig(port=9200, root=tmp_path), NodeConfig(port=9201, root=tmp_path)
    assert a.node_dir != b.node_dir
    assert a.es_home == b.es_home == tmp_path / "elasticsearch-9.5.4"
    assert a.pid_file.parent == a.node_dir


def test_the_cache_stays_in_the_repository_when_the_node_user_can_reach_it(
    open_tmp: Path,
) -> None:
    root = open_tmp / "repo" / ".cache" / "engine"
    root.mkdir(parents=True)
    assert config.default_root(root, euid=0) == root


def test_root_moves_the_cache_out_of_a_private_checkout(open_tmp: Path) -> None:
    private = open_tmp / "home"
    root = private / "repo" / ".cache" / "engine"
    root.mkdir(parents=True)
    private.chmod(0o700)
    moved = config.default_root(root, euid=0)
    assert moved.parent == Path("/var/tmp")
    assert moved.name.startswith("news-search-engine-")
    # The same checkout always gets the same folder, so the download stays cached between runs.
    assert config.default_root(root, euid=0) == moved


def test_a_user_who_is_not_root_keeps_the_cache_in_the_repository(open_tmp: Path) -> None:
    private = open_tmp / "home"
    root = private / "repo" / ".cache" / "engine"
    root.mkdir(parents=True)
    private.chmod(0o700)
    assert config.default_root(root, euid=1000) == root


def test_a_node_named_explicitly_gets_the_folder_of_that_name(tmp_path: Path) -> None:
    node = NodeConfig(port=9201, root=tmp_path, name="node-1", transport_port=9301)
    assert node.node_dir == tmp_path / "node-1"
    assert node.pid_file.parent == node.console_log.parent == tmp_path / "node-1"
    assert node.es_home == NodeConfig(root=tmp_path).es_home


@pytest.mark.parametrize("name", ["../etc", "a/b", ".hidden", "node 1"])
def test_a_node_name_must_be_one_plain_folder_name(name: str, tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="node name"):
        NodeConfig(root=tmp_path, name=name)


def test_a_transport_port_outside_the_tcp_range_is_rejected() -> None:
    with pytest.raises(EngineError, match="transport port"):
        NodeConfig(transport_port=70000)
