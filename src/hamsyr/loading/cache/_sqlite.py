"""The cache of a large fact base file: an SQLite file with indexes (see hamsyr.loading.cache.store).

Records are stored as marshalled rows (hamsyr.records.codec.to_row), each with its keyed digest; events
also by their dates, actors, tags and sources in indexed columns, so that a filtered query loads only
candidate events and then checks them exactly as an in-memory query would. The cache is written while the
file is read (`SqliteWriter`), a record at a time, so that a large base's records never need to be in
memory all at once. Imported only for files too large for a snapshot.
"""

from __future__ import annotations

import marshal
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from hamsyr.loading.cache._common import (
    FORMAT,
    CachedStore,
    Manifest,
    Seal,
    checked_builds_on,
    checked_outbound,
    remove,
)
from hamsyr.records import model
from hamsyr.records.codec import RowDecoder, event_index, every_plan, to_row
from hamsyr.records.model import RECORD_TYPES, Event
from hamsyr.records.store import MemoryStore, Narrowing

_CLASSES = {record_type.plural: record_type.record_class for record_type in RECORD_TYPES}
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE records (position INTEGER PRIMARY KEY, kind TEXT NOT NULL, id TEXT NOT NULL, row BLOB NOT NULL,
    mac TEXT NOT NULL);
CREATE TABLE events (position INTEGER PRIMARY KEY, id TEXT NOT NULL, start INTEGER, end INTEGER,
    sort_start INTEGER, sort_end INTEGER, row BLOB NOT NULL, mac TEXT NOT NULL);
CREATE TABLE event_actors (event INTEGER NOT NULL, actor TEXT NOT NULL);
CREATE TABLE event_tags (event INTEGER NOT NULL, tag TEXT NOT NULL);
CREATE TABLE event_sources (event INTEGER NOT NULL, source TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX event_actors_by_actor ON event_actors (actor, event);
CREATE INDEX event_tags_by_tag ON event_tags (tag, event);
CREATE INDEX event_sources_by_source ON event_sources (source, event);
CREATE INDEX events_by_start ON events (start);
CREATE INDEX events_in_order ON events (sort_start IS NULL, sort_start, sort_end, id);
CREATE INDEX records_by_kind ON records (kind, position);
"""
# What reading a damaged cache can raise: SQLite's own errors, bad marshal data, and rows that do not fit.
_DAMAGE = (sqlite3.Error, ValueError, EOFError, KeyError, TypeError, AttributeError, IndexError)
_TABLES = ("records", "events", "event_actors", "event_tags", "event_sources")
_BATCH = 2000  # rows written per statement
_PAGE_CACHE_KIB = 256  # SQLite's page cache of each cache file opened


def _counts(connection: sqlite3.Connection) -> str:
    counts = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in _TABLES}
    return repr(sorted(counts.items()))


class SqliteWriter:
    """Writes a file's records into a new SQLite cache at `target` as they are built (a `Sink` for
    hamsyr.loading._validate); `finish` seals it. SQLite's errors (a full disk) are raised to the caller."""

    def __init__(self, target: Path, seal: Seal) -> None:
        self.target = target
        self._seal = seal
        self._connection = sqlite3.connect(target)
        # A cache is rebuilt from its file when in doubt: no journal, and no waiting for the disk.
        self._connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
        self._position = 0
        self._events = 0
        self._rows: list[tuple[Any, ...]] = []
        self._event_rows: list[tuple[Any, ...]] = []
        self._links: dict[str, list[tuple[int, str]]] = {"event_actors": [], "event_tags": [], "event_sources": []}
        self.count = 0

    def add(self, plural: str, record: Any) -> None:
        extra = event_index(record) if plural == "events" else None
        self.add_row(plural, record.id, marshal.dumps(to_row(record)), extra)

    def add_row(self, plural: str, record_id: str, row: bytes, index: Any) -> None:
        self.count += 1
        if plural != "events":
            position = self._position
            self._position += 1
            self._rows.append((position, plural, record_id, row, self._seal.mac(plural, position, row)))
        else:
            n = self._events
            self._events += 1
            start, end, sort_start, sort_end, actors, tags, sources = index
            mac = self._seal.mac("events", n, start, end, sort_start, sort_end, row)
            self._event_rows.append((n, record_id, start, end, sort_start, sort_end, row, mac))
            self._links["event_actors"].extend((n, actor) for actor in actors)
            self._links["event_tags"].extend((n, tag) for tag in tags)
            self._links["event_sources"].extend((n, source) for source in sources)
        if len(self._rows) + len(self._event_rows) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        execute = self._connection.executemany
        execute("INSERT INTO records VALUES (?, ?, ?, ?, ?)", self._rows)
        execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", self._event_rows)
        for table, links in self._links.items():
            execute(f"INSERT INTO {table} VALUES (?, ?)", links)
            links.clear()
        self._rows.clear()
        self._event_rows.clear()

    def finish(self, manifest: Manifest) -> None:
        """Index and seal what was written: the counts of every table and the manifest are under the seal,
        so that no row can be removed to hide an event."""
        connection = self._connection
        self._flush()
        connection.executescript(_INDEXES)
        builds_on = marshal.dumps(manifest.builds_on)
        # The references are kept apart, under a seal of their own, and read only when needed.
        references = marshal.dumps(manifest.outbound) if manifest.outbound else b""
        references_mac = self._seal.mac("outbound", references)
        mac = self._seal.mac(FORMAT, _counts(connection), builds_on, references_mac)
        meta = [("format", FORMAT), ("plans", marshal.dumps(every_plan())), ("builds_on", builds_on), ("mac", mac)]
        meta += [("outbound", references), ("outbound_mac", references_mac)]
        connection.executemany("INSERT INTO meta VALUES (?, ?)", meta)
        connection.commit()
        connection.close()

    def discard(self) -> None:
        """Give up: close and remove the unfinished file."""
        try:
            self._connection.close()
        finally:
            remove(self.target)


