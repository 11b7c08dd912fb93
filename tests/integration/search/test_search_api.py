"""`/api/search` and `/api/articles/<id>` on a real Elasticsearch holding the sample articles."""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import Elasticsearch
from flask.testing import FlaskClient

from search import create_app
from search.config import Settings
from tests.integration.search.sample import ARTICLES, SEED_ID

pytestmark = pytest.mark.es


def search(client: FlaskClient, query: str) -> dict[str, Any]:
    answer = client.get(f"/api/search?{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body: dict[str, Any] = answer.get_json()
    return body


def facet(body: dict[str, Any], name: str) -> dict[str, tuple[int, bool]]:
    return {v["value"]: (v["count"], v["selected"]) for v in body["facets"][name]}


def es_count(es: Elasticsearch, alias: str, q: str, filters: dict[str, list[str]]) -> int:
    """The number of articles matching `q` and every filter, asked of the engine directly."""
    must = [
        {
            "simple_query_string": {
                "query": q,
                "fields": [
                    "title^2",
                    "body",
                    "person_mentions",
                    "organization_mentions",
                    "location_mentions",
                ],
                "default_operator": "and",
            }
        }
    ][: 1 if q else 0]
    terms = [{"terms": {name: values}} for name, values in filters.items()]
    count: int = es.count(index=alias, query={"bool": {"must": must, "filter": terms}})["count"]
    return count


def test_karabakh_finds_the_seed_with_marked_highlights_and_location_facets(
    client: FlaskClient,
) -> None:
    body = search(client, "q=Karabakh")
    assert body["total"] == 5
    seed = next(hit for hit in body["hits"] if hit["id"] == SEED_ID)
    assert seed["title"] == (
        "Republic of Azerbaijan appreciates Ayatollah Khamenei stance on Karabakh conflict"
    )
    assert "<mark>Karabakh</mark>" in seed["highlights"]["title"][0]
    assert len(seed["highlights"]["body"]) == 3
    assert all("<mark>Karabakh</mark>" in f for f in seed["highlights"]["body"])
    assert seed["published"] == "2020-11-05"
    assert seed["entities"]["person"] == [
        "Ali Khamenei",
        "Khalaf Khalafov",
        "Abbas Mousavi",
        "Abbas Araghchi",
    ]
    locations = facet(body, "location")
    for place in ("Azerbaijan", "Armenia", "Iran"):
        assert locations[place][0] > 0
    assert not any(selected for _, selected in locations.values())


def test_selecting_a_location_keeps_matching_articles_and_the_other_location_counts(
    client: FlaskClient, es: Elasticsearch, settings: Settings
) -> None:
    unfiltered = search(client, "q=Karabakh")
    body = search(client, "q=Karabakh&location=Iran")
    alias = settings.index_alias
    assert body["total"] == es_count(es, alias, "Karabakh", {"location": ["Iran"]}) == 2
    assert all("Iran" in hit["entities"]["location"] for hit in body["hits"])
    # Disjunctive: the location facet still counts as if no location were selected.
    assert facet(body, "location") == {
        value: (count, value == "Iran")
        for value, (count, _) in facet(unfiltered, "location").items()
    }
    # Other facets count only the articles kept.
    assert sum(count for count, _ in facet(body, "source").values()) == 2


def test_values_within_a_facet_combine_with_or_and_facets_with_and(
    client: FlaskClient, es: Elasticsearch, settings: Settings
) -> None:
    alias = settings.index_alias
    either = search(client, "location=Georgia&location=Iraq")
    assert either["total"] == es_count(es, alias, "", {"location": ["Georgia", "Iraq"]}) == 2
    both = search(client, "location=Iran&person=Ilham+Aliyev")
    assert {hit["id"] for hit in both["hits"]} == {"araghchi-regional-tour", "aras-bridge"}


def test_a_selected_value_matching_nothing_is_listed_at_count_zero(client: FlaskClient) -> None:
    body = search(client, "q=Karabakh&person=Nobody")
    assert body["total"] == 0
    assert body["hits"] == []
    assert facet(body, "person")["Nobody"] == (0, True)


def test_a_selected_value_outside_the_top_ten_keeps_its_true_count(client: FlaskClient) -> None:
    body = search(client, "location=Lachin")
    assert body["total"] == 1
    assert len(body["facets"]["location"]) == 11
    assert body["facets"]["location"][-1] == {"value": "Lachin", "count": 1, "selected": True}


@pytest.mark.parametrize(
    "selection",
    [
        {},
        {"location": ["Armenia"]},
        {"location": ["Armenia", "Iran"], "person": ["Ilham Aliyev"]},
        {"source": ["Wikinews", "Tehran Times"], "organization": ["OSCE Minsk Group"]},
    ],
    ids=["no-selection", "one-location", "two-facets", "source-and-organization"],
)
def test_facet_counts_equal_real_document_counts(
    client: FlaskClient, es: Elasticsearch, settings: Settings, selection: dict[str, list[str]]
) -> None:
    query = "&".join(
        ["q=Karabakh"] + [f"{name}={v}" for name, values in selection.items() for v in values]
    )
    body = search(client, query)
    alias = settings.index_alias
    assert body["total"] == es_count(es, alias, "Karabakh", selection)
    for name, values in body["facets"].items():
        others = {other: v for other, v in selection.items() if other != name}
        for value in values:
            expected = es_count(es, alias, "Karabakh", {**others, name: [value["value"]]})
            assert value["count"] == expected, (name, value)


def published_dates(body: dict[str, Any]) -> list[str | None]:
    return [hit["published"] for hit in body["hits"]]


def test_newest_first_puts_recent_articles_first_and_undated_last(client: FlaskClient) -> None:
    dates = published_dates(search(client, "sort=newest&size=20"))
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated, reverse=True)
    assert dates[: len(dated)] == dated
    assert dates[len(dated) :] == [None, None]
    assert dated[0] == "2021-03-01"


