"""`python -m indexer entities`: the entity step alone, one JSON line per article."""

import json

import pytest
from click.testing import CliRunner

import indexer.cli.entities as entities_cli
from indexer.cli import main
from indexer.entities.component import EntityFinder
from indexer.entities.forms_table import FormsTable
from indexer.entities.found import Entities

SEED = "seeds/000_0a4f7763723d062e.txt"


class FakeNLP:
    """Stands in for the spaCy pipeline: every article gets the same entities."""

    def pipe(self, pairs, **kwargs):
        for _text, context in pairs:
            yield None, context


@pytest.fixture
def fake_pipeline(monkeypatch):
    monkeypatch.setattr(entities_cli, "build_nlp", lambda *a, **k: FakeNLP())
    monkeypatch.setattr(
        "indexer.entities.extract.entities_from_doc",
        lambda doc: Entities(person=("Ali Khamenei",), location=("Iran",)),
    )


def test_it_prints_one_json_line_per_article_with_canonical_names(fake_pipeline, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "x1", "title": "T", "body": "B"})
        + "\n"
        + json.dumps({"id": "x2", "title": "T2", "body": "B2"})
        + "\n"
    )
    result = CliRunner().invoke(main, ["entities", str(source)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert lines == [
        {"id": "x1", "person": ["Ali Khamenei"], "organization": [], "location": ["Iran"]},
        {"id": "x2", "person": ["Ali Khamenei"], "organization": [], "location": ["Iran"]},
    ]


def test_unreadable_records_are_reported_and_fail_the_run(fake_pipeline, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "x1", "title": "T", "body": "B"}\nnot json\n')
    result = CliRunner().invoke(main, ["entities", str(source)])
    assert result.exit_code == 1
    assert "FAILED" in result.output


def test_learning_writes_the_learned_table_and_prints_no_records(fake_pipeline, tmp_path):
    learned = tmp_path / "learned.jsonl"
    result = CliRunner().invoke(main, ["entities", "--learn", "--forms-table", str(learned), SEED])
    assert result.exit_code == 0, result.output
    assert "learning from 1 articles: 1 to read with NER, 0 unchanged" in result.output
    assert "learned forms: 0 entries from 1 articles (1 new)" in result.output
    assert "1 read with NER" in result.output
    assert learned.is_file()


def test_the_component_can_be_given_a_table_directly():
    assert EntityFinder(FormsTable()).table.lookup("person", "x") is None


def test_learning_again_from_unchanged_articles_costs_no_ner(fake_pipeline, tmp_path, monkeypatch):
    built = []
    monkeypatch.setattr(entities_cli, "build_nlp", lambda *a, **k: built.append(1) or FakeNLP())
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "x1", "title": "T", "body": "B"}) + "\n")
    learned = tmp_path / "learned.jsonl"
    learn = ["entities", "--learn", "--forms-table", str(learned), str(source)]
    assert CliRunner().invoke(main, learn).exit_code == 0
    again = CliRunner().invoke(main, learn)
    assert "from 1 articles (0 new)" in again.output
    assert "0 to read with NER, 1 unchanged" in again.output
    assert built == [1]
    source.write_text(json.dumps({"id": "x1", "title": "T", "body": "B, changed"}) + "\n")
    assert CliRunner().invoke(main, learn).exit_code == 0
    assert built == [1, 1]
