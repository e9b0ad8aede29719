"""hamsyr: a cited fact base of the Hamas-Syrian regime relationship, and the queries it answers.

>>> import hamsyr
>>> base = hamsyr.load()                       # the shipped fact base
>>> base.find_events(actors=[base.actor("Mashaal").id])

The names below are imported when first used, so that `import hamsyr` costs next to nothing.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from hamsyr._version import __version__

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hamsyr.errors import FactBaseError, HamsyrError, LookupFailed, Problem, QueryError
    from hamsyr.loading.load import Progress
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


def load(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None, *, progress: Progress | None = None
) -> FactBase:
    """Load and check a fact base: the shipped one by default (or $HAMSYR_DATA), else the files given (a path,
    or several; a folder for its *.toml files; "@shipped" for the shipped base); FactBaseError with every
    problem when it is invalid. Each file is cached, so the next load of the same content skips parsing.
    `progress` is told how a long load is going (hamsyr.loading.load.Progress)."""
    from hamsyr.loading.load import load_store
    from hamsyr.query.factbase import FactBase

    return FactBase(load_store(paths, progress=progress))


def check(paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None) -> list[Problem]:
    """Every problem in the fact base, file by file; empty when it is valid."""
    from hamsyr.loading.load import check as check_files

    return check_files(paths)


def version() -> str:
    """The package's version. (Read from here, not from the installed metadata: looking that up took 45 ms,
    half the cost of a query.)"""
    return __version__
