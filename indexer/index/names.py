"""The names index: one document per entity, kept in step with the articles' facet fields.

Suggestions offer people, organizations and places from here rather than from every article
that mentions them (articles/suggest.py says why). The index is derived data. A sync reads every
facet value with its article count from the articles (a composite aggregation, paged, in term
order), reads what the names index holds the same way, and writes only the difference: new
names, changed counts, and deletions of names no article carries any more. A load of a few new
articles into a large index so touches a few hundred names, not all of them.

The names index records a fingerprint of the articles it was last synced with
(`articles_fingerprint`), so a load syncs only when the articles changed, and a run cut short
before or during its sync (the names partly updated) is caught up by the next one.

Reading every name costs time in proportion to the index: 16 s for the 103k names of 44k
articles, well over a minute at a million articles (README "One million articles"). So when
the articles since the last sync were only added (`added_since`: every article of that sync is
still there, unchanged, and the rest were stamped after it), a sync recounts just the names
those new articles carry, the only ones whose counts moved.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
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
from indexer.index.lifecycle import ReindexError
from indexer.load.bulk import BulkItem, bulk_load
from indexer.load.report import Failure, LoadReport
from indexer.load.retry import DEFAULT_BACKOFF, Backoff, EngineUnavailableError, with_retries

# Buckets per aggregation page: large pages make few round trips; the buckets are small.
PAGE_SIZE = 10_000
# Names recounted per request in an incremental sync; well under the engine's limit of terms
# in one query (index.max_terms_count, 65,536).
RECOUNT_BATCH = 2_000
# An incremental sync recounts the new articles' names one by one over the whole index; past
# this share of new articles, reading every name once (the full sync) is the cheaper way.
INCREMENTAL_MAX_SHARE = 0.2
# An entity's name and its article count (None: no article carries it any more).
Count = tuple[str, int]
Change = tuple[str, int | None]


class NamesError(Exception):
    """Some names could not be written; the next load finishes the sync."""


@dataclass(frozen=True)
class NamesSync:
    """What a sync did: names written (new or recounted), names deleted, and the time taken.

    `full` is False when only the names of newly added articles were recounted.
    """

    written: int
    deleted: int
    seconds: float
    full: bool = True

    @property
    def changed(self) -> int:
        """Names the sync touched."""
        return self.written + self.deleted


def sync_names(
    client: Elasticsearch, alias: str, *, backoff: Backoff = DEFAULT_BACKOFF
) -> NamesSync:
    """Bring the names index of `alias` in step with the articles behind it, creating it first.

    Raises NamesError when some names could not be written, and EngineUnavailableError when the
    engine stays away; either way the fingerprint is not updated, so the next load syncs again.
    """
    started = time.perf_counter()
    target = ensure_names_index(client, alias)
    # Taken before reading: anything written meanwhile makes the next load sync again.
    fingerprint = articles_fingerprint(client, alias)
    since = added_since(client, alias, synced_fingerprint(client, target), fingerprint)
    report = LoadReport()
    written = deleted = 0

    def recounted() -> Iterator[BulkItem[str]]:
        nonlocal written
        assert since is not None
        for kind in ENTITY_TYPES:
            for name, articles in added_counts(client, alias, kind, since, backoff):
                if item := _name_item(target, kind, name, articles):
                    written += 1
                    yield item

    # The names index is read page by page while this sync writes to it. That is safe: each page
    # starts after the last name read, and what is written is always behind the merge, so no
    # write can fall in a page yet to be read.
    def merged() -> Iterator[BulkItem[str]]:
        nonlocal written, deleted
        for kind in ENTITY_TYPES:
            wanted = facet_counts(client, alias, kind, backoff) if fingerprint["indices"] else ()
            stored = stored_counts(client, target, kind, backoff)
            for name, articles in name_changes(wanted, stored):
                if articles is None:
                    deleted += 1
                    action = {"_index": target, "_id": name_id(kind, name), "_op_type": "delete"}
                    yield BulkItem(action, f"{kind} {name!r}")
                elif item := _name_item(target, kind, name, articles):
                    written += 1
                    yield item

    bulk_load(client, merged() if since is None else recounted(), report=report, backoff=backoff)
    if report.failures:
        raise NamesError(
            f"{report.failed} of {written + deleted} names could not be written to {target}: "
            f"{report.failures[0]}"
        )
    client.indices.refresh(index=target)
    client.indices.put_mapping(index=target, meta={"articles": fingerprint})
    return NamesSync(written, deleted, time.perf_counter() - started, full=since is None)


def _name_item(target: str, kind: EntityType, name: str, articles: int) -> BulkItem[str] | None:
    """The write of one name with its count; None for a name of nothing but control characters."""
    source = name_source(kind, name, articles)
    if not source["suggest"]["input"]:
        return None
    action = {"_index": target, "_id": name_id(kind, name), "_source": source}
    return BulkItem(action, f"{kind} {name!r}")


def synced_fingerprint(client: Elasticsearch, target: str) -> dict[str, Any] | None:
    """The articles' fingerprint the names index `target` was last synced with, if any."""
    mappings = client.indices.get_mapping(index=target)
    metas = [(m["mappings"].get("_meta") or {}).get("articles") for m in mappings.values()]
    return metas[0] if len(metas) == 1 and isinstance(metas[0], dict) else None


