"""The API and HTML views over a stub Elasticsearch returning captured responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from search.params import SearchParams
from search.results import SearchPage
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


def test_api_search_looks_the_words_up_then_sends_the_search_to_the_configured_alias(
    make_client: MakeClient,
) -> None:
    _, response = canned("search_karabakh_nobody.json")
    lookup = [
        {
            "hits": {"total": {"value": 40_000}},
            "aggregations": {"counts": {"buckets": {"w0": {"doc_count": 0}}}},
            "suggest": {
                "w0": [{"options": [{"text": "karabakh", "score": 0.86, "freq": 400}]}],
                "did_you_mean": [{"options": [{"text": "karabakh"}]}],
            },
        },
        {},
    ]
    client = make_client(search=response, lookup=lookup)
    answer = client.get("/api/search?q=Karabak&person=Nobody").get_json()
    # One round trip asks what the index knows of the words, then one search.
    (looked_up, lookup_kwargs), (name, kwargs) = stub_of(client).calls
    assert (looked_up, name) == ("msearch", "search")
    assert lookup_kwargs["searches"][0] == {"index": "test-articles"}
    assert kwargs["index"] == "test-articles"
    assert kwargs["body"]["post_filter"] == {"terms": {"person": ["Nobody"]}}
    # The word the index does not know is matched through the spelling it uses.
    alternatives = kwargs["body"]["query"]["dis_max"]["queries"]
    assert [q["multi_match"]["query"] for q in alternatives] == ["Karabak", "karabakh"]
    assert answer["did_you_mean"] == "karabakh"


def test_the_same_words_are_looked_up_once_a_while(make_client: MakeClient) -> None:
    lookup = [{"hits": {"total": {"value": 40_000}}}, {}]
    client = make_client(lookup=lookup)
    client.get("/api/search?q=Karabakh")
    client.get("/api/search?q=Karabakh&page=2&location=Iran")
    client.get("/api/search?q=Karabakh+ceasefire")
    assert [name for name, _ in stub_of(client).calls] == [
        "msearch",
        "search",
        "search",
        "msearch",
        "search",
    ]


def test_api_search_without_words_asks_only_the_article_count_before_searching(
    make_client: MakeClient,
) -> None:
    client = make_client()
    client.get("/api/search?person=Nobody")
    client.get("/api/search?location=Nowhere")
    # The count decides how facets are counted (search/sampling.py); it is kept a minute.
    assert [name for name, _ in stub_of(client).calls] == ["count", "search", "search"]


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
    # The bytes sent are the model's JSON text, encoded as UTF-8, and a newline.
    page = SearchPage.from_response(response, SearchParams(filters={"person": ("Khāmenei",)}))
    assert answer.get_data() == (page.to_json() + "\n").encode("utf-8")
    assert answer.mimetype == "application/json"


def test_api_search_uses_the_configured_page_size(make_client: MakeClient) -> None:
    _, response = canned("search_karabakh_nobody.json")
    client = make_client(search=response)
    client.get("/api/search?size=7&page=2")
    body = stub_of(client).calls[-1][1]["body"]
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
        "related": [],
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
    assert set(body["paths"]) >= {
        "/",
        "/articles/{id}",
        "/facets/{name}",
        "/api/search",
        "/api/suggest",
        "/api/facets/{name}",
        "/api/articles/{id}",
        "/api/openapi.json",
        "/healthz",
    }


def test_healthz_reports_engine_and_index(make_client: MakeClient) -> None:
    answer = make_client(docs=11).get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json() == {
        "status": "ok",
        "engine": {"cluster_status": "green", "nodes": 1},
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
    # Selected values travel with the form as hidden inputs, and so does the sort.
    assert '<input type="hidden" name="location" value="Yerevan">' in html
    assert '<input type="hidden" name="sort" value="newest">' in html
    assert '<span class="current" aria-current="true">Newest</span>' in html
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
    assert "Second &lt;b&gt;paragraph&lt;/b&gt;." in html
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


def test_the_search_page_answers_the_api_json_when_asked(make_client: MakeClient) -> None:
    _, response = canned("search_karabakh_armenia_yerevan.json")
    client = make_client(search=response)
    path = "?q=Karabakh&location=Armenia&location=Yerevan&sort=newest"
    twin = client.get("/" + path, headers={"Accept": "application/json"})
    api = client.get("/api/search" + path)
    assert twin.mimetype == "application/json"
    assert twin.get_json() == api.get_json()
    assert "Accept" in twin.headers["Vary"]
    html = client.get("/" + path, headers={"Accept": "text/html,*/*;q=0.8"})
    assert html.mimetype == "text/html"
    assert "Accept" in html.headers["Vary"]


def test_the_article_page_answers_the_api_json_when_asked(make_client: MakeClient) -> None:
    client = make_client(get=SEED_DOC)
    twin = client.get("/articles/0a4f7763723d062e", headers={"Accept": "application/json"})
    assert twin.get_json() == client.get("/api/articles/0a4f7763723d062e").get_json()


def test_a_page_error_asked_for_as_json_is_the_json_error(make_client: MakeClient) -> None:
    answer = make_client().get("/?page=abc", headers={"Accept": "application/json"})
    assert answer.status_code == 400
    assert answer.get_json() == {
        "error": {"code": "bad_request", "message": "page must be a positive integer"}
    }


SUGGEST_RESPONSE: dict[str, Any] = {
    "suggest": {
        "names": [
            {
                "options": [
                    {
                        "text": "Khamenei → Ali Khamenei",
                        "_id": "a",
                        "contexts": {"kind": ["person"]},
                    }
                ]
            }
        ],
        "titles": [
            {
                "options": [
                    {
                        "text": "Khamenei stance",
                        "_id": "0a4f7763723d062e",
                        "contexts": {"kind": ["title"]},
                        "_source": {"title": SEED_TITLE, "published": "2020-11-05"},
                    }
                ]
            }
        ],
    }
}


def test_suggest_answers_names_and_titles_with_their_links(make_client: MakeClient) -> None:
    client = make_client(search=SUGGEST_RESPONSE)
    answer = client.get("/api/suggest?q=kham")
    assert answer.get_json() == {
        "q": "kham",
        "suggestions": [
            {"kind": "person", "text": "Ali Khamenei", "url": "/?person=Ali+Khamenei"},
            {
                "kind": "title",
                "text": SEED_TITLE,
                "id": "0a4f7763723d062e",
                "published": "2020-11-05",
                "source": None,
                "url": "/articles/0a4f7763723d062e",
            },
        ],
    }
    [(_, kwargs)] = stub_of(client).calls
    assert kwargs["index"] == "test-articles,test-articles.names"
    assert kwargs["ignore_unavailable"] is True
    assert kwargs["body"]["suggest"]["names"]["prefix"] == "kham"


def test_an_empty_prefix_is_answered_without_asking_the_engine(make_client: MakeClient) -> None:
    client = make_client()
    assert client.get("/api/suggest?q=").get_json() == {"q": "", "suggestions": []}
    assert stub_of(client).calls == []


FACET_RESPONSE = {
    "aggregations": {
        "values": {
            "buckets": [{"key": "Armenia", "doc_count": 5}, {"key": "Ankara", "doc_count": 1}]
        }
    }
}


def test_facet_values_are_answered_as_json_and_as_a_page(make_client: MakeClient) -> None:
    client = make_client(search=FACET_RESPONSE)
    api = client.get("/api/facets/location?q=a&query=Karabakh&location=Ankara")
    assert api.get_json() == {
        "facet": "location",
        "q": "a",
        "values": [
            {"value": "Armenia", "count": 5, "selected": False},
            {"value": "Ankara", "count": 1, "selected": True},
        ],
    }
    html = client.get("/facets/location?q=a&query=Karabakh&location=Ankara").get_data(as_text=True)
    # A value links to the search page with it toggled; the search words are `q` there again.
    assert 'href="/?q=Karabakh&amp;location=Ankara&amp;location=Armenia"' in html
    assert 'href="/?q=Karabakh"' in html


def test_an_unknown_facet_is_a_404(make_client: MakeClient) -> None:
    answer = make_client().get("/api/facets/colour")
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "not_found"


def test_the_search_script_is_served(make_client: MakeClient) -> None:
    answer = make_client().get("/static/search.js")
    assert answer.status_code == 200
    assert "aria-activedescendant" in answer.get_data(as_text=True)
    answer.close()
