"""Helpers the tests share (fixtures live in conftest.py)."""

from elasticsearch import Elasticsearch

from articles import index_pattern, names_alias


def delete_indices(es: Elasticsearch, alias: str) -> None:
    """Delete the indices of `alias` and of its names index (by name: wildcards are refused)."""
    patterns = [index_pattern(alias), index_pattern(names_alias(alias))]
    names = list(es.indices.get(index=",".join(patterns), ignore_unavailable=True))
    if names:
        es.indices.delete(index=names)
