"""The timeline: a date histogram of the results in bars that fit the period shown (pure).

This engine has no `auto_date_histogram`, so the request asks for months (or days, once the
visitor has narrowed the dates to a few weeks) and the bars are merged here into quarters,
years, five-year spans or decades until they fit the width of the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import MAXYEAR, UTC, date, datetime, timedelta
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from search.models import ApiModel, LazyArgs, LinkArgs

if TYPE_CHECKING:
    from search.params import SearchParams

BaseInterval = Literal["day", "month"]
Interval = Literal["day", "week", "month", "quarter", "year", "5 years", "decade", "century"]

# More bars than this stop being readable at phone width.
MAX_BARS = 40
# A period up to this many days is drawn in days (or weeks), anything longer in months or more.
DAY_SPAN = 92
# Bar widths, smallest first: name and length in the base interval's units.
_MONTH_GROUPS: tuple[tuple[Interval, int], ...] = (
    ("month", 1),
    ("quarter", 3),
    ("year", 12),
    ("5 years", 60),
    ("decade", 120),
    ("century", 1200),
)
_DAY_GROUPS: tuple[tuple[Interval, int], ...] = (("day", 1), ("week", 7))


def base_interval(date_from: date | None, date_to: date | None) -> BaseInterval:
    """Days for a short chosen period, months otherwise."""
    if date_from and date_to and (date_to - date_from).days < DAY_SPAN:
        return "day"
    return "month"


class TimeBar(ApiModel):
    """One bar: a period, the number of results in it, and the search narrowed to it."""

    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    count: int = Field(ge=0)
    label: SkipJsonSchema[str] = Field(exclude=True)
    args: LinkArgs


class Timeline(ApiModel):
    """Results per period, evenly spaced, empty periods included."""

    interval: Interval
    bars: tuple[TimeBar, ...] = Field(serialization_alias="buckets")

    @property
    def max_count(self) -> int:
        """The tallest bar's count (at least 1, so heights can be divided by it)."""
        return max((bar.count for bar in self.bars), default=0) or 1


def timeline_from_buckets(
    buckets: Sequence[Mapping[str, Any]], base: BaseInterval, params: SearchParams
) -> Timeline | None:
    """Bars from the raw date_histogram buckets (keys in epoch milliseconds); None if none."""
    counts: dict[date, int] = {}
    for bucket in buckets:
        count = int(bucket.get("doc_count") or 0)
        if count:
            day = _day_of(bucket["key"])
            if day is not None:
                counts[day] = counts.get(day, 0) + count
    if not counts:
        return None
    if base == "month":
        return _by_months(counts, params)
    return _by_days(counts, params)


def _by_months(counts: Mapping[date, int], params: SearchParams) -> Timeline:
    index = {d.year * 12 + d.month - 1: n for d, n in counts.items()}
    first, last = min(index), max(index)
    name, size = next(
        ((name, size) for name, size in _MONTH_GROUPS if (last // size - first // size) < MAX_BARS),
        _MONTH_GROUPS[-1],
    )
    grouped: dict[int, int] = {}
    for month, n in index.items():
        grouped[month // size] = grouped.get(month // size, 0) + n
    bars = []
    for group in range(first // size, last // size + 1):
        start, end, label = _month_span(group, size, name)
        bars.append(_bar(start, end, grouped.get(group, 0), label, params))
    return Timeline(interval=name, bars=tuple(bars))


# Every search draws the same few hundred months and spans: each is worked out once.
@lru_cache(maxsize=4096)
def _month_span(group: int, size: int, name: Interval) -> tuple[date, date, str]:
    """The first and last days of months group `group` of `size` months, and its label."""
    start = _month_start(group * size)
    end = _month_end(group * size + size - 1)
    return start, end, _month_label(name, start, end)


def _by_days(counts: Mapping[date, int], params: SearchParams) -> Timeline:
    first, last = min(counts), max(counts)
    name, size = _DAY_GROUPS[0] if (last - first).days < MAX_BARS else _DAY_GROUPS[1]

    def group_start(day: date) -> date:
        # Weeks start on Monday, as ISO weeks do.
        return day - timedelta(days=day.weekday()) if size == 7 else day

    grouped: dict[date, int] = {}
    for day, n in counts.items():
        grouped[group_start(day)] = grouped.get(group_start(day), 0) + n
    bars = []
    start = group_start(first)
    while start <= last:
        end = _plus_days(start, size - 1)
        label = _long(start) if size == 1 else f"Week of {_long(start)}"
        bars.append(_bar(start, end, grouped.get(start, 0), label, params))
        if end == date.max:
            break
        start = end + timedelta(days=1)
    return Timeline(interval=name, bars=tuple(bars))


def _bar(start: date, end: date, count: int, label: str, params: SearchParams) -> TimeBar:
    """A bar whose link keeps within the period already chosen."""
    low = max(start, params.date_from) if params.date_from else start
    high = min(end, params.date_to) if params.date_to else end
    return TimeBar(
        start=start,
        end=end,
        count=count,
        label=label,
        args=LazyArgs(partial(params.dates_args, low, high)),
    )


# Bucket keys repeat from search to search (the same months and days): each is read once.
@lru_cache(maxsize=65536)
def _day_of(key: object) -> date | None:
    """The day of a bucket key (epoch milliseconds); None outside the calendar (years 1-9999),
    where a stored date can still fall: such an article is listed, just not drawn."""
    try:
        return datetime.fromtimestamp(int(str(key)) / 1000, UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


def _month_start(index: int) -> date:
    """The first day of month `index` (counted from year 0), kept within the calendar: bars
    of decades or centuries around year 1 or 9999 reach past it."""
    if index < 12:
        return date.min
    if index // 12 > MAXYEAR:
        return date.max
    return date(index // 12, index % 12 + 1, 1)


def _month_end(index: int) -> date:
    """The last day of month `index`, kept within the calendar."""
    if (index + 1) // 12 > MAXYEAR:
        return date.max
    return max(_month_start(index + 1) - timedelta(days=1), date.min)


def _plus_days(day: date, days: int) -> date:
    """`day` and `days` more, stopping at the calendar's last day."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max


def _long(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _month_label(name: Interval, start: date, end: date) -> str:
    if name == "month":
        return f"{start:%B %Y}"
    if name == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    if name == "year":
        return str(start.year)
    return f"{start.year}\u2013{end.year}"
