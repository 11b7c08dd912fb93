"""Stored data is never trusted: absurd dates and huge fields never break or flood a page.

The documents go straight into a test alias with the client, as an older indexer or another
tool could have written them (the indexer caps fields on the way in; the service must not
rely on it).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch
from flask.testing import FlaskClient

from articles import concrete_index_name, index_body
from search import create_app
from search.config import Settings
from search.limits import MAX_BODY_CHARS, MAX_TITLE_CHARS
from tests.support import delete_indices

pytestmark = pytest.mark.es

# A CMS placeholder date, the last days of the calendar, and a far-future typo.
ODD_DATES = {
    "dt-old": "0001-01-01T00:00:00",
    "dt-last": "9999-12-31T00:00:00",
    "dt-9900": "9900-06-15T00:00:00",
}
HUGE_ID = "huge-fields"
# 1 MB of title and 8 MB of body (a 40 MB document is past what the test node's small heap
# accepts in one request), with words a search finds at the start and far past any cap.
HUGE_TITLE = "Karabakh " + "headline " * 116_000
HUGE_BODY = (
    "Karabakh ceasefire holds.\n\n" + ("Filler words about nothing. " * 280_000) + "zanzibar"
)


def doc(article_id: str, title: str, body: str, published: str | None) -> dict[str, object]:
    return {
        "id": article_id,
        "title": title,
        "body": body,
        "published": published,
        "source": "Odd Source",
        "location": ["Armenia"],
        "location_mentions": ["Armenia"],
    }


@pytest.fixture(scope="module")
def odd_alias(es: Elasticsearch) -> Iterator[str]:
    alias = f"test-articles-odd-{int(time.time() * 1000)}"
    es.indices.create(index=concrete_index_name(alias), **index_body(), aliases={alias: {}})
    try:
        client = es.options(request_timeout=120)
        for article_id, published in ODD_DATES.items():
            body = "Armenia placeholder text."
            client.index(
                index=alias, id=article_id, document=doc(article_id, "Placeholder", body, published)
            )
        client.index(
            index=alias,
            id="normal",
            document=doc("normal", "Armenia today", "Armenia news.", "2020-11-05T00:00:00"),
        )
        client.index(
            index=alias,
            id=HUGE_ID,
            document=doc(HUGE_ID, HUGE_TITLE, HUGE_BODY, "2020-11-06T00:00:00"),
        )
        client.indices.refresh(index=alias)
        yield alias
    finally:
        delete_indices(es, alias)


@pytest.fixture
def client(es_url: str, es: Elasticsearch, odd_alias: str) -> FlaskClient:
    app = create_app(Settings(es_url=es_url, index_alias=odd_alias, es_timeout=30), client=es)
    app.testing = True
    return app.test_client()


@pytest.mark.parametrize(
    "path",
    [
        "/api/search",
        "/",
        "/api/search?q=placeholder",
        "/?q=placeholder",
        "/api/search?sort=oldest",
        "/api/search?sort=newest",
        "/?sort=oldest&location=Armenia",
        "/api/search?from=0001-01-01&to=0001-12-31",
        "/?from=9999-12-01&to=9999-12-31",
        "/api/facets/location?q=ar",
        "/api/suggest?q=plac",
        "/api/articles/dt-old",
        "/articles/dt-old",
        "/articles/dt-last",
        "/api/articles/dt-9900",
        "/api/entities/location/Armenia",
        "/feeds/search.atom",
        "/feeds/search.atom?q=placeholder",
        "/api/export?format=csv",
        "/api/export?format=jsonl&sort=oldest",
    ],
)
def test_absurd_dates_never_break_a_page(client: FlaskClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]


def test_absurd_dates_are_listed_and_drawn_within_the_calendar(client: FlaskClient) -> None:
    body = client.get("/api/search?sort=oldest").get_json()
    ids = [hit["id"] for hit in body["hits"]]
    assert ids[0] == "dt-old"
    assert {"dt-last", "dt-9900"} <= set(ids)
    buckets = body["timeline"]["buckets"]
    assert buckets[0]["from"] == "0001-01-01"
    assert buckets[-1]["to"] == "9999-12-31"
    assert sum(bucket["count"] for bucket in buckets) == body["total"]
    article = client.get("/api/articles/dt-old").get_json()
    assert article["published"] == "0001-01-01"


def test_a_huge_title_and_body_are_never_served_whole(client: FlaskClient) -> None:
    found = client.get("/api/search?q=Karabakh").get_json()
    [hit] = [hit for hit in found["hits"] if hit["id"] == HUGE_ID]
    assert len(hit["title"]) <= MAX_TITLE_CHARS
    assert all(len(fragment) <= MAX_TITLE_CHARS + 20 for fragment in hit["highlights"]["title"])
    assert hit["highlights"]["title"][0].startswith("<mark>Karabakh</mark>")
    assert all(len(fragment) < 1_000 for fragment in hit["highlights"]["body"])
    page = client.get("/?q=Karabakh")
    assert page.status_code == 200
    assert len(page.get_data()) < 200_000

    article = client.get(f"/api/articles/{HUGE_ID}").get_json()
    assert len(article["title"]) <= MAX_TITLE_CHARS
    assert len(article["body"]) <= MAX_BODY_CHARS
    assert article["body"].startswith("Karabakh ceasefire holds.")
    html = client.get(f"/articles/{HUGE_ID}")
    assert html.status_code == 200
    assert len(html.get_data()) < 3 * MAX_BODY_CHARS


def test_a_word_past_the_highlighting_limit_still_finds_the_article(client: FlaskClient) -> None:
    found = client.get("/api/search?q=zanzibar").get_json()
    assert [hit["id"] for hit in found["hits"]] == [HUGE_ID]


def test_related_articles_of_a_huge_article_come_quickly(client: FlaskClient) -> None:
    client.get(f"/api/articles/{HUGE_ID}")  # warm caches
    started = time.perf_counter()
    for _ in range(3):
        assert client.get(f"/api/articles/{HUGE_ID}").status_code == 200
    # Re-analysing 40 MB per view takes seconds; the capped likeness takes milliseconds.
    assert (time.perf_counter() - started) / 3 < 2.0
