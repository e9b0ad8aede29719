"""Partial dates as in EDTF, each standing for the interval of days it covers.

`2012` covers the whole year, `2012-02` the month, `2012-02-14` one day; `2012-09/2012-12` is a span. A
qualifier marks a date approximate (`~`), uncertain (`?`) or both (`%`): written at the end it qualifies
the whole date, written after the year or the month it qualifies that part and those before it (EDTF
level 2), so `2022?-06-21` is a day whose year is uncertain. In a fact base `?` marks what the source does
not state and the editors inferred from context.

Comparisons are by interval: a record matches a range when the two intervals overlap. An approximate
date may mean a little more than it says: matching widens it by one unit of the part it qualifies (a year,
a month or a day) on each side, so `2012~` is matched by anything from 2011 to 2013.
"""

import re
from collections.abc import Iterable
from datetime import date
from enum import Enum
from functools import cache
from typing import NamedTuple

# ASCII digits only (\d would take any script's digits, and they would travel into exports as they are).
_SINGLE = (
    r"(?P<year>[0-9]{4})(?P<q1>[~?%])?(?:-(?P<month>[0-9]{2})(?P<q2>[~?%])?(?:-(?P<day>[0-9]{2})(?P<q3>[~?%])?)?)?"
)


@cache
def _single() -> re.Pattern[str]:
    """Compiled on first use: a cached base stores its dates parsed, so most queries parse none."""
    return re.compile(_SINGLE)


FORMAT_HELP = "use YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by ~ or ?, or a span START/END"
_PARTS = ("year", "year and month", "")  # what a qualifier after the year, the month or the day applies to
_PART_NAMES = ("year", "month", "day")


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
    start: date  # the first day it means, as written
    end: date  # the last day
    precision: Precision
    approximate: bool = False
    uncertain: bool = False
    is_span: bool = False
    earliest: date | None = None  # the first day it may mean, an approximate start widened (None: start)
    latest: date | None = None  # the last day it may mean, an approximate end widened (None: end)
    qualified: str = ""  # the part a qualifier applies to when not the whole date: "year", "year and month"

    def overlaps(self, since: date | None, until: date | None) -> bool:
        """True when this date's interval, widened where it is approximate, meets [since, until] (either end
        open when None)."""
        return (until is None or (self.earliest or self.start) <= until) and (
            since is None or (self.latest or self.end) >= since
        )

    def contains(self, day: date) -> bool:
        return (self.earliest or self.start) <= day <= (self.latest or self.end)

    @property
    def first_day(self) -> date:
        """The first day it may mean (widened when approximate)."""
        return self.earliest or self.start

    @property
    def last_day(self) -> date:
        """The last day it may mean (widened when approximate)."""
        return self.latest or self.end

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def ends(self) -> tuple["FuzzyDate", ...]:
        """The dates it is made of: its start and end for a span, else itself."""
        if not self.is_span:
            return (self,)
        first, _, last = self.text.partition("/")
        return (parse_date(first), parse_date(last))

    def parts(self, uncertain: bool) -> tuple[str, ...]:
        """Which parts ("year", "month", "day") a qualifier says are uncertain (with `uncertain`) or else
        approximate: those written up to the qualifier (all of them when it ends the date), in either end of
        a span; none when there is no such qualifier."""
        found: dict[str, None] = {}
        for end in self.ends:
            if end.uncertain if uncertain else end.approximate:
                written = _PART_NAMES[: ("year", "month", "day").index(end.precision.value) + 1]
                qualified = {"year": 1, "year and month": 2}.get(end.qualified, len(written))
                found.update(dict.fromkeys(written[:qualified]))
        return tuple(found)

    def __str__(self) -> str:
        return self.text


def _shifted(day: date, part: int, step: int) -> date:
    """`day` moved by `step` years (part 1), months (part 2) or days (part 3), kept inside the calendar."""
    if part == 3:
        try:
            return date.fromordinal(day.toordinal() + step)
        except (OverflowError, ValueError):
            return day
    months = day.year * 12 + day.month - 1 + (12 * step if part == 1 else step)
    year, month = divmod(months, 12)
    if not 1 <= year <= 9999:
        return day
    last = _days_in_month(year, month + 1)
    month_end = day.day == _days_in_month(day.year, day.month)  # the end of a month stays the end of one
    return date(year, month + 1, last if month_end else min(day.day, last))


def _parse_single(text: str) -> FuzzyDate:
    match = _single().fullmatch(text)
    if match is None:
        raise DateError(f"malformed date {text!r}: {FORMAT_HELP}")
    year = int(match["year"])
    if year < 1:
        raise DateError(f"impossible date {text!r}: year 0000 does not exist")
    given = [part for part in ("year", "month", "day") if match[part] is not None]
    marks = [(number, match[f"q{number}"]) for number in (1, 2, 3) if match[f"q{number}"]]
    if len(marks) > 1:
        raise DateError(f"malformed date {text!r}: give one qualifier, after the part it qualifies")
    part, qualifier = marks[0] if marks else (0, "")
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    if month is None:
        first, last, precision = date(year, 1, 1), date(year, 12, 31), Precision.YEAR
    else:
        if not 1 <= month <= 12:
            raise DateError(f"impossible date {text!r}: month must be 01 to 12")
        last_day = _days_in_month(year, month)
        if day is None:
            first, last, precision = date(year, month, 1), date(year, month, last_day), Precision.MONTH
        else:
            if not 1 <= day <= last_day:
                raise DateError(f"impossible date {text!r}: {_MONTHS[month - 1]} {year} has {last_day} days")
            first = last = date(year, month, day)
            precision = Precision.DAY
    approximate, uncertain = qualifier in ("~", "%"), qualifier in ("?", "%")
    whole = part == len(given)
    return FuzzyDate(
        text,
        first,
        last,
        precision,
        approximate,
        uncertain,
        earliest=_shifted(first, part, -1) if approximate else None,
        latest=_shifted(last, part, 1) if approximate else None,
        qualified="" if whole or not part else _PARTS[part - 1],
    )


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
        earliest=start.earliest,
        latest=end.latest,
        qualified=start.qualified if start.qualified == end.qualified else "",
    )


def latest(dates: Iterable[FuzzyDate]) -> FuzzyDate | None:
    """The date that ends last as stated (of two that end together, the narrower): the end of what a set of
    documents knows."""
    return max(dates, key=lambda value: (value.end, value.start), default=None)


def sort_key(value: FuzzyDate | None) -> tuple[int, date, date]:
    """Order by start, then the narrower interval first; undated last."""
    if value is None:
        return (1, date.max, date.max)
    return (0, value.start, value.end)
