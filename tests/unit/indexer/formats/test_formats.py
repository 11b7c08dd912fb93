"""Reading every input format from fixture files, including broken ones."""

from datetime import date
from pathlib import Path

import pytest

from indexer.formats.detect import detect_format, sniff_format
from indexer.formats.fields import FieldMap
from indexer.formats.inputs import ParsedArticle, ParseFailure, ReadOptions, read_inputs

REPO = Path(__file__).resolve().parents[4]
INGEST = REPO / "tests" / "data" / "ingest"


def read(*paths, options=None):
    items = list(read_inputs(paths, options or ReadOptions()))
    ok = [i for i in items if isinstance(i, ParsedArticle)]
    bad = [i for i in items if isinstance(i, ParseFailure)]
    return ok, bad


# RSS and Atom


def test_rss_entries_become_articles_with_the_feed_as_source():
    ok, _ = read(INGEST / "feeds" / "wire.rss")
    first = ok[0].article
    assert first.title == "Azerbaijan and Iran open a new border crossing"
    assert first.source == "Caspian Wire"
    assert first.url == "https://caspian.example/2020/10/01/border-crossing"
    assert first.published == date(2020, 10, 1)
    assert first.categories == ("Trade",)
    assert first.language == "en"


def test_rss_html_descriptions_become_plain_paragraphs():
    ok, _ = read(INGEST / "feeds" / "wire.rss")
    assert ok[0].article.body == (
        "Azerbaijan and Iran opened a new border crossing near Astara on Thursday.\n\n"
        "Officials in Baku said trucks would cross from next week."
    )


def test_rss_entry_without_a_title_is_reported_and_the_others_load():
    ok, bad = read(INGEST / "feeds" / "wire.rss")
    assert len(ok) == 2
    assert [(str(b.origin), b.reason) for b in bad] == [
        (f"{INGEST / 'feeds' / 'wire.rss'} [entry 3]", "entry has no title")
    ]


def test_feed_without_dates_loads_with_unknown_dates():
    ok, bad = read(INGEST / "feeds" / "undated.rss")
    assert not bad
    assert [i.article.published for i in ok] == [None, None]
    assert [i.article.title for i in ok] == [
        "Yerevan museum reopens after repairs",
        "Ferry service resumes across the Caspian",
    ]


def test_atom_entry_takes_its_published_date_over_updated():
    ok, _ = read(INGEST / "feeds" / "desk.atom")
    budget, rail = (i.article for i in ok)
    # Published 18:45 at +04:00 is 14:45 UTC on the same day.
    assert budget.published == date(2021, 3, 3)
    assert rail.published == date(2021, 3, 2)  # no <published>: <updated> is the next best
    assert budget.body.startswith("Armenia's parliament in Yerevan began debating")
    assert budget.categories == ("Politics",)


def test_xml_that_is_not_a_feed_is_reported():
    ok, bad = read(INGEST / "feeds" / "not-a-feed.xml")
    assert not ok
    assert bad[0].reason == "XML that is neither an RSS nor an Atom feed"


# HTML pages


def test_html_article_text_and_metadata_are_extracted():
    ok, bad = read(INGEST / "pages" / "article.html")
    assert not bad
    article = ok[0].article
    assert article.title == "Caspian states agree on fishing quotas"
    assert article.source == "Caspian Wire"
    assert article.url == "https://caspian.example/2020/11/05/fishing-quotas"
    assert article.language == "en"
    assert article.body.startswith("The five countries around the Caspian Sea agreed")
    assert "Home" not in article.body  # navigation is not article text
    assert "Copyright" not in article.body


def test_html_published_date_comes_from_its_metadata_not_the_footer():
    ok, _ = read(INGEST / "pages" / "article.html")
    assert ok[0].article.published == date(2020, 11, 5)


def test_html_without_date_metadata_takes_the_dateline_date():
    ok, _ = read(INGEST / "pages" / "dateline.html")
    # The footer's "Updated on 2023-01-01" and copyright year are not publication dates.
    assert ok[0].article.published == date(2021, 3, 3)


def test_html_page_with_no_article_is_reported():
    ok, bad = read(INGEST / "pages" / "no-article.html")
    assert not ok
    assert bad[0].reason == "no article text found on the page"


# CSV and TSV


def test_csv_rows_become_articles_and_bad_rows_are_reported_with_their_line():
    ok, bad = read(INGEST / "tables" / "articles.csv")
    assert [i.article.id for i in ok] == ["csv-1", "csv-2", "csv-6"]
    # csv-1's body spans lines 2-4, so csv-2 starts on line 5.
    assert [i.origin.line for i in ok] == [2, 5, 9]
    assert [(b.origin.line, b.reason) for b in bad] == [
        (6, "missing field 'body'"),
        (7, "field 'published' is not a date: 'next week'"),
        (8, "expected 7 cells, got 2"),
    ]


