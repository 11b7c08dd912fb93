"""Publication dates from fields, feed entries, page metadata and datelines; never invented."""

from __future__ import annotations

import re
import time
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from indexer.formats.records import ParseError

# Only absolute dates with a day, a month and a year count. Relative ones ("last Tuesday") and
# partial ones ("March 2021") would make dateparser fill the gaps from today's date, which is
# exactly the invention we refuse. https://dateparser.readthedocs.io/en/latest/settings.html
_DATEPARSER_SETTINGS: dict[str, Any] = {
    "PARSERS": ["custom-formats", "absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}
_LANGUAGES = ["en"]
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)"
# A dateline opens a story: "TEHRAN, Oct. 1, 2020 (Reuters) - ...", "1 October 2020 — ...",
# "Monday, March 3, 2021: ...". Only a full date followed by a dash or colon counts; a date in
# the middle of a sentence is about something else.
_DATELINE = re.compile(
    r"^(?:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3},\s+)?"
    rf"(?P<date>{_WEEKDAY}?(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}))"
    r"\s*(?:\([^)]{1,40}\)\s*)?(?:[-\u2013\u2014:|]|\u2015)\s+"
)


def parse_date_text(value: str) -> date | None:
    """The date in `value` (ISO 8601 or prose like "1 Oct 2020"); None if not a full date."""
    text = value.strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    return _dateparser(text[:100])


def parse_date_field(value: Any, name: str = "published") -> date | None:
    """A record's date field; null stays null, and a value that is no full date is an error."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ParseError(f"field '{name}' must be a date string, got {type(value).__name__}")
    found = parse_date_text(value)
    if found is None:
        raise ParseError(f"field '{name}' is not a date: {value[:40]!r}")
    return found


def date_from_struct(value: time.struct_time | None) -> date | None:
    """A date from the UTC time tuple feedparser gives for entry dates."""
    if value is None:
        return None
    return date(value.tm_year, value.tm_mon, value.tm_mday)


def date_from_dateline(text: str) -> date | None:
    """The date of a dateline opening the text's first paragraph, if it has one."""
    match = _DATELINE.match(text.lstrip()[:200])
    return parse_date_text(match["date"]) if match else None


@lru_cache(maxsize=4096)
def _dateparser(text: str) -> date | None:
    # Imported late: dateparser takes a noticeable moment to import, and most inputs carry
    # ISO dates that never need it.
    import dateparser

    parsed = dateparser.parse(text, languages=_LANGUAGES, settings=_DATEPARSER_SETTINGS)
    return parsed.date() if parsed is not None else None
