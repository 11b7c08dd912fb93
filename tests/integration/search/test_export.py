"""The export streams every match, past the 10,000-hit window, each exactly once."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch, helpers
from flask.testing import FlaskClient

from articles import concrete_index_name, index_body
from search import create_app
from search.config import Settings
from search.export import BATCH_SIZE
from tests.support import delete_indices

pytestmark = [pytest.mark.es, pytest.mark.slow]

# Past the result window /api/search can page through.
ARTICLES = 10_500


@pytest.fixture(scope="module")
def big_alias(es: Elasticsearch) -> Iterator[str]:
    """10,500 small articles; every seventh from the source `Wire`; one with a formula title."""
    alias = f"test-articles-{uuid.uuid4().hex[:12]}"
    es.indices.create(index=concrete_index_name(alias), **index_body(), aliases={alias: {}})
    docs = (
        {
            "_index": alias,
            "_id": f"e{n:05d}",
            "_source": {
                "id": f"e{n:05d}",
                "title": '=HYPERLINK("http://evil.example")' if n == 3 else f"Story {n}",
                "body": f"Body of story {n}.",
                "source": "Wire" if n % 7 == 0 else "Daily",
                "published": f"20{10 + n % 10}-01-01",
            },
        }
        for n in range(ARTICLES)
    )
    helpers.bulk(es, docs, refresh=True, chunk_size=2000)
    yield alias
    delete_indices(es, alias)


@pytest.fixture
def export_client(es_url: str, es: Elasticsearch, big_alias: str) -> FlaskClient:
    app = create_app(Settings(es_url=es_url, index_alias=big_alias), client=es)
    app.testing = True
    return app.test_client()


def lines(client: FlaskClient, query: str) -> list[dict[str, object]]:
    answer = client.get(f"/api/export?{query}")
    assert answer.status_code == 200
    assert answer.is_streamed
    return [json.loads(line) for line in answer.get_data().splitlines()]


def test_every_match_streams_once_past_the_result_window(export_client: FlaskClient) -> None:
    rows = lines(export_client, "format=jsonl")
    ids = [row["id"] for row in rows]
    assert len(ids) == ARTICLES > 10_000 and len(set(ids)) == ARTICLES
    assert ARTICLES > BATCH_SIZE * 10


def test_the_export_is_the_searchs_matches_in_its_order(export_client: FlaskClient) -> None:
    rows = lines(export_client, "format=jsonl&source=Wire&sort=oldest&page=99")
    assert len(rows) == len(range(0, ARTICLES, 7))
    assert {row["source"] for row in rows} == {"Wire"}
    published = [str(row["published"]) for row in rows]
    assert published == sorted(published)


def test_csv_cells_are_safe_from_formulas(export_client: FlaskClient) -> None:
    answer = export_client.get("/api/export?format=csv&q=hyperlink")
    assert answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="news-export.csv"'
    table = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert table[1][1] == '\'=HYPERLINK("http://evil.example")'
    assert len(table) == 2
