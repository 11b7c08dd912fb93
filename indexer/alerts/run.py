"""One run of the alerts checker: find what is new to every saved search, record it, deliver it.

1. Take the lease (one checker at a time; state.Lease).
2. For each batch of alerts, take the time, then run their compiled queries over what was
   ingested since each one's watermark (one `_msearch` per batch and page), record every match
   under its one id, and move the watermarks of the alerts whose matches are all recorded to the
   time taken before the search.
3. Deliver the matches waiting for a webhook, oldest first, each marked as soon as its answer
   arrives; one that keeps failing waits for a later run, with a growing delay.

Killed at any point, the next run repeats the unfinished part: recording is idempotent, a
watermark never moves past unrecorded matches, and a delivered match is marked. Only a match
whose webhook answered in the instant before the kill is sent again, under the same delivery id.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from articles.alerts import alerts_alias
from indexer.alerts.find import matches_of, maybe_recorded, msearch_lines, since
from indexer.alerts.state import (
    Lease,
    Match,
    SavedAlert,
    ensure_matches_index,
    forget_matches,
    iso,
    mark,
    move_watermarks,
    orphaned_matches,
    pending_matches,
    read_alerts,
    record_matches,
    recorded_ids,
)
from indexer.alerts.webhook import WebhookOptions, deliver, next_attempt

# An article stamped up to this long before the last run's watermark but searchable only after
# that run searched is still found (see find.py): the indexer stamps a document when it builds
# it, and it is searchable once its bulk request (a few MiB filled at the NER rate, two in
# flight, retried on a busy engine) is indexed and refreshed.
DEFAULT_OVERLAP = timedelta(minutes=5)
# Alerts per `_msearch` request, and new articles read per alert and request.
DEFAULT_BATCH = 100
DEFAULT_PAGE = 500
DEFAULT_LEASE_SECONDS = 600.0
# Records of deleted alerts removed per run (the rest go in later runs).
ORPHANS_PER_RUN = 10_000
MAX_TERMS = 65_536
# Pending matches read and spread over the delivery threads at a time.
PENDING_PAGE = 500


@dataclass(frozen=True)
class CheckOptions:
    """How a run finds and delivers."""

    overlap: timedelta = DEFAULT_OVERLAP
    batch: int = DEFAULT_BATCH
    page: int = DEFAULT_PAGE
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    webhooks: WebhookOptions | None = None


@dataclass
class CheckReport:
    """What one run did, counted."""

    alerts: int = 0
    unreadable: list[str] = field(default_factory=list)
    stale: int = 0
    searches: int = 0
    found: int = 0
    repeated: int = 0
    failed_alerts: set[str] = field(default_factory=set)
    delivered: int = 0
    retried: int = 0
    deferred: int = 0
    given_up: int = 0
    forgotten: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether every alert was searched and recorded and no match was given up."""
        return not (self.unreadable or self.failed_alerts or self.given_up)

    def summary(self) -> str:
        """One line for the log."""
        line = (
            f"{self.alerts} alerts checked in {self.seconds:.1f}s ({self.searches} searches): "
            f"{self.found} new matches, {self.repeated} found again; webhooks: "
            f"{self.delivered} delivered, {self.deferred} deferred, {self.given_up} given up"
        )
        if self.stale:
            line += f"; {self.stale} alerts compiled by an older search version"
        if self.forgotten:
            line += f"; {self.forgotten} matches of deleted alerts removed"
        return line


def check_alerts(client: Elasticsearch, articles_alias: str, options: CheckOptions) -> CheckReport:
    """One run over every saved search of `articles_alias`; LeaseTakenError if one is running."""
    started = time.perf_counter()
    report = CheckReport()
    matches = ensure_matches_index(client, articles_alias)
    lease = Lease(client, matches, options.lease_seconds)
    lease.acquire()
    try:
        alerts: dict[str, SavedAlert] = {}
        for alert in read_alerts(client, articles_alias):
            if isinstance(alert, str):
                report.unreadable.append(alert)
            else:
                alerts[alert.id] = alert
        report.alerts = len(alerts)
        report.stale = _stale(client, articles_alias, alerts.values())
        for batch in _batches(list(alerts.values()), options.batch):
            _find(client, articles_alias, matches, batch, options, report)
            lease.renew()
        if options.webhooks is not None:
            _deliver(client, matches, alerts, options.webhooks, report, lease)
        kept = [*alerts, *report.unreadable]
        # A terms query takes up to 65,536 values; past that, orphans simply stay.
        if len(kept) <= MAX_TERMS:
            orphans = orphaned_matches(client, matches, kept, limit=ORPHANS_PER_RUN)
            forget_matches(client, matches, orphans)
            report.forgotten += len(orphans)
    finally:
        lease.release()
        report.seconds = time.perf_counter() - started
    return report


def _batches(alerts: list[SavedAlert], size: int) -> Iterator[list[SavedAlert]]:
    for start in range(0, len(alerts), size):
        yield alerts[start : start + size]


def _stale(client: Elasticsearch, articles_alias: str, alerts: Collection[SavedAlert]) -> int:
    """How many alerts were compiled by another version than the one that last saved one."""
    if not alerts:
        return 0
    mapping = client.indices.get_mapping(index=alerts_alias(articles_alias)).body
    versions = {
        (body.get("mappings", {}).get("_meta") or {}).get("query_version")
        for body in mapping.values()
    }
    current = next((v for v in versions if v), None)
    if current is None:
        return 0
    return sum(1 for alert in alerts if alert.query_version != current)


