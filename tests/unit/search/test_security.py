"""Security headers on every response; `Vary: Accept` where HTML and JSON share a URL."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import ConnectionError as EsConnectionError
from flask.testing import FlaskClient

from tests.unit.search.stubs import canned

MakeClient = Callable[..., FlaskClient]
TEMPLATES = Path(__file__).resolve().parents[3] / "search" / "templates"


@pytest.mark.parametrize(
    ("path", "headers", "stub"),
    [
        ("/", {}, {}),
        ("/api/search?q=x", {}, {}),
        ("/?page=abc", {}, {}),
        ("/api/search?page=abc", {}, {}),
        ("/no/such/page", {}, {}),
        ("/api/nothing", {}, {}),
        ("/?q=x", {}, {"raises": EsConnectionError("down")}),
        ("/healthz", {}, {}),
        ("/api/openapi.json", {}, {}),
        ("/static/search.js", {}, {}),
        ("/static/style.css", {}, {}),
    ],
)
def test_every_response_carries_the_security_headers(
    make_client: MakeClient, path: str, headers: dict[str, str], stub: dict[str, Any]
) -> None:
    answer = make_client(**stub).get(path, headers=headers)
    policy = answer.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    answer.close()


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
@pytest.mark.parametrize("path", ["/?page=abc", "/no/such/page", "/articles/x", "/facets/colour"])
def test_errors_of_pages_that_answer_html_or_json_vary_on_accept(
    make_client: MakeClient, path: str, accept: str
) -> None:
    answer = make_client().get(path, headers={"Accept": accept})
    assert answer.status_code >= 400
    assert answer.mimetype == ("application/json" if accept == "application/json" else "text/html")
    assert "Accept" in answer.headers["Vary"]


def test_the_search_page_twin_varies_on_accept(make_client: MakeClient) -> None:
    _, response = canned("search_karabakh_nobody.json")
    answer = make_client(search=response).get("/?q=Karabakh")
    assert "Accept" in answer.headers["Vary"]


def test_healthz_never_shows_the_engine_version(make_client: MakeClient) -> None:
    answer = make_client().get("/healthz")
    assert answer.status_code == 200
    assert "9.5" not in answer.get_data(as_text=True)
    assert "version" not in answer.get_json()["engine"]


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_templates_hold_no_inline_script_style_or_handler(template: Path) -> None:
    html = template.read_text(encoding="utf-8")
    assert not re.search(r"\sstyle\s*=", html)
    assert not re.search(r"<style[\s>]", html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert not re.search(r"javascript:", html)
    for script in re.findall(r"<script[^>]*>", html):
        assert "src=" in script
