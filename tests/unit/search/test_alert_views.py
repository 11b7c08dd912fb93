"""Writes to saved searches need the API key: 401 in the one error shape, before any engine call."""

from __future__ import annotations

from flask import Flask

from search import create_app
from search.config import Settings
from tests.unit.search.stubs import StubES, canned

KEY = "unit-test-key-0123456789"


def app_with(key: str | None, stub: StubES) -> Flask:
    app = create_app(Settings(index_alias="test-articles", api_key=key), client=stub)  # type: ignore[arg-type]
    app.testing = True
    return app


def test_a_write_without_the_key_is_refused_in_the_one_error_shape() -> None:
    stub = StubES()
    client = app_with(KEY, stub).test_client()
    for headers in ({}, {"X-API-Key": "wrong-key-0123456789"}, {"Cookie": f"api_key={KEY}"}):
        answer = client.post("/api/alerts", json={"name": "x"}, headers=headers)
        assert answer.status_code == 401
        assert answer.json == {
            "error": {
                "code": "unauthorized",
                "message": "a valid API key is needed in the X-API-Key header",
            }
        }
        assert answer.headers["WWW-Authenticate"] == 'ApiKey header="X-API-Key"'
    assert client.delete("/api/alerts/abc").status_code == 401
    assert stub.calls == []


def test_without_a_configured_key_every_write_is_refused() -> None:
    client = app_with(None, StubES()).test_client()
    answer = client.post("/api/alerts", json={"name": "x"}, headers={"X-API-Key": ""})
    assert answer.status_code == 401
    assert answer.json is not None
    assert "none configured" in answer.json["error"]["message"]


def test_the_alerts_form_with_a_wrong_key_says_so_and_keeps_what_was_typed() -> None:
    client = app_with(KEY, StubES()).test_client()
    answer = client.post(
        "/alerts",
        data={"name": "Oil <b>", "q": "oil", "api_key": "typed-secret-key", "webhook_url": ""},
    )
    assert answer.status_code == 401
    page = answer.get_data(as_text=True)
    assert "A valid API key is needed" in page
    assert 'value="Oil &lt;b&gt;"' in page
    assert "typed-secret-key" not in page
    assert "Set-Cookie" not in answer.headers


def test_the_search_page_offers_its_feed_an_alert_and_a_download() -> None:
    params, response = canned("search_karabakh_armenia_yerevan.json")
    client = app_with(KEY, StubES(search=response)).test_client()
    page = client.get("/", query_string=params.to_args()).get_data(as_text=True)
    # The feed and the alert follow what matches; the order (newest) is the export's only.
    args = "q=Karabakh&amp;location=Armenia&amp;location=Yerevan"
    feed = f"/feeds/search.atom?{args}"
    assert f'type="application/atom+xml" title="Atom feed of this search" href="{feed}">' in page
    assert f'<a href="{feed}" type="application/atom+xml">Follow' in page
    assert f'href="/alerts?{args}">Create an alert' in page
    assert f'href="/api/export?format=csv&amp;{args}&amp;sort=newest" download>' in page
