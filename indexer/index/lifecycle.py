"""The index lifecycle: versioned concrete indices behind one alias; create, check, swap, delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch

from articles import concrete_index_name, data_aliases, index_body, index_pattern


class AliasConflictError(RuntimeError):
    """The alias cannot be used for articles (e.g. a plain index already has its name)."""


class OutdatedSchemaError(AliasConflictError):
    """The index behind the alias predates fields the current schema writes."""

    def __init__(self, alias: str, missing: list[str]) -> None:
        shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        super().__init__(
            f"the index behind {alias!r} was built with an older schema (missing: {shown}); "
            "rebuild it without downtime with `python -m indexer reindex`, then load again"
        )
        self.missing = missing


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


def writable_index(client: Elasticsearch, alias: str) -> str:
    """The concrete index a load writes to through `alias`: created if missing, else checked.

    Raises OutdatedSchemaError when the index lacks fields of the current schema.
    """
    target = ensure_index(client, alias)
    if missing := missing_fields(client, alias):
        raise OutdatedSchemaError(alias, missing)
    return target


def missing_fields(client: Elasticsearch, alias: str) -> list[str]:
    """Fields of the current schema that the index behind `alias` lacks (empty: up to date).

    The mapping is strict, so writing a document with a field the index does not know fails;
    checking first turns a failure per document into one clear instruction.
    """
    wanted = index_body()["mappings"]["properties"]
    mappings = client.indices.get_mapping(index=alias)
    return sorted(
        {
            name
            for index in mappings.values()
            for name in _missing(wanted, index["mappings"].get("properties", {}), "")
        }
    )


def _missing(wanted: dict[str, Any], actual: dict[str, Any], prefix: str) -> list[str]:
    out: list[str] = []
    for name, spec in wanted.items():
        path = f"{prefix}{name}"
        if name not in actual:
            out.append(path)
            continue
        for key in ("properties", "fields"):
            if key in spec:
                out += _missing(spec[key], actual[name].get(key, {}), f"{path}.")
    return out


def index_stats(client: Elasticsearch, alias: str) -> IndexStats:
    """The concrete indices behind `alias` and their document count."""
    if not client.indices.exists_alias(name=alias):
        return IndexStats(alias, (), 0)
    names = tuple(sorted(client.indices.get_alias(name=alias)))
    docs = int(client.count(index=alias)["count"])
    return IndexStats(alias, names, docs)


class ReindexError(RuntimeError):
    """A reindex or rollback that cannot go ahead; the alias was left as it was."""


def current_index(client: Elasticsearch, alias: str) -> str:
    """The one concrete index behind `alias`."""
    if not client.indices.exists_alias(name=alias):
        raise ReindexError(f"alias {alias!r} does not exist; run `load` first")
    names = sorted(client.indices.get_alias(name=alias))
    if len(names) != 1:
        raise ReindexError(f"alias {alias!r} points at {len(names)} indices: {', '.join(names)}")
    return names[0]


def create_next_index(client: Elasticsearch, alias: str, *, previous: str) -> str:
    """A new versioned index for `alias`, not yet aliased, that remembers the one it replaces.

    Refreshes are off while it is built (nobody can search it yet), which speeds up loading.
    """
    name = concrete_index_name(alias)
    body = index_body()
    body["settings"]["refresh_interval"] = "-1"
    # The mapping's `_meta` is free-form and survives restarts: rollback reads it.
    body.setdefault("mappings", {})["_meta"] = {"previous_index": previous}
    client.indices.create(index=name, **body)
    return name


def previous_index(client: Elasticsearch, index: str) -> str | None:
    """The index `index` replaced, as recorded when it was built by a reindex."""
    mapping = client.indices.get_mapping(index=index)[index]["mappings"]
    previous = (mapping.get("_meta") or {}).get("previous_index")
    return previous if isinstance(previous, str) else None


# How long a new index may take to get its replicas assigned before a swap is refused. They are
# written alongside the primaries, so this is waited on only when a node left meanwhile.
GREEN_TIMEOUT = "600s"


def wait_for_every_copy(client: Elasticsearch, index: str) -> None:
    """Wait until `index` is green: every shard's replica assigned, not only its primary.

    On a cluster an alias must not move to an index held by a single node, which one node
    loss would take away. On one node `auto_expand_replicas` asks for no replica: green at once.
    """
    health = client.options(request_timeout=700).cluster.health(
        index=index, wait_for_status="green", timeout=GREEN_TIMEOUT
    )
    if health["timed_out"]:
        raise ReindexError(
            f"{index} has shard copies still unassigned after {GREEN_TIMEOUT} "
            f"(cluster {health['status']}); the alias was left where it was"
        )


def swap_alias(client: Elasticsearch, alias: str, *, old: str, new: str) -> None:
    """Point `alias` from `old` to `new` in one atomic step: searches see one or the other."""
    client.indices.update_aliases(
        actions=[
            {"remove": {"index": old, "alias": alias}},
            {"add": {"index": new, "alias": alias, "is_write_index": True}},
        ]
    )


def delete_all(client: Elasticsearch, alias: str) -> list[str]:
    """Delete every index of `alias` and of its companions (`data_aliases`); those deleted.

    By name: the engine refuses wildcard deletes.
    """
    patterns = ",".join(index_pattern(name) for name in data_aliases(alias))
    names = sorted(client.indices.get(index=patterns, ignore_unavailable=True))
    if names:
        client.indices.delete(index=names)
    return names
