"""The one store of a loaded base: an SQLite database of its files' records, in the cache or in memory.

Each record is kept as the TOML table it was written as (marshalled), and made again, when a query needs it,
by the one function that makes records (hamsyr.loading.build), so a record read back is the record a file
makes. Beside the tables the database keeps what queries narrow by: events by their days, actors, tags and
sources; every record's words in a full-text index (FTS5); and the references each file leaves to the
others, so that the checks between files can be made again for just the files that changed.

The database may live in the cache folder (hamsyr.loading.cache), kept from one query to the next and updated
file by file, or in memory for one query: the code is the same. Problems with a cached database (damage,
a disk that fills, a lock held too long) are `CacheFailed`, and the loader answers from the files instead.
"""

from __future__ import annotations

import contextlib
import marshal
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from hamsyr.errors import Problem
from hamsyr.loading.build import (
    PLURALS,
    Place,
    Problems,
    an,
    build,
    line_in,
    listed_message,
    unknown_message,
    wrong_kind_message,
)
from hamsyr.records.dates import FuzzyDate
from hamsyr.records.model import Actor, Event, Source
from hamsyr.records.store import ANY_EVENT, Narrowing, Term

_T = TypeVar("_T")
LAYOUT = 1  # the version of the tables below: a change makes every cached database stale

_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value);
CREATE TABLE files (number INTEGER PRIMARY KEY, position INTEGER NOT NULL, path TEXT NOT NULL,
    stat TEXT NOT NULL, digest TEXT NOT NULL, builds_on BLOB NOT NULL, verified INTEGER NOT NULL);
CREATE TABLE records (rowid INTEGER PRIMARY KEY, file INTEGER NOT NULL, kind TEXT NOT NULL,
    position INTEGER NOT NULL, id TEXT NOT NULL, listed_in TEXT, body BLOB NOT NULL);
CREATE TABLE events (record INTEGER PRIMARY KEY, id TEXT NOT NULL, first_day INTEGER, last_day INTEGER,
    sort_start INTEGER, sort_end INTEGER);
CREATE TABLE event_links (record INTEGER NOT NULL, link TEXT NOT NULL, value TEXT NOT NULL);
CREATE TABLE refs (file INTEGER NOT NULL, line INTEGER, place TEXT NOT NULL, field TEXT NOT NULL,
    target TEXT NOT NULL, value TEXT NOT NULL);
CREATE VIRTUAL TABLE texts USING fts5(words, shapes, actors, content='',
    tokenize="unicode61 remove_diacritics 0 tokenchars '-'");
