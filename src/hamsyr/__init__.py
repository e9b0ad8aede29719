"""hamsyr: a cited fact base of the Hamas-Syrian regime relationship, and the queries it answers.

>>> import hamsyr
>>> base = hamsyr.load()                       # the shipped fact base
>>> base.find_events(actors=[base.actor("Mashaal").id])

The names below are imported when first used, so that `import hamsyr` costs next to nothing.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hamsyr.errors import FactBaseError, HamsyrError, LookupFailed, Problem, QueryError
    from hamsyr.query.factbase import FactBase
    from hamsyr.query.results import DateRange
    from hamsyr.records.dates import FuzzyDate, parse_date

__all__ = [
    "DateRange",
    "FactBase",
    "FactBaseError",
    "FuzzyDate",
    "HamsyrError",
    "LookupFailed",
    "Problem",
    "QueryError",
    "check",
    "load",
    "parse_date",
    "version",
]

_WHERE = {
    "DateRange": "hamsyr.query.results",
    "FactBase": "hamsyr.query.factbase",
    "FactBaseError": "hamsyr.errors",
    "FuzzyDate": "hamsyr.records.dates",
    "HamsyrError": "hamsyr.errors",
    "LookupFailed": "hamsyr.errors",
    "Problem": "hamsyr.errors",
    "QueryError": "hamsyr.errors",
    "parse_date": "hamsyr.records.dates",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        from importlib import import_module

        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'hamsyr' has no attribute {name!r}")


def load(path: str | os.PathLike[str] | None = None) -> FactBase:
    """Load and validate a fact base (the shipped one by default, or $HAMSYR_DATA); FactBaseError with every
    problem when it is invalid. A valid base is cached, so the next load of the same content skips parsing."""
    from hamsyr.loading.load import load_store, resolve_path
    from hamsyr.query.factbase import FactBase

    return FactBase.from_store(load_store(resolve_path(path)))


def check(path: str | os.PathLike[str] | None = None) -> list[Problem]:
    """Every problem in the fact base, in file order; empty when it is valid."""
    from hamsyr.loading.load import check as check_file
    from hamsyr.loading.load import resolve_path

    return check_file(resolve_path(path))


def version() -> str:
    """The installed package's version, from its metadata (never typed twice)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as metadata_version

    try:
        return metadata_version("hamsyr")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"
