"""The cache of a large fact base: an SQLite file with indexes (see hamsyr.loading.cache.store).

Records are stored as their JSON (hamsyr.records.codec); events also by their dates, actors, tags and
sources in indexed columns, so a filtered query loads only candidate events and then checks them exactly as
an in-memory query would. Imported only for bases too large for a snapshot.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from hamsyr.loading.cache._common import FORMAT, CachedStore, Seal, remove
from hamsyr.records.codec import from_dict, to_dict
from hamsyr.records.model import RECORD_TYPES, Event
from hamsyr.records.store import MemoryStore, RecordStore

_CLASSES = {record_type.plural: record_type.record_class for record_type in RECORD_TYPES}
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (position INTEGER PRIMARY KEY, kind TEXT NOT NULL, json TEXT NOT NULL, mac TEXT NOT NULL);
CREATE TABLE events (position INTEGER PRIMARY KEY, start INTEGER, end INTEGER, json TEXT NOT NULL, mac TEXT NOT NULL);
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
_DAMAGE = (sqlite3.Error, ValueError, KeyError, TypeError, AttributeError, IndexError)


_TABLES = ("records", "events", "event_actors", "event_tags", "event_sources")


def _counts(connection: sqlite3.Connection) -> str:
    counts = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in _TABLES}
    return json.dumps(counts, sort_keys=True)


def open_sqlite(path: Path, target: Path, reread: Callable[[], MemoryStore], seal: Seal) -> SqliteStore | None:
    """The records of `path` from its SQLite cache `target`, or None when that cannot be used: it must be
    complete, of this format, sealed for this base, and hold as many rows in every table as it was written
    with (so that no index row was removed to hide an event); each row's own seal is checked when it is read."""
    try:
        connection = sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        complete = meta.get("format") == FORMAT and meta.get("complete") == "yes"
        if not (complete and meta.get("mac") == seal.mac(FORMAT, _counts(connection))):
            connection.close()
            raise ValueError("not a complete cache sealed for this base")
        return SqliteStore(path, target, reread, connection, seal)
    except _DAMAGE:
        # Corrupt, truncated or from an incompatible hamsyr: read the file instead, and write a new cache.
        remove(target)
        return None


def write_sqlite(target: Path, store: RecordStore, seal: Seal) -> bool:
    """Write the records into a new SQLite file at `target`, sealed; False when SQLite could not."""
    try:
        connection = sqlite3.connect(target)
        try:
            with connection:
                connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
                _fill(connection, store, seal)
                connection.executescript(_INDEXES)
                mac = seal.mac(FORMAT, _counts(connection))
                connection.execute(
                    "INSERT INTO meta VALUES ('format', ?), ('complete', 'yes'), ('mac', ?)", (FORMAT, mac)
                )
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return True


def _json(record: Any) -> str:
    return json.dumps(to_dict(record), ensure_ascii=False)


def _fill(connection: sqlite3.Connection, store: RecordStore, seal: Seal) -> None:
    others = [(plural, record) for plural in _CLASSES if plural != "events" for record in store.records(plural)]

    def record_row(position: int, kind: str, record: Any) -> tuple[int, str, str, str]:
        text = _json(record)
        return (position, kind, text, seal.mac(kind, position, text))

    connection.executemany(
        "INSERT INTO records VALUES (?, ?, ?, ?)", (record_row(n, kind, r) for n, (kind, r) in enumerate(others))
    )
    events: tuple[Event, ...] = store.records("events")

    def event_row(position: int, event: Event) -> tuple[int, int | None, int | None, str, str]:
        # The days an event may mean, an approximate date widened: what a date filter matches.
        start = event.date.first_day.toordinal() if event.date else None
        end = event.date.last_day.toordinal() if event.date else None
        text = _json(event)
        return (position, start, end, text, seal.mac("events", position, start, end, text))

    connection.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?)", (event_row(n, e) for n, e in enumerate(events)))
    links: dict[str, Callable[[Event], set[str]]] = {
        "event_actors": lambda e: set(e.actors),
        "event_tags": lambda e: set(e.tags),
        "event_sources": lambda e: {c.source for c in e.sources},
    }
    for table, values in links.items():
        connection.executemany(
            f"INSERT INTO {table} VALUES (?, ?)", ((n, value) for n, e in enumerate(events) for value in values(e))
        )


class SqliteStore(CachedStore):
    """The records of a large cached base, read on demand from its SQLite file."""

    damage = _DAMAGE

    def __init__(
        self,
        path: Path,
        target: Path,
        reread: Callable[[], MemoryStore],
        connection: sqlite3.Connection,
        seal: Seal,
    ) -> None:
        super().__init__(path, target, reread)
        self._connection = connection
        self._seal = seal

    def _close(self) -> None:
        self._connection.close()

    def _decoded(self, plural: str, where: str, parameters: Sequence[object] = ()) -> tuple[Any, ...]:
        """The records of the rows `where` selects, each row's seal checked (ValueError when one fails)."""
        seal = self._seal
        if plural == "events":
            query = f"SELECT position, start, end, json, mac FROM events WHERE {where} ORDER BY position"
            rows = self._connection.execute(query, parameters)
            texts = [
                text for n, start, end, text, mac in rows if mac == seal.mac("events", n, start, end, text) or _forged()
            ]
        else:
            query = f"SELECT position, kind, json, mac FROM records WHERE {where} ORDER BY position"
            rows = self._connection.execute(query, parameters)
            texts = [text for n, kind, text, mac in rows if mac == seal.mac(kind, n, text) or _forged()]
        # Decoded as one JSON array: a third faster than a json.loads call per row.
        record_class = _CLASSES[plural]
        return tuple(from_dict(record_class, item) for item in json.loads(f"[{','.join(texts)}]"))

    def _read(self, plural: str) -> tuple[Any, ...]:
        if plural == "events":
            return self._decoded(plural, "1")
        return self._decoded(plural, "kind = ?", (plural,))

    def _read_count(self) -> int:
        return int(self._connection.execute("SELECT count(*) FROM events").fetchone()[0])

    def _read_tags(self) -> list[str]:
        return [tag for (tag,) in self._connection.execute("SELECT DISTINCT tag FROM event_tags ORDER BY tag")]

    def _read_undated(self, actors: Sequence[str], tags: Sequence[str], source: str | None) -> Iterable[Event]:
        return self._decoded("events", "start IS NULL")

    def _read_candidates(
        self, actors: Sequence[str], since: date | None, until: date | None, tags: Sequence[str], source: str | None
    ) -> Iterable[Event]:
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
        return self._decoded("events", " AND ".join(where) or "1", parameters)


def _forged() -> bool:
    raise ValueError("a row of the cache does not carry its seal")
