"""Delivering a match to its alert's webhook: a signed JSON POST, retried with backoff.

Every request carries the match's id as `X-Delivery-Id`, the same on every attempt and in every
run, and an HMAC-SHA256 signature of `timestamp.body` under the alert's secret
(`X-Signature-256`, `X-Signature-Timestamp`; articles/alerts.py). Targets go through the same
address rules as the indexer's URL fetching (outbound/): http(s) only, no loopback, private or
link-local address unless the operator allows them, never the engine's own address, and the
connection goes to the address that was checked.

Exactly once, honestly: a webhook is HTTP, and a process can die after the receiver answered
2xx and before the match is marked delivered. The next run then sends that match again, with
the same delivery id; a receiver that keeps the ids it has seen processes each match once.
Nothing else is ever sent twice: a match is marked the moment its answer arrives.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from articles.alerts import (
    DELIVERY_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature,
)
from indexer.alerts.state import Match, SavedAlert
from outbound.policy import AddressPolicy, FetchError
from outbound.send import post

USER_AGENT = "news-search-alerts/1"
# Characters of an error kept on the match.
_ERROR_CHARS = 300


@dataclass(frozen=True)
class WebhookOptions:
    """How webhooks are called and retried."""

    policy: AddressPolicy
    # Seconds for one whole request (connect, send, answer).
    timeout: float = 10.0
    # Tries per match within one run, waiting retry_delay, then twice that, ...
    tries_per_run: int = 3
    retry_delay: float = 1.0
    # Tries over all runs before a match is given up (`failed`); between runs the wait doubles
    # from the interval of the runs, up to an hour.
    max_attempts: int = 12
    max_backoff: float = 3600.0
    # The search service's public address, for a link to the article page in the payload.
    site_url: str | None = None
    # Alerts delivered side by side (each alert's matches in order, one at a time).
    concurrency: int = 4


@dataclass(frozen=True)
class Attempt:
    """What delivering one match came to."""

    delivered: bool
    tries: int
    error: str | None = None


def payload(alert: SavedAlert, match: Match, site_url: str | None) -> bytes:
    """The JSON body sent for a match."""
    article: dict[str, Any] = {"id": match.article_id, **match.article}
    if site_url:
        article["page"] = f"{site_url.rstrip('/')}/articles/{quote(match.article_id, safe='')}"
    body = {
        "delivery_id": match.id,
        "alert": {"id": alert.id, "name": alert.name},
        "found_at": match.found_at,
        "article": article,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


def signed_headers(secret: str, delivery_id: str, body: bytes, now: float) -> dict[str, str]:
    """The request headers, signature included."""
    timestamp = str(int(now))
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        DELIVERY_ID_HEADER: delivery_id,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def deliver(
    alert: SavedAlert,
    match: Match,
    options: WebhookOptions,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> Attempt:
    """POST the match to the alert's webhook, trying again after a growing wait on failure."""
    if not alert.webhook_url:
        return Attempt(False, 0, "the alert has no webhook")
    body = payload(alert, match, options.site_url)
    delay = options.retry_delay
    error = ""
    for tries in range(1, options.tries_per_run + 1):
        try:
            post(
                alert.webhook_url,
                body,
                policy=options.policy,
                deadline=options.timeout,
                # Signed afresh on each try: the timestamp says when it was sent.
                headers=signed_headers(alert.secret, match.id, body, time.time()),
            )
            return Attempt(True, tries)
        except FetchError as exc:
            error = str(exc)[:_ERROR_CHARS]
        if tries < options.tries_per_run:
            sleep(delay)
            delay *= 2
    return Attempt(False, options.tries_per_run, error)


def next_attempt(options: WebhookOptions, attempts: int, now: datetime) -> datetime:
    """When a match that failed `attempts` times may be tried again."""
    wait = min(options.retry_delay * 2 ** min(attempts, 30), options.max_backoff)
    return datetime.fromtimestamp(now.timestamp() + wait, UTC)
