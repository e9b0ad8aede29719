"""A derived cache of parsed fact bases, so that a query skips TOML parsing and reads only what it needs.

One SQLite file per fact base, named by a hash of the file's path and of its content (and of the code
that reads it), under $HAMSYR_CACHE_DIR, else $XDG_CACHE_HOME/hamsyr, else ~/.cache/hamsyr. Records are
stored as their JSON; events also by their dates, actors, tags and sources in indexed columns, so a
filtered query loads only candidate events (and then checks them exactly as an in-memory query would).

The cache is never needed for correctness: a missing, stale, corrupt or unwritable cache is ignored
and the base is read from its file. Files are written under a temporary name and renamed into place,
so a reader never sees half a cache, and two processes writing at once leave one whole cache.
Set HAMSYR_NO_CACHE=1 to neither read nor write it.
"""

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from hamsyr.factbase import FactBase
from hamsyr.model import Event, Record
from hamsyr.serialize import record_dict, record_from_dict

FORMAT = "1"  # bump when the stored layout or the record fields change

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


try:  # the module behind hashlib.blake2b, without hashlib's OpenSSL start-up cost
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b

_CHUNK = 1 << 20


def _blake2b(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


def digest_bytes(data: bytes) -> str:
    """The content key of a fact base already in memory."""
    return _blake2b(data)


def digest_file(path: Path) -> str:
    """The content key of a fact base file, read a chunk at a time so that a large file is never held whole."""
    hasher = blake2b(digest_size=16)
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def cache_dir() -> Path | None:
    """Where caches live, or None when caching is switched off."""
    if os.environ.get("HAMSYR_NO_CACHE"):
        return None
    explicit = os.environ.get("HAMSYR_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "hamsyr"


def cache_file(path: Path, digest: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    place = _blake2b(str(path.resolve()).encode())[:12]
    content = _blake2b(f"{digest}\0{FORMAT}\0{_code_stamp()}".encode())
    return folder / f"{place}-{content}.sqlite"


def _code_stamp() -> str:
    """Changes whenever the code that decides what a valid base is changes (an upgrade, an edit).

    The modules' sizes and times, not the package version: reading metadata costs more than the cache saves.
    """
    here = Path(__file__).parent
    stats = [(here / f"{name}.py").stat() for name in ("schema", "model", "validation", "dates", "serialize", "cache")]
    return ",".join(f"{stat.st_size}:{stat.st_mtime_ns}" for stat in stats)


def open_cached(path: Path, digest: str, reread: Callable[[], FactBase]) -> FactBase | None:
    """The fact base from its cache, or None when there is no usable cache for this content; `reread` reads
    the file instead, should the cache turn out damaged later."""
    target = cache_file(path, digest)
    if target is None or not target.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("format") != FORMAT or meta.get("complete") != "yes":
            connection.close()
            return None
        # Every kind of record is read when a query first asks for it.
        return FactBase(path, None, None, None, None, None, None, store=RecordStore(connection, target, reread))
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        # Corrupt, truncated or from an incompatible hamsyr: read the file instead, and write a new cache.
        _remove(target)
        return None


def write_cache(path: Path, digest: str, base: FactBase) -> None:
    """Store `base` as the cache of `path` with this content; give up quietly if that is not possible."""
    target = cache_file(path, digest)
    if target is None:
        return
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _remove(temporary)
        connection = sqlite3.connect(temporary)
        try:
            with connection:
                connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
                _fill(connection, base)
                connection.executescript(_INDEXES)
                connection.execute("INSERT INTO meta VALUES ('format', ?), ('complete', 'yes')", (FORMAT,))
        finally:
            connection.close()
        os.replace(temporary, target)
        _prune(target)
    except (OSError, sqlite3.Error):
        _remove(temporary)


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


def _prune(keep: Path) -> None:
    """Remove this base's caches for older contents (same path hash, other content hash)."""
    place = keep.name.split("-", 1)[0]
    for old in keep.parent.glob(f"{place}-*.sqlite"):
        if old != keep:
            _remove(old)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


# What reading a damaged cache can raise: SQLite's own errors, bad JSON, and records missing a field.
_DAMAGE = (sqlite3.Error, ValueError, KeyError, TypeError)
_PLURALS = {"source": "sources", "actor": "actors", "quote": "quotes", "dispute": "disputes", "phase": "phases"}


class RecordStore:
    """The records of a cached base, read on demand from its SQLite file.

    Should the file turn out damaged part-way through a query, it is removed and the answer comes from the
    fact base file itself (`reread`), so that the cache is never needed for a correct answer.
    """

    def __init__(self, connection: sqlite3.Connection, target: Path, reread: Callable[[], FactBase]) -> None:
        self._connection = connection
        self._target = target
        self._reread = reread
        self._file_base: FactBase | None = None

    def _from_file(self) -> FactBase:
        if self._file_base is None:
            self._connection.close()
            _remove(self._target)
            self._file_base = self._reread()
        return self._file_base

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
        found: tuple[Record, ...] = getattr(self._from_file(), _PLURALS[kind])
        return found

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
                events = tuple(record_from_dict("event", data) for data in rows)
                if all(isinstance(event, Event) for event in events):
                    return events  # type: ignore[return-value]
        return self._from_file().events


def _decoded(texts: Iterable[str]) -> list[Any]:
    """JSON texts decoded in one call."""
    decoded: list[Any] = json.loads(f"[{','.join(texts)}]")
    return decoded
