"""Helpers the tests share (fixtures live in conftest.py)."""

import subprocess
import time

from elasticsearch import Elasticsearch

from indexer.index.lifecycle import delete_all

# Every index of an alias and of its names index, deleted after a test (by name: the engine
# refuses wildcard deletes).
delete_indices = delete_all


def engine_urls(es_url: str) -> list[str]:
    """The URLs of ES_URL: one, or every node of a cluster, comma-separated."""
    return [url.strip() for url in es_url.split(",") if url.strip()]


def wait_for_documents(
    client: Elasticsearch, alias: str, *, at_least: int, process: subprocess.Popen[str]
) -> None:
    """Wait until a load running in `process` has made `at_least` documents searchable."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output, _ = process.communicate()
            raise AssertionError(f"the load ended before the engine was disrupted:\n{output}")
        try:
            if client.indices.exists_alias(name=alias):
                client.indices.refresh(index=alias)
                if client.count(index=alias)["count"] >= at_least:
                    return
        except Exception:
            pass  # the index is being created
        time.sleep(0.2)
    raise AssertionError(f"fewer than {at_least} documents arrived in time")


__all__ = ["delete_indices", "engine_urls", "wait_for_documents"]
