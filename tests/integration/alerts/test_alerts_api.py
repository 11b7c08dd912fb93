"""Saved searches through the API and the alerts page, on a real engine."""

from __future__ import annotations

import subprocess
import sys

import pytest
from elasticsearch import Elasticsearch
from flask import Flask
from flask.testing import FlaskClient

from articles.alerts import alerts_alias
from tests.conftest import REPO
from tests.integration.alerts.conftest import API_KEY

pytestmark = pytest.mark.es

KEY = {"X-API-Key": API_KEY}


def test_a_saved_search_is_created_listed_read_and_deleted(client: FlaskClient) -> None:
    body = {"name": "Oil", "search": {"q": "oil", "location": ["Iran"]}}
    created = client.post("/api/alerts", json=body, headers=KEY)
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == "no-store"
    alert = created.json
    assert alert is not None and len(alert["secret"]) == 64
    assert created.headers["Location"] == f"/api/alerts/{alert['id']}"
    listed = client.get("/api/alerts").json
    assert listed is not None and listed["total"] == 1
    [shown] = listed["alerts"]
    assert "secret" not in shown and shown["search"] == {"q": ["oil"], "location": ["Iran"]}
    assert client.get(f"/api/alerts/{alert['id']}").json == shown
    assert client.delete(f"/api/alerts/{alert['id']}").status_code == 401
    assert client.delete(f"/api/alerts/{alert['id']}", headers=KEY).status_code == 204
    assert client.get(f"/api/alerts/{alert['id']}").status_code == 404
    assert client.delete(f"/api/alerts/{alert['id']}", headers=KEY).status_code == 404


def test_a_write_without_the_key_is_a_401_in_the_one_error_shape(client: FlaskClient) -> None:
    answer = client.post("/api/alerts", json={"name": "x"})
    assert answer.status_code == 401
    assert answer.json == {
        "error": {
            "code": "unauthorized",
            "message": "a valid API key is needed in the X-API-Key header",
        }
    }
    assert client.get("/api/alerts").json == {"total": 0, "alerts": []}


def test_the_engine_is_never_a_webhook_target(client: FlaskClient, es_url: str) -> None:
    body = {"name": "x", "webhook_url": f"{es_url}/_cat/indices"}
    answer = client.post("/api/alerts", json=body, headers=KEY)
    assert answer.status_code == 400
    assert answer.json is not None
    assert answer.json["error"]["message"] == "webhook_url must not be the search engine's address"


def test_the_alerts_page_saves_the_search_it_was_opened_with(client: FlaskClient) -> None:
    page = client.get("/alerts?q=oil&location=Iran&page=3").get_data(as_text=True)
    assert '<input type="hidden" name="q" value="oil">' in page
    assert '<input type="hidden" name="location" value="Iran">' in page
    assert 'name="page"' not in page
    form = {"name": "Oil", "q": "oil", "location": "Iran", "api_key": API_KEY, "webhook_url": ""}
    created = client.post("/alerts", data=form)
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == "no-store"
    html = created.get_data(as_text=True)
    assert "Alert saved: Oil" in html and '<code class="secret">' in html
    [alert] = client.get("/api/alerts").json["alerts"]  # type: ignore[index]
    assert alert["search"] == {"q": ["oil"], "location": ["Iran"]}
    listed = client.get("/alerts").get_data(as_text=True)
    assert f'value="{alert["id"]}"' in listed and "/feeds/alerts/" in listed
    wrong = client.post("/alerts/delete", data={"id": alert["id"], "api_key": "nope"})
    assert wrong.status_code == 401
    deleted = client.post("/alerts/delete", data={"id": alert["id"], "api_key": API_KEY})
    assert deleted.status_code == 303 and deleted.headers["Location"] == "/alerts"
    assert client.get("/api/alerts").json == {"total": 0, "alerts": []}


def test_an_alert_compiled_by_older_code_is_shown_stale(
    client: FlaskClient, es: Elasticsearch, alias: str
) -> None:
    created = client.post("/api/alerts", json={"name": "x"}, headers=KEY).json
    assert created is not None and created["stale"] is False
    es.update(
        index=alerts_alias(alias), id=created["id"], doc={"query_version": "old"}, refresh=True
    )
    assert client.get(f"/api/alerts/{created['id']}").json["stale"] is True  # type: ignore[index]


def test_a_second_checker_stands_aside_while_one_holds_the_lease(
    client: FlaskClient, es: Elasticsearch, es_url: str, alias: str
) -> None:
    from articles.alerts import matches_alias
    from indexer.alerts.state import Lease, ensure_matches_index

    client.post("/api/alerts", json={"name": "x"}, headers=KEY)
    ensure_matches_index(es, alias)
    held = Lease(es, matches_alias(alias), 60)
    held.acquire()
    try:
        command = [sys.executable, "-m", "indexer", "--es-url", es_url, "--index", alias]
        run = subprocess.run(
            [*command, "alerts", "run"], cwd=REPO, capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0
        assert "skipped: another checker" in run.stderr
    finally:
        held.release()


def test_the_checker_removes_the_matches_of_a_deleted_alert(
    client: FlaskClient, es: Elasticsearch, es_url: str, alias: str
) -> None:
    from articles.alerts import matches_alias
    from tests.integration.alerts.news import articles, write

    kept = client.post("/api/alerts", json={"name": "kept"}, headers=KEY).json
    gone = client.post("/api/alerts", json={"name": "gone"}, headers=KEY).json
    assert kept is not None and gone is not None
    write(es, alias, articles(3, seed=5, prefix="d"))
    es.indices.refresh(index=alias)
    command = [sys.executable, "-m", "indexer", "--es-url", es_url, "--index", alias]
    run = [*command, "alerts", "run"]
    first = subprocess.run(run, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert "6 new matches" in first.stdout, first.stdout + first.stderr

    def owners() -> list[str]:
        es.indices.refresh(index=matches_alias(alias))
        hits = es.search(index=matches_alias(alias), query={"exists": {"field": "alert_id"}})
        return sorted(hit["_source"]["alert_id"] for hit in hits["hits"]["hits"])

    assert owners() == sorted([kept["id"]] * 3 + [gone["id"]] * 3)
    client.delete(f"/api/alerts/{gone['id']}", headers=KEY)
    second = subprocess.run(run, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert "3 matches of deleted alerts removed" in second.stdout, second.stdout
    assert owners() == [kept["id"]] * 3


def test_stale_saved_searches_are_compiled_again_in_place(
    app: Flask, client: FlaskClient, es: Elasticsearch, alias: str
) -> None:
    created = client.post(
        "/api/alerts", json={"name": "x", "search": {"q": "oil"}}, headers=KEY
    ).json
    assert created is not None
    index = alerts_alias(alias)
    fresh = es.get(index=index, id=created["id"])["_source"]
    es.update(
        index=index,
        id=created["id"],
        doc={"query_version": "old", "query": {"match_none": {}}},
        refresh=True,
    )
    assert client.get(f"/api/alerts/{created['id']}").json["stale"] is True  # type: ignore[index]
    result = app.test_cli_runner().invoke(args=["alerts-recompile"])
    assert result.exit_code == 0, result.output
    assert "1 saved searches compiled again" in result.output
    again = es.get(index=index, id=created["id"])["_source"]
    assert again["query"] == fresh["query"] and again["watermark"] == fresh["watermark"]
    assert client.get(f"/api/alerts/{created['id']}").json["stale"] is False  # type: ignore[index]