"""
# Made after a new database is filled (quicker than keeping them up to date row by row).
_INDEXES = """
CREATE INDEX records_in_order ON records (kind, file, position);
CREATE INDEX records_by_id ON records (id);
CREATE INDEX records_by_file ON records (file);
CREATE INDEX events_in_order ON events (sort_start IS NULL, sort_start, sort_end, id);
CREATE INDEX events_by_first_day ON events (first_day);
CREATE INDEX events_by_last_day ON events (last_day);
CREATE INDEX event_links_by_value ON event_links (link, value, record);
CREATE INDEX event_links_by_record ON event_links (record);
CREATE INDEX refs_by_value ON refs (value);
CREATE INDEX refs_by_file ON refs (file);
"""
_LINKS = (("actor", lambda e: e.actors), ("tag", lambda e: e.tags), ("source", lambda e: [c.source for c in e.sources]))
# What reading a damaged database can raise: SQLite's errors, bad marshal data, rows that do not fit.
DAMAGE = (sqlite3.Error, ValueError, EOFError, TypeError, KeyError, IndexError, AttributeError, OverflowError)


class _Changed(Exception):
    """Another process wrote the database while a query was reading it."""


class CacheFailed(Exception):
    """The cached database cannot be used (damaged, locked too long, the disk full): answer from the files."""


class StoredFile(NamedTuple):
    """What the database knows of one file of the base."""

    number: int
    position: int
    path: str
    stat: str  # its identity when last read (hamsyr.loading.files.identity)
    digest: str
    builds_on: tuple[str, ...]
    verified: int  # when that identity was last found to go with this content (ns since the epoch)


def _terms(record: Any) -> tuple[str, str, str]:
    from hamsyr.records.text import index_terms

    return index_terms(record)


class Database:
    """One connection, and what the loader does through it: read what is stored, replace a file's records,
    and check the references between files."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self.connection = connection
        self.path = path  # None: in memory
        connection.isolation_level = None  # transactions are begun and ended here, explicitly

    @classmethod
    def in_memory(cls) -> Database:
        return cls(sqlite3.connect(":memory:"), None)

    def discard(self) -> None:
        """Close the database, and remove a cached one (found damaged: the next query makes it anew)."""
        with contextlib.suppress(sqlite3.Error):
            self.connection.close()
        if self.path is not None:
            remove_database(self.path)

    def create(self) -> bool:
        """Make the tables of an empty database (in the open transaction, for a cached one); True when they
        were made, False when they were already there."""
        found = self.connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'files'").fetchone()[0]
        if found:
            return False
        self._script(_TABLES)
        self.connection.execute("INSERT INTO meta VALUES ('layout', ?)", (LAYOUT,))
        return True

    def index(self) -> None:
        """Make the indexes of a database just filled."""
        self._script(_INDEXES)

    def _script(self, script: str) -> None:
        # executescript would commit the open transaction: run each statement on its own instead.
        for statement in script.split(";"):
            if statement.strip():
                self.connection.execute(statement)

    def files(self) -> dict[str, StoredFile]:
        """The files stored, by path (none in a database that is new or empty)."""
        try:
            rows = self.connection.execute(
                "SELECT number, position, path, stat, digest, builds_on, verified FROM files"
            )
            return {
                path: StoredFile(number, position, path, stat, digest, tuple(marshal.loads(builds_on)), verified)
                for number, position, path, stat, digest, builds_on, verified in rows
            }
        except sqlite3.OperationalError:  # no tables yet: another process is making them, or nobody has
            return {}

    # --- writing -----------------------------------------------------------------------------------------

    def remove_file(self, number: int) -> dict[str, tuple[str, str | None]]:
        """Delete a file's records and everything derived from them; what its ids were (-> kind, listed_in)."""
        execute = self.connection.execute
        rows = execute("SELECT rowid, kind, id, listed_in, body FROM records WHERE file = ?", (number,)).fetchall()
        problems = Problems()
        for rowid, kind, _, _, body in rows:
            record = _made(kind, body, problems)
            # A contentless full-text index forgets a row only when told exactly what it held.
            execute(
                "INSERT INTO texts(texts, rowid, words, shapes, actors) VALUES ('delete', ?, ?, ?, ?)",
                (rowid, *_terms(record)),
            )
        execute("DELETE FROM event_links WHERE record IN (SELECT rowid FROM records WHERE file = ?)", (number,))
        execute("DELETE FROM events WHERE record IN (SELECT rowid FROM records WHERE file = ?)", (number,))
        execute("DELETE FROM refs WHERE file = ?", (number,))
        execute("DELETE FROM records WHERE file = ?", (number,))
        execute("DELETE FROM files WHERE number = ?", (number,))
        return {record_id: (kind, listed_in) for _, kind, record_id, listed_in, _ in rows}

    def add_file(self, position: int, path: str, stat: str, digest: str, builds_on: Sequence[str], now: int) -> int:
        cursor = self.connection.execute(
            "INSERT INTO files (position, path, stat, digest, builds_on, verified) VALUES (?, ?, ?, ?, ?, ?)",
            (position, path, stat, digest, marshal.dumps(tuple(builds_on)), now),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def update_file(self, number: int, position: int, stat: str, now: int) -> None:
        self.connection.execute(
            "UPDATE files SET position = ?, stat = ?, verified = ? WHERE number = ?", (position, stat, now, number)
        )

    def add_record(self, file: int, plural: str, position: int, record: Any, table: dict[str, Any]) -> None:
        execute = self.connection.execute
        listed_in = record.listed_in if plural == "sources" else None
        body = marshal.dumps(table)
        rowid = execute(
            "INSERT INTO records (file, kind, position, id, listed_in, body) VALUES (?, ?, ?, ?, ?, ?)",
            (file, plural, position, record.id, listed_in, body),
        ).lastrowid
        if plural == "events":
            when: FuzzyDate | None = record.date
            days = (when.first_day, when.last_day, when.start, when.end) if when is not None else (None,) * 4
            execute(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)",
                (rowid, record.id, *(day.toordinal() if day is not None else None for day in days)),
            )
            links = [(rowid, link, value) for link, values in _LINKS for value in dict.fromkeys(values(record))]
            self.connection.executemany("INSERT INTO event_links VALUES (?, ?, ?)", links)
        execute("INSERT INTO texts(rowid, words, shapes, actors) VALUES (?, ?, ?, ?)", (rowid, *_terms(record)))

    def add_references(self, file: int, references: Iterable[tuple[int | None, str, str, str, str]]) -> None:
        """The references a file leaves to others: (line, record, field, target, id) each."""
        self.connection.executemany("INSERT INTO refs VALUES (?, ?, ?, ?, ?, ?)", ((file, *r) for r in references))

    def problems_between(
        self, changed: Sequence[int], gone: Mapping[str, tuple[str, str | None]], paths: Mapping[int, Path]
    ) -> list[Problem]:
        """The problems between files once the files numbered `changed` were stored again, the database having
        been without problems before: ids defined in two files, the references of the changed files, and
        the references of the others to ids that are `gone` (removed, or now another kind of record, or a
        source now only listed). `paths` names each file by number."""
        execute = self.connection.execute
        problems = []
        # Ids used twice inside one file are that file's own problem (hamsyr.loading.build).
        twice = execute("SELECT id FROM records GROUP BY id HAVING count(DISTINCT file) > 1").fetchall()
        for (record_id,) in twice:
            rows = execute(
                "SELECT r.file, r.kind, r.position FROM records r JOIN files f ON f.number = r.file "
                "WHERE r.id = ? ORDER BY f.position, r.position",
                (record_id,),
            ).fetchall()
            first_file, first_kind, first_position = rows[0]
            first_line = line_in(paths[first_file], Place(first_kind, first_position, ""))
            at = f"{paths[first_file]}:{first_line}" if first_line else str(paths[first_file])
            for file, kind, position in rows[1:]:
                if file == first_file:
                    continue
                where = f"{PLURALS[kind].singular} '{record_id}'"
                twice_message = (
                    f"field 'id': duplicate id, already used by {an(PLURALS[first_kind].singular)} at {at}; ids "
                    "must be unique across the files of a base"
                )
                line = line_in(paths[file], Place(kind, position, where), "id")
                problems.append(Problem(str(paths[file]), line, where, twice_message))
        references = []
        if changed:
            marks = ",".join("?" * len(changed))
            references += execute(f"SELECT * FROM refs WHERE file IN ({marks})", tuple(changed)).fetchall()
        if gone:
            execute("CREATE TEMP TABLE IF NOT EXISTS gone (id TEXT PRIMARY KEY)")
            execute("DELETE FROM temp.gone")
            self.connection.executemany("INSERT OR IGNORE INTO temp.gone VALUES (?)", ((i,) for i in gone))
            references += execute(
                "SELECT * FROM refs WHERE value IN (SELECT id FROM temp.gone)"
                + (f" AND file NOT IN ({','.join('?' * len(changed))})" if changed else ""),
                tuple(changed),
            ).fetchall()
        for file, line, where, field, target, value in references:
            found = execute("SELECT kind, listed_in FROM records WHERE id = ? LIMIT 1", (value,)).fetchone()
            message: str | None = None
            if found is None:
                kinds = target.split("|")
                known = execute(f"SELECT id FROM records WHERE kind IN ({','.join('?' * len(kinds))})", kinds)
                message = unknown_message(value, target, [row[0] for row in known])
            elif found[0] not in target.split("|"):
                message = wrong_kind_message(value, found[0], target)
            elif found[1] is not None and field.endswith(".source"):
                message = listed_message(value, found[1])
            if message is not None:
                problems.append(Problem(str(paths[file]), line, where, f"field '{field}': {message}"))
        return problems