def added_since(
    client: Elasticsearch,
    alias: str,
    synced: dict[str, Any] | None,
    fingerprint: dict[str, Any],
) -> str | None:
    """The stamp of the last sync when articles were only added since it, and few; else None.

    Only added: still the same index, the articles stamped up to that sync's newest stamp are
    as many as it counted (an update restamps an article, a prune deletes one: either leaves
    fewer), and every other article was stamped after it (none lacks a stamp). The same trust
    in stamps as `names_current`: an article written is stamped later than those before it.
    """
    last = (synced or {}).get("last_ingested")
    if not synced or not last or synced.get("indices") != fingerprint["indices"]:
        return None
    if not fingerprint["indices"]:
        return None
    found = client.search(
        index=alias,
        size=0,
        track_total_hits=True,
        request_cache=False,
        aggs={
            "old": {"filter": {"range": {"ingested_at": {"lte": last}}}},
            "new": {"filter": {"range": {"ingested_at": {"gt": last}}}},
        },
    )
    total = int(found["hits"]["total"]["value"])
    old = int(found["aggregations"]["old"]["doc_count"])
    new = int(found["aggregations"]["new"]["doc_count"])
    if old != synced.get("articles") or old + new != total:
        return None
    return str(last) if new <= INCREMENTAL_MAX_SHARE * total else None


def added_counts(
    client: Elasticsearch, alias: str, kind: EntityType, since: str, backoff: Backoff
) -> Iterator[Count]:
    """The values of one facet carried by articles stamped after `since`, each with its count
    over every article behind `alias`."""
    added = {"range": {"ingested_at": {"gt": since}}}
    names = [
        str(key["name"]) for key, _ in _composite(client, alias, [("name", kind)], added, backoff)
    ]
    for start in range(0, len(names), RECOUNT_BATCH):
        batch = names[start : start + RECOUNT_BATCH]

        def count(batch: list[str] = batch) -> Any:
            return client.search(
                index=alias,
                size=0,
                query={"terms": {kind: batch}},
                # An exact list of terms: every one of them has a bucket on every shard, so
                # the counts are exact whatever the shard count.
                aggs={"names": {"terms": {"field": kind, "include": batch, "size": len(batch)}}},
                request_cache=False,
            )

        answer = with_retries(count, backoff, what=f"recounting names in {alias}")
        for bucket in answer["aggregations"]["names"]["buckets"]:
            yield str(bucket["key"]), int(bucket["doc_count"])


def name_changes(wanted: Iterable[Count], stored: Iterable[Count]) -> Iterator[Change]:
    """What to write so that `stored` becomes `wanted`; both are sorted by name (pure).

    A merge of the two sorted streams, so neither is held in memory: a name only wanted is
    written, a name with another count is written again, a name only stored is deleted (None).
    Names compare as Python strings, whose code point order is the engine's UTF-8 byte order.
    """
    wants, haves = iter(wanted), iter(stored)
    want, have = next(wants, None), next(haves, None)
    while want is not None or have is not None:
        if have is None or (want is not None and want[0] < have[0]):
            assert want is not None
            yield want
            want = next(wants, None)
        elif want is None or have[0] < want[0]:
            yield have[0], None
            have = next(haves, None)
        else:
            if want[1] != have[1]:
                yield want
            want, have = next(wants, None), next(haves, None)


