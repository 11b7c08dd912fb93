"""The checker's pure parts: the span it searches, its requests, signing and backoff."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from articles.alerts import match_id, signature, verify_signature
from indexer.alerts.find import matches_of, maybe_recorded, search_body, since
from indexer.alerts.state import Match, SavedAlert
from indexer.alerts.webhook import WebhookOptions, next_attempt, payload, signed_headers
from indexer.cli.alerts import Duration
from outbound.policy import AddressPolicy

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def alert(created: datetime, watermark: datetime) -> SavedAlert:
    return SavedAlert("a1", "Oil", {"match_all": {}}, "v", created, watermark, None, "secret")


def test_a_new_alert_looks_back_to_its_creation_only() -> None:
    assert since(alert(T0, T0), timedelta(minutes=5)) == T0


def test_later_runs_look_back_by_the_overlap() -> None:
    later = T0 + timedelta(hours=1)
    assert since(alert(T0, later), timedelta(minutes=5)) == later - timedelta(minutes=5)


def test_the_search_filters_the_compiled_query_by_ingestion_in_a_stable_order() -> None:
    end = T0 + timedelta(minutes=10)
    body = search_body(alert(T0, T0), T0, end, ["2026-01-01", "x"], 500)
    assert body["query"]["bool"]["filter"] == [
        {"match_all": {}},
        {
            "range": {
                "ingested_at": {
                    "gte": "2026-01-01T00:00:00.000+00:00",
                    "lt": "2026-01-01T00:10:00.000+00:00",
                }
            }
        },
    ]
    assert body["sort"] == [{"ingested_at": "asc"}, {"id": "asc"}]
    assert body["search_after"] == ["2026-01-01", "x"]
    assert "body" not in body["_source"]


def test_only_matches_stamped_before_the_watermark_can_have_been_recorded() -> None:
    watched = alert(T0, T0 + timedelta(hours=1))
    before = Match("a1", "n1", "now", {"ingested_at": "2026-01-01T00:59:00+00:00"})
    after = Match("a1", "n2", "now", {"ingested_at": "2026-01-01T01:00:00+00:00"})
    assert maybe_recorded(watched, before)
    assert not maybe_recorded(watched, after)
    assert maybe_recorded(watched, Match("a1", "n3", "now", {}))


def test_matches_keep_a_snapshot_without_empty_fields() -> None:
    response = {"hits": {"hits": [{"_id": "n1", "_source": {"title": "T", "url": None}}]}}
    [match] = matches_of(alert(T0, T0), response, "now")
    assert match.article == {"title": "T"}
    assert match.id == match_id("a1", "n1")


def test_a_delivery_is_signed_over_timestamp_and_body() -> None:
    match = Match("a1", "n1", "now", {"title": "T"})
    body = payload(alert(T0, T0), match, "https://news.example.org/")
    assert json.loads(body)["article"]["page"] == "https://news.example.org/articles/n1"
    headers = signed_headers("secret", match.id, body, 1700000000.0)
    assert headers["X-Delivery-Id"] == match.id
    assert verify_signature("secret", "1700000000", body, headers["X-Signature-256"])
    assert not verify_signature("other", "1700000000", body, headers["X-Signature-256"])
    assert signature("secret", "1", body) != signature("secret", "2", body)


def test_retries_across_runs_back_off_up_to_an_hour() -> None:
    options = WebhookOptions(policy=AddressPolicy(), retry_delay=1.0)
    assert next_attempt(options, 3, T0) == T0 + timedelta(seconds=8)
    assert next_attempt(options, 40, T0) == T0 + timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "seconds"), [("10m", 600), ("30s", 30), ("1h", 3600), ("45", 45), ("0.5m", 30)]
)
def test_durations_read_as_people_write_them(text: str, seconds: float) -> None:
    assert Duration().convert(text, None, None) == timedelta(seconds=seconds)