def test_oldest_first_puts_early_articles_first_and_undated_last(client: FlaskClient) -> None:
    dates = published_dates(search(client, "sort=oldest&size=20"))
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated)
    assert dates[len(dated) :] == [None, None]
    assert dated[0] == "2019-04-06"


def test_relevance_ranks_title_matches_first(client: FlaskClient) -> None:
    body = search(client, "q=Karabakh")
    title_matches = [h for h in body["hits"] if "<mark>" in h["highlights"]["title"][0]]
    assert body["hits"][: len(title_matches)] == title_matches


def test_paging_walks_through_every_article_exactly_once(client: FlaskClient) -> None:
    seen: list[str] = []
    for page in (1, 2, 3, 4):
        body = search(client, f"sort=newest&size=3&page={page}")
        assert (body["page"], body["size"], body["total"]) == (page, 3, len(ARTICLES))
        seen += [hit["id"] for hit in body["hits"]]
    assert sorted(seen) == sorted(doc["id"] for doc in ARTICLES)
    assert search(client, "size=3&page=5")["hits"] == []


def test_dates_are_inclusive_at_both_ends(client: FlaskClient) -> None:
    body = search(client, "from=2020-11-05&to=2020-11-05")
    assert [hit["id"] for hit in body["hits"]] == [SEED_ID]
    body = search(client, "from=2020-10-29&to=2020-11-05&sort=oldest")
    assert published_dates(body) == ["2020-10-29", "2020-10-31", "2020-11-05"]


def test_the_date_range_also_narrows_the_facet_counts(client: FlaskClient) -> None:
    body = search(client, "from=2021-01-01")
    assert body["total"] == 2
    assert sum(count for count, _ in facet(body, "source").values()) == 2


def test_names_match_whatever_their_diacritics(client: FlaskClient) -> None:
    ids = {hit["id"] for hit in search(client, "q=Khamenei")["hits"]}
    assert {SEED_ID, "khamenei-iraq"} <= ids


def test_phrases_and_exclusions_work(client: FlaskClient) -> None:
    phrase = search(client, 'q="peace initiative"')
    assert [hit["id"] for hit in phrase["hits"]] == ["araghchi-regional-tour"]
    excluded = search(client, "q=Karabakh -Moscow")
    assert {hit["id"] for hit in excluded["hits"]} == {
        SEED_ID,
        "diaspora-rally-la",
        "peacekeepers-lachin",
    }


def test_all_words_are_required_by_default(client: FlaskClient) -> None:
    assert search(client, "q=Karabakh+Georgia")["total"] == 0


def test_lists_do_not_carry_the_body(client: FlaskClient) -> None:
    hit = search(client, "q=Karabakh")["hits"][0]
    assert "body" not in hit


def test_the_article_endpoint_answers_the_stored_article(client: FlaskClient) -> None:
    answer = client.get(f"/api/articles/{SEED_ID}")
    assert answer.status_code == 200
    article = answer.get_json()
    stored = next(doc for doc in ARTICLES if doc["id"] == SEED_ID)
    related = article.pop("related")
    assert related and all(set(r) == {"id", "title", "published", "source"} for r in related)
    assert article == {
        "id": SEED_ID,
        "title": stored["title"],
        "body": stored["body"],
        "url": stored["url"],
        "source": "Iran Press",
        "section": "Asia",
        "published": "2020-11-05",
        "language": "en",
        "categories": ["Politics", "Caucasus"],
        "entities": {
            "person": ["Ali Khamenei", "Khalaf Khalafov", "Abbas Mousavi", "Abbas Araghchi"],
            "organization": ["Foreign Ministry of Azerbaijan", "OSCE Minsk Group"],
            "location": ["Azerbaijan", "Iran", "Armenia", "Nagorno-Karabakh", "Baku"],
        },
    }


def test_an_unknown_article_is_a_404(client: FlaskClient) -> None:
    answer = client.get("/api/articles/no-such-article")
    assert answer.status_code == 404
    assert answer.get_json() == {
        "error": {"code": "not_found", "message": "no article with this id"}
    }


def test_a_missing_alias_is_a_503_index_not_ready(es: Elasticsearch, es_url: str) -> None:
    app = create_app(Settings(es_url=es_url, index_alias="test-articles-missing"), client=es)
    client = app.test_client()
    for path in ("/api/search?q=Karabakh", "/api/articles/x"):
        answer = client.get(path)
        assert answer.status_code == 503
        assert answer.get_json()["error"]["code"] == "index_not_ready"
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["status"] == "unavailable"


def test_healthz_reports_the_engine_and_the_documents_behind_the_alias(
    client: FlaskClient, settings: Settings
) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "ok"
    assert body["engine"]["cluster_status"] in ("green", "yellow")
    # The engine's version is nobody's business (issue 10): it would say which flaws to try.
    assert "version" not in body["engine"]
    assert body["index"] == {"alias": settings.index_alias, "docs": len(ARTICLES)}