def open_sqlite(path: Path, target: Path, reread: Callable[[], MemoryStore], seal: Seal) -> SqliteStore | None:
    """The records of `path` from its SQLite cache `target`, or None when that cannot be used: it must be
    complete, of this format, sealed for this file, and hold as many rows in every table as it was written
    with (so that no index row was removed to hide an event); each row's own seal is checked when it is read."""
    try:
        connection = sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        # A base of many files holds a connection to each: SQLite's default page cache (2 MB) each would add up.
        connection.execute(f"PRAGMA cache_size = -{_PAGE_CACHE_KIB}")
        meta = dict(connection.execute("SELECT key, value FROM meta WHERE key != 'outbound'").fetchall())
        builds_on, references_mac = meta.get("builds_on", b""), meta.get("outbound_mac", "")
        expected = seal.mac(FORMAT, _counts(connection), builds_on, references_mac)
        if not (meta.get("format") == FORMAT and meta.get("mac") == expected):
            connection.close()
            raise ValueError("not a complete cache sealed for this file")
        decoder = RowDecoder(marshal.loads(meta["plans"]), vars(model))
        refers_out = references_mac != seal.mac("outbound", b"")
        store = SqliteStore(path, target, reread, checked_builds_on(marshal.loads(builds_on)), refers_out)
        return store.opened(connection, seal, decoder)
    except _DAMAGE:
        # Corrupt, truncated, forged or from an incompatible hamsyr: read the file instead, and cache it anew.
        remove(target)
        return None


