"""The cache of a large fact base: an SQLite file with indexes (see hamsyr.cache for the small form).

Records are stored as their JSON; events also by their dates, actors, tags and sources in indexed
columns, so a filtered query loads only candidate events and then checks them exactly as an in-memory
query would. Imported only for bases of more than hamsyr.cache.SNAPSHOT_MAX_EVENTS events.
"""

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from hamsyr.cache import FORMAT, CachedStore, remove
from hamsyr.factbase import FactBase
from hamsyr.model import Event, Record
from hamsyr.serialize import event_from_dict, record_dict, record_from_dict

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (position INTEGER PRIMARY KEY, kind TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE events (position INTEGER PRIMARY KEY, start INTEGER, end INTEGER, json TEXT NOT NULL);
CREATE TABLE event_actors (event INTEGER NOT NULL, actor TEXT NOT NULL);
CREATE TABLE event_tags (event INTEGER NOT NULL, tag TEXT NOT NULL);
CREATE TABLE event_sources (event INTEGER NOT NULL, source TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX event_actors_by_actor ON event_actors (actor, event);
CREATE INDEX event_tags_by_tag ON event_tags (tag, event);
CREATE INDEX event_sources_by_source ON event_sources (source, event);
CREATE INDEX events_by_start ON events (start);
CREATE INDEX records_by_kind ON records (kind, position);
"""
# What reading a damaged cache can raise: SQLite's own errors, bad JSON, and records missing a field.
_DAMAGE = (sqlite3.Error, ValueError, KeyError, TypeError)


def open_sqlite(path: Path, target: Path, reread: Callable[[], FactBase]) -> FactBase | None:
    """The fact base of `path` from its SQLite cache `target`, or None when that cannot be used."""
    try:
        connection = sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("format") != FORMAT or meta.get("complete") != "yes":
            connection.close()
            return None
        return FactBase(path, None, None, None, None, None, None, store=RecordStore(connection, target, reread))
    except _DAMAGE:
        # Corrupt, truncated or from an incompatible hamsyr: read the file instead, and write a new cache.
        remove(target)
        return None


def write_sqlite(target: Path, base: FactBase) -> bool:
    """Write `base` into a new SQLite file at `target`; False when SQLite could not."""
    try:
        connection = sqlite3.connect(target)
        try:
            with connection:
                connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
                _fill(connection, base)
                connection.executescript(_INDEXES)
                connection.execute("INSERT INTO meta VALUES ('format', ?), ('complete', 'yes')", (FORMAT,))
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return True


def _fill(connection: sqlite3.Connection, base: FactBase) -> None:
    others: list[tuple[str, Record]] = [("source", r) for r in base.sources]
    others += [("actor", r) for r in base.actors]
    others += [("quote", r) for r in base.quotes]
    others += [("dispute", r) for r in base.disputes]
    others += [("phase", r) for r in base.phases]
    connection.executemany(
        "INSERT INTO records VALUES (?, ?, ?)",
        ((n, kind, json.dumps(record_dict(r), ensure_ascii=False)) for n, (kind, r) in enumerate(others)),
    )
    connection.executemany(
        "INSERT INTO events VALUES (?, ?, ?, ?)",
        (
            (
                n,
                e.date.start.toordinal() if e.date else None,
                e.date.end.toordinal() if e.date else None,
                json.dumps(record_dict(e), ensure_ascii=False),
            )
            for n, e in enumerate(base.events)
        ),
    )
    for table, values in (("event_actors", "actors"), ("event_tags", "tags")):
        connection.executemany(
            f"INSERT INTO {table} VALUES (?, ?)",
            ((n, value) for n, e in enumerate(base.events) for value in set(getattr(e, values))),
        )
    connection.executemany(
        "INSERT INTO event_sources VALUES (?, ?)",
        ((n, source) for n, e in enumerate(base.events) for source in {c.source for c in e.sources}),
    )


class RecordStore(CachedStore):
    """The records of a large cached base, read on demand from its SQLite file."""

    def __init__(self, connection: sqlite3.Connection, target: Path, reread: Callable[[], FactBase]) -> None:
        super().__init__(target, reread)
        self._connection = connection

    def _close(self) -> None:
        self._connection.close()

    def _rows(self, query: str, parameters: Sequence[object] = ()) -> list[Any] | None:
        """The decoded JSON of the rows the query selects; None when the cache is damaged (or was)."""
        if self._file_base is not None:
            return None
        try:
            return _decoded(text for (text,) in self._connection.execute(query, parameters))
        except _DAMAGE:
            return None

    def records(self, kind: str) -> tuple[Record, ...]:
        """All records of one kind but events ("source", "actor", ...), in file order."""
        rows = self._rows("SELECT json FROM records WHERE kind = ? ORDER BY position", (kind,))
        if rows is not None:
            with contextlib.suppress(*_DAMAGE):
                return tuple(record_from_dict(kind, data) for data in rows)
        return self._records_from_file(kind)

    def count(self) -> int:
        if self._file_base is None:
            with contextlib.suppress(*_DAMAGE):
                return int(self._connection.execute("SELECT count(*) FROM events").fetchone()[0])
        return len(self._from_file().events)

    def all(self) -> tuple[Event, ...]:
        return self._events("SELECT json FROM events ORDER BY position", ())

    def tags(self) -> list[str]:
        if self._file_base is None:
            with contextlib.suppress(*_DAMAGE):
                query = "SELECT DISTINCT tag FROM event_tags ORDER BY tag"
                return [tag for (tag,) in self._connection.execute(query)]
        return sorted({tag for event in self._from_file().events for tag in event.tags})

    def candidates(
        self,
        actors: Sequence[str],
        since: date | None,
        until: date | None,
        tags: Sequence[str],
        source: str | None,
    ) -> tuple[Event, ...]:
        """Events that may pass these filters (a superset is fine: the caller checks each one exactly)."""
        where: list[str] = []
        parameters: list[str | int] = []
        for actor in actors:
            where.append("position IN (SELECT event FROM event_actors WHERE actor = ?)")
            parameters.append(actor)
        for tag in tags:
            where.append("position IN (SELECT event FROM event_tags WHERE tag = ?)")
            parameters.append(tag)
        if source is not None:
            where.append("position IN (SELECT event FROM event_sources WHERE source = ?)")
            parameters.append(source)
        if until is not None:
            where.append("start <= ?")
            parameters.append(until.toordinal())
        if since is not None:
            where.append("end >= ?")
            parameters.append(since.toordinal())
        clause = " AND ".join(where) or "1"
        return self._events(f"SELECT json FROM events WHERE {clause} ORDER BY position", parameters)

    def _events(self, query: str, parameters: Sequence[object]) -> tuple[Event, ...]:
        # Decoded as one JSON array: a third faster than a json.loads call per row. A damaged cache gives
        # every event of the file, which is a superset of any candidates.
        rows = self._rows(query, parameters)
        if rows is not None:
            with contextlib.suppress(*_DAMAGE):
                return tuple(event_from_dict(data) for data in rows)
        return self._from_file().events


def _decoded(texts: Iterable[str]) -> list[Any]:
    """JSON texts decoded in one call."""
    decoded: list[Any] = json.loads(f"[{','.join(texts)}]")
    return decoded