def remove_database(path: Path) -> None:
    """Remove a database file and its SQLite journal."""
    for name in (path, path.with_name(path.name + "-journal")):
        with contextlib.suppress(OSError):
            name.unlink(missing_ok=True)


def _made(plural: str, body: bytes, problems: Problems) -> Any:
    """A record made again from its stored table, by the one function that makes records; ValueError when
    the table no longer makes one (the database is damaged)."""
    table = marshal.loads(body)
    if type(table) is not dict:
        raise ValueError("a stored record is not a table")
    errors = problems.errors
    record = build(PLURALS[plural].record_class, table, _NOWHERE, problems, [])
    if record is None or problems.errors != errors:
        raise ValueError("a stored record is not valid")
    return record


_NOWHERE = Place("", 0, "")


# --- reading -------------------------------------------------------------------------------------------------


class DatabaseStore:
    """The records of a loaded base, read from its database when a query first needs them, with the fields
    that depend on the whole base (the disputes that name an event or quote, up to when an open role is
    attested) derived as they are read. Should a cached database turn out damaged, the store answers from
    then on from the files (`reread` gives a store made from them), resuming a listing where it stopped."""

    def __init__(self, database: Database, paths: Sequence[Path], reread: Callable[[], DatabaseStore]) -> None:
        self._database = database
        self.paths = tuple(paths)
        self._reread = reread
        self._fallback: DatabaseStore | None = None
        self._kinds: dict[str, tuple[Any, ...]] = {}
        self._marks: dict[str, tuple[str, ...]] | None = None
        self._problems = Problems()
        # Changes whenever another process commits to the database: the records read must all be of the state
        # the files were found in, so a change from then on sends the query to the files.
        self._version = self._data_version()

    @property
    def cached(self) -> bool:
        """Whether the records are read from the cache (rather than from a database made in memory)."""
        return self._database.path is not None and self._fallback is None

    def _data_version(self) -> int:
        return int(self._database.connection.execute("PRAGMA data_version").fetchone()[0])

    # --- what a query asks ---

    def records(self, plural: str) -> tuple[Any, ...]:
        found = self._kinds.get(plural)
        if found is None:
            found = self._guarded(
                lambda: tuple(
                    self._derived(
                        plural,
                        self._read(
                            "SELECT r.kind, r.body FROM records r JOIN files f ON f.number = r.file WHERE r.kind = ? "
                            "ORDER BY f.position, r.position",
                            (plural,),
                        ),
                    )
                ),
                lambda other: other.records(plural),
            )
            self._kinds[plural] = found
        return found

    def ids(self, plural: str) -> tuple[str, ...]:
        if plural in self._kinds:
            return tuple(record.id for record in self._kinds[plural])
        query = (
            "SELECT r.id FROM records r JOIN files f ON f.number = r.file WHERE r.kind = ? "
            "ORDER BY f.position, r.position"
        )
        return self._guarded(
            lambda: tuple(row[0] for row in self._database.connection.execute(query, (plural,))),
            lambda other: other.ids(plural),
        )

    def get(self, record_id: str) -> Any | None:
        found = self._guarded(
            lambda: list(self._derived_any(self._read("SELECT kind, body FROM records WHERE id = ?", (record_id,)))),
            lambda other: [other.get(record_id)],
        )
        return found[0] if found else None

    def event_count(self) -> int:
        if "events" in self._kinds:
            return len(self._kinds["events"])
        return self._guarded(
            lambda: int(self._database.connection.execute("SELECT count(*) FROM events").fetchone()[0]),
            lambda other: other.event_count(),
        )

    def tags(self) -> list[str]:
        query = "SELECT DISTINCT value FROM event_links WHERE link = 'tag' ORDER BY value"
        return self._guarded(
            lambda: [row[0] for row in self._database.connection.execute(query)], lambda other: other.tags()
        )

    def candidates(self, narrowing: Narrowing) -> Iterable[Event]:
        if "events" in self._kinds and not narrowing.terms:
            return self._kinds["events"]
        where, parameters = _narrowed(narrowing)
        query = f"SELECT 'events', r.body FROM events e JOIN records r ON r.rowid = e.record WHERE {where}"
        return self._guarded(
            lambda: tuple(self._derived("events", self._read(query, parameters))),
            lambda other: other.candidates(narrowing),
        )

    def ordered(self, dated: bool, reverse: bool, narrowing: Narrowing = ANY_EVENT) -> Iterator[Event]:
        where, parameters = _narrowed(narrowing)
        if dated:
            way = "DESC" if reverse else ""
            where += " AND e.sort_start IS NOT NULL"
            order = f"e.sort_start {way}, e.sort_end {way}, e.id {way}"
        else:
            where += " AND e.sort_start IS NULL"
            order = "e.id"
        query = (
            f"SELECT 'events', r.body FROM events e JOIN records r ON r.rowid = e.record WHERE {where} ORDER BY {order}"
        )
        given = 0
        if self._fallback is None:
            try:
                for event in self._derived("events", self._read(query, parameters, stream=True)):
                    yield event
                    given += 1
                return
            except _Changed:
                self._fall_back(damaged=False)
            except DAMAGE:
                self._fall_back()
        assert self._fallback is not None
        yield from islice(self._fallback.ordered(dated, reverse, narrowing), given, None)

    def matching(self, plurals: Sequence[str], terms: Sequence[Term]) -> Iterator[Any]:
        match = _match(terms)
        kinds = ",".join("?" * len(plurals))
        if match is None:
            query, parameters = f"SELECT kind, body FROM records WHERE kind IN ({kinds})", tuple(plurals)
        else:
            query = (
                f"SELECT kind, body FROM records WHERE kind IN ({kinds}) "
                "AND rowid IN (SELECT rowid FROM texts WHERE texts MATCH ?)"
            )
            parameters = (*plurals, match)
        given = 0
        if self._fallback is None:
            try:
                for record in self._derived_any(self._read(query, parameters, stream=True)):
                    yield record
                    given += 1
                return
            except _Changed:
                self._fall_back(damaged=False)
            except DAMAGE:
                self._fall_back()
        assert self._fallback is not None
        yield from islice(self._fallback.matching(plurals, terms), given, None)

    # --- how ---

    def _read(self, query: str, parameters: Sequence[Any], stream: bool = False) -> Iterator[tuple[str, Any]]:
        """(kind, record) for each row of the query, each record made from its stored table."""
        self._unchanged()
        rows = self._database.connection.execute(query, parameters)
        if not stream:
            rows = rows.fetchall()  # type: ignore[assignment]
        problems = self._problems
        for kind, body in rows:
            yield kind, _made(kind, body, problems)

    def _derived(self, plural: str, rows: Iterable[tuple[str, Any]]) -> Iterator[Any]:
        """Records of one kind with the fields derived from the whole base."""
        if plural in ("events", "quotes"):
            marks = self.marks
            for _, record in rows:
                yield record._replace(disputes=marks[record.id]) if record.id in marks else record
        elif plural == "actors":
            yield from attested([record for _, record in rows], self.records("sources"))
        else:
            for _, record in rows:
                yield record

    def _derived_any(self, rows: Iterable[tuple[str, Any]]) -> Iterator[Any]:
        for kind, record in rows:
            yield from self._derived(kind, [(kind, record)])

    @property
    def marks(self) -> dict[str, tuple[str, ...]]:
        """The ids of the disputes that name each event or quote."""
        if self._marks is None:
            concerning: dict[str, list[str]] = {}
            for dispute in self.records("disputes"):
                for record_id in dispute.records:
                    concerning.setdefault(record_id, []).append(dispute.id)
            self._marks = {record_id: tuple(ids) for record_id, ids in concerning.items()}
        return self._marks

    def _unchanged(self) -> None:
        if self._database.path is not None and self._data_version() != self._version:
            raise _Changed

    def _guarded(self, read: Callable[[], _T], other: Callable[[DatabaseStore], _T]) -> _T:
        if self._fallback is None:
            try:
                self._unchanged()
                return read()
            except _Changed:
                self._fall_back(damaged=False)
            except DAMAGE:
                self._fall_back()
        assert self._fallback is not None
        return other(self._fallback)

    def _fall_back(self, damaged: bool = True) -> None:
        """Answer from the files from now on: the database is damaged (a cached one is removed), or another
        process changed it while this query was reading it."""
        if damaged:
            self._database.discard()
        self._kinds.clear()
        self._marks = None
        self._fallback = self._reread()


