"""Loading articles into a real Elasticsearch through the CLI and the library."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from elasticsearch import Elasticsearch

from articles import concrete_index_name, index_body
from indexer import cli
from indexer.index.lifecycle import (
    AliasConflictError,
    ensure_index,
    index_stats,
    missing_fields,
)
from indexer.load.bulk import BulkItem, bulk_load
from tests.support import delete_indices

pytestmark = pytest.mark.es

REPO = Path(__file__).resolve().parents[3]
MIXED = REPO / "tests" / "data" / "ingest" / "mixed.jsonl"


@pytest.fixture
def alias(es: Elasticsearch) -> Iterator[str]:
    """A fresh alias name that nothing exists under yet; everything behind it is deleted after."""
    name = f"test-load-{uuid.uuid4().hex[:12]}"
    yield name
    delete_indices(es, name)
    es.indices.delete(index=name, ignore_unavailable=True)


def load(es_url: str, alias: str, *paths: Path):
    return CliRunner().invoke(
        cli.main, ["--es-url", es_url, "--index", alias, "load", *map(str, paths)]
    )


def test_seed_article_is_indexed_with_its_entities(es, es_url, alias):
    result = load(es_url, alias, REPO / "seeds")
    assert result.exit_code == 0, result.output
    assert "indexed 1, failed 0" in result.output
    hits = es.search(index=alias, query={"match": {"body": "Karabakh"}})["hits"]["hits"]
    assert len(hits) == 1
    doc = hits[0]["_source"]
    assert doc["source"] == "Iran Press"
    assert doc["section"] == "Asia"
    assert {"Azerbaijan", "Armenia", "Iran"} <= set(doc["location"])
    assert "Khalaf Khalafov" in doc["person"]


def test_loading_the_same_input_twice_leaves_the_count_unchanged(es, es_url, alias):
    for _ in range(2):
        result = load(es_url, alias, REPO / "seeds", MIXED)
        assert result.exit_code == 1  # mixed.jsonl has bad lines
    assert es.count(index=alias)["count"] == 3


def test_bad_records_are_listed_and_the_rest_is_indexed(es, es_url, alias):
    result = load(es_url, alias, MIXED)
    assert result.exit_code == 1
    assert f"FAILED {MIXED}:2: invalid JSON" in result.output
    assert f"FAILED {MIXED}:5: field 'published' is not a date: 'last Tuesday'" in result.output
    assert "indexed 2, failed 4" in result.output
    ids = {h["_id"] for h in es.search(index=alias, size=10)["hits"]["hits"]}
    assert ids == {"ok-1", "ok-6"}


def test_the_alias_points_at_a_versioned_index(es, es_url, alias):
    load(es_url, alias, REPO / "seeds")
    stats = index_stats(es, alias)
    assert len(stats.indices) == 1
    assert stats.indices[0].startswith(f"{alias}-")
    assert stats.docs == 1
    assert ensure_index(es, alias) == stats.indices[0]


def test_a_plain_index_under_the_alias_name_is_refused(es, alias):
    es.indices.create(index=alias)
    with pytest.raises(AliasConflictError, match="plain index"):
        ensure_index(es, alias)


def test_engine_rejections_are_reported_per_record(es, alias):
    ensure_index(es, alias)
    actions = [
        BulkItem(
            {"_op_type": "index", "_index": alias, "_id": "good", "_source": {"title": "T"}}, "f:1"
        ),
        # The mapping is strict: a field it does not declare is an indexer bug, not data.
        BulkItem(
            {"_op_type": "index", "_index": alias, "_id": "bad", "_source": {"oops": 1}}, "f:2"
        ),
        BulkItem(
            {"_op_type": "index", "_index": alias, "_id": "date", "_source": {"published": "x"}},
            "f:3",
        ),
    ]
    report = bulk_load(es, actions)
    assert report.written == 1
    assert [(f.where, f.doc_id) for f in report.failures] == [("f:2", "bad"), ("f:3", "date")]
    assert "strict_dynamic_mapping_exception" in report.failures[0].reason
    assert "document_parsing_exception" in report.failures[1].reason


def test_stats_command_reports_the_count(es_url, alias):
    load(es_url, alias, REPO / "seeds")
    result = CliRunner().invoke(cli.main, ["--es-url", es_url, "--index", alias, "stats"])
    assert result.exit_code == 0
    assert result.output.startswith(f"alias {alias} -> {alias}-")
    assert result.output.rstrip().endswith(": 1 articles")


def _index_with_an_older_schema(es, alias: str) -> None:
    """An index as an earlier release would have created it: one field short of today's."""
    body = index_body()
    del body["mappings"]["properties"]["suggest"]
    del body["mappings"]["properties"]["title"]["fields"]["keyword"]
    es.indices.create(index=concrete_index_name(alias), **body, aliases={alias: {}})


def test_loading_into_an_index_with_an_older_schema_says_to_reindex(es, es_url, alias):
    _index_with_an_older_schema(es, alias)
    assert missing_fields(es, alias) == ["suggest", "title.keyword"]
    result = load(es_url, alias, REPO / "seeds")
    assert result.exit_code == 1
    assert "built with an older schema (missing: suggest, title.keyword)" in result.output
    assert "python -m indexer reindex" in result.output
    assert es.count(index=alias)["count"] == 0


def test_reindex_if_outdated_rebuilds_only_an_outdated_index(es, es_url, alias):
    def reindex_if_outdated():
        return CliRunner().invoke(
            cli.main, ["--es-url", es_url, "--index", alias, "reindex", "--if-outdated"]
        )

    assert "nothing to reindex" in reindex_if_outdated().output
    _index_with_an_older_schema(es, alias)
    result = reindex_if_outdated()
    assert result.exit_code == 0, result.output
    assert "reindexed 0 articles" in result.output
    assert missing_fields(es, alias) == []
    assert "up to date" in reindex_if_outdated().output
    assert load(es_url, alias, REPO / "seeds").exit_code == 0
