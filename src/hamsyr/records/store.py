"""Where a fact base's records are kept: the small interface between loading them and querying them.

A loaded base answers from an SQLite database, kept in the cache or in memory (hamsyr.loading.database), which
can narrow events down by index and records by their words; records made in code (a selection of a base)
are held in a `MemoryStore`, which narrows nothing. Either way the query checks every record it is given
exactly (hamsyr.query.factbase): narrowing may only ever give more than is asked for, never less.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from hamsyr.records.dates import sort_key
from hamsyr.records.model import Event


class Term(NamedTuple):
    """One word of a text query as a store can narrow by it: records holding a word that begins with `prefix`,
    or a word whose transliteration skeleton is `shape` ("" for none), or naming one of `actors`."""

    prefix: str
    shape: str = ""
    actors: tuple[str, ...] = ()


class Narrowing(NamedTuple):
    """What a store may use to narrow the events a query looks at: those of all these actors and tags,
    citing the source, that may fall between the dates (None: no bound), holding every term."""

    actors: Sequence[str] = ()
    since: date | None = None
    until: date | None = None
    tags: Sequence[str] = ()
    source: str | None = None
    terms: Sequence[Term] = ()


ANY_EVENT = Narrowing()


if TYPE_CHECKING:  # what queries need of a store; only type checkers need it spelled out (Protocol is slow to make)
    from typing import Protocol

    class RecordStore(Protocol):
        """The records of one fact base, by kind ("sources", "actors", "events", ...)."""

        @property
        def paths(self) -> tuple[Path, ...]:
            """Every file the records come from, in the order they were read."""

        def records(self, plural: str) -> tuple[Any, ...]:
            """Every record of one kind, in file order."""

        def ids(self, plural: str) -> tuple[str, ...]:
            """The ids of every record of one kind, in file order (without building the records)."""

        def get(self, record_id: str) -> Any | None:
            """The record with this id, of any kind."""

        def event_count(self) -> int: ...

        def tags(self) -> list[str]:
            """Every tag used by an event, sorted."""

        def candidates(self, narrowing: Narrowing) -> Iterable[Event]:
            """Events that may pass these filters: a superset is fine, the caller checks each one exactly."""

        def ordered(self, dated: bool, reverse: bool, narrowing: Narrowing = ANY_EVENT) -> Iterator[Event]:
            """Events that may pass these filters (a superset, as for `candidates`), one at a time in listing order:
            the dated ones by date then id (newest first with `reverse`), or the undated ones by id. A query that
            wants only the first few stops early, and a large base is never read whole."""

        def matching(self, plurals: Sequence[str], terms: Sequence[Term]) -> Iterator[Any]:
            """Records of these kinds that may hold every term (a superset), one at a time."""

        def best_first(self, plurals: Sequence[str], terms: Sequence[Term]) -> Iterator[Any] | None:
            """Records of these kinds that may hold every term in their heaviest parts (a title, a name), in the
            order a search lists hits of equal rank: by kind (as `plurals` are given), date (undated last) and id;
            None when the store cannot narrow them so."""


class MemoryStore:
    """Records held in memory, as made in code (a selection of a base)."""

    def __init__(self, paths: Sequence[Path], records: dict[str, tuple[Any, ...]]) -> None:
        self.paths = tuple(paths)
        self._records = records

    def records(self, plural: str) -> tuple[Any, ...]:
        return self._records.get(plural, ())

    def ids(self, plural: str) -> tuple[str, ...]:
        return tuple(record.id for record in self.records(plural))

    def get(self, record_id: str) -> Any | None:
        found = (record for records in self._records.values() for record in records if record.id == record_id)
        return next(found, None)

    def event_count(self) -> int:
        return len(self.records("events"))

    def tags(self) -> list[str]:
        return sorted({tag for event in self.records("events") for tag in event.tags})

    def candidates(self, narrowing: Narrowing) -> tuple[Event, ...]:
        return self.records("events")

    def ordered(self, dated: bool, reverse: bool, narrowing: Narrowing = ANY_EVENT) -> Iterator[Event]:
        return in_order(self.records("events"), dated, reverse)

    def matching(self, plurals: Sequence[str], terms: Sequence[Term]) -> Iterator[Any]:
        return (record for plural in plurals for record in self.records(plural))

    def best_first(self, plurals: Sequence[str], terms: Sequence[Term]) -> Iterator[Any] | None:
        return None


def in_order(events: Iterable[Event], dated: bool, reverse: bool) -> Iterator[Event]:
    """The dated events by date then id (newest first with `reverse`), or the undated ones by id."""
    if dated:
        chosen = [event for event in events if event.date is not None]
        return iter(sorted(chosen, key=lambda e: (sort_key(e.date), e.id), reverse=reverse))
    return iter(sorted((event for event in events if event.date is None), key=lambda e: e.id))
