"""Saved searches with alerts, and what the checker found for them: declared once for both sides.

The search service writes alerts (`AlertDoc`, behind `alerts_alias`): a name, the search's URL
parameters, the engine query compiled from them by the search side's own query builder, an
optional webhook and its signing secret. The indexer's checker (`python -m indexer alerts run`)
reads them, runs the compiled queries over what was ingested since each alert's watermark, and
records every (alert, article) match once (`MatchDoc`, behind `matches_alias`, id `match_id`):
that record is the delivery state, in the engine, so a checker killed at any point and run again
neither repeats nor loses a match. The webhook signature is declared here too, so that the
checker signs and anyone (the tests, a receiver written in Python) verifies the same way.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from elasticsearch.dsl import Date, Document, Index, Integer, Keyword, MetaField, Object

from articles.schema import INDEX_ALIAS

# Bumped when a field changes: the concrete index is named after it (`articles.alerts-v1`), so
# that two processes creating the index at once create the same one (the second is refused and
# uses it) instead of two indices behind one alias.
ALERTS_SCHEMA_VERSION = 1

# Webhook request headers. The id is the match's: the same match always carries the same id,
# retries and a re-run after a crash included, so a receiver can drop repeats.
DELIVERY_ID_HEADER = "X-Delivery-Id"
SIGNATURE_HEADER = "X-Signature-256"
TIMESTAMP_HEADER = "X-Signature-Timestamp"
# Match states: `pending` waits for its webhook, `delivered` was acknowledged with a 2xx,
# `failed` gave up after every attempt, `feed` has no webhook (its alert's feed lists it).
MATCH_STATES = ("pending", "delivered", "failed", "feed")


class AlertDoc(Document):
    """A saved search and how to tell its owner about new matches."""

    name = Keyword()
    created_at = Date()
    # The search as URL parameters (`q=...&location=Iran`), as `/api/search` reads them: shown
    # back, linked to, and compiled again when the search side's query builder changes.
    search_args = Keyword(index=False, doc_values=False)
    # The engine query the search side compiled from `search_args` with the code that serves
    # `/api/search` (never user-written DSL), and that code's fingerprint: an alert compiled by
    # an older version is reported stale instead of silently matching differently.
    query = Object(enabled=False)
    query_version = Keyword()
    webhook_url = Keyword(index=False, doc_values=False)
    # The HMAC key of the webhook signature; shown once, when the alert is created.
    secret = Keyword(index=False, doc_values=False)
    # Articles stamped (`ingested_at`) at or after this time are new to the alert; the checker
    # moves it to the time it took before its search, once every match it found is recorded.
    watermark = Date()
    checked_at = Date()

    class Meta:
        dynamic = MetaField("strict")


class MatchDoc(Document):
    """One article found by one alert: the unit of delivery, recorded exactly once."""

    alert_id = Keyword()
    article_id = Keyword()
    found_at = Date()
    state = Keyword()
    attempts = Integer()
    # When a failed webhook may be tried again (backoff across runs).
    next_attempt_at = Date()
    delivered_at = Date()
    last_error = Keyword(index=False, doc_values=False)
    # What the webhook and the alert's feed say about the article, as it was when found: the
    # article may change or go before the match is delivered.
    article = Object(enabled=False)
    # The checker's lease (one document, id LEASE_ID): who runs, until when.
    lease_holder = Keyword()
    lease_until = Date()

    class Meta:
        dynamic = MetaField("strict")


LEASE_ID = "checker-lease"
# The article fields kept on a match (MatchDoc.article), read from the stored article.
SNAPSHOT_FIELDS = (
    "title",
    "url",
    "source",
    "published",
    "ingested_at",
    "person",
    "organization",
    "location",
)


def alerts_alias(alias: str = INDEX_ALIAS) -> str:
    """The alias of the saved searches that go with the articles behind `alias`."""
    return f"{alias}.alerts"


def matches_alias(alias: str = INDEX_ALIAS) -> str:
    """The alias of the alerts' matches (the delivery state) for the articles behind `alias`."""
    return f"{alias}.alert-matches"


def versioned_name(alias: str) -> str:
    """The concrete index behind an alerts or matches alias, named after the schema version."""
    return f"{alias}-v{ALERTS_SCHEMA_VERSION}"


def _body(alias: str, document: type[Document]) -> dict[str, Any]:
    index = Index(alias)
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.document(document)
    return index.to_dict()


def alerts_index_body() -> dict[str, Any]:
    """Settings and mappings for a new alerts index (without aliases)."""
    return _body(alerts_alias(), AlertDoc)


def matches_index_body() -> dict[str, Any]:
    """Settings and mappings for a new matches index (without aliases)."""
    return _body(matches_alias(), MatchDoc)


def match_id(alert_id: str, article_id: str) -> str:
    """The one id of the match of `article_id` by `alert_id` (ids may be 512 bytes: hashed)."""
    digest = hashlib.sha256(f"{alert_id}\x1f{article_id}".encode()).hexdigest()
    return digest[:40]


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-Signature-256` value: HMAC-SHA256 of `timestamp.body` under the alert's secret.

    The timestamp is signed with the body so a captured request cannot be replayed later.
    """
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """Whether `header` is the signature of this body and timestamp (constant-time)."""
    return hmac.compare_digest(signature(secret, timestamp, body), header)
