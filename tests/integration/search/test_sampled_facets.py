"""Facet counts of large result sets, estimated in a sample, on a real engine (search/sampling.py).

The sample is made small (FACET_SAMPLE=50) so that an index of a few hundred articles behaves as
a million do with the default: searches matching many articles are sampled, few are not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from elasticsearch import Elasticsearch, helpers
from flask.testing import FlaskClient

from search import create_app
from search.config import Settings
from tests.integration.search.sample import indexed

pytestmark = pytest.mark.es

SAMPLE = 50
ARTICLES = 600
# Every article is in Iran and mentions the harbour; one in three is also in Iraq; the first
# eight mention the lighthouse too, and only they are in Oman.
LIGHTHOUSE = 8


def article(n: int) -> dict[str, Any]:
    places = ["Iran", *(["Iraq"] if n % 3 == 0 else []), *(["Oman"] if n < LIGHTHOUSE else [])]
    words = "The harbour reopened" + (" beside the old lighthouse" if n < LIGHTHOUSE else "")
    return {
        "id": f"harbour-{n:04d}",
        "title": f"Harbour report {n}",
        "body": f"{words}. Shipping resumed on day {n}.",
        "source": "Wikinews",
        "published": (date(2020, 1, 1) + timedelta(days=n)).isoformat(),
        "person": [f"Captain {n % 40}"],
        "organization": [],
        "location": places,
    }


@pytest.fixture
def sampled_client(
    es: Elasticsearch, es_url: str, make_alias: Callable[[], str]
) -> Iterator[FlaskClient]:
    alias = make_alias()
    actions = (
        {"_index": alias, "_id": doc["id"], "_source": indexed(doc)}
        for doc in map(article, range(ARTICLES))
    )
    ok, errors = helpers.bulk(es, actions, refresh=True)
    assert (ok, errors) == (ARTICLES, [])
    app = create_app(Settings(es_url=es_url, index_alias=alias, facet_sample=SAMPLE), client=es)
    app.testing = True
    yield app.test_client()


def search(client: FlaskClient, **args: Any) -> dict[str, Any]:
    answer = client.get("/api/search", query_string=args)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body: dict[str, Any] = answer.get_json()
    return body


def counts(body: dict[str, Any], facet: str) -> dict[str, int]:
    return {v["value"]: v["count"] for v in body["facets"][facet]}


def test_many_hits_get_estimated_counts_and_an_exact_total(sampled_client: FlaskClient) -> None:
    body = search(sampled_client, q="harbour")
    assert body["total"] == ARTICLES
    assert body["facets_estimated"] is True
    places = counts(body, "location")
    # About 50 articles were read and counted as 600 / 50 each: near the true counts, not them.
    assert 0.5 * ARTICLES <= places["Iran"] <= 1.5 * ARTICLES
    assert places["Iran"] > places.get("Iraq", 0)
    assert 0.5 * ARTICLES <= sum(b["count"] for b in body["timeline"]["buckets"]) <= 1.5 * ARTICLES
    # The same search samples the same articles (a seeded sampler): counts do not flicker.
    assert search(sampled_client, q="harbour")["facets"] == body["facets"]


def test_few_hits_are_counted_exactly(sampled_client: FlaskClient) -> None:
    body = search(sampled_client, q="lighthouse")
    assert body["total"] == LIGHTHOUSE
    assert body["facets_estimated"] is False
    assert counts(body, "location") == {"Iran": LIGHTHOUSE, "Oman": LIGHTHOUSE, "Iraq": 3}


def test_a_sample_that_fell_short_is_counted_again_exactly(sampled_client: FlaskClient) -> None:
    # Without words the whole index is expected, so the first request samples; the selection
    # leaves eight articles, too few for that sample, and the facets are counted again.
    body = search(sampled_client, location="Oman")
    assert body["total"] == LIGHTHOUSE
    assert body["facets_estimated"] is False
    # Disjunctive counts: the other places are counted within the Oman selection.
    assert counts(body, "location") == {"Iran": ARTICLES, "Iraq": ARTICLES // 3, "Oman": 8}


def test_the_page_marks_estimated_counts(sampled_client: FlaskClient) -> None:
    page = sampled_client.get("/?q=harbour").get_data(as_text=True)
    assert "Counts are estimated from a sample of the 600 results." in page
    assert '<abbr title="estimated">≈</abbr>' in page
    exact = sampled_client.get("/?q=lighthouse").get_data(as_text=True)
    assert "estimated" not in exact
