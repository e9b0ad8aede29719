"""Where a fact base's records are kept: the small interface between loading them and querying them.

A file just parsed keeps its records in memory (`MemoryStore`); a cached one reads each kind of record when
a query first asks for it, and can narrow the events down by index (hamsyr.loading.cache); a base of several
files reads each from its own store (hamsyr.loading.combine).
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from hamsyr.records.dates import sort_key
from hamsyr.records.model import Event


class Narrowing(NamedTuple):
    """What a store may use to narrow the events a query looks at: those of all these actors and tags,
    citing the source, that may fall between the dates (None: no bound)."""

    actors: Sequence[str] = ()
    since: date | None = None
    until: date | None = None
    tags: Sequence[str] = ()
    source: str | None = None


ANY_EVENT = Narrowing()


class RecordStore(Protocol):
    """The records of one fact base, by kind."""

    @property
    def path(self) -> Path | None:
        """The file the records come from, the first of several (None for records made in memory)."""

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every file the records come from, in the order they were read."""

    @property
    def cached(self) -> bool:
        """True when the records are read from a cache rather than held in memory."""

    def records(self, plural: str) -> tuple[Any, ...]:
        """Every record of one kind ("sources", "actors", "events", ...), in file order."""

    def ids(self, plural: str) -> tuple[str, ...]:
        """The ids of every record of one kind, in file order (without building the records)."""

    def event_count(self) -> int: ...

    def tags(self) -> list[str]:
        """Every tag used by an event, sorted."""

    def candidates(self, narrowing: Narrowing) -> Iterable[Event]:
        """Events that may pass these filters: a superset is fine, the caller checks each one exactly."""

    def ordered(self, dated: bool, reverse: bool, narrowing: Narrowing = ANY_EVENT) -> Iterator[Event]:
        """Events that may pass these filters (a superset, as for `candidates`), one at a time in listing order:
        the dated ones by date then id (newest first with `reverse`), or the undated ones by id. A query that
        wants only the first few stops early, and a large cached base is never read whole."""

    def iterate(self, plural: str) -> Iterator[Any]:
        """Every record of one kind, one at a time, in file order (a large cached base is never held whole)."""


class MemoryStore:
    """Records held in memory, as a base just parsed (or a selection of one) has them."""

    cached = False

    def __init__(self, paths: Path | Sequence[Path] | None, records: dict[str, tuple[Any, ...]]) -> None:
        self._paths = (paths,) if isinstance(paths, Path) else tuple(paths or ())
        self._records = records

    @property
    def path(self) -> Path | None:
        return self._paths[0] if self._paths else None

    @property
    def paths(self) -> tuple[Path, ...]:
        return self._paths

    def records(self, plural: str) -> tuple[Any, ...]:
        return self._records.get(plural, ())

    def ids(self, plural: str) -> tuple[str, ...]:
        return tuple(record.id for record in self.records(plural))

    def event_count(self) -> int:
        return len(self.records("events"))

    def tags(self) -> list[str]:
        return sorted({tag for event in self.records("events") for tag in event.tags})

    def candidates(self, narrowing: Narrowing) -> tuple[Event, ...]:
        return self.records("events")

    def ordered(self, dated: bool, reverse: bool, narrowing: Narrowing = ANY_EVENT) -> Iterator[Event]:
        return in_order(self.records("events"), dated, reverse)

    def iterate(self, plural: str) -> Iterator[Any]:
        return iter(self.records(plural))


def in_order(events: Iterable[Event], dated: bool, reverse: bool) -> Iterator[Event]:
    """The dated events by date then id (newest first with `reverse`), or the undated ones by id."""
    if dated:
        chosen = [event for event in events if event.date is not None]
        return iter(sorted(chosen, key=lambda e: (sort_key(e.date), e.id), reverse=reverse))
    return iter(sorted((event for event in events if event.date is None), key=lambda e: e.id))
