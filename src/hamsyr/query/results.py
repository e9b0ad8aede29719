"""What the queries answer, besides records: date ranges asked for, search hits, citations, year groups.

Kept apart from the modules that compute them, so that writing answers out needs none of their machinery.
"""

from datetime import date
from typing import NamedTuple

from hamsyr._values import Value
from hamsyr.errors import QueryError
from hamsyr.records.dates import FuzzyDate
from hamsyr.records.model import Citation, Event, Record

# Hits of equal rank come in this order of record types.
SEARCH_ORDER = ("event", "quote", "phase", "dispute", "actor", "source")


class Hit(NamedTuple):
    """A search result: the record, its rank and the passage that matched (with match spans inside it)."""

    record: Record
    score: float
    field: str
    passage: str
    spans: tuple[tuple[int, int], ...] = ()


class Support(Value):
    """A record that cites a source, with the citation that ties them, and which part of the record it
    supports ("": the record itself; "role Head of the Political Bureau", "alias Mishal", "claims[1]"...)."""

    record: Record
    citation: Citation
    part: str = ""


class YearGroup(Value):
    """The events that start in one year (None: the undated ones)."""

    year: int | None
    events: tuple[Event, ...]


class DateRange(Value):
    """A user's --since/--until range: the first and last day it admits (either open)."""

    since: date | None = None
    until: date | None = None

    @classmethod
    def of(cls, since: FuzzyDate | None, until: FuzzyDate | None) -> "DateRange":
        if since is not None and until is not None and until.end < since.start:
            raise QueryError(f"--since {since} is after --until {until}: swap them or widen the range")
        return cls(since.start if since else None, until.end if until else None)

    @classmethod
    def on(cls, moment: FuzzyDate | None) -> "DateRange":
        """The days of one date (`--on 2016` is all of 2016); open when there is no date."""
        return cls.of(moment, moment)

    @property
    def is_open(self) -> bool:
        return self.since is None and self.until is None

    def admits(self, value: FuzzyDate | None) -> bool:
        """Undated records are admitted only when the range is fully open."""
        if value is None:
            return self.is_open
        return value.overlaps(self.since, self.until)


ANY_DATE = DateRange()  # the open range: every record, dated or not
