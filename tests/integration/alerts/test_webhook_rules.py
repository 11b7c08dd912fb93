"""Delivery applies the fetching rules: no private address without the flag, never the engine."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest
from elasticsearch import Elasticsearch

from articles.alerts import alerts_alias, matches_alias
from search.alert_pages import ensure_alerts_index
from tests.conftest import REPO
from tests.integration.alerts.news import articles, write
from tests.integration.alerts.receiver import receiver

pytestmark = [pytest.mark.es, pytest.mark.slow]


def saved(es: Elasticsearch, alias: str, alert_id: str, webhook: str) -> None:
    """An alert written straight into the index, as if an older service had let it through."""
    index = alerts_alias(alias)
    ensure_alerts_index(es, index)
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    doc = {
        "name": alert_id,
        "created_at": now,
        "search_args": "",
        "query": {"match_all": {}},
        "query_version": "x",
        "webhook_url": webhook,
        "secret": "s",
        "watermark": now,
    }
    es.index(index=index, id=alert_id, document=doc, refresh=True)


def errors(es: Elasticsearch, alias: str) -> dict[str, str]:
    index = matches_alias(alias)
    es.indices.refresh(index=index)
    hits = es.search(index=index, query={"exists": {"field": "alert_id"}}, size=100)
    return {h["_source"]["alert_id"]: h["_source"].get("last_error") for h in hits["hits"]["hits"]}


def test_private_webhooks_need_the_flag_and_the_engine_is_refused_even_with_it(
    es: Elasticsearch, es_url: str, alias: str
) -> None:
    with receiver() as (base, received):
        received.secrets["local"] = "s"
        saved(es, alias, "local", f"{base}/hook")
        saved(es, alias, "engine", f"{es_url}/_bulk")
        write(es, alias, articles(1, seed=9, prefix="w"))
        es.indices.refresh(index=alias)
        command = [sys.executable, "-m", "indexer", "--es-url", es_url, "--index", alias]
        command += ["alerts", "run", "--tries", "1"]
        first = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
        assert first.returncode == 0, first.stderr
        assert received.requests == []
        found = errors(es, alias)
        assert "loopback address" in found["local"] and "--allow-private-webhooks" in found["local"]
        assert "search engine's own address" in found["engine"]
        # With the flag, the local receiver is called (after the backoff) and the engine is not.
        index = matches_alias(alias)
        for hit in es.search(index=index, query={"exists": {"field": "alert_id"}})["hits"]["hits"]:
            es.update(index=index, id=hit["_id"], doc={"next_attempt_at": None}, refresh=True)
        flagged = subprocess.run(
            [*command, "--allow-private-webhooks"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert flagged.returncode == 0, flagged.stderr
        assert [path for path, _, status in received.requests if status == 200] == ["/hook"]
        assert "search engine's own address" in errors(es, alias)["engine"]
