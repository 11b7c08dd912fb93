"""Publication dates: read when written, null when unknown, never invented."""

from datetime import date

import pytest

from indexer.formats.dates import date_from_dateline, parse_date_field, parse_date_text
from indexer.formats.records import ParseError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-10-01", date(2020, 10, 1)),
        ("2020-10-01T23:10:00+03:30", date(2020, 10, 1)),
        ("2020-10-01T08:00:00Z", date(2020, 10, 1)),
        ("1 October 2020", date(2020, 10, 1)),
        ("Oct. 1, 2020", date(2020, 10, 1)),
        ("Thu, 01 Oct 2020 10:00:00 GMT", date(2020, 10, 1)),
    ],
)
def test_full_dates_are_read_in_iso_and_prose(text, expected):
    assert parse_date_text(text) == expected


@pytest.mark.parametrize("text", ["last Tuesday", "yesterday", "March 2021", "2020", "soon", ""])
def test_relative_and_partial_dates_are_not_filled_in(text):
    assert parse_date_text(text) is None


def test_a_date_field_that_is_no_date_is_an_error_and_null_stays_null():
    assert parse_date_field(None) is None
    assert parse_date_field("") is None
    with pytest.raises(ParseError, match="field 'published' is not a date: 'next week'"):
        parse_date_field("next week")
    with pytest.raises(ParseError, match="must be a date string, got int"):
        parse_date_field(2020)


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("TEHRAN, Oct. 1, 2020 (Reuters) - The talks", date(2020, 10, 1)),
        ("BAKU, March 3, 2021 \u2014 The port", date(2021, 3, 3)),
        ("Monday, 12 October 2020: Ministers met", date(2020, 10, 12)),
        ("The minister said on March 3, 2021 - nothing", None),
        ("WASHINGTON - No date here", None),
        ("TEHRAN, Oct. 1 - A date without its year", None),
    ],
)
def test_datelines_give_a_date_only_when_they_open_the_text(opening, expected):
    assert date_from_dateline(opening) == expected
