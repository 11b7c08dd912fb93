"""The door: each limit of articles/limits.py at its edge, on both sides."""

from datetime import date, timedelta

import pytest

from articles import Article
from articles.limits import (
    BODY_TRUNCATED,
    EARLIEST_PUBLISHED,
    FUTURE_PUBLISHED_DAYS,
    MAX_BODY_CHARS,
    MAX_CATEGORIES,
    MAX_ID_BYTES,
    MAX_LABEL_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
)
from indexer.formats.limits import admit, cut_body
from indexer.formats.records import ParseError

TODAY = date(2026, 11, 29)
LATEST = TODAY + timedelta(days=FUTURE_PUBLISHED_DAYS)


def story(**fields) -> Article:
    return Article(**({"title": "A title", "body": "A body."} | fields))


@pytest.mark.parametrize("published", [EARLIEST_PUBLISHED, TODAY, LATEST])
def test_dates_inside_the_range_are_kept(published):
    assert admit(story(published=published), today=TODAY) == (story(published=published), ())


@pytest.mark.parametrize(
    "published",
    [date(1, 1, 1), EARLIEST_PUBLISHED - timedelta(days=1), LATEST + timedelta(days=1)],
)
def test_dates_outside_the_range_are_cleared_with_a_note(published):
    article, notes = admit(story(published=published), today=TODAY)
    assert article == story()
    assert notes == (
        f"published date {published.isoformat()} is outside 1800-01-01..2026-12-02: "
        "stored without a date",
    )


def test_an_id_of_the_engines_length_is_kept_and_one_byte_more_fails():
    assert admit(story(id="x" * MAX_ID_BYTES))[0].id == "x" * MAX_ID_BYTES
    with pytest.raises(
        ParseError, match=r"field .id. is 513 bytes \(the engine takes at most 512\)"
    ):
        admit(story(id="x" * (MAX_ID_BYTES + 1)))


def test_a_lone_surrogate_fails_the_record():
    with pytest.raises(ParseError, match="field 'title' is not valid Unicode"):
        admit(story(title="bad \ud800 title"))


@pytest.mark.parametrize(
    ("field", "limit"),
    [("title", MAX_TITLE_CHARS), ("source", MAX_LABEL_CHARS), ("section", MAX_LABEL_CHARS),
     ("language", MAX_LABEL_CHARS), ("url", MAX_URL_CHARS)],
)  # fmt: skip
def test_a_field_at_its_limit_is_kept_and_one_character_more_fails_the_record(field, limit):
    assert admit(story(**{field: "x" * limit})) == (story(**{field: "x" * limit}), ())
    with pytest.raises(
        ParseError, match=f"field '{field}' is {limit + 1:,} characters .limit {limit:,}."
    ):
        admit(story(**{field: "x" * (limit + 1)}))


def test_a_category_longer_than_a_label_fails_the_record():
    with pytest.raises(ParseError, match="field 'categories' is 201 characters"):
        admit(story(categories=("ok", "x" * (MAX_LABEL_CHARS + 1))))


def test_categories_past_the_limit_are_dropped_with_a_note():
    kept = tuple(f"c{n}" for n in range(MAX_CATEGORIES))
    assert admit(story(categories=kept)) == (story(categories=kept), ())
    article, notes = admit(story(categories=(*kept, "one more")))
    assert article.categories == kept
    assert notes == (f"kept the first {MAX_CATEGORIES} of {MAX_CATEGORIES + 1} categories",)


def test_a_body_at_the_limit_is_kept_whole():
    body = "x" * MAX_BODY_CHARS
    assert admit(story(body=body)) == (story(body=body), ())


def test_a_longer_body_is_cut_at_the_last_paragraph_before_the_limit_with_a_marker():
    paragraph = "Officials met in Yerevan. " * 40
    body = "\n\n".join([paragraph.strip()] * (MAX_BODY_CHARS // len(paragraph) + 5))
    article, notes = admit(story(body=body))
    assert len(article.body) <= MAX_BODY_CHARS
    assert article.body.endswith("in Yerevan." + BODY_TRUNCATED)
    assert body.startswith(article.body.removesuffix(BODY_TRUNCATED) + "\n\n")
    assert notes == (
        f"body of {len(body):,} characters cut to {len(article.body):,} (limit {MAX_BODY_CHARS:,})",
    )


def test_a_long_body_without_paragraphs_is_cut_after_a_sentence_else_a_word():
    sentences = "It rained. " * (MAX_BODY_CHARS // 11 + 100)
    assert cut_body(sentences).endswith("It rained." + BODY_TRUNCATED)
    words = "rain " * (MAX_BODY_CHARS // 5 + 100)
    assert cut_body(words).endswith("rain" + BODY_TRUNCATED)
    assert len(cut_body("x" * (MAX_BODY_CHARS + 1))) == MAX_BODY_CHARS


def test_a_url_that_cannot_be_taken_apart_fails_the_record():
    with pytest.raises(ParseError, match="field 'url' is not a valid URL"):
        admit(story(url="http://[::1/story"))
