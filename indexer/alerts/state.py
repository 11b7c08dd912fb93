"""The checker's state, all of it in the engine: alerts and their watermarks, matches, the lease.

Nothing the checker needs to resume is kept in memory between runs. A match is recorded with
`create` under its one id (articles/alerts.py `match_id`), so recording it again is refused by
the engine: that is what makes a re-run after a crash repeat nothing. A watermark moves only
after every match found under it is recorded, so a crash before that makes the next run search
the same span again and miss nothing.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import BadRequestError, ConflictError, Elasticsearch, NotFoundError, helpers

from articles.alerts import (
    LEASE_ID,
    alerts_alias,
    match_id,
    matches_alias,
    matches_index_body,
    versioned_name,
)


@dataclass(frozen=True)
class SavedAlert:
    """A saved search as the checker reads it."""

    id: str
    name: str
    query: dict[str, Any]
    query_version: str | None
    created_at: datetime
    watermark: datetime
    webhook_url: str | None
    secret: str


@dataclass(frozen=True)
class Match:
    """One article found by one alert, as recorded."""

    alert_id: str
    article_id: str
    found_at: str
    article: dict[str, Any]
    attempts: int = 0

    @property
    def id(self) -> str:
        """The match's one id (also the webhook's delivery id)."""
        return match_id(self.alert_id, self.article_id)


def parse_time(value: object) -> datetime | None:
    """A stored time, None when missing or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    """A time as stored (UTC, milliseconds)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def ensure_matches_index(client: Elasticsearch, articles_alias: str) -> str:
    """The matches alias of `articles_alias`, its index created first if needed."""
    alias = matches_alias(articles_alias)
    if not client.indices.exists_alias(name=alias):
        try:
            client.indices.create(
                index=versioned_name(alias), **matches_index_body(), aliases={alias: {}}
            )
        except BadRequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise
    return alias


def read_alerts(client: Elasticsearch, articles_alias: str) -> Iterator[SavedAlert | str]:
    """Every saved search (a scroll: any number), or the id of one that cannot be read."""
    alias = alerts_alias(articles_alias)
    if not client.indices.exists_alias(name=alias):
        return
    for hit in helpers.scan(client, index=alias, query={"query": {"match_all": {}}}, size=500):
        source = hit.get("_source") or {}
        created = parse_time(source.get("created_at"))
        watermark = parse_time(source.get("watermark")) or created
        query = source.get("query")
        if created is None or watermark is None or not isinstance(query, dict):
            yield str(hit["_id"])
            continue
        yield SavedAlert(
            id=str(hit["_id"]),
            name=str(source.get("name") or ""),
            query=query,
            query_version=source.get("query_version"),
            created_at=created,
            watermark=watermark,
            webhook_url=source.get("webhook_url") or None,
            secret=str(source.get("secret") or ""),
        )


def record_matches(
    client: Elasticsearch, alias: str, matches: Sequence[Match], *, webhooks: set[str]
) -> tuple[int, int, list[str]]:
    """Record new matches: (recorded, already recorded, alert ids whose records failed).

    `webhooks` names the alerts with a webhook: their matches wait for it (`pending`); the
    others are delivered by their feed alone (`feed`).
    """
    if not matches:
        return 0, 0, []
    actions = [
        {
            "_op_type": "create",
            "_index": alias,
            "_id": match.id,
            "_source": {
                "alert_id": match.alert_id,
                "article_id": match.article_id,
                "found_at": match.found_at,
                "state": "pending" if match.alert_id in webhooks else "feed",
                "attempts": 0,
                "article": match.article,
            },
        }
        for match in matches
    ]
    recorded = repeated = 0
    failed: list[str] = []
    for (ok, item), match in zip(
        helpers.streaming_bulk(
            client, actions, raise_on_error=False, raise_on_exception=False, chunk_size=500
        ),
        matches,
        strict=True,
    ):
        status = item["create"].get("status")
        if ok:
            recorded += 1
        elif status == 409:
            repeated += 1
        else:
            failed.append(match.alert_id)
    return recorded, repeated, failed


def recorded_ids(client: Elasticsearch, alias: str, ids: Sequence[str]) -> set[str]:
    """Which of these match ids are recorded (a real-time lookup: no refresh needed)."""
    found: set[str] = set()
    for start in range(0, len(ids), 1000):
        docs = client.mget(index=alias, ids=list(ids[start : start + 1000]), source=False)["docs"]
        found.update(doc["_id"] for doc in docs if doc.get("found"))
    return found


def move_watermarks(
    client: Elasticsearch, articles_alias: str, watermarks: dict[str, datetime], checked: datetime
) -> None:
    """Move each alert's watermark (alerts deleted meanwhile are left deleted)."""
    if not watermarks:
        return
    alias = alerts_alias(articles_alias)
    actions = [
        {
            "_op_type": "update",
            "_index": alias,
            "_id": alert_id,
            # An update, never a whole write: it cannot bring back an alert deleted meanwhile.
            "doc": {"watermark": iso(moment), "checked_at": iso(checked)},
        }
        for alert_id, moment in watermarks.items()
    ]
    for ok, item in helpers.streaming_bulk(
        client, actions, raise_on_error=False, raise_on_exception=False, chunk_size=500
    ):
        if not ok and item["update"].get("status") != 404:
            raise RuntimeError(f"could not move a watermark: {item['update'].get('error')}")


