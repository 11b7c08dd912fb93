"""The load command's input options, in dry runs (no engine), with a blank NER pipeline."""

import json
from pathlib import Path

import pytest
import spacy
from click.testing import CliRunner

from indexer import cli
from indexer.cli import common

REPO = Path(__file__).resolve().parents[4]
INGEST = REPO / "tests" / "data" / "ingest"


@pytest.fixture
def runner(monkeypatch) -> CliRunner:
    monkeypatch.setattr(common, "build_nlp", lambda model=None: spacy.blank("en"))
    return CliRunner()


def dry_run(runner: CliRunner, *args: object):
    return runner.invoke(cli.main, ["load", "--dry-run", *map(str, args)])


def test_dry_run_reads_every_format_and_lists_each_input(runner):
    result = dry_run(runner, INGEST / "feeds", INGEST / "pages", INGEST / "tables" / "articles.csv")
    assert result.exit_code == 1  # the broken fixtures among them
    titles = {json.loads(line)["_source"]["title"] for line in result.stdout.splitlines()}
    assert "Georgia signs a rail agreement" in titles
    assert "Caspian states agree on fishing quotas" in titles
    assert "Uzbek cotton harvest ends early" in titles
    assert f"input {INGEST / 'feeds' / 'desk.atom'} (feed): 2 added" in result.stderr
    assert f"input {INGEST / 'tables' / 'articles.csv'} (csv): 3 added, 3 failed" in result.stderr


def test_dry_run_actions_carry_origin_hash_and_duplicate_keys(runner):
    result = dry_run(runner, INGEST / "feeds" / "undated.rss")
    assert result.exit_code == 0, result.output
    source = json.loads(result.stdout.splitlines()[0])["_source"]
    assert source["origin"] == str(INGEST / "feeds" / "undated.rss")
    assert source["published"] is None
    assert len(source["content_hash"]) == 32
    assert [key.split(":")[0] for key in source["duplicate_keys"]] == ["url", "title"]


def test_dry_run_stores_a_repeated_article_once(runner, tmp_path):
    record = {"title": "Baku summit", "body": "Text.", "source": "W"}
    path = tmp_path / "twice.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps(record | {"id": "x"}) + "\n")
    result = dry_run(runner, path)
    assert len(result.stdout.splitlines()) == 1
    assert "duplicates 1" in result.stderr


def test_column_mapping_reaches_the_csv_reader(runner):
    result = dry_run(
        runner,
        "--column",
        "title=headline",
        "--column",
        "body=text",
        INGEST / "tables" / "renamed.tsv",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["_source"]["title"] == "Caspian seal numbers recover"


def test_a_malformed_column_mapping_is_a_usage_error(runner):
    result = dry_run(runner, "--column", "title", INGEST / "tables")
    assert result.exit_code == 2
    assert "expected FIELD=COLUMN" in result.output