def test_csv_cells_carry_dates_in_prose_categories_and_paragraphs():
    ok, _ = read(INGEST / "tables" / "articles.csv")
    wind = ok[0].article
    assert wind.published == date(2020, 10, 5)
    assert wind.categories == ("Energy", "Kazakhstan")
    assert wind.body == (
        "Kazakhstan opened its largest wind farm near Astana on Monday.\n\n"
        "The farm will supply power to 100,000 homes."
    )
    assert ok[1].article.published is None


def test_csv_columns_can_be_mapped_to_fields():
    columns = FieldMap.parse(["title=headline", "body=text", "published=date", "url=link"])
    ok, bad = read(INGEST / "tables" / "renamed.tsv", options=ReadOptions(fields=columns))
    assert not bad
    article = ok[0].article
    assert article.title == "Caspian seal numbers recover"
    assert article.published == date(2021, 2, 14)
    assert article.url == "https://seals.example/count"


def test_csv_without_the_needed_columns_names_them():
    _, bad = read(INGEST / "tables" / "renamed.tsv")
    assert bad[0].reason == "no column 'title', 'body' in the header row"


def test_truncated_csv_is_reported_where_it_breaks():
    ok, bad = read(INGEST / "tables" / "truncated.csv")
    assert not ok
    assert (bad[0].origin.line, bad[0].reason) == (2, "malformed CSV: unexpected end of data")


def test_csv_that_is_not_utf8_is_reported():
    _, bad = read(INGEST / "tables" / "latin1.csv")
    assert bad[0].reason == "not UTF-8 text (byte 14)"


def test_unknown_fields_in_a_column_map_are_refused():
    with pytest.raises(ValueError, match="unknown article field 'headline'"):
        FieldMap.parse(["headline=title"])
    with pytest.raises(ValueError, match="expected FIELD=COLUMN"):
        FieldMap.parse(["title"])


# JSON documents


def test_json_array_records_load_and_a_bad_one_is_reported():
    ok, bad = read(INGEST / "json" / "export.json")
    assert [i.article.id for i in ok] == ["json-1", "json-2"]
    assert ok[1].article.published == date(2020, 10, 12)  # "Oct 12, 2020"
    assert [(b.origin.entry, b.reason) for b in bad] == [(3, "missing field 'title'")]


def test_truncated_json_fails_as_a_whole_with_where_it_ends():
    ok, bad = read(INGEST / "json" / "truncated.json")
    assert not ok
    assert bad[0].reason == "invalid JSON: Unterminated string starting at line 3 column 46"


# Seed text


def test_seed_text_dateline_gives_the_published_date():
    ok, _ = read(INGEST / "dateline.txt")
    assert ok[0].article.published == date(2020, 10, 1)


def test_seed_text_without_a_dateline_has_no_date():
    ok, _ = read(REPO / "seeds")
    assert ok[0].article.published is None


# Recognising formats


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<?xml version="1.0"?>\n<rss version="2.0">', "feed"),
        (b'\xef\xbb\xbf<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
        (b"<!DOCTYPE html><html><head>", "html"),
        (b'{"title": "T", "body": "B"}\n{"title"', "jsonl"),
        (b'{\n  "articles": []\n}', "json"),
        (b"[{}]", "json"),
        (b"title,body\n", None),
        (b"<?xml version='1.0'?><inventory/>", None),
    ],
)
def test_content_sniffing_recognises_formats(head, expected):
    assert sniff_format(head) == expected


def test_extension_wins_over_content_and_content_type_over_sniffing():
    assert detect_format(".txt", b"<html>") == "text"
    assert detect_format(".xml", b"<rss>") == "feed"
    assert detect_format("", b"anything", "application/rss+xml; charset=utf-8") == "feed"
    assert detect_format("", b"<html>", "text/plain") == "html"
    assert detect_format("", b"Title\n\nBody", "text/plain") == "text"


def test_a_feed_without_a_feed_extension_is_recognised_by_content(tmp_path):
    path = tmp_path / "export"
    path.write_bytes((INGEST / "feeds" / "undated.rss").read_bytes())
    ok, bad = read(path)
    assert not bad
    assert len(ok) == 2


def test_folders_pick_up_every_supported_format(tmp_path):
    for name in ("wire.rss", "desk.atom"):
        (tmp_path / name).write_bytes((INGEST / "feeds" / name).read_bytes())
    (tmp_path / "page.html").write_bytes((INGEST / "pages" / "article.html").read_bytes())
    (tmp_path / "notes.md").write_text("# not an input\n")
    ok, _ = read(tmp_path)
    assert {Path(i.origin.path).name for i in ok} == {"wire.rss", "desk.atom", "page.html"}
