"""One file of a fact base as the loader sees it: its records as checked alone, the bases it says it builds
on, and the references it leaves for other files to answer (hamsyr.loading.combine checks them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hamsyr._values import Value

if TYPE_CHECKING:
    from hamsyr.errors import Problem
    from hamsyr.loading._validate import Reference
    from hamsyr.records.store import RecordStore


class Part(Value):
    """One file of a base."""

    path: Path
    digest: str  # of its content: what its cache is keyed by
    store: RecordStore | None  # None when the file has errors of its own (or was only checked)
    builds_on: tuple[str, ...] = ()
    # The references it leaves to other files; from a cache, a function reading them (they are many, and
    # needed only when the checks between files are made).
    outbound: tuple[Reference, ...] | Callable[[], tuple[tuple[Any, ...], ...]] = ()
    problems: tuple[Problem, ...] = ()  # its own problems (warnings only, when it has a store)
    # For a file just checked, what the checks found out anyway: every id it defines (-> its kind and
    # position), and the sources it only lists; a cached file's store answers these instead.
    defined: Mapping[str, tuple[str, int]] | None = None
    listed: Mapping[str, str] | None = None
    refers_out: bool | None = None  # whether `outbound` holds any (None: see for yourself)

    def leaves_references(self) -> bool:
        return bool(self.outbound) if self.refers_out is None else self.refers_out

    def references(self) -> tuple[Reference, ...]:
        if callable(self.outbound):
            from hamsyr.loading._validate import Reference

            return tuple(Reference(*reference) for reference in self.outbound())
        return self.outbound

    def ids(self) -> Mapping[str, tuple[str, int]]:
        """Every id the file defines, with the kind and position of its record."""
        if self.defined is not None:
            return self.defined
        assert self.store is not None
        from hamsyr.records.model import RECORD_TYPES

        return {
            record_id: (t.plural, index)
            for t in RECORD_TYPES
            for index, record_id in enumerate(self.store.ids(t.plural))
        }

    def listed_sources(self) -> Mapping[str, str]:
        """The sources the file only lists as further reading (-> the document listing them)."""
        if self.listed is not None:
            return self.listed
        assert self.store is not None
        return {source.id: source.listed_in for source in self.store.records("sources") if source.listed_in}
