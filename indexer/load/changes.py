"""Deciding what a load must write: new and changed articles; not unchanged ones or duplicates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from elasticsearch import Elasticsearch

from articles import Article
from indexer.documents import Provenance
from indexer.formats.records import ParsedArticle
from indexer.load.fingerprint import content_hash, document_id, duplicate_keys
from indexer.load.retry import DEFAULT_BACKOFF, Backoff, with_retries


@dataclass(frozen=True)
class Planned:
    """An article to write, with the provenance of the document it creates or replaces."""

    article: Article
    # Where the record was read (file:line) and from which input (its provenance's origin).
    where: str
    input: str
    provenance: Provenance
    outcome: Literal["added", "updated"]

    def __str__(self) -> str:
        return self.where


@dataclass(frozen=True)
class Skipped:
    """An article left alone: stored already as it is, a repeat of another record, or a record
    from another source that reuses a stored article's id or URL (a conflict, said in `reason`).
    """

    where: str
    input: str
    doc_id: str
    outcome: Literal["unchanged", "duplicate", "conflict"]
    reason: str | None = None


class ChangeTracker:
    """Remembers what a run has seen, and asks the engine what it already holds.

    Without a client (a dry run) every article is new; duplicates within the run are still found.
    """

    def __init__(
        self,
        client: Elasticsearch | None,
        index: str,
        *,
        backoff: Backoff = DEFAULT_BACKOFF,
        ingested_at: str | None = None,
    ) -> None:
        self.client = client
        self.index = index
        self.backoff = backoff
        # When this run wrote its articles: one stamp for every document of the run.
        self.ingested_at = ingested_at or datetime.now(UTC).isoformat(timespec="seconds")
        # Every document id this run wrote, skipped or matched: what `--prune` must keep.
        self.seen_ids: set[str] = set()
        # Duplicate key -> the document id that claimed it first in this run.
        self.seen_keys: dict[str, str] = {}
        # Document id -> where this run first met it and the source it has.
        self.seen_from: dict[str, tuple[str, str | None]] = {}

    def triage(self, batch: Sequence[ParsedArticle]) -> list[Planned | Skipped]:
        """What to do with each article of a batch, in input order."""
        stored = self._stored(batch)
        decided: list[Planned | Skipped] = []
        for item in batch:
            article, where, input_name = item.article, str(item.origin), item.origin.path
            doc_id = document_id(article)
            keys = duplicate_keys(article)
            digest = content_hash(article)
            first = doc_id if doc_id in self.seen_ids else None
            first = first or next((self.seen_keys[k] for k in keys if k in self.seen_keys), None)
            if first is not None:
                # The first record of an article in a run wins; later repeats are not stored.
                earlier = self.seen_from.get(first)
                if earlier is not None and not same_source(earlier[1], article.source):
                    reason = _conflict(article, doc_id, first, earlier[0], earlier[1])
                    decided.append(Skipped(where, input_name, first, "conflict", reason))
                else:
                    decided.append(Skipped(where, input_name, first, "duplicate"))
                self._remember(first, keys)
                continue
            same_id = stored.by_id.get(doc_id)
            same_key = next((stored.by_key[k] for k in keys if k in stored.by_key), None)
            existing = same_id or same_key
            if existing is None:
                decided.append(self._planned(item, doc_id, digest, keys, "added"))
                self._remember(doc_id, keys, (where, article.source))
                continue
            target = existing["_id"]
            kept = existing.get("_source") or {}
            if not same_source(kept.get("source"), article.source):
                # Updates come only from the article's own source: another source reusing its
                # id or URL is reported and the stored article is left as it is.
                origin = str(kept.get("origin") or "another input")
                reason = _conflict(article, doc_id, target, origin, kept.get("source"))
                decided.append(Skipped(where, input_name, target, "conflict", reason))
            elif kept.get("content_hash") != digest:
                # A new version of the article: under its own id, or the stored twin's.
                decided.append(self._planned(item, target, digest, keys, "updated"))
            elif same_id is None:
                # The same article stored from another record (another id or input): keep that.
                decided.append(Skipped(where, input_name, target, "duplicate"))
            elif kept.get("origin") != input_name:
                # Moved to another input: rewrite it so `--prune` looks for it in the right place.
                decided.append(self._planned(item, target, digest, keys, "updated"))
            else:
                decided.append(Skipped(where, input_name, target, "unchanged"))
            self._remember(target, keys, (where, kept.get("source")))
        return decided

    def _planned(
        self,
        item: ParsedArticle,
        target: str,
        digest: str,
        keys: tuple[str, ...],
        outcome: Literal["added", "updated"],
    ) -> Planned:
        """A write of `item` as document `target`, with the provenance that document carries."""
        origin = item.origin.path
        provenance = Provenance(target, digest, keys, origin, self.ingested_at)
        return Planned(item.article, str(item.origin), origin, provenance, outcome)

    def _remember(
        self, doc_id: str, keys: tuple[str, ...], first: tuple[str, str | None] | None = None
    ) -> None:
        self.seen_ids.add(doc_id)
        if first is not None:
            self.seen_from.setdefault(doc_id, first)
        for key in keys:
            self.seen_keys.setdefault(key, doc_id)

    def _stored(self, batch: Sequence[ParsedArticle]) -> _Stored:
        """The stored versions of a batch's articles, found by id, else by a duplicate key."""
        stored = _Stored()
        if self.client is None or not batch:
            return stored
        client = self.client
        ids = list(dict.fromkeys(document_id(item.article) for item in batch))
        # mget is real-time: it sees documents written moments ago, before any refresh, which is
        # what lets a run that died half-way be finished by running it again.
        found = with_retries(
            lambda: client.mget(index=self.index, ids=ids, source_includes=_FIELDS),
            self.backoff,
            what="looking up stored articles",
        )
        for doc in found["docs"]:
            if doc.get("found"):
                stored.by_id[doc["_id"]] = doc
        keys = sorted(
            {
                key
                for item in batch
                if document_id(item.article) not in stored.by_id
                for key in duplicate_keys(item.article)
            }
        )
        if keys:
            hits = with_retries(
                lambda: client.search(
                    index=self.index,
                    query={"terms": {"duplicate_keys": keys}},
                    source_includes=[*_FIELDS, "duplicate_keys"],
                    size=len(keys),
                    sort=["_doc"],
                ),
                self.backoff,
                what="looking up duplicates",
            )["hits"]["hits"]
            for hit in hits:
                for key in hit["_source"].get("duplicate_keys") or ():
                    stored.by_key.setdefault(key, hit)
        return stored


_FIELDS = ["content_hash", "origin", "source"]


def same_source(first: str | None, second: str | None) -> bool:
    """Whether two records name the same source (case and spacing aside; none matches none)."""
    return " ".join((first or "").casefold().split()) == " ".join((second or "").casefold().split())


def _conflict(
    article: Article, doc_id: str, target: str, other: str, other_source: str | None
) -> str:
    """Why a record was not stored over article `target`, naming both sides."""
    what = "id" if doc_id == target else "URL"
    return (
        f"same {what} as article {target} from {other} (source {other_source!r}), "
        f"but this record's source is {article.source!r}: not replaced"
    )


class _Stored:
    def __init__(self) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, dict[str, Any]] = {}
