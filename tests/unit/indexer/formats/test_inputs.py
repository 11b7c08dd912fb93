"""Reading seed-style text files and JSON Lines, including broken ones."""

from datetime import date
from pathlib import Path

import pytest

from indexer.formats.fields import record_to_article
from indexer.formats.inputs import (
    ParsedArticle,
    ParseError,
    ParseFailure,
    parse_seed_text,
    read_inputs,
)

REPO = Path(__file__).resolve().parents[4]
SEEDS = REPO / "seeds"
INGEST = REPO / "tests" / "data" / "ingest"


def test_seed_article_title_is_the_first_line():
    (item,) = read_inputs([SEEDS])
    assert isinstance(item, ParsedArticle)
    assert item.article.title == (
        "Republic of Azerbaijan appreciates Ayatollah Khamenei stance on Karabakh conflict"
    )


def test_seed_dateline_becomes_source_and_section_not_body_text():
    (item,) = read_inputs([SEEDS])
    assert isinstance(item, ParsedArticle)
    article = item.article
    assert (article.source, article.section) == ("Iran Press", "Asia")
    assert "PressAsia" not in article.body
    # The story the dateline introduced is kept, starting where the dateline ended.
    assert "\n\nAzerbaijan's Deputy Foreign Minister Khalaf Khalafov Aly Oglu" in article.body


def test_seed_read_more_block_is_not_body_text():
    (item,) = read_inputs([SEEDS])
    assert isinstance(item, ParsedArticle)
    assert "Read More" not in item.article.body
    assert "occupied territories should be liberatedFilesystem" not in item.article.body
    assert item.article.body.endswith("have so far been unsuccessful.")


def test_seed_lead_paragraph_above_the_dateline_stays_in_the_body():
    (item,) = read_inputs([SEEDS])
    assert isinstance(item, ParsedArticle)
    assert item.article.body.startswith("Republic of Azerbaijan's Foreign Ministry appreciated")


def test_split_dateline_with_a_slash_is_recognised():
    article = parse_seed_text((INGEST / "split-dateline.txt").read_text())
    assert (article.source, article.section) == ("Iran Press", "Middle East")
    assert "The Leader met the envoy in Tehran on Sunday." in article.body
    assert "Iran Press/" not in article.body


def test_prose_with_a_colon_is_not_mistaken_for_a_dateline():
    article = parse_seed_text("Title\n\nThe minister said: talks went well.\n")
    assert article.source is None
    assert article.body == "The minister said: talks went well."


def test_text_without_a_body_is_an_error():
    with pytest.raises(ParseError, match="no body text"):
        parse_seed_text("Only a title\n")


def test_jsonl_reports_each_bad_line_with_its_number_and_reads_the_rest():
    path = INGEST / "mixed.jsonl"
    items = list(read_inputs([path]))
    ok = [i for i in items if isinstance(i, ParsedArticle)]
    bad = {i.origin.line: i.reason for i in items if isinstance(i, ParseFailure)}
    assert [i.article.id for i in ok] == ["ok-1", "ok-6"]
    assert [i.origin.line for i in ok] == [1, 7]
    assert set(bad) == {2, 4, 5, 6}
    assert bad[2].startswith("invalid JSON")
    assert bad[4] == "missing field 'title'"
    assert bad[5] == "field 'published' is not a date: 'last Tuesday'"
    assert bad[6] == "expected a JSON object, got list"
    assert all(str(i.origin).startswith(str(path)) for i in items)


def test_jsonl_fields_are_carried_over():
    items = list(read_inputs([INGEST / "mixed.jsonl"]))
    first = items[0]
    assert isinstance(first, ParsedArticle)
    article = first.article
    assert article.published == date(2020, 10, 1)
    assert article.url == "https://example.org/ok-1"
    assert article.source == "Example Wire"
    assert article.categories == ("Energy",)


def test_null_published_stays_unknown():
    article = record_to_article({"title": "T", "body": "B", "published": None})
    assert article.published is None


def test_published_date_time_keeps_the_date():
    article = record_to_article(
        {"title": "T", "body": "B", "published": "2020-10-01T23:10:00+03:30"}
    )
    assert article.published == date(2020, 10, 1)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"title": "T"}, "missing field 'body'"),
        ({"title": 3, "body": "B"}, "field 'title' must be a string, got int"),
        ({"title": "T", "body": "B", "categories": "x"}, "must be a list of strings"),
        ({"title": "  ", "body": "B"}, "missing field 'title'"),
    ],
)
def test_invalid_records_are_rejected_with_a_reason(record, reason):
    with pytest.raises(ParseError, match=reason):
        record_to_article(record)


def test_files_that_are_not_utf8_are_reported_not_guessed():
    items = list(read_inputs([INGEST / "latin1.txt", INGEST / "latin1.jsonl"]))
    assert all(isinstance(i, ParseFailure) for i in items)
    assert all("not UTF-8" in i.reason for i in items if isinstance(i, ParseFailure))


def test_empty_and_title_only_text_files_are_reported():
    items = list(read_inputs([INGEST / "empty.txt", INGEST / "title-only.txt"]))
    reasons = [i.reason for i in items if isinstance(i, ParseFailure)]
    assert reasons == ["empty file", "no body text after the title line"]


def test_missing_paths_and_unsupported_files_are_reported(tmp_path):
    other = tmp_path / "notes.pdf"
    other.write_bytes(b"%PDF")
    items = list(read_inputs([tmp_path / "nope", other]))
    reasons = [i.reason for i in items if isinstance(i, ParseFailure)]
    assert reasons[0] == "no such file or folder"
    assert reasons[1].startswith("unsupported file type (expected .atom, .csv, .htm, .html, .json")


def test_folders_are_walked_in_order_and_other_files_skipped(tmp_path):
    (tmp_path / "b.txt").write_text("B title\n\nB body\n")
    (tmp_path / "a.txt").write_text("A title\n\nA body\n")
    (tmp_path / "README.md").write_text("# not an article\n")
    (tmp_path / ".hidden.txt").write_text("Hidden\n\nbody\n")
    titles = [i.article.title for i in read_inputs([tmp_path]) if isinstance(i, ParsedArticle)]
    assert titles == ["A title", "B title"]


def test_control_characters_are_dropped_from_text():
    article = parse_seed_text("Title\x07\n\nBody\x00 text\x1b.\n")
    assert article.title == "Title"
    assert article.body == "Body text."
