"""Backups: snapshots of the indices behind the product's aliases, and restoring them.

A snapshot holds the concrete index behind each of `data_aliases(alias)` (the articles, their
names index, and whatever joins that list), nothing of the cluster's global state, and in its
metadata which index stood behind which alias. A restore brings those indices back under new
versioned names, so it never collides with what the cluster holds now, waits until every copy
is assigned, then points all the aliases at them in one atomic step, as a reindex does: the
index it replaces is kept, and `rollback` swaps back to it.

Snapshots go to a core `fs` repository: a folder the nodes list in `path.repo` (every node of a
cluster must see the same folder; the local launcher sets it up). Snapshots are incremental:
files already in the repository from an earlier snapshot are not copied again.
https://www.elastic.co/docs/deploy-manage/tools/snapshot-and-restore
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from articles import concrete_index_name, data_aliases, names_alias
from indexer.index.lifecycle import current_index, wait_for_every_copy
from indexer.index.names import follow_renamed_articles, sync_after_swap

DEFAULT_REPOSITORY = "news-search"
# Relative: the engine resolves it under the first `path.repo` folder of every node.
DEFAULT_LOCATION = "news-search"
# How long a snapshot or a restore may take before the command gives up waiting for it.
WAIT_SECONDS = 3600.0


class SnapshotError(RuntimeError):
    """A snapshot or restore could not be made; the message says why."""


@dataclass(frozen=True)
class Snapshot:
    """One snapshot in the repository, as listed."""

    name: str
    state: str
    started: str
    # The articles alias it was taken of.
    alias: str | None
    # Alias -> the concrete index behind it when the snapshot was taken (in no order: the
    # engine keeps metadata as a map).
    aliases: dict[str, str]
    shards_failed: int

    @classmethod
    def from_info(cls, info: dict[str, Any]) -> Snapshot:
        """From one entry of the snapshot API's `snapshots` list."""
        meta = info.get("metadata") or {}
        return cls(
            name=str(info["snapshot"]),
            state=str(info.get("state")),
            started=str(info.get("start_time", "")),
            alias=meta.get("alias"),
            aliases=dict(meta.get("aliases") or {}),
            shards_failed=int((info.get("shards") or {}).get("failed", 0)),
        )


@dataclass(frozen=True)
class Restored:
    """What a restore did: per alias, the index it pointed at before (if any) and now."""

    snapshot: str
    swaps: dict[str, tuple[str | None, str]]
    docs: int
    seconds: float
    # Names written by a sync of the names index; None when it came back current with the
    # articles (the usual case) and needed none.
    names_synced: int | None = None


def ensure_repository(client: Elasticsearch, repository: str, location: str) -> None:
    """Register the `fs` repository at `location` unless it is registered already.

    The engine checks on registration that every node can write there, so a folder missing
    from some node's `path.repo` fails here, not halfway through a snapshot.
    """
    try:
        client.snapshot.get_repository(name=repository)
        return
    except NotFoundError:
        pass
    client.snapshot.create_repository(
        name=repository, repository={"type": "fs", "settings": {"location": location}}
    )


def take_snapshot(
    client: Elasticsearch,
    alias: str,
    *,
    repository: str = DEFAULT_REPOSITORY,
    location: str = DEFAULT_LOCATION,
    name: str | None = None,
) -> Snapshot:
    """Snapshot the indices behind `alias` and its companion aliases; wait until it is done."""
    ensure_repository(client, repository, location)
    aliases = {a: current_index(client, a) for a in data_aliases(alias) if _exists(client, a)}
    if alias not in aliases:
        raise SnapshotError(f"alias {alias!r} does not exist: there is nothing to snapshot")
    # Snapshot names are lowercase; a versioned name sorts by time like the indices do.
    name = name or concrete_index_name(alias).lower()
    answer = client.options(request_timeout=WAIT_SECONDS).snapshot.create(
        repository=repository,
        snapshot=name,
        indices=",".join(aliases.values()),
        # The product's indices only: cluster settings, templates and other indices stay out,
        # so a restore onto another cluster changes nothing else there.
        include_global_state=False,
        metadata={"alias": alias, "aliases": aliases},
        wait_for_completion=True,
    )
    snapshot = Snapshot.from_info(answer["snapshot"])
    if snapshot.state != "SUCCESS":
        raise SnapshotError(
            f"snapshot {name} ended {snapshot.state} with {snapshot.shards_failed} failed "
            "shards; a partial snapshot cannot restore every article"
        )
    return snapshot


