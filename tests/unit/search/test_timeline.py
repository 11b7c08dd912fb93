"""The timeline: date_histogram buckets merged into bars that fit the period."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from search.params import SearchParams
from search.timeline import base_interval, timeline_from_buckets


def bucket(day: date, count: int) -> dict[str, Any]:
    millis = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)
    return {"key": millis, "doc_count": count}


def test_long_or_open_periods_are_asked_in_months_short_ones_in_days() -> None:
    assert base_interval(None, None) == "month"
    assert base_interval(date(2020, 1, 1), None) == "month"
    assert base_interval(date(2020, 1, 1), date(2020, 12, 31)) == "month"
    assert base_interval(date(2020, 11, 1), date(2020, 11, 30)) == "day"


def test_a_few_months_are_drawn_month_by_month_with_empty_months_filled_in() -> None:
    buckets = [bucket(date(2020, 10, 1), 2), bucket(date(2021, 1, 1), 1)]
    timeline = timeline_from_buckets(buckets, "month", SearchParams(q="x"))
    assert timeline is not None
    assert timeline.interval == "month"
    assert [(b.start, b.end, b.count) for b in timeline.bars] == [
        (date(2020, 10, 1), date(2020, 10, 31), 2),
        (date(2020, 11, 1), date(2020, 11, 30), 0),
        (date(2020, 12, 1), date(2020, 12, 31), 0),
        (date(2021, 1, 1), date(2021, 1, 31), 1),
    ]
    assert timeline.bars[0].label == "October 2020"
    assert timeline.bars[0].args == {"q": ["x"], "from": ["2020-10-01"], "to": ["2020-10-31"]}
    assert timeline.max_count == 2


def test_twenty_years_of_months_become_years() -> None:
    buckets = [
        bucket(date(2004, 3, 1), 5),
        bucket(date(2004, 7, 1), 1),
        bucket(date(2023, 2, 1), 7),
    ]
    timeline = timeline_from_buckets(buckets, "month", SearchParams())
    assert timeline is not None
    assert timeline.interval == "year"
    assert len(timeline.bars) == 20
    assert (timeline.bars[0].start, timeline.bars[0].end, timeline.bars[0].count) == (
        date(2004, 1, 1),
        date(2004, 12, 31),
        6,
    )
    assert timeline.bars[0].label == "2004"


def test_a_century_of_months_becomes_decades() -> None:
    buckets = [bucket(date(1801, 1, 1), 1), bucket(date(2020, 1, 1), 1)]
    timeline = timeline_from_buckets(buckets, "month", SearchParams())
    assert timeline is not None
    assert timeline.interval == "decade"
    assert timeline.bars[0].label == "1800\u20131809"


def test_a_bar_never_widens_the_period_already_chosen() -> None:
    params = SearchParams(date_from=date(2020, 10, 15), date_to=date(2021, 3, 10))
    buckets = [bucket(date(2020, 10, 1), 1), bucket(date(2021, 3, 1), 1)]
    timeline = timeline_from_buckets(buckets, "month", params)
    assert timeline is not None
    assert timeline.bars[0].args == {"from": ["2020-10-15"], "to": ["2020-10-31"]}
    assert timeline.bars[-1].args == {"from": ["2021-03-01"], "to": ["2021-03-10"]}


def test_days_are_drawn_as_days_or_as_weeks_when_there_are_too_many() -> None:
    params = SearchParams(date_from=date(2020, 11, 1), date_to=date(2020, 11, 5))
    days = timeline_from_buckets(
        [bucket(date(2020, 11, 1), 1), bucket(date(2020, 11, 3), 2)], "day", params
    )
    assert days is not None
    assert days.interval == "day"
    assert [b.count for b in days.bars] == [1, 0, 2]
    assert days.bars[0].label == "1 Nov 2020"
    weeks = timeline_from_buckets(
        [bucket(date(2020, 9, 2), 1), bucket(date(2020, 11, 20), 2)], "day", SearchParams()
    )
    assert weeks is not None
    assert weeks.interval == "week"
    # ISO weeks start on Monday.
    assert weeks.bars[0].start == date(2020, 8, 31)
    assert weeks.bars[0].label == "Week of 31 Aug 2020"


def test_no_dated_results_give_no_timeline() -> None:
    assert timeline_from_buckets([], "month", SearchParams()) is None
    assert timeline_from_buckets([bucket(date(2020, 1, 1), 0)], "month", SearchParams()) is None
    assert timeline_from_buckets([{"key": 0, "doc_count": 0}], "day", SearchParams()) is None


def test_dates_at_the_ends_of_the_calendar_are_drawn_within_it() -> None:
    # A CMS placeholder (year 1) beside the far future: centuries reaching past the calendar
    # are cut at its first and last days instead of failing.
    buckets = [bucket(date(1, 1, 1), 1), bucket(date(2020, 5, 1), 2), bucket(date(9999, 12, 31), 1)]
    timeline = timeline_from_buckets(buckets, "month", SearchParams())
    assert timeline is not None
    assert timeline.interval == "century"
    assert (timeline.bars[0].start, timeline.bars[-1].end) == (date(1, 1, 1), date(9999, 12, 31))
    assert sum(bar.count for bar in timeline.bars) == 4
    last_days = SearchParams(date_from=date(9999, 12, 1), date_to=date(9999, 12, 31))
    days = timeline_from_buckets([bucket(date(9999, 12, 31), 1)], "day", last_days)
    assert days is not None
    assert days.bars[-1].end == date(9999, 12, 31)


def test_a_bucket_outside_the_calendar_is_not_drawn() -> None:
    assert timeline_from_buckets([{"key": -9e18, "doc_count": 1}], "month", SearchParams()) is None
