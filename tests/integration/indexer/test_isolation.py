"""One bad record fails alone, the rest is stored: real files, the real engine (issue 10, 2)."""

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from indexer.load.bulk import BulkItem, bulk_load
from tests.support import load_cli

pytestmark = pytest.mark.es

REPO = Path(__file__).resolve().parents[3]
PAGE = REPO / "tests" / "data" / "ingest" / "pages" / "article.html"
# Deeper than Python's recursion limit, far shallower than any size limit.
DEPTH = 100_000


@pytest.fixture
def raw_index(es: Elasticsearch) -> Iterator[str]:
    """An index that stores sources without indexing them: the test is about the transport."""
    name = f"test-raw-{uuid.uuid4().hex[:12]}"
    es.indices.create(index=name, mappings={"dynamic": False, "properties": {}})
    yield name
    es.indices.delete(index=name, ignore_unavailable=True)


def stored_ids(es: Elasticsearch, index: str) -> set[str]:
    es.indices.refresh(index=index)
    return {h["_id"] for h in es.search(index=index, size=100)["hits"]["hits"]}


def article(ident: str) -> str:
    return json.dumps({"id": ident, "title": f"Story {ident}", "body": "News from Baku."})


def test_deeply_nested_json_fails_its_line_or_its_file_and_the_rest_loads(
    es, es_url, alias, tmp_path
):
    nested = '{"id": "deep", "title": "T", "body": "B", "x": ' + "[" * DEPTH + "]" * DEPTH + "}"
    lines = tmp_path / "nested.jsonl"
    lines.write_text(f"{article('a')}\n{nested}\n{article('b')}\n", encoding="utf-8")
    document = tmp_path / "nested.json"
    document.write_text("[" + "[" * DEPTH + "]" * DEPTH + "]", encoding="utf-8")
    result = load_cli(es_url, alias, lines, document)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"FAILED {lines}:2: invalid JSON: nested too deeply" in result.output
    assert f"FAILED {document}: invalid JSON: nested too deeply" in result.output
    assert stored_ids(es, alias) == {"a", "b"}


def test_a_page_with_nested_json_ld_is_read_without_its_date(es, es_url, alias, tmp_path):
    page = tmp_path / "nested-ld.html"
    html = PAGE.read_text(encoding="utf-8")
    ld = '<script type="application/ld+json">' + "[" * DEPTH + "]" * DEPTH + "</script>"
    # The page's other date declarations go too, so the JSON-LD block is the one looked at.
    html = html.replace("</head>", ld + "</head>").replace("article:published_time", "x")
    page.write_text(html, encoding="utf-8")
    result = load_cli(es_url, alias, page)
    assert result.exit_code == 0, result.output
    es.indices.refresh(index=alias)
    (hit,) = es.search(index=alias)["hits"]["hits"]
    assert hit["_source"]["title"] == "Caspian states agree on fishing quotas"


def test_a_bulk_request_refused_whole_is_split_and_only_the_culprit_fails(es, raw_index):
    # An id the engine refuses makes it answer 400 for the whole request (the door stops such
    # ids in a load; this is the loader's own defence).
    items = [
        BulkItem({"_index": raw_index, "_id": f"ok{n}", "_source": {"n": n}}, f"f:{n}")
        for n in range(6)
    ]
    items.insert(3, BulkItem({"_index": raw_index, "_id": "x" * 600, "_source": {}}, "f:bad"))
    report = bulk_load(es, items)
    assert report.written == 6
    assert [f.where for f in report.failures] == ["f:bad"]
    assert "refused by the engine: HTTP 400" in report.failures[0].reason
    assert stored_ids(es, raw_index) == {f"ok{n}" for n in range(6)}


@pytest.mark.slow
def test_a_request_over_the_engines_size_limit_is_halved_and_only_the_huge_record_fails(
    es, raw_index
):
    # http.max_content_length is 100mb by default. (A body that large cannot pass the door in
    # a load; this is the loader's own defence, for engines configured with a lower limit.)
    huge = "x" * (101 * 1024 * 1024)
    items = [
        BulkItem({"_index": raw_index, "_id": "small", "_source": {"n": 1}}, "f:1"),
        BulkItem({"_index": raw_index, "_id": "huge", "_source": {"body": huge}}, "f:2"),
        BulkItem({"_index": raw_index, "_id": "after", "_source": {"n": 3}}, "f:3"),
    ]
    report = bulk_load(es, items, chunk_bytes=200 * 1024 * 1024)
    assert [str(f) for f in report.failures] == [
        "f:2 (id huge): too large for one request to the engine "
        "(HTTP 413: over its http.max_content_length)"
    ]
    assert report.written == 2
    assert stored_ids(es, raw_index) == {"small", "after"}
