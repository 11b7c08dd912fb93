"""One error shape for every failure: `{"error": {"code", "message"}}`, HTML outside the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from elasticsearch import (
    ApiError,
    BadRequestError,
    ConnectionTimeout,
    NotFoundError,
)
from elasticsearch import ConnectionError as EsConnectionError
from flask.testing import FlaskClient

from tests.unit.search.stubs import api_meta

MakeClient = Callable[..., FlaskClient]

INDEX_MISSING_BODY = {
    "error": {
        "root_cause": [{"type": "index_not_found_exception", "reason": "no such index [x]"}],
        "type": "index_not_found_exception",
        "reason": "no such index [x]",
    },
    "status": 404,
}


def assert_error(answer: Any, status: int, code: str) -> dict[str, str]:
    assert answer.status_code == status
    assert answer.mimetype == "application/json"
    body = answer.get_json()
    # The pinned shape: exactly one key, holding exactly a code and a message.
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    error: dict[str, str] = body["error"]
    return error


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "size=1000",
        "size=0",
        "sort=score",
        "from=2020-02-30",
        "to=31-12-2020",
        "from=2021-01-02&to=2021-01-01",
        "q=" + "x" * 1001,
        "person=" + "x" * 301,
        "&".join(f"location=l{i}" for i in range(21)),
        "page=101&size=100",
    ],
)
def test_a_bad_parameter_is_a_400_bad_request(make_client: MakeClient, query: str) -> None:
    client = make_client()
    assert_error(client.get(f"/api/search?{query}"), 400, "bad_request")


def test_a_400_names_the_parameter_but_not_the_value(make_client: MakeClient) -> None:
    error = assert_error(make_client().get("/api/search?page=<b>evil</b>"), 400, "bad_request")
    assert error["message"] == "page must be a positive integer"


def test_an_unknown_api_path_is_a_404_not_found(make_client: MakeClient) -> None:
    assert_error(make_client().get("/api/nothing-here"), 404, "not_found")


def test_a_missing_article_is_a_404_not_found(make_client: MakeClient) -> None:
    missing = NotFoundError(
        "NotFound", api_meta(404), {"_index": "x", "_id": "nope", "found": False}
    )
    assert_error(make_client(raises=missing).get("/api/articles/nope"), 404, "not_found")


def test_a_wrong_method_is_a_405_with_its_allow_header(make_client: MakeClient) -> None:
    answer = make_client().post("/api/search")
    assert_error(answer, 405, "method_not_allowed")
    assert "GET" in answer.headers["Allow"]


@pytest.mark.parametrize(
    "error",
    [
        EsConnectionError("Connection refused"),
        ConnectionTimeout("timed out after 3s"),
        ApiError("unavailable", api_meta(503), {"error": "shards not ready"}),
        ApiError("too many requests", api_meta(429), {"error": "rejected"}),
    ],
    ids=["connection-refused", "timeout", "engine-503", "engine-429"],
)
def test_an_unreachable_or_busy_engine_is_a_503_engine_unavailable(
    make_client: MakeClient, error: Exception
) -> None:
    error_body = assert_error(
        make_client(raises=error).get("/api/search?q=iran"), 503, "engine_unavailable"
    )
    assert error_body["message"] == "search engine unavailable, try again shortly"


def test_a_missing_index_is_a_503_index_not_ready(make_client: MakeClient) -> None:
    missing = NotFoundError("index_not_found_exception", api_meta(404), INDEX_MISSING_BODY)
    client = make_client(raises=missing)
    assert_error(client.get("/api/search"), 503, "index_not_ready")
    assert_error(client.get("/api/articles/some-id"), 503, "index_not_ready")


def test_an_engine_bad_request_is_a_400_without_engine_internals(make_client: MakeClient) -> None:
    refused = BadRequestError(
        "search_phase_execution_exception",
        api_meta(400),
        {"error": {"type": "search_phase_execution_exception", "reason": "secret [karabakh]"}},
    )
    answer = make_client(raises=refused).get("/api/search?q=karabakh")
    error = assert_error(answer, 400, "bad_request")
    text = answer.get_data(as_text=True)
    assert "search_phase" not in text
    assert "karabakh" not in text.lower()
    assert error["message"] == "the search could not be run as written"


def test_any_other_failure_is_a_500_internal_error(make_client: MakeClient) -> None:
    answer = make_client(raises=RuntimeError("boom: /etc/secret")).get("/api/search?q=x")
    assert_error(answer, 500, "internal_error")
    assert "boom" not in answer.get_data(as_text=True)


def test_an_engine_error_outside_the_known_ones_is_a_500(make_client: MakeClient) -> None:
    odd = ApiError("conflict", api_meta(409), {"error": "version conflict"})
    assert_error(make_client(raises=odd).get("/api/search"), 500, "internal_error")


def test_healthz_is_a_503_when_the_engine_is_unreachable(make_client: MakeClient) -> None:
    answer = make_client(raises=EsConnectionError("refused")).get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json() == {
        "status": "unavailable",
        "error": {
            "code": "engine_unavailable",
            "message": "search engine unavailable, try again shortly",
        },
    }


def test_healthz_is_a_503_when_the_alias_is_missing(make_client: MakeClient) -> None:
    missing = NotFoundError("index_not_found_exception", api_meta(404), INDEX_MISSING_BODY)
    answer = make_client(raises=missing).get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "index_not_ready"


@pytest.mark.parametrize(
    ("path", "stub", "status"),
    [
        ("/?page=abc", {}, 400),
        ("/no/such/page", {}, 404),
        ("/?q=iran", {"raises": EsConnectionError("refused")}, 503),
        ("/?q=iran", {"raises": RuntimeError("boom")}, 500),
    ],
)
def test_html_pages_render_the_error_page(
    make_client: MakeClient, path: str, stub: dict[str, Any], status: int
) -> None:
    answer = make_client(**stub).get(path)
    assert answer.status_code == status
    assert answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    assert f"<h1>{status}</h1>" in html
    assert "boom" not in html
