"""Where a fact base's records are kept: the small interface between loading them and querying them.

A base just parsed keeps its records in memory (`MemoryStore`); a cached one reads each kind of record when
a query first asks for it, and can narrow the events down by index (hamsyr.loading.cache).
"""

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from hamsyr.records.model import Event


class RecordStore(Protocol):
    """The records of one fact base, by kind."""

    @property
    def path(self) -> Path | None:
        """The file the records come from (None for records made in memory)."""

    @property
    def cached(self) -> bool:
        """True when the records are read from a cache rather than held in memory."""

    def records(self, plural: str) -> tuple[Any, ...]:
        """Every record of one kind ("sources", "actors", "events", ...), in file order."""

    def event_count(self) -> int: ...

    def tags(self) -> list[str]:
        """Every tag used by an event, sorted."""

    def candidates(
        self, actors: Sequence[str], since: date | None, until: date | None, tags: Sequence[str], source: str | None
    ) -> Iterable[Event]:
        """Events that may pass these filters: a superset is fine, the caller checks each one exactly."""

    def undated(self, actors: Sequence[str], tags: Sequence[str], source: str | None) -> Iterable[Event]:
        """Undated events that may pass these filters (a superset, as for `candidates`)."""


class MemoryStore:
    """Records held in memory, as a base just parsed (or a selection of one) has them."""

    cached = False

    def __init__(self, path: Path | None, records: dict[str, tuple[Any, ...]]) -> None:
        self._path = path
        self._records = records

    @property
    def path(self) -> Path | None:
        return self._path

    def records(self, plural: str) -> tuple[Any, ...]:
        return self._records.get(plural, ())

    def event_count(self) -> int:
        return len(self.records("events"))

    def tags(self) -> list[str]:
        return sorted({tag for event in self.records("events") for tag in event.tags})

    def candidates(
        self, actors: Sequence[str], since: date | None, until: date | None, tags: Sequence[str], source: str | None
    ) -> tuple[Event, ...]:
        return self.records("events")

    def undated(self, actors: Sequence[str], tags: Sequence[str], source: str | None) -> list[Event]:
        return [event for event in self.records("events") if event.date is None]