def facet_counts(
    client: Elasticsearch, alias: str, kind: EntityType, backoff: Backoff = DEFAULT_BACKOFF
) -> Iterator[Count]:
    """Every value of one entity facet behind `alias`, with its article count, in term order."""
    for key, doc_count in _composite(client, alias, [("name", kind)], None, backoff):
        yield str(key["name"]), doc_count


def stored_counts(
    client: Elasticsearch, target: str, kind: EntityType, backoff: Backoff = DEFAULT_BACKOFF
) -> Iterator[Count]:
    """Every name of `kind` in the names index, with the count it holds, in term order."""
    sources = [("name", "name"), ("articles", "articles")]
    for key, _ in _composite(client, target, sources, {"term": {"kind": kind}}, backoff):
        yield str(key["name"]), int(key["articles"])


def ensure_names_index(client: Elasticsearch, alias: str) -> str:
    """The names alias of `alias`, with an empty versioned index behind it if it had none."""
    target = names_alias(alias)
    if not client.indices.exists_alias(name=target):
        client.indices.create(
            index=concrete_index_name(target), **names_index_body(), aliases={target: {}}
        )
    return target


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
    """Whether the names index of `alias` was last synced with the articles as they are now."""
    target = names_alias(alias)
    if not client.indices.exists_alias(name=target):
        return False
    return synced_fingerprint(client, target) == articles_fingerprint(client, alias)


def follow_renamed_articles(client: Elasticsearch, names_index: str, old: str, new: str) -> bool:
    """Record in `names_index` that the articles it was synced with now live in index `new`.

    A restore brings the articles back under a new index name, unchanged; their names index,
    restored beside them, then stays current without a sync. Only a names index synced with
    exactly `old` is changed; whether it was is returned.
    """
    mapping = client.indices.get_mapping(index=names_index)[names_index]["mappings"]
    synced = dict((mapping.get("_meta") or {}).get("articles") or {})
    if synced.get("indices") != [old]:
        return False
    client.indices.put_mapping(index=names_index, meta={"articles": {**synced, "indices": [new]}})
    return True


def update_names(
    client: Elasticsearch, alias: str, report: LoadReport, *, backoff: Backoff = DEFAULT_BACKOFF
) -> None:
    """Sync the suggestions' names index unless it is current; the outcome goes to `report`."""
    try:
        if names_current(client, alias):
            return
        synced = sync_names(client, alias, backoff=backoff)
    except EngineUnavailableError as exc:
        report.aborted = str(exc)
    except NamesError as exc:
        report.failures.append(Failure("entity names for suggestions", str(exc)))
    else:
        report.names = synced.changed
        report.names_seconds = synced.seconds


def sync_after_swap(client: Elasticsearch, alias: str, new: str) -> int | None:
    """Sync the names index once `alias` has moved to index `new`; the names written, if any.

    Raises ReindexError when the names could not be synced: the alias stays where it is, and
    the next `load` syncs them.
    """
    names = LoadReport()
    update_names(client, alias, names)
    if not names.ok:
        problem = names.aborted or names.failures[0]
        raise ReindexError(
            f"{alias} now points at {new}, but its suggestions were not synced ({problem}); "
            "run `load` on any input to sync them"
        )
    return names.names


def _composite(
    client: Elasticsearch,
    index: str,
    sources: list[tuple[str, str]],
    query: dict[str, Any] | None,
    backoff: Backoff,
) -> Iterator[tuple[dict[str, Any], int]]:
    """Every bucket of a composite terms aggregation over `sources`, page by page."""
    after: dict[str, Any] | None = None
    while True:
        composite: dict[str, Any] = {
            "size": PAGE_SIZE,
            "sources": [{name: {"terms": {"field": field}}} for name, field in sources],
        }
        if after is not None:
            composite["after"] = after

        def page(composite: dict[str, Any] = composite) -> Any:
            return client.search(
                index=index,
                size=0,
                query=query,
                aggs={"names": {"composite": composite}},
                request_cache=False,
            )

        result = with_retries(page, backoff, what=f"reading names from {index}")["aggregations"]
        buckets = result["names"]["buckets"]
        for bucket in buckets:
            yield bucket["key"], int(bucket["doc_count"])
        after = result["names"].get("after_key")
        if not buckets or after is None:
            return
