"""The API and HTML views over a stub Elasticsearch returning captured responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from tests.unit.search.stubs import canned, stub_of

MakeClient = Callable[..., FlaskClient]

SEED_TITLE = "Republic of Azerbaijan appreciates Ayatollah Khamenei stance on Karabakh conflict"
SEED_DOC: dict[str, Any] = {
    "_index": "test-articles-1",
    "_id": "0a4f7763723d062e",
    "found": True,
    "_source": {
        "id": "0a4f7763723d062e",
        "title": SEED_TITLE,
        "body": "First paragraph.\n\nSecond <b>paragraph</b>.",
        "published": "2020-11-05",
        "source": "Iran Press",
        "section": "Asia",
        "url": "https://iranpress.com/content/29731",
        "language": "en",
        "categories": ["Politics"],
        "person": ["Ali Khamenei", "Abbas Araghchi"],
        "organization": [],
        "location": ["Azerbaijan", "Nagorno-Karabakh"],
    },
}


def test_api_search_sends_the_built_search_to_the_configured_alias(
    make_client: MakeClient,
) -> None:
    _, response = canned("search_karabakh_nobody.json")
    client = make_client(search=response)
    client.get("/api/search?q=Karabakh&person=Nobody")
    [(name, kwargs)] = stub_of(client).calls
    assert name == "search"
    assert kwargs["index"] == "test-articles"
    assert kwargs["body"]["post_filter"] == {"terms": {"person": ["Nobody"]}}
    assert kwargs["body"]["query"]["simple_query_string"]["query"] == "Karabakh"


def test_api_search_answers_the_page_as_json(make_client: MakeClient) -> None:
    _, response = canned("search_karabakh_armenia_yerevan.json")
    client = make_client(search=response)
    answer = client.get("/api/search?q=Karabakh&location=Armenia&location=Yerevan&sort=newest")
    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    body = answer.get_json()
    assert body["total"] == 5
    assert (body["page"], body["size"]) == (1, 10)
    assert body["hits"][1]["id"] == "0a4f7763723d062e"
    assert {"value": "Yerevan", "count": 1, "selected": True} in body["facets"]["location"]


def test_api_search_keeps_non_ascii_readable(make_client: MakeClient) -> None:
    _, response = canned("search_karabakh_nobody.json")
    answer = make_client(search=response).get("/api/search?person=Khāmenei")
    assert "Khāmenei" in answer.get_data(as_text=True)


def test_api_search_uses_the_configured_page_size(make_client: MakeClient) -> None:
    _, response = canned("search_karabakh_nobody.json")
    client = make_client(search=response)
    client.get("/api/search?size=7&page=2")
    body = stub_of(client).calls[0][1]["body"]
    assert (body["from"], body["size"]) == (7, 7)


def test_api_article_answers_the_stored_article(make_client: MakeClient) -> None:
    answer = make_client(get=SEED_DOC).get("/api/articles/0a4f7763723d062e")
    assert answer.status_code == 200
    assert answer.get_json() == {
        "id": "0a4f7763723d062e",
        "title": SEED_TITLE,
        "body": "First paragraph.\n\nSecond <b>paragraph</b>.",
        "url": "https://iranpress.com/content/29731",
        "source": "Iran Press",
        "section": "Asia",
        "published": "2020-11-05",
        "language": "en",
        "categories": ["Politics"],
        "entities": {
            "person": ["Ali Khamenei", "Abbas Araghchi"],
            "organization": [],
            "location": ["Azerbaijan", "Nagorno-Karabakh"],
        },
    }


def test_an_overlong_article_id_is_not_found_without_asking_the_engine(
    make_client: MakeClient,
) -> None:
    client = make_client(get=SEED_DOC)
    answer = client.get("/api/articles/" + "x" * 600)
    assert answer.status_code == 404
    assert stub_of(client).calls == []


def test_openapi_description_is_served(make_client: MakeClient) -> None:
    body = make_client().get("/api/openapi.json").get_json()
    assert body["openapi"].startswith("3.1")
    assert set(body["paths"]) == {
        "/api/search",
        "/api/articles/{id}",
        "/api/openapi.json",
        "/healthz",
    }


def test_healthz_reports_engine_and_index(make_client: MakeClient) -> None:
    answer = make_client(docs=11).get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json() == {
        "status": "ok",
        "engine": {"cluster_status": "green", "version": "9.5.4", "nodes": 1},
        "index": {"alias": "test-articles", "docs": 11},
    }


def test_search_page_renders_results_facets_and_links(make_client: MakeClient) -> None:
    _, response = canned("search_karabakh_armenia_yerevan.json")
    client = make_client(search=response)
    answer = client.get("/?q=Karabakh&location=Armenia&location=Yerevan&sort=newest")
    assert answer.status_code == 200
    assert answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    assert "<mark>Karabakh</mark>" in html
    assert 'value="Karabakh"' in html
    assert "<strong>5</strong> articles" in html
    # A facet value links to the same search with that value added.
    assert (
        'href="/?q=Karabakh&amp;location=Armenia&amp;location=Yerevan&amp;location=Iran'
        '&amp;sort=newest"' in html
    )
    # A selected value links to the search without it.
    assert 'href="/?q=Karabakh&amp;location=Yerevan&amp;sort=newest"' in html
    # Selected values travel with the form as hidden inputs.
    assert '<input type="hidden" name="location" value="Yerevan">' in html
    assert '<option value="newest" selected>' in html
    assert 'href="/articles/0a4f7763723d062e"' in html


def test_search_page_escapes_facet_values(make_client: MakeClient) -> None:
    _, response = canned("search_karabakh_nobody.json")
    client = make_client(search=response)
    html = client.get("/?person=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_search_page_with_no_results_says_so(make_client: MakeClient) -> None:
    _, response = canned("search_karabakh_nobody.json")
    html = make_client(search=response).get("/?q=Karabakh&person=Nobody").get_data(as_text=True)
    assert "No articles match." in html
    assert "Try removing a filter" in html


def test_article_page_links_entities_to_filtered_searches(make_client: MakeClient) -> None:
    answer = make_client(get=SEED_DOC).get("/articles/0a4f7763723d062e")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert 'href="/?person=Ali+Khamenei"' in html
    assert 'href="/?location=Nagorno-Karabakh"' in html
    assert "<p>Second &lt;b&gt;paragraph&lt;/b&gt;.</p>" in html
    assert 'href="https://iranpress.com/content/29731"' in html


def test_article_page_never_links_a_javascript_url(make_client: MakeClient) -> None:
    doc = {**SEED_DOC, "_source": {**SEED_DOC["_source"], "url": "javascript:alert(1)"}}
    html = make_client(get=doc).get("/articles/0a4f7763723d062e").get_data(as_text=True)
    assert "javascript:" not in html


def test_static_stylesheet_is_served(make_client: MakeClient) -> None:
    answer = make_client().get("/static/style.css")
    assert answer.status_code == 200
    assert "mark" in answer.get_data(as_text=True)
    answer.close()
