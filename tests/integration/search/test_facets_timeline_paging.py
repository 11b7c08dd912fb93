"""Facet value search, show more, the timeline, cursors and JSON twins on a real engine."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.integration.search.sample import ARTICLES, SEED_ID

pytestmark = pytest.mark.es


def get_json(client: FlaskClient, path: str, **args: Any) -> dict[str, Any]:
    answer = client.get(path, query_string=args)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body: dict[str, Any] = answer.get_json()
    return body


def test_facet_values_are_found_by_word_with_the_sidebar_counts(client: FlaskClient) -> None:
    body = get_json(client, "/api/facets/location", q="ar", query="Karabakh")
    assert [v["value"] for v in body["values"]] == ["Armenia"]
    sidebar = get_json(client, "/api/search", q="Karabakh")["facets"]["location"]
    assert body["values"][0]["count"] == next(
        v["count"] for v in sidebar if v["value"] == "Armenia"
    )
    # Any word of the value, any case.
    karabakh = get_json(client, "/api/facets/location", q="KARA")
    assert [v["value"] for v in karabakh["values"]] == ["Nagorno-Karabakh"]


def test_facet_value_counts_are_disjunctive(client: FlaskClient) -> None:
    # With Iran selected, the other places keep the counts they have without the selection.
    selected = get_json(client, "/api/facets/location", q="a", location="Iran")
    plain = get_json(client, "/api/facets/location", q="a")
    assert {v["value"]: v["count"] for v in selected["values"]} == {
        v["value"]: v["count"] for v in plain["values"]
    }
    assert [v["value"] for v in selected["values"] if v["selected"]] == []
    iran = get_json(client, "/api/facets/location", q="ir", location="Iran")
    assert {"value": "Iran", "count": 5, "selected": True} in iran["values"]


def test_show_more_lists_every_value_of_a_facet(client: FlaskClient) -> None:
    few = get_json(client, "/api/search")["facets"]["location"]
    more = get_json(client, "/api/search", expand="location")["facets"]["location"]
    all_places = {place for doc in ARTICLES for place in doc["location"]}
    assert len(few) == 10
    assert {v["value"] for v in more} == all_places
    page = client.get("/").get_data(as_text=True)
    assert 'href="/?expand=location"' in page
    assert "Show fewer" in client.get("/?expand=location").get_data(as_text=True)


def test_the_timeline_counts_the_dated_results_in_bars(client: FlaskClient) -> None:
    body = get_json(client, "/api/search", q="Karabakh")
    timeline = body["timeline"]
    assert timeline["interval"] == "month"
    dated = [h for h in get_json(client, "/api/search", q="Karabakh", size=50)["hits"]]
    assert sum(b["count"] for b in timeline["buckets"]) == len([h for h in dated if h["published"]])
    # A bar's period filters the search to exactly its articles.
    bar = next(b for b in timeline["buckets"] if b["count"])
    narrowed = get_json(
        client, "/api/search", q="Karabakh", **{"from": bar["from"], "to": bar["to"]}
    )
    assert narrowed["total"] == bar["count"]
    assert narrowed["timeline"]["interval"] == "day"


def test_the_timeline_follows_the_facet_selection(client: FlaskClient) -> None:
    body = get_json(client, "/api/search", source="Wikinews")
    assert sum(b["count"] for b in body["timeline"]["buckets"]) == body["total"]


def test_cursor_paging_walks_the_same_hits_as_numbered_pages(client: FlaskClient) -> None:
    by_page = [
        hit["id"]
        for page in (1, 2, 3, 4)
        for hit in get_json(client, "/api/search", sort="oldest", size=3, page=page)["hits"]
    ]
    by_cursor: list[str] = []
    cursor = None
    for _ in range(10):
        args: dict[str, Any] = {"sort": "oldest", "size": 3}
        if cursor:
            args["cursor"] = cursor
        body = get_json(client, "/api/search", **args)
        by_cursor += [hit["id"] for hit in body["hits"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert by_cursor == by_page
    assert len(by_cursor) == len(ARTICLES)


def test_cursor_paging_by_relevance_never_repeats(client: FlaskClient) -> None:
    first = get_json(client, "/api/search", q="Azerbaijan", size=2)
    second = get_json(client, "/api/search", q="Azerbaijan", size=2, cursor=first["next_cursor"])
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    assert second["total"] == first["total"]
    assert first["total_relation"] == "eq"


def test_a_bad_cursor_is_a_400(client: FlaskClient) -> None:
    assert client.get("/api/search?cursor=nonsense").status_code == 400
    assert client.get("/api/search?cursor=newest.i1.f1.sAAA&page=2").status_code == 400


def test_a_cursor_continues_in_its_own_order(client: FlaskClient) -> None:
    # Issue 10: every cursor of the documented form is accepted; one made under another order
    # (it used to be a 400) continues in its own, whatever `sort` says.
    first = get_json(client, "/api/search", size=2)
    assert first["sort"] == "newest"
    answer = client.get(f"/api/search?q=Karabakh&size=2&cursor={first['next_cursor']}")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["sort"] == "newest"
    dates = [hit["published"] for hit in body["hits"] if hit["published"]]
    assert dates == sorted(dates, reverse=True)
    assert all(hit["published"] <= first["hits"][-1]["published"] for hit in body["hits"])


@pytest.mark.parametrize(
    ("page", "api"),
    [
        ("/?q=Karabakh&location=Armenia", "/api/search?q=Karabakh&location=Armenia"),
        ("/?q=karabak", "/api/search?q=karabak"),
        (f"/articles/{SEED_ID}", f"/api/articles/{SEED_ID}"),
        ("/facets/location?q=a&query=Karabakh", "/api/facets/location?q=a&query=Karabakh"),
    ],
)
def test_every_page_answers_the_api_json_when_asked(
    client: FlaskClient, page: str, api: str
) -> None:
    twin = client.get(page, headers={"Accept": "application/json"})
    assert twin.mimetype == "application/json"
    expected = client.get(api).get_json()
    answer = twin.get_json()
    answer.pop("took_ms", None)
    expected.pop("took_ms", None)
    assert answer == expected


def test_the_article_page_marks_mentions_and_lists_related_articles(client: FlaskClient) -> None:
    html = client.get(f"/articles/{SEED_ID}").get_data(as_text=True)
    assert '<a class="entity person" href="/?person=Khalaf+Khalafov"' in html
    assert '<a class="entity location" href="/?location=Baku"' in html
    assert "Related articles" in html
    related = get_json(client, f"/api/articles/{SEED_ID}")["related"]
    assert SEED_ID not in {r["id"] for r in related}
    assert "khamenei-iraq" in {r["id"] for r in related} or "araghchi-regional-tour" in {
        r["id"] for r in related
    }