class SqliteStore(CachedStore):
    """The records of a large cached file, read on demand from its SQLite file."""

    damage = _DAMAGE
    _connection: sqlite3.Connection
    _seal: Seal
    _decoder: RowDecoder

    def opened(self, connection: sqlite3.Connection, seal: Seal, decoder: RowDecoder) -> SqliteStore:
        self._connection = connection
        self._seal = seal
        self._decoder = decoder
        return self

    def outbound(self) -> tuple[tuple[str, int | None, str, str, str, str], ...]:
        (references,) = self._connection.execute("SELECT value FROM meta WHERE key = 'outbound'").fetchone()
        if (
            self._seal.mac("outbound", references)
            != self._connection.execute("SELECT value FROM meta WHERE key = 'outbound_mac'").fetchone()[0]
        ):
            raise ValueError("the references of the cache do not carry their seal")
        return checked_outbound(marshal.loads(references)) if references else ()

    def _close(self) -> None:
        self._connection.close()

    def _rows(
        self, plural: str, where: str, parameters: Sequence[object] = (), order: str = "position"
    ) -> Iterator[Any]:
        """The records of the rows `where` selects, each row's seal checked (ValueError when one fails)."""
        seal, decode = self._seal, self._decoder.record
        name = _CLASSES[plural].__name__
        if plural == "events":
            columns = "position, start, end, sort_start, sort_end, row, mac"
            query = f"SELECT {columns} FROM events WHERE {where} ORDER BY {order}"
            for n, start, end, sort_start, sort_end, row, mac in self._connection.execute(query, parameters):
                if mac != seal.mac("events", n, start, end, sort_start, sort_end, row):
                    raise ValueError("a row of the cache does not carry its seal")
                yield decode(name, marshal.loads(row))
        else:
            query = f"SELECT position, kind, row, mac FROM records WHERE {where} ORDER BY position"
            for n, kind, row, mac in self._connection.execute(query, parameters):
                if mac != seal.mac(kind, n, row):
                    raise ValueError("a row of the cache does not carry its seal")
                yield decode(name, marshal.loads(row))

    def _read(self, plural: str) -> tuple[Any, ...]:
        if plural == "events":
            return tuple(self._rows(plural, "1"))
        return tuple(self._rows(plural, "kind = ?", (plural,)))

    def _read_ids(self, plural: str) -> tuple[str, ...]:
        if plural == "events":
            return tuple(value for (value,) in self._connection.execute("SELECT id FROM events ORDER BY position"))
        query = "SELECT id FROM records WHERE kind = ? ORDER BY position"
        return tuple(value for (value,) in self._connection.execute(query, (plural,)))

    def _read_count(self) -> int:
        return int(self._connection.execute("SELECT count(*) FROM events").fetchone()[0])

    def _read_tags(self) -> list[str]:
        return [tag for (tag,) in self._connection.execute("SELECT DISTINCT tag FROM event_tags ORDER BY tag")]

    def _read_candidates(self, narrowing: Narrowing) -> Iterable[Event]:
        where, parameters = _filters(narrowing)
        return tuple(self._rows("events", where, parameters))

    def _read_ordered(self, dated: bool, reverse: bool, narrowing: Narrowing) -> Iterator[Event]:
        where, parameters = _filters(narrowing)
        if not dated:
            return self._rows("events", f"{where} AND sort_start IS NULL", parameters, "id")
        way = " DESC" if reverse else ""
        order = f"sort_start{way}, sort_end{way}, id{way}"  # hamsyr.records.dates.sort_key, then the id
        return self._rows("events", f"{where} AND sort_start IS NOT NULL", parameters, order)

    def _read_iterate(self, plural: str) -> Iterator[Any]:
        if plural == "events":
            return self._rows(plural, "1")
        return self._rows(plural, "kind = ?", (plural,))


def _filters(narrowing: Narrowing) -> tuple[str, list[str | int]]:
    """An SQL condition on the events table selecting the events that may pass these filters."""
    where: list[str] = []
    parameters: list[str | int] = []
    for actor in narrowing.actors:
        where.append("position IN (SELECT event FROM event_actors WHERE actor = ?)")
        parameters.append(actor)
    for tag in narrowing.tags:
        where.append("position IN (SELECT event FROM event_tags WHERE tag = ?)")
        parameters.append(tag)
    if narrowing.source is not None:
        where.append("position IN (SELECT event FROM event_sources WHERE source = ?)")
        parameters.append(narrowing.source)
    if narrowing.until is not None:
        where.append("start <= ?")
        parameters.append(narrowing.until.toordinal())
    if narrowing.since is not None:
        where.append("end >= ?")
        parameters.append(narrowing.since.toordinal())
    return " AND ".join(where) or "1", parameters
