"""The index lifecycle: versioned concrete indices behind one alias."""

from __future__ import annotations

from dataclasses import dataclass

from elasticsearch import Elasticsearch

from articles import concrete_index_name, index_body


class AliasConflictError(RuntimeError):
    """The alias cannot be used for articles (e.g. a plain index already has its name)."""


@dataclass(frozen=True)
class IndexStats:
    """What an alias points at and how many articles it holds."""

    alias: str
    indices: tuple[str, ...]
    docs: int


def create_index(client: Elasticsearch, alias: str) -> str:
    """Create a new versioned index with the article mapping and point `alias` at it."""
    name = concrete_index_name(alias)
    client.indices.create(index=name, **index_body(), aliases={alias: {"is_write_index": True}})
    return name


def ensure_index(client: Elasticsearch, alias: str) -> str:
    """The concrete index behind `alias`, created first if the alias does not exist yet."""
    if client.indices.exists_alias(name=alias):
        names = sorted(client.indices.get_alias(name=alias))
        return names[-1]
    if client.indices.exists(index=alias):
        raise AliasConflictError(
            f"{alias!r} is a plain index, not an alias; articles are written through an alias "
            "so that a reindex can swap it atomically. Delete or rename that index first."
        )
    return create_index(client, alias)


def index_stats(client: Elasticsearch, alias: str) -> IndexStats:
    """The concrete indices behind `alias` and their document count."""
    if not client.indices.exists_alias(name=alias):
        return IndexStats(alias, (), 0)
    names = tuple(sorted(client.indices.get_alias(name=alias)))
    docs = int(client.count(index=alias)["count"])
    return IndexStats(alias, names, docs)