def list_snapshots(client: Elasticsearch, alias: str, repository: str) -> list[Snapshot]:
    """The snapshots of `alias` in the repository, oldest first."""
    try:
        answer = client.snapshot.get(repository=repository, snapshot="_all")
    except NotFoundError as exc:
        raise SnapshotError(f"there is no snapshot repository {repository!r}") from exc
    snapshots = [Snapshot.from_info(info) for info in answer["snapshots"]]
    return sorted((s for s in snapshots if s.alias == alias), key=lambda s: s.started)


def restore_snapshot(
    client: Elasticsearch,
    alias: str,
    *,
    repository: str = DEFAULT_REPOSITORY,
    location: str = DEFAULT_LOCATION,
    name: str | None = None,
) -> Restored:
    """Restore a snapshot of `alias` (the newest successful one by default) and swap to it.

    Each index comes back under a new versioned name; once all are green, one alias update
    points every alias at them. On failure the restored indices are deleted and the aliases
    are left as they were.
    """
    started = time.perf_counter()
    ensure_repository(client, repository, location)
    snapshot = choose_snapshot(list_snapshots(client, alias, repository), alias, name)
    restored: dict[str, str] = {}
    try:
        # The articles first: the rest is named after them.
        for each_alias in data_aliases(alias):
            index = snapshot.aliases.get(each_alias)
            if index is None:
                continue  # not in this snapshot (the names index of an older one, say)
            target = concrete_index_name(each_alias)
            answer = client.options(request_timeout=WAIT_SECONDS).snapshot.restore(
                repository=repository,
                snapshot=snapshot.name,
                indices=index,
                rename_pattern="(.+)",
                rename_replacement=target,
                # The aliases move together below, in one step, once every index is complete.
                include_aliases=False,
                include_global_state=False,
                wait_for_completion=True,
            )
            restored[each_alias] = target
            failed = int(answer["snapshot"]["shards"]["failed"])
            if failed:
                raise SnapshotError(f"{failed} shards of {index} could not be restored")
        # Replicas too, so the aliases never point at an index with one copy of its data.
        for index in restored.values():
            wait_for_every_copy(client, index)
        names_index = restored.get(names_alias(alias))
        if names_index is not None:
            # The names were restored with the very articles they were synced with.
            follow_renamed_articles(client, names_index, snapshot.aliases[alias], restored[alias])
        swaps = _swap_all(client, alias, restored)
    except BaseException:
        if restored:
            client.indices.delete(index=",".join(restored.values()), ignore_unavailable=True)
        raise
    # As after a rollback: the names index is checked against the articles behind the alias
    # (it is synced only if it was not current when the snapshot was taken, or is missing).
    synced = sync_after_swap(client, alias, restored[alias])
    docs = int(client.count(index=alias)["count"])
    return Restored(snapshot.name, swaps, docs, time.perf_counter() - started, synced)


def choose_snapshot(snapshots: list[Snapshot], alias: str, name: str | None) -> Snapshot:
    """The snapshot asked for, else the newest successful one."""
    if name is not None:
        for snapshot in snapshots:
            if snapshot.name == name:
                return snapshot
        raise SnapshotError(f"no snapshot {name!r} of {alias!r} in the repository")
    usable = [s for s in snapshots if s.state == "SUCCESS"]
    if not usable:
        raise SnapshotError(f"the repository holds no complete snapshot of {alias!r}")
    return usable[-1]


def _swap_all(
    client: Elasticsearch, articles: str, restored: dict[str, str]
) -> dict[str, tuple[str | None, str]]:
    """Point each alias at its restored index in one atomic step; the indices it left."""
    swaps = {
        alias: (current_index(client, alias) if _exists(client, alias) else None, target)
        for alias, target in restored.items()
    }
    before = swaps[articles][0]
    if before is not None:
        # `rollback` reads the index to go back to from the mapping's _meta, as after a reindex.
        client.indices.put_mapping(index=restored[articles], meta={"previous_index": before})
    actions: list[dict[str, Any]] = []
    for alias, (old, target) in swaps.items():
        if old is not None:
            actions.append({"remove": {"index": old, "alias": alias}})
        actions.append({"add": {"index": target, "alias": alias, "is_write_index": True}})
    client.indices.update_aliases(actions=actions)
    return swaps


def _exists(client: Elasticsearch, alias: str) -> bool:
    return bool(client.indices.exists_alias(name=alias))
