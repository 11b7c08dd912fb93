"""The names index: one document per entity, rebuilt from the articles' facet fields.

Suggestions offer people, organizations and places from here rather than from every article
that mentions them (articles/suggest.py says why). The index is derived data: each rebuild reads
every facet value and its article count from the articles behind the alias (a composite
aggregation, paged), writes them into a new versioned index and moves the names alias to it in
one atomic step, so suggestions never see a half-built list and a failed rebuild leaves the
previous one serving. Rebuilding is proportional to the number of distinct names, not to what a
load changed: about 9 s for the 119k names of both corpora (44k articles). So a load rebuilds
only when the articles changed since the last rebuild, which the names index records as a
fingerprint of the articles it was read from (`names_current`); a run cut short before its
rebuild is caught up by the next one.

Two loads into the same alias at once are not supported: the later rebuild deletes the earlier
one's index, which then fails and is redone by running that load again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch

from articles import (
    ENTITY_TYPES,
    EntityType,
    concrete_index_name,
    name_id,
    name_source,
    names_alias,
    names_index_body,
)
from indexer.load import bulk_load
from indexer.report import Failure, LoadReport
from indexer.retry import DEFAULT_BACKOFF, Backoff, EngineUnavailableError, with_retries

# Buckets per aggregation page: large pages make few round trips; the buckets are small.
PAGE_SIZE = 10_000


class NamesError(Exception):
    """The names index could not be rebuilt; the previous one (if any) still serves."""


@dataclass(frozen=True)
class NamesRebuild:
    """What a rebuild wrote: the new index, how many names, and how long it took."""

    index: str
    names: int
    seconds: float


def facet_counts(
    client: Elasticsearch, alias: str, kind: EntityType, *, backoff: Backoff = DEFAULT_BACKOFF
) -> Iterator[tuple[str, int]]:
    """Every value of one entity facet behind `alias`, with its article count, in term order."""
    after: dict[str, Any] | None = None
    while True:
        composite: dict[str, Any] = {
            "size": PAGE_SIZE,
            "sources": [{"name": {"terms": {"field": kind}}}],
        }
        if after is not None:
            composite["after"] = after

        def page(composite: dict[str, Any] = composite) -> Any:
            return client.search(
                index=alias, size=0, aggs={"names": {"composite": composite}}, request_cache=False
            )

        result = with_retries(page, backoff, what=f"reading the {kind} names")["aggregations"]
        buckets = result["names"]["buckets"]
        for bucket in buckets:
            yield str(bucket["key"]["name"]), int(bucket["doc_count"])
        after = result["names"].get("after_key")
        if not buckets or after is None:
            return


def rebuild_names(
    client: Elasticsearch, alias: str, *, backoff: Backoff = DEFAULT_BACKOFF
) -> NamesRebuild:
    """Rebuild the names index of the articles behind `alias` and point its alias at it.

    Raises NamesError when names could not be written (the new index is deleted and the alias
    left alone), and EngineUnavailableError when the engine stays away.
    """
    started = time.perf_counter()
    target = names_alias(alias)
    new = concrete_index_name(target)
    body = names_index_body()
    # Taken before reading: anything written meanwhile makes the next load rebuild again.
    body["mappings"]["_meta"] = {"articles": articles_fingerprint(client, alias)}
    # Nobody reads the new index before the alias moves; one refresh at the end is enough.
    body["settings"]["refresh_interval"] = "-1"
    client.indices.create(index=new, **body)
    report = LoadReport()
    try:
        if client.indices.exists_alias(name=alias):
            bulk_load(client, _actions(client, alias, new, backoff), report=report, backoff=backoff)
        if report.failures:
            first = report.failures[0]
            raise NamesError(f"{report.failed} names could not be written to {new}: {first}")
        client.indices.put_settings(index=new, settings={"index": {"refresh_interval": None}})
        client.indices.refresh(index=new)
        old = _names_indices(client, target)
        swap: list[dict[str, Any]] = [{"remove": {"index": name, "alias": target}} for name in old]
        swap.append({"add": {"index": new, "alias": target}})
        client.indices.update_aliases(actions=swap)
    except BaseException:
        client.indices.delete(index=new, ignore_unavailable=True)
        raise
    # Earlier lists are derived data with nothing to roll back to: delete them, along with any
    # left behind by a rebuild that was interrupted before its swap.
    stale = [name for name in _all_names_indices(client, target) if name != new]
    if stale:
        client.indices.delete(index=stale, ignore_unavailable=True)
    return NamesRebuild(new, report.indexed, time.perf_counter() - started)


def update_names(
    client: Elasticsearch, alias: str, report: LoadReport, *, backoff: Backoff = DEFAULT_BACKOFF
) -> None:
    """Rebuild the suggestions' names index unless it matches the articles already."""
    try:
        if names_current(client, alias):
            return
        rebuilt = rebuild_names(client, alias, backoff=backoff)
    except EngineUnavailableError as exc:
        report.aborted = str(exc)
    except NamesError as exc:
        report.failures.append(Failure("entity names for suggestions", str(exc)))
    else:
        report.names = rebuilt.names
        report.names_seconds = rebuilt.seconds


def articles_fingerprint(client: Elasticsearch, alias: str) -> dict[str, Any]:
    """What changes whenever the articles behind `alias` do, through any indexer command.

    The concrete index (a reindex or rollback moves the alias), the article count (a prune
    deletes) and the newest `ingested_at` (every added or updated article is stamped with it).
    """
    if not client.indices.exists_alias(name=alias):
        return {"indices": [], "articles": 0, "last_ingested": None}
    found = client.search(
        index=alias,
        size=0,
        track_total_hits=True,
        aggs={"last": {"max": {"field": "ingested_at"}}},
        request_cache=False,
    )
    return {
        "indices": sorted(client.indices.get_alias(name=alias)),
        "articles": int(found["hits"]["total"]["value"]),
        "last_ingested": found["aggregations"]["last"].get("value_as_string"),
    }


def names_current(client: Elasticsearch, alias: str) -> bool:
    """Whether the names index of `alias` was built from the articles as they are now."""
    built = _names_indices(client, names_alias(alias))
    if len(built) != 1:
        return False
    meta = client.indices.get_mapping(index=built[0])[built[0]]["mappings"].get("_meta") or {}
    return bool(meta.get("articles") == articles_fingerprint(client, alias))


def _actions(
    client: Elasticsearch, alias: str, index: str, backoff: Backoff
) -> Iterator[tuple[dict[str, Any], str]]:
    for kind in ENTITY_TYPES:
        for name, articles in facet_counts(client, alias, kind, backoff=backoff):
            source = name_source(kind, name, articles)
            if source["suggest"]["input"]:
                action = {"_index": index, "_id": name_id(kind, name), "_source": source}
                yield action, f"{kind} {name!r}"


def _names_indices(client: Elasticsearch, target: str) -> list[str]:
    if not client.indices.exists_alias(name=target):
        return []
    return sorted(client.indices.get_alias(name=target))


def _all_names_indices(client: Elasticsearch, target: str) -> list[str]:
    return sorted(client.indices.get(index=f"{target}-*", ignore_unavailable=True))
