"""The rankings compared and pooled on the relevance gold set: each returns article ids, best first.

- `service`: `/api/search?q=...` of the app, in process, default sort, as visitors get it;
- `baseline`: a plain `multi_match` of the text over title and body (best_fields, OR), what an
  Elasticsearch user gets for free;
- `recall`: a wide net for pooling (entity mentions too, fuzziness, prefixes of half-typed words);
- `manual`: a hand-written expansion of each query (tests/gold/relevance/manual-expansions.jsonl),
  for pooling the relevant articles the other rankings miss.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from elasticsearch import Elasticsearch

from search import Settings, create_app

if TYPE_CHECKING:
    from flask.testing import FlaskClient

DEFAULT_ES_URL = "http://127.0.0.1:9200"

RECALL_FIELDS = ["title^2", "body", "person_mentions", "organization_mentions", "location_mentions"]


def connect(alias: str) -> tuple[Elasticsearch, FlaskClient]:
    """A client of the engine at `ES_URL` and a test client of the app serving `alias` from it."""
    es_url = os.environ.get("ES_URL", DEFAULT_ES_URL)
    # Generous timeouts: on a busy machine a slow answer must not become an empty ranking.
    es = Elasticsearch(es_url, request_timeout=60)
    app = create_app(Settings(es_url=es_url, index_alias=alias, es_timeout=30.0))
    return es, app.test_client()


def _ids(response: Any) -> list[str]:
    """The article ids of a search response, in rank order."""
    return [str(hit["_id"]) for hit in response["hits"]["hits"]]


def service_ranking(client: FlaskClient, q: str, size: int = 10) -> list[str]:
    """The service's first `size` results for `q` (`/api/search`, default sort)."""
    response = client.get("/api/search", query_string={"q": q, "size": str(size)})
    if response.status_code != 200:
        raise RuntimeError(f"/api/search answered {response.status_code} for {q!r}")
    body = response.get_json()
    return [str(hit["id"]) for hit in body["hits"]]


def baseline_query(q: str) -> dict[str, Any]:
    """The plain baseline: `multi_match` over title and body with every default kept."""
    return {"multi_match": {"query": q, "fields": ["title", "body"]}}


def recall_query(q: str, *, half: bool) -> dict[str, Any]:
    """The pooling net: entity mentions, typos forgiven, and the last word as a prefix if `half`."""
    should: list[dict[str, Any]] = [
        {
            "multi_match": {
                "query": q,
                "fields": RECALL_FIELDS,
                "fuzziness": "AUTO",
                "operator": "or",
            }
        }
    ]
    if half:
        should += [{"match_phrase_prefix": {field: q}} for field in ("title", "body")]
    return {"bool": {"should": should, "minimum_should_match": 1}}


def manual_query(expanded: str) -> dict[str, Any]:
    """A hand-written expansion, in `simple_query_string` syntax, any of its parts matching."""
    return {
        "simple_query_string": {
            "query": expanded,
            "fields": RECALL_FIELDS,
            "default_operator": "or",
        }
    }


def engine_ranking(es: Elasticsearch, index: str, query: dict[str, Any], size: int) -> list[str]:
    """The first `size` article ids of `query` on `index`, ranked by the engine's score."""
    response = es.search(index=index, query=query, size=size, source=False)
    return _ids(response)
