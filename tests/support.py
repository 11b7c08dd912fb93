"""Helpers the tests share (fixtures live in conftest.py)."""

from elasticsearch import Elasticsearch

from articles import index_pattern


def delete_indices(es: Elasticsearch, alias: str) -> None:
    """Delete every concrete index behind `alias` (by name: the engine refuses wildcard deletes)."""
    names = list(es.indices.get(index=index_pattern(alias), ignore_unavailable=True))
    if names:
        es.indices.delete(index=names)
