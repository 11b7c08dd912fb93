"""Pooling for the relevance gold set (bench/relevance_pool.py) on the sample articles."""

from __future__ import annotations

import json
from pathlib import Path

from elasticsearch import Elasticsearch
from flask.testing import FlaskClient

from bench.relevance_gold import Query, write_pool
from bench.relevance_pool import pooled
from bench.relevance_runs import baseline_query, engine_ranking, service_ranking

# Several sample articles mention Karabakh or Azerbaijan, so each ranking has more than 2 hits.
QUERY = Query("test-x", "Karabakh Azerbaijan", "topical", "the Karabakh conflict", "test")
SYSTEMS = ["service", "baseline"]


def test_pool_depth_is_the_ranks_taken_from_each_ranking(
    client: FlaskClient, es: Elasticsearch, loaded_alias: str
) -> None:
    baseline = baseline_query(QUERY.q)
    for depth in (2, 4):
        expected = set(service_ranking(client, QUERY.q, depth)) | set(
            engine_ranking(es, loaded_alias, baseline, depth)
        )
        assert pooled(QUERY, SYSTEMS, es, client, loaded_alias, depth) == expected


def test_a_deeper_pool_holds_the_shallow_one_and_more(
    client: FlaskClient, es: Elasticsearch, loaded_alias: str
) -> None:
    shallow = pooled(QUERY, SYSTEMS, es, client, loaded_alias, 2)
    deep = pooled(QUERY, SYSTEMS, es, client, loaded_alias, 4)
    assert shallow < deep


def test_the_stored_pool_keeps_ids_only_sorted(
    client: FlaskClient, es: Elasticsearch, loaded_alias: str, tmp_path: Path
) -> None:
    path = tmp_path / "pool.jsonl"
    found = sorted(pooled(QUERY, SYSTEMS, es, client, loaded_alias, 4))
    write_pool({QUERY.id: found[::-1] + found}, path)
    # Stored in the order found, the file would tell a judge which ranking found what, and where.
    assert json.loads(path.read_text(encoding="utf-8")) == {"query": QUERY.id, "docs": found}
