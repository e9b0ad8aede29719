"""hamsyr: a cited fact base of the Hamas-Syrian regime relationship, and the queries it answers.

>>> import hamsyr
>>> base = hamsyr.load()                       # the shipped fact base
>>> base.find_events(actors=[base.actor("Mashaal").id])
"""

from __future__ import annotations

from hamsyr.dates import FuzzyDate, parse_date
from hamsyr.errors import FactBaseError, HamsyrError, LookupFailed, QueryError
from hamsyr.factbase import DateRange, FactBase
from hamsyr.loading import check, load

__all__ = [
    "DateRange",
    "FactBase",
    "FactBaseError",
    "FuzzyDate",
    "HamsyrError",
    "LookupFailed",
    "QueryError",
    "check",
    "load",
    "parse_date",
    "version",
]


def version() -> str:
    """The installed package's version, from its metadata (never typed twice)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as metadata_version

    try:
        return metadata_version("hamsyr")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"
