"""Loading every input format into a real engine, re-running over changed inputs, pruning."""

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from elasticsearch import Elasticsearch

from indexer import cli
from tests.support import delete_indices

pytestmark = pytest.mark.es

REPO = Path(__file__).resolve().parents[3]
INGEST = REPO / "tests" / "data" / "ingest"


@pytest.fixture
def alias(es: Elasticsearch) -> Iterator[str]:
    """A fresh alias name; everything behind it is deleted after the test."""
    name = f"test-ingest-{uuid.uuid4().hex[:12]}"
    yield name
    delete_indices(es, name)


def load(es_url: str, alias: str, *args: object):
    return CliRunner().invoke(
        cli.main, ["--es-url", es_url, "--index", alias, "load", *map(str, args)]
    )


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def record(n: int, body: str = "", **fields) -> dict:
    return {
        "id": f"r{n}",
        "title": f"Story number {n} from Yerevan",
        "body": body or f"Armenia reported story {n} in Yerevan on Monday.",
        "source": "Test Wire",
        **fields,
    }


def docs(es: Elasticsearch, alias: str) -> dict[str, dict]:
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=100, query={"match_all": {}})["hits"]["hits"]
    return {h["_id"]: h["_source"] for h in hits}


def test_every_format_loads_and_each_broken_input_is_listed_while_the_rest_loads(es, es_url, alias):
    result = load(es_url, alias, INGEST)
    assert result.exit_code == 1, result.output
    stored = docs(es, alias)
    titles = {d["title"] for d in stored.values()}
    assert {
        "Tehran metro adds a new line",  # .txt
        "Iran and Armenia sign a gas deal",  # JSON Lines
        "Iranian rial steadies",  # JSON
        "Kazakhstan opens a wind farm",  # CSV
        "Georgia signs a rail agreement",  # Atom
        "Ferry service resumes across the Caspian",  # RSS without dates
        "Caspian states agree on fishing quotas",  # HTML
    } <= titles
    assert len(stored) == 17
    for broken, reason in [
        ("latin1.txt", "not UTF-8 text"),
        ("tables/latin1.csv", "not UTF-8 text"),
        ("json/truncated.json", "invalid JSON: Unterminated string"),
        ("tables/truncated.csv:2", "malformed CSV: unexpected end of data"),
        ("pages/no-article.html", "no article text found on the page"),
        ("feeds/not-a-feed.xml", "XML that is neither an RSS nor an Atom feed"),
    ]:
        assert f"FAILED {INGEST / broken}: {reason}" in result.output
    assert f"input {INGEST / 'feeds' / 'wire.rss'} (feed): 2 added, 1 failed" in result.output
    assert f"input {INGEST / 'feeds' / 'undated.rss'} (feed): 2 added" in result.output
    assert "indexed 17, failed 19" in result.output


def test_stored_articles_carry_their_origin_dates_and_fingerprint(es, es_url, alias):
    load(es_url, alias, INGEST / "feeds")
    stored = docs(es, alias)
    border = next(d for d in stored.values() if d["title"].startswith("Azerbaijan and Iran"))
    assert border["origin"] == str(INGEST / "feeds" / "wire.rss")
    assert border["published"] == "2020-10-01"
    assert len(border["content_hash"]) == 32
    assert border["ingested_at"]
    undated = [d for d in stored.values() if d["origin"].endswith("undated.rss")]
    assert [d["published"] for d in undated] == [None, None]


def test_a_rerun_adds_new_updates_changed_and_skips_unchanged_articles(es, es_url, alias, tmp_path):
    path = write_jsonl(tmp_path / "news.jsonl", [record(1), record(2), record(3)])
    first = load(es_url, alias, path)
    assert first.exit_code == 0, first.output
    assert "added 3, updated 0, unchanged 0" in first.output
    ingested = docs(es, alias)["r1"]["ingested_at"]

    write_jsonl(
        path, [record(1), record(2, body="A corrected story from Yerevan."), record(3), record(4)]
    )
    second = load(es_url, alias, path)
    assert second.exit_code == 0, second.output
    assert "indexed 2, failed 0" in second.output
    assert "added 1, updated 1, unchanged 2, duplicates 0" in second.output
    stored = docs(es, alias)
    assert sorted(stored) == ["r1", "r2", "r3", "r4"]
    assert stored["r2"]["body"] == "A corrected story from Yerevan."
    assert stored["r1"]["ingested_at"] == ingested  # untouched, not rewritten

    third = load(es_url, alias, path)
    assert "indexed 0, failed 0" in third.output
    assert "unchanged 4" in third.output


