"""The door: each limit of articles/limits.py at its edge, on both sides."""

from datetime import date, timedelta

import pytest

from articles import Article
from articles.limits import EARLIEST_PUBLISHED, FUTURE_PUBLISHED_DAYS, MAX_ID_BYTES
from indexer.formats.limits import admit
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
