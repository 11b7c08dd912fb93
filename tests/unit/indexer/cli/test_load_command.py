"""The indexer CLI, with the NER model replaced by a blank pipeline and an entity ruler."""

import json
from pathlib import Path

import pytest
import spacy
from click.testing import CliRunner

from indexer import cli
from indexer.cli import common

REPO = Path(__file__).resolve().parents[4]


@pytest.fixture
def runner(monkeypatch) -> CliRunner:
    def blank_nlp(model=None):
        nlp = spacy.blank("en")
        nlp.add_pipe("entity_ruler").add_patterns(  # type: ignore[attr-defined]
            [{"label": "GPE", "pattern": "Azerbaijan"}, {"label": "GPE", "pattern": "Baku"}]
        )
        return nlp

    monkeypatch.setattr(common, "build_nlp", blank_nlp)
    return CliRunner()


def test_dry_run_prints_one_action_per_article_without_an_engine(runner):
    result = runner.invoke(
        cli.main, ["--es-url", "http://127.0.0.1:9", "load", "--dry-run", str(REPO / "seeds")]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 1
    assert lines[0]["_index"] == "articles"
    assert lines[0]["_source"]["source"] == "Iran Press"
    assert lines[0]["_source"]["location"] == ["Azerbaijan", "Baku"]
    assert "built 1, failed 0" in result.stderr


def test_dry_run_lists_bad_records_and_exits_non_zero(runner):
    path = REPO / "tests" / "data" / "ingest" / "mixed.jsonl"
    result = runner.invoke(cli.main, ["--index", "news", "load", "--dry-run", str(path)])
    assert result.exit_code == 1
    assert [json.loads(line)["_id"] for line in result.stdout.splitlines()] == ["ok-1", "ok-6"]
    assert f"FAILED {path}:2: invalid JSON" in result.stderr
    assert f"FAILED {path}:4: missing field 'title'" in result.stderr
    assert "built 2, failed 4" in result.stderr


def test_unreachable_engine_is_a_one_line_error(runner):
    result = runner.invoke(
        cli.main, ["--es-url", "http://127.0.0.1:9", "load", str(REPO / "seeds")]
    )
    assert result.exit_code == 1
    assert "cannot reach Elasticsearch at http://127.0.0.1:9" in result.output


def test_missing_model_is_reported_clearly(monkeypatch):
    def no_model(model=None):
        raise OSError("no spaCy English model is installed")

    monkeypatch.setattr(common, "build_nlp", no_model)
    result = CliRunner().invoke(cli.main, ["load", "--dry-run", str(REPO / "seeds")])
    assert result.exit_code == 1
    assert "no spaCy English model is installed" in result.output


def test_an_article_the_entity_step_breaks_on_fails_alone(monkeypatch, tmp_path):
    from spacy.language import Language

    @Language.component("explodes_on_boom")
    def explodes_on_boom(doc):
        if "BOOM" in doc.text:
            raise RecursionError("maximum recursion depth exceeded")
        return doc

    def exploding_nlp(model=None):
        nlp = spacy.blank("en")
        nlp.add_pipe("explodes_on_boom")
        return nlp

    monkeypatch.setattr(common, "build_nlp", exploding_nlp)
    path = tmp_path / "news.jsonl"
    records = [{"id": f"n{n}", "title": f"Story {n}", "body": "Calm."} for n in range(3)]
    records[1]["body"] = "BOOM"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = CliRunner().invoke(cli.main, ["load", "--dry-run", str(path)])
    assert result.exit_code == 1
    assert [json.loads(line)["_id"] for line in result.stdout.splitlines()] == ["n0", "n2"]
    assert (
        f"FAILED {path}:2 (id n1): entity extraction failed "
        "(RecursionError: maximum recursion depth exceeded)"
    ) in result.stderr
    assert "built 2, failed 1" in result.stderr