def test_duplicates_by_url_or_by_title_and_source_are_stored_once(es, es_url, alias, tmp_path):
    first = write_jsonl(
        tmp_path / "a.jsonl",
        [record(1, url="https://wire.example/1"), record(2), record(2) | {"id": "r2-again"}],
    )
    result = load(es_url, alias, first)
    assert "added 2, updated 0, unchanged 0, duplicates 1" in result.output
    # Another export of the same stories under other ids: same URL (with a tracking
    # parameter), and same title and source.
    second = write_jsonl(
        tmp_path / "b.jsonl",
        [
            record(1, url="https://wire.example/1?utm_source=rss") | {"id": "other-1"},
            record(2) | {"id": "other-2"},
        ],
    )
    result = load(es_url, alias, second)
    assert result.exit_code == 0, result.output
    assert "duplicates 2" in result.output
    assert sorted(docs(es, alias)) == ["r1", "r2"]


def test_a_changed_duplicate_updates_the_stored_article_instead_of_adding_one(
    es, es_url, alias, tmp_path
):
    load(es_url, alias, write_jsonl(tmp_path / "a.jsonl", [record(1, url="https://w.example/1")]))
    changed = record(1, url="https://w.example/1", body="Updated text.") | {"id": "elsewhere"}
    result = load(es_url, alias, write_jsonl(tmp_path / "b.jsonl", [changed]))
    assert "added 0, updated 1" in result.output
    stored = docs(es, alias)
    assert list(stored) == ["r1"]
    assert stored["r1"]["body"] == "Updated text."


def test_another_source_reusing_a_stored_id_or_url_is_a_conflict_and_replaces_nothing(
    es, es_url, alias, tmp_path
):
    first = write_jsonl(
        tmp_path / "wire.jsonl", [record(1), record(2, url="https://wire.example/2")]
    )
    load(es_url, alias, first)
    before = docs(es, alias)
    intruder = write_jsonl(
        tmp_path / "blog.jsonl",
        [
            record(1, body="Rewritten by someone else.") | {"source": "Blog"},
            record(9, url="https://WIRE.example/2?utm_source=x") | {"source": "Blog"},
        ],
    )
    result = load(es_url, alias, intruder)
    assert result.exit_code == 0, result.output
    assert (
        f"CONFLICT {intruder}:1: same id as article r1 from {first} (source 'Test Wire'), "
        "but this record's source is 'Blog': not replaced"
    ) in result.output
    assert (
        f"CONFLICT {intruder}:2: same URL as article r2 from {first} (source 'Test Wire'), "
        "but this record's source is 'Blog': not replaced"
    ) in result.output
    assert "indexed 0, failed 0" in result.output
    assert ", conflicts 2" in result.output
    assert f"input {intruder} (jsonl): 2 conflict" in result.output
    after = docs(es, alias)
    assert {k: (d["title"], d["body"], d["source"]) for k, d in after.items()} == {
        k: (d["title"], d["body"], d["source"]) for k, d in before.items()
    }


def test_prune_removes_articles_whose_input_no_longer_holds_them(es, es_url, alias, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    news = write_jsonl(folder / "news.jsonl", [record(1), record(2)])
    shutil.copy(INGEST / "dateline.txt", folder / "metro.txt")
    elsewhere = write_jsonl(tmp_path / "elsewhere.jsonl", [record(9)])
    load(es_url, alias, folder, elsewhere)
    assert len(docs(es, alias)) == 4

    write_jsonl(news, [record(1)])
    (folder / "metro.txt").unlink()
    result = load(es_url, alias, "--prune", folder)
    assert result.exit_code == 0, result.output
    assert "unchanged 1, duplicates 0, pruned 2" in result.output
    assert f"input {news} (jsonl): 1 unchanged, 1 pruned" in result.output
    # Inputs not named in this run are out of the prune's reach.
    assert sorted(docs(es, alias)) == ["r1", "r9"]


def test_prune_leaves_an_input_alone_when_it_could_not_be_read_in_full(es, es_url, alias, tmp_path):
    news = write_jsonl(tmp_path / "news.jsonl", [record(1), record(2)])
    load(es_url, alias, news)
    news.write_text(json.dumps(record(1)) + "\n{broken\n", encoding="utf-8")
    result = load(es_url, alias, "--prune", news)
    assert result.exit_code == 1
    assert f"FAILED {news}:2: invalid JSON" in result.output
    assert "pruned 0" in result.output
    assert sorted(docs(es, alias)) == ["r1", "r2"]


def test_csv_columns_are_mapped_from_the_command_line(es, es_url, alias):
    result = load(
        es_url,
        alias,
        "--column",
        "title=headline",
        "--column",
        "body=text",
        "--column",
        "published=date",
        "--column",
        "url=link",
        INGEST / "tables" / "renamed.tsv",
    )
    assert result.exit_code == 0, result.output
    (stored,) = docs(es, alias).values()
    assert stored["title"] == "Caspian seal numbers recover"
    assert stored["published"] == "2021-02-14"


def test_an_unknown_field_in_a_column_mapping_is_a_usage_error(es_url, alias):
    result = load(es_url, alias, "--column", "headline=title", INGEST / "tables")
    assert result.exit_code == 2
    assert "unknown article field 'headline'" in result.output
