"""The news the fault tests search, and searching it through the app as it is served."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from elasticsearch import Elasticsearch, helpers
from elasticsearch.helpers import scan
from flask.testing import FlaskClient

from indexer.documents import to_action
from indexer.entities.found import Entities
from indexer.formats.inputs import read_inputs
from indexer.formats.records import ParsedArticle
from indexer.index.names import sync_names
from indexer.load.fingerprint import provenance_of
from search import create_app
from search.config import Settings
from tests.cluster.disruption import LocalCluster, SearchLoop

REPO = Path(__file__).resolve().parents[2]
CORPUS_FILE = REPO.parent / "shared" / "corpus" / "news-0001.jsonl"
NEWS_ARTICLES = 600
# Words of the news that each find at least five articles, so every search is one engine
# request (fewer would add the typo-tolerant retry, see search/pages.py).
QUERIES = ["government", "president", "police", "minister", "election", "world", "people"]

# A search through the app: the query's HTTP status and total.
Search = Callable[[str], tuple[int, int | None]]


def news_source() -> Path:
    """Real news articles as JSON Lines: the shared corpus, else articles of our own."""
    if CORPUS_FILE.exists():
        return CORPUS_FILE
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"cluster-news-{uuid.uuid4().hex}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n in range(NEWS_ARTICLES):
            body = " ".join(
                f"The {word} was in the news in Yerevan on day {n}." for word in QUERIES
            )
            record = {"id": f"n{n}", "title": f"Talks in Yerevan, day {n}", "body": body * 10}
            out.write(json.dumps(record) + "\n")
    return path


def load_news(es: Elasticsearch, alias: str, limit: int = NEWS_ARTICLES) -> list[str]:
    """Store the first `limit` news articles behind `alias` as the indexer writes them (no NER),
    with their names index; return their ids."""
    stamp = datetime.now(UTC).isoformat()
    articles = (r for r in read_inputs([news_source()]) if isinstance(r, ParsedArticle))
    ids: list[str] = []

    def actions() -> Iterator[dict[str, object]]:
        for n, record in enumerate(articles):
            if n >= limit:
                return
            provenance = provenance_of(record.article, origin=str(record.origin), ingested_at=stamp)
            ids.append(provenance.doc_id)
            yield to_action(record.article, Entities(), provenance, index=alias)

    ok, errors = helpers.bulk(es, actions(), refresh=True, raise_on_error=False)
    assert (ok, errors) == (len(ids), [])
    sync_names(es, alias)
    return list(dict.fromkeys(ids))  # a record repeating an id overwrote the first


def web_app(cluster: LocalCluster, alias: str, timeout: float) -> FlaskClient:
    """The app made as in production (its own client), against every node of the cluster."""
    settings = Settings(es_url=cluster.es_url, index_alias=alias, es_timeout=timeout)
    return create_app(settings).test_client()


def app_search(cluster: LocalCluster, alias: str, timeout: float) -> Search:
    """`/api/search?q=` through an app made as in production, against every node."""
    web = web_app(cluster, alias, timeout)

    def search(q: str) -> tuple[int, int | None]:
        answer = web.get("/api/search", query_string={"q": q})
        body = answer.get_json(silent=True) or {}
        if answer.status_code != 200 and set(body.get("error") or {}) != {"code", "message"}:
            return 0, None  # not the documented error shape: counted as a failure of its own
        return answer.status_code, body.get("total")

    return search


@dataclass(frozen=True)
class NewsUnderSearch:
    """News loaded on the cluster, and a loop ready to search it through the app."""

    alias: str
    index: str
    ids: list[str]
    expected: dict[str, int]
    loop: SearchLoop


def news_under_search(cluster: LocalCluster, alias: str, timeout: float) -> NewsUnderSearch:
    """Load the news behind `alias`, wait for green, and take each query's total with every
    node up: what every answer must match."""
    ids = load_news(cluster.client, alias)
    cluster.wait_green()
    index = next(iter(cluster.client.indices.get_alias(name=alias)))
    search = app_search(cluster, alias, timeout)
    expected: dict[str, int] = {}
    for q in QUERIES:
        status, total = search(q)
        assert status == 200 and total is not None and total >= 5, (q, status, total)
        expected[q] = total
    return NewsUnderSearch(alias, index, ids, expected, SearchLoop(search, QUERIES))


def wait_for_answers(loop: SearchLoop, since: float, count: int, timeout: float = 120) -> None:
    """Let the loop answer `count` searches sent after `since`."""
    deadline = time.monotonic() + timeout
    while len(loop.since(since)) < count:
        assert time.monotonic() < deadline, "the searches stalled"
        time.sleep(0.1)


def assert_every_document(cluster: LocalCluster, alias: str, ids: list[str]) -> None:
    """Exactly `ids` behind `alias`, no duplicates, and every shard copy holding all of them."""
    es = cluster.client
    es.indices.refresh(index=alias)
    stored = [hit["_id"] for hit in scan(es, index=alias, _source=False)]
    assert len(stored) == len(ids)
    assert sorted(stored) == sorted(ids)
    index = next(iter(es.indices.get_alias(name=alias)))
    copies = es.cat.shards(index=index, format="json", h="prirep,state,docs,node")
    assert len(copies) == 2, copies  # a primary and its replica, on two nodes
    assert len({c["node"] for c in copies}) == 2
    assert all(c["state"] == "STARTED" and int(c["docs"]) == len(ids) for c in copies), copies
