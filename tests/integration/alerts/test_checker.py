"""The alerts checker end to end: 1,000 new articles in 5 batches, 50 saved searches, a real
webhook receiver on loopback, and the checker SIGKILLed once in the middle of a run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from flask.testing import FlaskClient

from articles.alerts import match_id, matches_alias
from tests.conftest import REPO
from tests.integration.alerts.conftest import API_KEY
from tests.integration.alerts.news import articles, searches, write
from tests.integration.alerts.receiver import receiver

pytestmark = [pytest.mark.es, pytest.mark.slow]

ALERTS = 50
BATCHES = 5
PER_BATCH = 200
# Alerts from this one on have no webhook: their feed is their only delivery.
FEED_ONLY_FROM = 40
# This alert's webhook answers 500 to the first two tries of every delivery.
FLAKY = 0
# The run after this batch is killed once the receiver has accepted this many more matches.
KILLED_AFTER_BATCH = 2
KILL_AFTER = 25
# The checker's default delivery threads.
CONCURRENCY = 4


def checker(es_url: str, alias: str) -> list[str]:
    """The checker's command line: loopback webhooks allowed, quick retries for the test."""
    return [
        *(sys.executable, "-m", "indexer", "--es-url", es_url, "--index", alias),
        *("alerts", "run", "--allow-private-webhooks", "--retry-delay", "0.05"),
    ]


def run_checker(es_url: str, alias: str) -> str:
    done = subprocess.run(
        checker(es_url, alias), cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def expected_ids(client: FlaskClient, search: dict[str, Any]) -> set[str]:
    """What /api/search lists for `search`, every page."""
    found: set[str] = set()
    page = 1
    while True:
        answer = client.get("/api/search", query_string={**search, "size": 100, "page": page})
        assert answer.status_code == 200, answer.json
        body = answer.json
        assert body is not None
        # The alert matches what the exact words find; the test's searches find plenty.
        assert not body["fuzzy"], search
        found |= {hit["id"] for hit in body["hits"]}
        if page >= body["last_page"]:
            return found
        page += 1


def test_each_new_match_is_delivered_once_through_a_kill(
    es: Elasticsearch, es_url: str, alias: str, client: FlaskClient
) -> None:
    # Articles stored before the alerts exist are never new to them.
    write(es, alias, articles(40, seed=1, prefix="old"))
    es.indices.refresh(index=alias)
    new = articles(BATCHES * PER_BATCH, seed=2, prefix="new")
    with receiver() as (base, received):
        received.failures[f"/hooks/{FLAKY}"] = 2
        alert_ids: list[str] = []
        for number, search in enumerate(searches(ALERTS, seed=3)):
            body: dict[str, Any] = {"name": f"alert {number}", "search": search}
            if number < FEED_ONLY_FROM:
                body["webhook_url"] = f"{base}/hooks/{number}"
            created = client.post("/api/alerts", json=body, headers={"X-API-Key": API_KEY})
            assert created.status_code == 201, created.json
            assert created.json is not None
            alert_ids.append(created.json["id"])
            received.secrets[created.json["id"]] = created.json["secret"]

        killed = False
        for batch in range(BATCHES):
            write(es, alias, new[batch * PER_BATCH : (batch + 1) * PER_BATCH])
            if batch == KILLED_AFTER_BATCH:
                # The run to kill must have work to be killed in: this batch is made visible
                # first (otherwise a quick run may find it not yet refreshed and end at once).
                # Every other run still meets the refresh interval as it comes.
                es.indices.refresh(index=alias)
                before = received.answered()
                process = subprocess.Popen(checker(es_url, alias), cwd=REPO)
                deadline = time.monotonic() + 300
                while received.answered() < before + KILL_AFTER and process.poll() is None:
                    assert time.monotonic() < deadline
                    time.sleep(0.005)
                assert process.poll() is None, "the run ended before it could be killed"
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
                killed = True
            run_checker(es_url, alias)
        assert killed
        # The cron's next run, once everything written is searchable (the last batch may have
        # become visible only after the run that followed it: this run, or the overlap, finds it).
        es.indices.refresh(index=alias)
        last = run_checker(es_url, alias)
        assert " 0 given up" in last, last

        new_ids = {doc["id"] for doc in new}
        expected = {
            alert_id: expected_ids(client, search) & new_ids
            for alert_id, search in zip(alert_ids, searches(ALERTS, seed=3), strict=True)
        }
        with_webhook = alert_ids[:FEED_ONLY_FROM]
        pairs = sum(len(expected[a]) for a in with_webhook)
        assert all(expected[a] for a in alert_ids), "every search should match something"

        # Every expected (alert, article) pair reached the webhook, and nothing else did.
        delivered = received.pairs()
        assert {a: delivered.get(a, set()) for a in with_webhook} == {
            a: expected[a] for a in with_webhook
        }
        assert received.bad_signatures == 0
        accepted = received.accepted()
        assert len(accepted) == pairs
        # Each delivery id was accepted once, except a match whose answer came in the instant
        # before the kill: sent again under the same delivery id (at most one per delivery
        # thread, CONCURRENCY, can be in flight).
        repeats = {d: n for d, n in accepted.items() if n > 1}
        assert sum(n - 1 for n in repeats.values()) <= CONCURRENCY, repeats
        # The flaky webhook got every one of its matches on the third try.
        flaky = {d for path, d, _ in received.requests if path == f"/hooks/{FLAKY}"}
        assert flaky and all(received.tries[d] >= 3 for d in flaky)
        assert all(
            [s for p, i, s in received.requests if i == d][:3] == [500, 500, 200] for d in flaky
        )

    # The delivery state in the engine: one record per pair, all delivered or feed-only.
    records = recorded(es, alias)
    assert Counter(state for _, _, state in records.values()) == Counter(
        {"delivered": pairs, "feed": sum(len(expected[a]) for a in alert_ids[FEED_ONLY_FROM:])}
    )
    for alert_id in alert_ids:
        got = {article for (a, article, _) in records.values() if a == alert_id}
        assert got == expected[alert_id]
        assert all(match_id(alert_id, article) in records for article in got)
    print(f"pairs delivered by webhook: {pairs}; accepted twice: {len(repeats)}")


def recorded(es: Elasticsearch, alias: str) -> dict[str, tuple[str, str, str]]:
    """Every match record: id -> (alert, article, state)."""
    from elasticsearch.helpers import scan

    index = matches_alias(alias)
    es.indices.refresh(index=index)
    return {
        hit["_id"]: (
            hit["_source"]["alert_id"],
            hit["_source"]["article_id"],
            hit["_source"]["state"],
        )
        for hit in scan(es, index=index, query={"query": {"exists": {"field": "alert_id"}}})
    }
