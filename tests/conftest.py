"""Shared fixtures: a real Elasticsearch for integration tests, and throwaway indices on it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from articles import concrete_index_name, index_body
from tests.support import delete_indices, engine_urls

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def _engine_required() -> bool:
    """On CI a missing engine must fail the run, never skip it."""
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_ES") == "1"


def _docker_answers() -> bool:
    """Whether a Docker engine answers, so testcontainers can start an Elasticsearch."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if host.startswith("unix://") and not Path(host.removeprefix("unix://")).exists():
        return False  # the common case here: no daemon, so don't even open a client
    import docker  # imported late: only needed where Docker exists

    try:
        client = docker.from_env(timeout=3)
    except docker.errors.DockerException:
        return False
    try:
        return bool(client.ping())
    except docker.errors.DockerException:
        return False
    finally:
        client.close()


@pytest.fixture(scope="session")
def es_url() -> Iterator[str]:
    """ES_URL if set (one URL, or a cluster's nodes, comma-separated); else a testcontainers
    Elasticsearch if Docker answers; else the local node."""
    if url := os.environ.get("ES_URL"):
        yield url
        return
    if _docker_answers():
        from testcontainers.elasticsearch import ElasticSearchContainer

        from engine import ES_VERSION

        image = f"docker.elastic.co/elasticsearch/elasticsearch:{ES_VERSION}"
        with ElasticSearchContainer(image, mem_limit="1g") as container:
            yield container.get_url()
        return
    from engine import EngineError, NodeConfig, start

    try:
        yield start(NodeConfig.from_env())
    except (EngineError, OSError) as exc:
        if _engine_required():
            pytest.fail(f"no Elasticsearch could be had: {exc}")
        pytest.skip(f"no Elasticsearch could be had: {exc}")


@pytest.fixture(scope="session")
def es(es_url: str) -> Iterator[Elasticsearch]:
    """A client for the test engine, waited on until the cluster is at least yellow."""
    client = Elasticsearch(engine_urls(es_url), request_timeout=30)
    client.cluster.health(wait_for_status="yellow", timeout="60s")
    yield client
    client.close()


@pytest.fixture
def make_alias(es: Elasticsearch) -> Iterator[Callable[[], str]]:
    """Creates empty article indices behind unique aliases, deleted after the test."""
    created: list[str] = []

    def create() -> str:
        alias = f"test-articles-{uuid.uuid4().hex[:12]}"
        es.indices.create(index=concrete_index_name(alias), **index_body(), aliases={alias: {}})
        created.append(alias)
        return alias

    yield create
    for alias in created:
        delete_indices(es, alias)
