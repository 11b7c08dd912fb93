"""The Docker compose files parse and hang together (no Docker engine runs them here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

DOCKER = Path(__file__).resolve().parents[2] / "docker"
NODES = ("es01", "es02", "es03")


def compose(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DOCKER / name).read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize("name", ["compose.yaml", "compose.cluster.yaml"])
def test_every_published_port_is_bound_to_loopback(name: str) -> None:
    for service in compose(name)["services"].values():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), port


def test_the_cluster_variant_has_three_nodes_that_know_each_other() -> None:
    services = compose("compose.cluster.yaml")["services"]
    for name in NODES:
        env = services[name]["environment"]
        assert env["node.name"] == name
        assert "discovery.type" not in env  # a cluster, not three single-node ones
        assert env["discovery.seed_hosts"].split(",") == list(NODES)
        assert env["cluster.initial_master_nodes"].split(",") == list(NODES)
        assert env["cluster.name"] == "news-search-cluster"
        # Each node its own data volume, all of them one snapshot folder (path.repo).
        assert f"{name}:/usr/share/elasticsearch/data" in services[name]["volumes"]
        assert f"snapshots:{env['path.repo']}" in services[name]["volumes"]


def test_the_app_and_the_indexer_talk_to_every_node_once_all_are_healthy() -> None:
    services = compose("compose.cluster.yaml")["services"]
    for name in ("app", "indexer"):
        urls = services[name]["environment"]["ES_URL"].split(",")
        assert urls == [f"http://{node}:9200" for node in NODES]
        assert {
            node: dep["condition"] for node, dep in services[name]["depends_on"].items()
        } == dict.fromkeys(NODES, "service_healthy")


@pytest.mark.parametrize("name", ["compose.yaml", "compose.cluster.yaml"])
def test_the_app_gets_the_api_key_from_the_caller_and_none_is_written_down(name: str) -> None:
    # Writes need API_KEY; compose passes the caller's on, so no secret sits in the repository.
    assert compose(name)["services"]["app"]["environment"]["API_KEY"] == "${API_KEY:-}"