def _find(
    client: Elasticsearch,
    articles_alias: str,
    matches_alias: str,
    batch: Sequence[SavedAlert],
    options: CheckOptions,
    report: CheckReport,
) -> None:
    """Search a batch of alerts for new articles, record the matches, move the watermarks."""
    # Taken before searching: an article indexed while the search runs is stamped after it,
    # or within the overlap before it, so the next run finds it.
    taken = datetime.now(UTC)
    starts = {alert.id: since(alert, options.overlap) for alert in batch}
    webhooks = {alert.id for alert in batch if alert.webhook_url}
    todo: dict[str, list[Any] | None] = {alert.id: None for alert in batch}
    by_id = {alert.id: alert for alert in batch}
    failed: set[str] = set()
    while todo:
        searches = [(by_id[i], starts[i], after) for i, after in todo.items()]
        lines = msearch_lines(articles_alias, searches, taken, options.page)
        responses = client.msearch(searches=lines).body["responses"]
        report.searches += len(searches)
        found_at = iso(datetime.now(UTC))
        found: list[Match] = []
        more: dict[str, list[Any] | None] = {}
        for (alert, _, _), response in zip(searches, responses, strict=True):
            if "error" in response:
                failed.add(alert.id)
                continue
            page = matches_of(alert, response, found_at)
            found += page
            hits = response["hits"]["hits"]
            if len(hits) == options.page:
                more[alert.id] = hits[-1]["sort"]
        # What the overlap finds again was recorded by an earlier run: looked up, not rewritten.
        known = recorded_ids(
            client, matches_alias, [m.id for m in found if maybe_recorded(by_id[m.alert_id], m)]
        )
        fresh = [m for m in found if m.id not in known]
        recorded, repeated, bad = record_matches(client, matches_alias, fresh, webhooks=webhooks)
        report.found += recorded
        report.repeated += repeated + len(found) - len(fresh)
        failed.update(bad)
        todo = {i: after for i, after in more.items() if i not in failed}
    report.failed_alerts |= failed
    move_watermarks(
        client,
        articles_alias,
        {alert.id: taken for alert in batch if alert.id not in failed},
        checked=taken,
    )


def _deliver(
    client: Elasticsearch,
    matches_alias: str,
    alerts: dict[str, SavedAlert],
    options: WebhookOptions,
    report: CheckReport,
    lease: Lease,
) -> None:
    """Send every due pending match to its webhook; mark each as its answer comes.

    Alerts are served side by side (`options.concurrency` at a time), each alert's matches one
    after another, oldest first: marking a match costs a durable write (~10 ms), so one queue
    would spend most of its time waiting on the engine.
    """
    now = datetime.now(UTC)
    # An alert whose webhook failed every try this run waits: its other matches are not
    # tried until the next run (order is kept, and one dead endpoint does not hold up others).
    waiting: set[str] = set()
    lock = threading.Lock()

    def serve(alert: SavedAlert, queue: list[Match]) -> None:
        for match in queue:
            outcome = _deliver_one(client, matches_alias, alert, match, options)
            with lock:
                report.retried += outcome.retried
                report.delivered += outcome.delivered
                report.given_up += outcome.given_up
                report.deferred += outcome.deferred
            if outcome.deferred:
                waiting.add(alert.id)
                return

    with ThreadPoolExecutor(max_workers=options.concurrency) as pool:
        for page in _pages(pending_matches(client, matches_alias, now), PENDING_PAGE):
            queues: dict[str, list[Match]] = {}
            for match in page:
                # A match of an alert deleted meanwhile is left to the sweep of orphans.
                if match.alert_id in alerts and match.alert_id not in waiting:
                    queues.setdefault(match.alert_id, []).append(match)
            for future in [pool.submit(serve, alerts[a], q) for a, q in queues.items()]:
                future.result()
            lease.renew()


@dataclass(frozen=True)
class _Outcome:
    delivered: int = 0
    deferred: int = 0
    given_up: int = 0
    retried: int = 0


def _deliver_one(
    client: Elasticsearch,
    matches_alias: str,
    alert: SavedAlert,
    match: Match,
    options: WebhookOptions,
) -> _Outcome:
    """One match to its webhook, and the outcome written on the match at once."""
    if not alert.webhook_url:
        mark(client, matches_alias, match, {"state": "feed"})
        return _Outcome()
    attempt = deliver(alert, match, options)
    attempts = match.attempts + attempt.tries
    retried = max(0, attempt.tries - 1)
    if attempt.delivered:
        stamp = iso(datetime.now(UTC))
        fields = {"state": "delivered", "delivered_at": stamp, "attempts": attempts}
        mark(client, matches_alias, match, fields)
        return _Outcome(delivered=1, retried=retried)
    if attempts >= options.max_attempts:
        fields = {"state": "failed", "attempts": attempts, "last_error": attempt.error}
        mark(client, matches_alias, match, fields)
        return _Outcome(given_up=1, retried=retried)
    retry_at = iso(next_attempt(options, attempts, datetime.now(UTC)))
    fields = {"attempts": attempts, "next_attempt_at": retry_at, "last_error": attempt.error}
    mark(client, matches_alias, match, fields)
    return _Outcome(deferred=1, retried=retried)


def _pages(matches: Iterator[Match], size: int) -> Iterator[list[Match]]:
    page: list[Match] = []
    for match in matches:
        page.append(match)
        if len(page) >= size:
            yield page
            page = []
    if page:
        yield page
