"""Whatever a visitor types, the answer is a well-formed page or JSON, never a server error."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

pytestmark = pytest.mark.es

HOSTILE_QUERIES = [
    '"',
    '"unbalanced quote',
    "Karabakh\"'",
    "((Iran",
    "Iran))",
    "[2020 TO",
    "{}",
    "*",
    "Kara*",
    "?",
    "\\",
    "Iran\\",
    "x" * 10_000,
    "a " * 500,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '{"query": {"match_all": {}}}',
    "\u202eKarabakh\u202c \u0642\u0631\u0647\u200c\u0628\u0627\u063a",
    "\U0001f54a\ufe0f \U0001f1e6\U0001f1f2\U0001f1e6\U0001f1ff",
    "Kara\x00bakh\x01\x1f\x7f",
    "\x00",
    "title:Karabakh",
    "published:[2020-01-01 TO 2021-01-01]",
    "_id:*",
    "a OR OR",
    "AND",
    "NOT NOT",
    "-",
    "+",
    "|",
    "-+|",
    "~",
    "Karabakh~2",
    '"peace talks"~5',
    "/Kara.*/",
    "/[/",
    "&&||!!",
    "Robert'); DROP TABLE articles;--",
    "${jndi:ldap://example.invalid/a}",
    "../../etc/passwd",
    "%00%ff",
    " ",
    "\t\n\r",
]

# Query strings sent as written: invalid UTF-8, malformed escapes, odd keys and values.
RAW_QUERY_STRINGS = [
    "q=%ff%fe%fd",
    "q=%",
    "q=%zz&page=%",
    "person=%c0%80&location=%ed%a0%80",
    "q&page&size&sort",
    "page=1e9",
    "size=-1",
    "from=2020-02-30",
    "sort[]=newest",
    "person=" + "%3Cscript%3E" * 30,
]


def check(client: FlaskClient, path: str, query_string: dict[str, str] | str) -> None:
    answer = client.get(path, query_string=query_string)
    assert answer.status_code < 500, answer.get_data(as_text=True)[:500]
    text = answer.get_data(as_text=True)
    if path.startswith("/api/"):
        assert answer.mimetype == "application/json"
        json.loads(text)
    else:
        assert answer.mimetype == "text/html"
        assert text.lstrip().startswith("<!doctype html>")
        assert "<script>" not in text


def test_hostile_queries_never_break_the_api(
    client: FlaskClient, subtests: pytest.Subtests
) -> None:
    for query in HOSTILE_QUERIES:
        with subtests.test(q=query[:40]):
            check(client, "/api/search", {"q": query})


def test_hostile_queries_never_break_the_search_page(
    client: FlaskClient, subtests: pytest.Subtests
) -> None:
    for query in HOSTILE_QUERIES:
        with subtests.test(q=query[:40]):
            check(client, "/", {"q": query})


def test_hostile_facet_values_never_break_either_endpoint(
    client: FlaskClient, subtests: pytest.Subtests
) -> None:
    for value in HOSTILE_QUERIES:
        for path in ("/api/search", "/"):
            with subtests.test(path=path, value=value[:40]):
                check(client, path, {"person": value, "location": value})


def test_malformed_query_strings_never_break_either_endpoint(
    client: FlaskClient, subtests: pytest.Subtests
) -> None:
    for raw in RAW_QUERY_STRINGS:
        for path in ("/api/search", "/"):
            with subtests.test(path=path, raw=raw[:40]):
                check(client, path, raw)


def test_hostile_article_ids_are_not_found_rather_than_errors(
    client: FlaskClient, subtests: pytest.Subtests
) -> None:
    for article_id in ("..", "%2e%2e", "a" * 1000, "<script>", "\u202e", "_search", "x?y=1"):
        for prefix in ("/api/articles/", "/articles/"):
            with subtests.test(path=prefix + article_id[:40]):
                answer = client.get(prefix + article_id)
                assert answer.status_code < 500


def test_hostile_text_never_breaks_suggestions_or_facet_search(
    client: FlaskClient, subtests: pytest.Subtests
) -> None:
    for text in HOSTILE_QUERIES:
        with subtests.test(text=text[:40]):
            check(client, "/api/suggest", {"q": text[:100]})
            check(client, "/api/facets/person", {"q": text[:300], "query": text})
            check(client, "/facets/location", {"q": text[:300], "query": text})