def _narrowed(narrowing: Narrowing) -> tuple[str, list[Any]]:
    """The WHERE clause (over `events e`) and its parameters that keep the events a narrowing may admit."""
    clauses: list[str] = ["1"]
    parameters: list[Any] = []
    for link, values in (("actor", narrowing.actors), ("tag", narrowing.tags), ("source", [narrowing.source])):
        for value in dict.fromkeys(values):
            if value is not None:
                clauses.append("e.record IN (SELECT record FROM event_links WHERE link = ? AND value = ?)")
                parameters += [link, value]
    if narrowing.since is not None:
        clauses.append("e.last_day >= ?")
        parameters.append(narrowing.since.toordinal())
    if narrowing.until is not None:
        clauses.append("e.first_day <= ?")
        parameters.append(narrowing.until.toordinal())
    match = _match(narrowing.terms)
    if match is not None:
        clauses.append("e.record IN (SELECT rowid FROM texts WHERE texts MATCH ?)")
        parameters.append(match)
    return " AND ".join(clauses), parameters


_MOST_ACTORS = 200  # a word found in more actors' names than this narrows by its own words only... or not at all


def _match(terms: Sequence[Term]) -> str | None:
    """The full-text query that finds every record holding all the terms (and maybe more), or None for none.

    A term the index cannot look for exactly is left out, which only widens the answer: a word with no letter
    or digit (the index keeps none of it), or one found in too many actors' names to list them.
    """
    clauses = []
    for term in terms:
        if not any(char.isalnum() for char in term.prefix) or len(term.actors) > _MOST_ACTORS:
            continue
        ways = [f"words : {_quoted(term.prefix)} *"]
        if term.shape:
            ways.append(f"shapes : {_quoted(term.shape)}")
        if term.actors:
            ways.append(f"actors : ({' OR '.join(map(_quoted, term.actors))})")
        clauses.append(f"({' OR '.join(ways)})")
    return " AND ".join(clauses) if clauses else None


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def attested(actors: Sequence[Actor], sources: Sequence[Source]) -> tuple[Actor, ...]:
    """Actors whose open roles (no end, no last_attested written) are attested up to the latest publication
    of a source citing them: unknown is not ongoing."""
    published = {source.id: source.published for source in sources if source.published is not None}
    changed = []
    for actor in actors:
        roles = []
        for role in actor.roles:
            dates = [published[c.source] for c in role.sources if c.source in published]
            if role.end is None and role.last_attested is None and dates:
                role = role._replace(last_attested=max(dates, key=lambda d: d.last_day))
            roles.append(role)
        changed.append(actor._replace(roles=tuple(roles)))
    return tuple(changed)
