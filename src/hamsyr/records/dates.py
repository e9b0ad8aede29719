"""Partial dates as in EDTF level 1, each standing for the interval of days it covers.

`2012` covers the whole year, `2012-02` the month, `2012-02-14` one day; a trailing `~` marks the date
approximate, `?` uncertain and `%` both; `2012-09/2012-12` is a span. Comparisons are by interval:
a record matches a range when the two intervals overlap.
"""

import re
from datetime import date
from enum import Enum
from functools import cache
from typing import NamedTuple

_SINGLE = r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?(?P<qualifier>[~?%])?"


@cache
def _single() -> re.Pattern[str]:
    """Compiled on first use: a cached base stores its dates parsed, so most queries parse none."""
    return re.compile(_SINGLE)


FORMAT_HELP = "use YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by ~ or ?, or a span START/END"


# Month names and lengths by hand: the calendar module pulls in locale, a sizeable share of start-up.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


class DateError(ValueError):
    """A date string that is malformed or names a day that does not exist."""


class Precision(Enum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


class FuzzyDate(NamedTuple):
    """A date as written in the fact base, with the first and last day it can mean."""

    text: str
    start: date
    end: date
    precision: Precision
    approximate: bool = False
    uncertain: bool = False
    is_span: bool = False

    def overlaps(self, since: date | None, until: date | None) -> bool:
        """True when this date's interval meets [since, until] (either end open when None)."""
        return (until is None or self.start <= until) and (since is None or self.end >= since)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def year(self) -> int:
        return self.start.year

    def __str__(self) -> str:
        return self.text


def _parse_single(text: str) -> FuzzyDate:
    match = _single().fullmatch(text)
    if match is None:
        raise DateError(f"malformed date {text!r}: {FORMAT_HELP}")
    year = int(match["year"])
    if year < 1:
        raise DateError(f"impossible date {text!r}: year 0000 does not exist")
    qualifier = match["qualifier"]
    flags = {"approximate": qualifier in ("~", "%"), "uncertain": qualifier in ("?", "%")}
    if match["month"] is None:
        return FuzzyDate(text, date(year, 1, 1), date(year, 12, 31), Precision.YEAR, **flags)
    month = int(match["month"])
    if not 1 <= month <= 12:
        raise DateError(f"impossible date {text!r}: month must be 01 to 12")
    last_day = _days_in_month(year, month)
    if match["day"] is None:
        return FuzzyDate(text, date(year, month, 1), date(year, month, last_day), Precision.MONTH, **flags)
    day = int(match["day"])
    if not 1 <= day <= last_day:
        raise DateError(f"impossible date {text!r}: {_MONTHS[month - 1]} {year} has {last_day} days")
    return FuzzyDate(text, date(year, month, day), date(year, month, day), Precision.DAY, **flags)


def parse_date(text: str) -> FuzzyDate:
    """Parse a single date or a `START/END` span; raise DateError with a message for people."""
    text = text.strip()
    if "/" not in text:
        return _parse_single(text)
    first, _, last = text.partition("/")
    start, end = _parse_single(first), _parse_single(last)
    if end.end < start.start:
        raise DateError(f"span {text!r} ends before it starts")
    precision = start.precision if start.precision == end.precision else Precision.DAY
    return FuzzyDate(
        text,
        start.start,
        end.end,
        precision,
        approximate=start.approximate or end.approximate,
        uncertain=start.uncertain or end.uncertain,
        is_span=True,
    )


def sort_key(value: FuzzyDate | None) -> tuple[int, date, date]:
    """Order by start, then the narrower interval first; undated last."""
    if value is None:
        return (1, date.max, date.max)
    return (0, value.start, value.end)
