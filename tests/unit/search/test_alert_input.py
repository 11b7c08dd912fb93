"""Saved searches: what a request may say, and which webhooks may be saved."""

from __future__ import annotations

import pytest

from search.alerts import Alert, AlertInput, alert_document, webhook_origin
from search.params import InvalidParam
from search.webhook_target import check_webhook_url

ENGINE = "http://127.0.0.1:9200"


def test_a_search_is_read_with_the_rules_of_api_search() -> None:
    alert, params = AlertInput.from_json(
        {"name": "Iran oil", "search": {"q": "oil", "location": ["Iran"], "from": "2020-01-01"}},
        max_size=100,
    )
    assert params.q == "oil" and params.filters == {"location": ("Iran",)}
    doc = alert_document(alert, params, articles_alias="articles", secret="s", now="2026-01-01")
    assert doc["search_args"] == "q=oil&location=Iran&from=2020-01-01"
    assert doc["watermark"] == doc["created_at"] == "2026-01-01"
    shown = Alert.from_doc("id1", doc)
    assert shown.search == {"q": ["oil"], "location": ["Iran"], "from": ["2020-01-01"]}
    assert not shown.stale


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "the body must be a JSON object"),
        ({}, "name Field required"),
        ({"name": "x", "search": {"page": "2"}}, "page Extra inputs are not permitted"),
        ({"name": "x", "search": {"from": "2021-01-01", "to": "2020-01-01"}}, "from must not"),
        ({"name": "x" * 201}, "name must be at most 200 characters"),
    ],
)
def test_a_bad_saved_search_is_refused_naming_the_parameter(body: object, message: str) -> None:
    with pytest.raises(InvalidParam) as refused:
        AlertInput.from_json(body, max_size=100)
    assert refused.value.message.startswith(message)


def test_a_name_of_control_characters_falls_back_to_the_words() -> None:
    alert, _ = AlertInput.from_json({"name": "\x01", "search": {"q": "oil"}}, max_size=100)
    assert alert.title == "oil"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/x",
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "not a url",
    ],
)
def test_webhooks_to_private_addresses_are_refused_by_default(url: str) -> None:
    with pytest.raises(InvalidParam):
        check_webhook_url(url, allow_private=False, engine_url=ENGINE)


def test_the_operator_may_allow_private_webhooks_but_never_the_engine() -> None:
    check_webhook_url("http://127.0.0.1:8080/hook", allow_private=True, engine_url=ENGINE)
    for engine in (
        "http://127.0.0.1:9200/_search",
        "http://localhost:9200/",
        "http://127.0.0.2:9200",
    ):
        with pytest.raises(InvalidParam, match="search engine"):
            check_webhook_url(engine, allow_private=True, engine_url=ENGINE)


def test_public_webhooks_are_taken_and_shown_without_their_path() -> None:
    check_webhook_url("https://hooks.example.org/t/SECRET", allow_private=False, engine_url=ENGINE)
    assert webhook_origin("https://user:pw@hooks.example.org:8443/t/SECRET?x=1") == (
        "https://hooks.example.org:8443"
    )