def pending_matches(
    client: Elasticsearch, alias: str, now: datetime, *, page: int = 500
) -> Iterator[Match]:
    """Matches waiting for their webhook whose next attempt is due, oldest first."""
    client.indices.refresh(index=alias)
    query = {
        "bool": {
            "filter": [{"term": {"state": "pending"}}],
            "must_not": [{"range": {"next_attempt_at": {"gt": iso(now)}}}],
        }
    }
    sort = [{"found_at": "asc"}, {"alert_id": "asc"}, {"article_id": "asc"}]
    after: list[Any] | None = None
    while True:
        hits = client.search(
            index=alias, query=query, sort=sort, size=page, search_after=after
        ).body
        found = hits["hits"]["hits"]
        for hit in found:
            source = hit["_source"]
            yield Match(
                alert_id=source["alert_id"],
                article_id=source["article_id"],
                found_at=source["found_at"],
                article=source.get("article") or {},
                attempts=int(source.get("attempts") or 0),
            )
        if len(found) < page:
            return
        after = found[-1]["sort"]


def mark(client: Elasticsearch, alias: str, match: Match, fields: dict[str, Any]) -> None:
    """Write the outcome of a delivery attempt on the match."""
    client.update(index=alias, id=match.id, doc=fields)


def forget_matches(client: Elasticsearch, alias: str, match_ids: Sequence[str]) -> None:
    """Delete these match records."""
    actions = [{"_op_type": "delete", "_index": alias, "_id": mid} for mid in match_ids]
    for _ in helpers.streaming_bulk(client, actions, raise_on_error=False, chunk_size=500):
        pass


def orphaned_matches(
    client: Elasticsearch, alias: str, alert_ids: Sequence[str], *, limit: int
) -> list[str]:
    """Up to `limit` match records whose alert no longer exists (deleted through the API,
    which leaves its matches to the checker: the engine has no delete-by-query here)."""
    query = {
        "bool": {
            "filter": [{"exists": {"field": "alert_id"}}],
            "must_not": [{"terms": {"alert_id": list(alert_ids)}}],
        }
    }
    hits = client.search(index=alias, query=query, size=limit, source=False)["hits"]["hits"]
    return [str(hit["_id"]) for hit in hits]


class LeaseTakenError(RuntimeError):
    """Another checker holds the lease: this run does nothing."""


@dataclass
class Lease:
    """The one checker allowed to run at a time, recorded in the engine with an expiry.

    A checker that died keeps the lease until it expires, unless it ran on this machine and its
    process is gone: then the next run takes the lease over at once.
    """

    client: Elasticsearch
    alias: str
    seconds: float
    holder: str = ""
    seq_no: int | None = None
    primary_term: int | None = None

    def acquire(self) -> None:
        """Take the lease, or raise LeaseTakenError naming who holds it."""
        self.holder = f"{socket.gethostname()}:{os.getpid()}"
        body = self._body()
        try:
            answer = self.client.index(
                index=self.alias, id=LEASE_ID, document=body, op_type="create"
            )
        except ConflictError:
            current = self.client.get(index=self.alias, id=LEASE_ID)
            source = current["_source"]
            if not _expired(source) and not _dead_here(str(source.get("lease_holder") or "")):
                raise LeaseTakenError(
                    f"another checker ({source.get('lease_holder')}) is running until "
                    f"{source.get('lease_until')}"
                ) from None
            # Only one of several runs taking over a stale lease gets it.
            answer = self.client.index(
                index=self.alias,
                id=LEASE_ID,
                document=body,
                if_seq_no=current["_seq_no"],
                if_primary_term=current["_primary_term"],
            )
        self.seq_no, self.primary_term = answer["_seq_no"], answer["_primary_term"]

    def renew(self) -> None:
        """Extend the lease; raises ConflictError if it was taken over meanwhile."""
        answer = self.client.index(
            index=self.alias,
            id=LEASE_ID,
            document=self._body(),
            if_seq_no=self.seq_no,
            if_primary_term=self.primary_term,
        )
        self.seq_no, self.primary_term = answer["_seq_no"], answer["_primary_term"]

    def release(self) -> None:
        """Give the lease back (nothing if it was taken over)."""
        with contextlib.suppress(ConflictError, NotFoundError):
            self.client.delete(
                index=self.alias,
                id=LEASE_ID,
                if_seq_no=self.seq_no,
                if_primary_term=self.primary_term,
            )

    def _body(self) -> dict[str, Any]:
        until = datetime.now(UTC) + timedelta(seconds=self.seconds)
        return {"lease_holder": self.holder, "lease_until": iso(until)}


def _expired(source: dict[str, Any]) -> bool:
    until = parse_time(source.get("lease_until"))
    return until is None or until < datetime.now(UTC)


def _dead_here(holder: str) -> bool:
    """Whether `holder` was a process on this machine that no longer runs."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
