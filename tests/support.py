"""Helpers the tests share (fixtures live in conftest.py)."""

from indexer.index.lifecycle import delete_all

# Every index of an alias and of its names index, deleted after a test (by name: the engine
# refuses wildcard deletes).
delete_indices = delete_all


def engine_urls(es_url: str) -> list[str]:
    """The URLs of ES_URL: one, or every node of a cluster, comma-separated."""
    return [url.strip() for url in es_url.split(",") if url.strip()]


__all__ = ["delete_indices", "engine_urls"]
