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
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from hamsyr.errors import Problem
from hamsyr.loading.build import PLURALS, PROBLEM_LIMIT, Place, Problems, an, build, listed_message, wrong_kind_message
from hamsyr.records.dates import latest
from hamsyr.records.model import Actor, Event, Source, record_date
from hamsyr.records.store import ANY_EVENT, Narrowing, Term

if TYPE_CHECKING:
    from hamsyr.loading.check import LinesOf, Reference
    from hamsyr.records.dates import FuzzyDate

_T = TypeVar("_T")
LAYOUT = 2  # the version of the tables below: a change makes every cached database stale

_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value);
CREATE TABLE files (number INTEGER PRIMARY KEY, position INTEGER NOT NULL, path TEXT NOT NULL,
    stat TEXT NOT NULL, digest TEXT NOT NULL, builds_on BLOB NOT NULL, verified INTEGER NOT NULL,
    worded INTEGER NOT NULL DEFAULT 0);
CREATE TABLE records (rowid INTEGER PRIMARY KEY, file INTEGER NOT NULL, kind TEXT NOT NULL,
    position INTEGER NOT NULL, id TEXT NOT NULL, listed_in TEXT, sort_start INTEGER, sort_end INTEGER,
    body BLOB NOT NULL);
CREATE TABLE events (record INTEGER PRIMARY KEY, first_day INTEGER, last_day INTEGER);
CREATE TABLE event_links (record INTEGER NOT NULL, link TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (record, link, value)) WITHOUT ROWID;
CREATE TABLE refs (file INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (file, value)) WITHOUT ROWID;
CREATE TABLE terms (rowid INTEGER PRIMARY KEY, heaviest, others, actors);
CREATE VIRTUAL TABLE texts USING fts5(heaviest, others, actors, content='terms', content_rowid='rowid',
    tokenize="unicode61 remove_diacritics 0 tokenchars '-'");
CREATE TABLE vocabulary (word TEXT PRIMARY KEY, shape TEXT NOT NULL) WITHOUT ROWID;
"""
# Made after a new database is filled (quicker than keeping them up to date row by row).
_INDEXES = """
CREATE INDEX records_in_order ON records (file, kind, position);
CREATE INDEX records_by_date ON records (kind, sort_start, sort_end, id);
CREATE INDEX records_by_id ON records (id);
CREATE INDEX events_by_first_day ON events (first_day);
CREATE INDEX events_by_last_day ON events (last_day);
CREATE INDEX event_links_by_value ON event_links (link, value, record);
CREATE INDEX refs_by_value ON refs (value);
CREATE INDEX vocabulary_by_shape ON vocabulary (shape);
"""
_TEXT_COLUMNS = "heaviest, others, actors"  # as hamsyr.records.text.index_terms gives them
_LINKS = (
    ("actor", lambda e: e.involved),
    ("tag", lambda e: e.tags),
    ("source", lambda e: [c.source for c in e.sources]),
)
_BATCH = 2000  # records written at once
_DERIVED_ROWS = (("terms", "rowid"), ("event_links", "record"), ("events", "record"))  # (table, its record's rowid)
_COMPARED = 20_000  # a file with more records than this is written anew, not compared record by record
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


class Database:
    """One connection, and what the loader does through it: read what is stored, replace a file's records,
    and check the references between files."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self.connection = connection
        self.path = path  # None: in memory
        connection.isolation_level = None  # transactions are begun and ended here, explicitly
        # Rows not yet written (see `flush`), and the rowid of the next record.
        self._records: list[tuple[Any, ...]] = []
        self._events: list[tuple[Any, ...]] = []
        self._links: list[tuple[Any, ...]] = []
        self._terms: list[tuple[Any, ...]] = []
        self._dropped: list[int] = []  # rowids of records to remove
        self._old: dict[tuple[str, int], tuple[int, bytes]] = {}  # a file's stored records, to compare with
        self._worded = False  # whether the words of the file being stored are indexed
        self._next: int | None = None
        self._first: int | None = None  # the rowid of the first record written since the database was opened

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
        """Make the indexes of a database just filled, and the statistics SQLite plans queries by (from a
        sample: a thousand rows of each index are enough to tell a selective one from the rest)."""
        self.flush()
        self._script(_INDEXES)
        self.connection.execute("PRAGMA analysis_limit = 1000")
        self.connection.execute("ANALYZE")

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

    def new_file(self, position: int, path: str) -> int:
        """A file to store (its identity and content are written by `end_file`): its number."""
        cursor = self.connection.execute(
            "INSERT INTO files (position, path, stat, digest, builds_on, verified) VALUES (?, ?, '', '', ?, 0)",
            (position, path, marshal.dumps(())),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def begin_file(self, number: int) -> dict[str, tuple[str, str | None]]:
        """Begin storing a file over what was stored of it: its records are compared with those stored, table
        by table, and only those that changed are written (an edit to one record of a large file rewrites one
        record). The ids it had (-> kind, listed_in)."""
        self.flush()
        execute = self.connection.execute
        worded = execute("SELECT worded FROM files WHERE number = ?", (number,)).fetchone()
        self._worded = bool(worded and worded[0])
        ids = {
            row[0]: (row[1], row[2])
            for row in execute("SELECT id, kind, listed_in FROM records WHERE file = ?", (number,))
        }
        if len(ids) <= _COMPARED:
            stored = execute("SELECT kind, position, rowid, body FROM records WHERE file = ?", (number,))
            self._old = {(kind, position): (rowid, body) for kind, position, rowid, body in stored}
        else:  # too many to hold and compare: all written anew
            self._remove_records(number)
            self._old = {}
        return ids

    def end_file(self, number: int, stat: str, digest: str, builds_on: Sequence[str], now: int) -> None:
        """Finish storing a file: the records it no longer has go, and its identity and content are noted."""
        self._dropped += [rowid for rowid, _ in self._old.values()]
        self._old, self._worded = {}, False
        self.flush()
        self.connection.execute(
            "UPDATE files SET stat = ?, digest = ?, builds_on = ?, verified = ? WHERE number = ?",
            (stat, digest, marshal.dumps(tuple(builds_on)), now, number),
        )

    def remove_file(self, number: int) -> dict[str, tuple[str, str | None]]:
        """Delete a file and its records; what its ids were (-> kind, listed_in)."""
        self.flush()
        execute = self.connection.execute
        rows = execute("SELECT id, kind, listed_in FROM records WHERE file = ?", (number,)).fetchall()
        self._remove_records(number)
        execute("DELETE FROM refs WHERE file = ?", (number,))
        execute("DELETE FROM files WHERE number = ?", (number,))
        return {record_id: (kind, listed_in) for record_id, kind, listed_in in rows}

    def _remove_records(self, number: int) -> None:
        execute = self.connection.execute
        mine = "(SELECT rowid FROM records WHERE file = ?)"
        # A full-text index over another table forgets a row only when told what it held: read from that table.
        execute(
            f"INSERT INTO texts(texts, rowid, {_TEXT_COLUMNS}) SELECT 'delete', rowid, {_TEXT_COLUMNS} FROM terms "
            f"WHERE rowid IN {mine}",
            (number,),
        )
        for table, key in _DERIVED_ROWS:
            execute(f"DELETE FROM {table} WHERE {key} IN {mine}", (number,))
        execute("DELETE FROM records WHERE file = ?", (number,))

    def update_file(self, number: int, position: int, stat: str, now: int) -> None:
        self.connection.execute(
            "UPDATE files SET position = ?, stat = ?, verified = ? WHERE number = ?", (position, stat, now, number)
        )

    def add_record(self, file: int, plural: str, position: int, record: Any, table: dict[str, Any]) -> None:
        """Store a record (with what it is indexed by), unless it is stored as it is already; rows are written
        in batches, by `flush`."""
        body = marshal.dumps(table)
        old = self._old.pop((plural, position), None)
        if old is not None:
            if old[1] == body:
                return
            self._dropped.append(old[0])
        if self._next is None:
            self._next = int(self.connection.execute("SELECT coalesce(max(rowid), 0) + 1 FROM records").fetchone()[0])
            # (After a rollback the next rowid may be lower than before: the first written is the lowest.)
            self._first = self._next if self._first is None else min(self._first, self._next)
        rowid, self._next = self._next, self._next + 1
        listed = record.listed_in if plural == "sources" else None
        when: FuzzyDate | None = record_date(record)
        order = (when.start.toordinal(), when.end.toordinal()) if when is not None else (None, None)
        self._records.append((rowid, file, plural, position, record.id, listed, *order, body))
        if plural == "events":
            days = (when.first_day.toordinal(), when.last_day.toordinal()) if when is not None else (None, None)
            self._events.append((rowid, *days))
            self._links += [(rowid, link, value) for link, values in _LINKS for value in dict.fromkeys(values(record))]
        if self._worded:  # the file's words are indexed: so are those of its new records
            from hamsyr.records.text import index_terms

            self._terms.append((rowid, *index_terms(record)))
        if len(self._records) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the rows of the records added since the last flush, and remove those dropped."""
        many = self.connection.executemany
        if self._dropped:
            dropped = [(rowid,) for rowid in self._dropped]
            many(
                f"INSERT INTO texts(texts, rowid, {_TEXT_COLUMNS}) SELECT 'delete', rowid, {_TEXT_COLUMNS} "
                "FROM terms WHERE rowid = ?",
                dropped,
            )
            for table, key in (
                ("terms", "rowid"),
                ("event_links", "record"),
                ("events", "record"),
                ("records", "rowid"),
            ):
                many(f"DELETE FROM {table} WHERE {key} = ?", dropped)
            self._dropped = []
        if self._records:
            many("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", self._records)
            many("INSERT INTO events VALUES (?, ?, ?)", self._events)
            many("INSERT INTO event_links VALUES (?, ?, ?)", self._links)
            self._records, self._events, self._links = [], [], []
        if self._terms:
            many(f"INSERT INTO terms (rowid, {_TEXT_COLUMNS}) VALUES (?, ?, ?, ?)", self._terms)
            many(f"INSERT INTO texts (rowid, {_TEXT_COLUMNS}) VALUES (?, ?, ?, ?)", self._terms)
            self._terms = []

    def index_words(self) -> None:
        """Index the words of the records of every file not yet indexed: done the first time a query looks for
        words, not when a file is read, as most queries never do (a large file is read in half the time)."""
        from hamsyr.records.text import index_terms, shapes

        execute = self.connection.execute
        files = [row[0] for row in execute("SELECT number FROM files WHERE worded = 0")]
        problems = Problems()
        for number in files:
            rows = execute("SELECT rowid, kind, body FROM records WHERE file = ?", (number,))
            terms = [(rowid, *index_terms(_made(kind, body, problems))) for rowid, kind, body in rows]
            self.connection.executemany(f"INSERT INTO terms (rowid, {_TEXT_COLUMNS}) VALUES (?, ?, ?, ?)", terms)
            self.connection.executemany(f"INSERT INTO texts (rowid, {_TEXT_COLUMNS}) VALUES (?, ?, ?, ?)", terms)
            words = {word for row in terms for column in row[1:3] for word in column.split(" ")}
            self.connection.executemany("INSERT OR IGNORE INTO vocabulary VALUES (?, ?)", shapes(words))
            execute("UPDATE files SET worded = 1 WHERE number = ?", (number,))

    def forget(self) -> None:
        """Let go of the rows not yet written (the transaction they belong to is rolled back)."""
        self._records, self._events, self._links, self._terms, self._dropped = [], [], [], [], []
        self._old, self._next = {}, None

    # --- the checks between files ------------------------------------------------------------------------

    def keep_references(self, file: int, references: Sequence[Reference]) -> None:
        """Note which ids a file names in other files, to know which files to check again when an id goes."""
        execute, many = self.connection.execute, self.connection.executemany
        values = {reference.value for reference in references}
        kept = {row[0] for row in execute("SELECT value FROM refs WHERE file = ?", (file,))}
        many("DELETE FROM refs WHERE file = ? AND value = ?", ((file, value) for value in kept - values))
        many("INSERT INTO refs VALUES (?, ?)", ((file, value) for value in values - kept))

    def lookup(self, ids: Iterable[str]) -> dict[str, tuple[str, str | None]]:
        """The kind of record (and the document that only lists it, for a source) of each of these ids that
        the base defines (of one of them, should an id be defined twice)."""
        self.flush()
        self._temporary("wanted", ids)
        rows = self.connection.execute(
            "SELECT id, kind, listed_in FROM records WHERE id IN (SELECT id FROM temp.wanted)"
        )
        return {record_id: (kind, listed_in) for record_id, kind, listed_in in rows}

    def ids_of(self, target: str) -> list[str]:
        """Every id of the kinds a reference may name (for suggestions)."""
        kinds = target.split("|")
        rows = self.connection.execute(f"SELECT id FROM records WHERE kind IN ({','.join('?' * len(kinds))})", kinds)
        return [row[0] for row in rows]

    def referring(self, ids: Iterable[str]) -> list[int]:
        """The files that name any of these ids in another file."""
        self.flush()
        self._temporary("gone", ids)
        rows = self.connection.execute("SELECT DISTINCT file FROM refs WHERE value IN (SELECT id FROM temp.gone)")
        return [row[0] for row in rows]

    def _temporary(self, name: str, ids: Iterable[str]) -> None:
        execute = self.connection.execute
        execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} (id TEXT PRIMARY KEY)")
        execute(f"DELETE FROM temp.{name}")
        self.connection.executemany(f"INSERT OR IGNORE INTO temp.{name} VALUES (?)", ((i,) for i in ids))

    def defined_twice(self, paths: Mapping[int, Path], lines: LinesOf) -> tuple[list[Problem], int]:
        """Ids defined in two files, among the records written since this database was opened (before, it had
        no such problem): the problems (at most PROBLEM_LIMIT), and how many more there are."""
        self.flush()
        if self._first is None:
            return [], 0
        execute = self.connection.execute
        # Ids used twice inside one file are that file's own problem (hamsyr.loading.build).
        twice = execute(  # (not SELECT DISTINCT: SQLite would read every id in order to make them distinct)
            "SELECT a.id FROM records a WHERE a.rowid >= ? "
            "AND EXISTS (SELECT 1 FROM records b WHERE b.id = a.id AND b.file != a.file)",
            (self._first,),
        )
        found: list[Problem] = []
        total = 0
        for record_id in dict.fromkeys(row[0] for row in twice):
            rows = execute(
                "SELECT r.file, r.kind, r.position FROM records r JOIN files f ON f.number = r.file "
                "WHERE r.id = ? ORDER BY f.position, r.position",
                (record_id,),
            ).fetchall()
            first_file, first_kind, first_position = rows[0]
            for file, kind, position in rows[1:]:
                if file == first_file:
                    continue
                total += 1
                if len(found) >= PROBLEM_LIMIT:
                    continue
                first_line = lines.line(paths[first_file], Place(first_kind, first_position, ""))
                at = f"{paths[first_file]}:{first_line}" if first_line else str(paths[first_file])
                where = f"{PLURALS[kind].singular} '{record_id}'"
                message = (
                    f"field 'id': duplicate id, already used by {an(PLURALS[first_kind].singular)} at {at}; ids "
                    "must be unique across the files of a base"
                )
                line = lines.line(paths[file], Place(kind, position, where), "id")
                found.append(Problem(str(paths[file]), line, where, message))
        return found, total - len(found)


def fault(reference: Reference, found: tuple[str, str | None] | None) -> str | None:
    """What is wrong with a reference, given the record its id names (None: no record has it); None when
    nothing is. (An unknown id is "unknown"; hamsyr.loading.build words it with suggestions.)"""
    if found is None:
        return "unknown"
    kind, listed_in = found
    if kind not in reference.target.split("|"):
        return wrong_kind_message(reference.value, kind, reference.target)
    if listed_in is not None and reference.field.endswith(".source"):
        return listed_message(reference.value, listed_in)
    return None


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
        self._worded: bool | None = None  # whether the word index can be used (None: not yet asked)
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

        def read() -> tuple[Event, ...]:
            where, parameters = self._narrowed(narrowing)
            query = f"SELECT 'events', r.body FROM events e JOIN records r ON r.rowid = e.record WHERE {where}"
            return tuple(self._derived("events", self._read(query, parameters)))

        return self._guarded(read, lambda other: other.candidates(narrowing))

    def ordered(self, dated: bool, reverse: bool, narrowing: Narrowing = ANY_EVENT) -> Iterator[Event]:
        def read() -> Iterator[Event]:
            where, parameters = self._narrowed(narrowing)
            if dated:
                way = "DESC" if reverse else ""
                where += " AND r.sort_start IS NOT NULL"
                order = f"r.sort_start {way}, r.sort_end {way}, r.id {way}"
            else:
                where += " AND r.sort_start IS NULL"
                order = "r.id"
            query = f"SELECT 'events', r.body FROM events e JOIN records r ON r.rowid = e.record WHERE {where}"
            return self._derived("events", self._read(f"{query} ORDER BY {order}", parameters, stream=True))

        return self._stream(read, lambda other: other.ordered(dated, reverse, narrowing))

    def matching(self, plurals: Sequence[str], terms: Sequence[Term]) -> Iterator[Any]:
        def read() -> Iterator[Any]:
            match = self._match(terms)
            query = f"SELECT kind, body FROM records WHERE kind IN ({','.join('?' * len(plurals))})"
            if match is None:
                return self._derived_any(self._read(query, plurals, stream=True))
            query += " AND rowid IN (SELECT rowid FROM texts WHERE texts MATCH ?)"
            return self._derived_any(self._read(query, (*plurals, match), stream=True))

        return self._stream(read, lambda other: other.matching(plurals, terms))

    def best_first(self, plurals: Sequence[str], terms: Sequence[Term]) -> Iterator[Any] | None:
        """Records of these kinds holding every term in their heaviest parts (a title, a name), in the order a
        search lists hits of equal rank: by kind (as `plurals` are given), date (undated last) and id. None
        when the base has no word index to find them by."""
        if not terms or not all(_indexed(term.prefix) for term in terms) or not self._words_ready():
            return None
        match = " AND ".join(f"heaviest : {_quoted(term.prefix)} *" for term in terms)
        kinds = ",".join("?" * len(plurals))
        rank = " ".join(f"WHEN {_quoted_sql(plural)} THEN {number}" for number, plural in enumerate(plurals))
        query = (
            f"SELECT kind, body FROM records WHERE kind IN ({kinds}) "
            "AND rowid IN (SELECT rowid FROM texts WHERE texts MATCH ?) "
            f"ORDER BY CASE kind {rank} END, sort_start IS NULL, sort_start, sort_end, id"
        )
        return self._stream(
            lambda: self._derived_any(self._read(query, (*plurals, match), stream=True)),
            lambda other: other.matching(plurals, terms),  # not in that order: the caller ranks every one
        )

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
        elif plural in ("actors", "phases"):
            yield from attested([record for _, record in rows], self.records("sources"))
        else:
            for _, record in rows:
                yield record

    def _derived_any(self, rows: Iterable[tuple[str, Any]]) -> Iterator[Any]:
        for kind, record in rows:
            yield from self._derived(kind, [(kind, record)])

    def _words_ready(self) -> bool:
        """Whether the word index can narrow what a query looks at: only in the cache (a database made in memory
        for one query is quicker searched record by record), where it is made the first time it is needed."""
        if self._worded is None:
            self._worded = self._database.path is not None and self._index_words()
        return self._worded

    def _index_words(self) -> bool:
        connection = self._database.connection
        if connection.execute("SELECT 1 FROM files WHERE worded = 0 LIMIT 1").fetchone() is None:
            return True
        try:
            connection.execute("BEGIN IMMEDIATE")
            if self._data_version() != self._version:
                connection.execute("ROLLBACK")
                raise _Changed
            self._database.index_words()
            connection.execute("COMMIT")
            return True
        except sqlite3.Error:  # the cache cannot be written now: queries look at every record instead
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            return False

    def _narrowed(self, narrowing: Narrowing) -> tuple[str, list[Any]]:
        """The WHERE clause (over `events e` and `records r`) and its parameters that keep the events a
        narrowing may admit."""
        clauses: list[str] = ["r.kind = 'events'"]
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
        match = self._match(narrowing.terms)
        if match is not None:
            clauses.append("e.record IN (SELECT rowid FROM texts WHERE texts MATCH ?)")
            parameters.append(match)
        return " AND ".join(clauses), parameters

    def _match(self, terms: Sequence[Term]) -> str | None:
        """The full-text query that finds every record holding all the terms (and maybe more), or None when
        the word index cannot narrow them.

        A term the index cannot look for exactly is left out, which only widens the answer: a word with no
        letter or digit (the index keeps none of it), or one with too many ways to match to list them.
        """
        if not terms or not self._words_ready():
            return None
        execute = self._database.connection.execute
        clauses = []
        for term in terms:
            shape = (term.shape,)
            spelled = (
                [row[0] for row in execute("SELECT word FROM vocabulary WHERE shape = ?", shape)] if term.shape else []
            )
            if not _indexed(term.prefix) or len(term.actors) + len(spelled) > _MOST_ALTERNATIVES:
                continue
            ways = [f"{{heaviest others}} : {_quoted(term.prefix)} *"]
            ways += [f"{{heaviest others}} : {_quoted(word)}" for word in spelled]
            if term.actors:
                ways.append(f"actors : ({' OR '.join(map(_quoted, term.actors))})")
            clauses.append(f"({' OR '.join(ways)})")
        return " AND ".join(clauses) if clauses else None

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

    def _stream(self, read: Callable[[], Iterator[_T]], other: Callable[[DatabaseStore], Iterator[_T]]) -> Iterator[_T]:
        """What `read` yields; should the database fail part-way, the rest from the files, where it stopped."""
        given = 0
        if self._fallback is None:
            try:
                for item in read():
                    yield item
                    given += 1
                return
            except _Changed:
                self._fall_back(damaged=False)
            except DAMAGE:
                self._fall_back()
        assert self._fallback is not None
        yield from islice(other(self._fallback), given, None)

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


def _indexed(word: str) -> bool:
    """Whether the word index keeps anything of a word (it keeps letters and digits only)."""
    return any(char.isalnum() for char in word)


_MOST_ALTERNATIVES = 200  # a term with more ways to match than this is not narrowed by (only widening)


def _quoted(text: str) -> str:
    """A string of a full-text query."""
    return '"' + text.replace('"', '""') + '"'


def _quoted_sql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def attested(records: Sequence[Any], sources: Sequence[Source]) -> tuple[Any, ...]:
    """Actors whose open roles, or phases left open (no end, no last_attested written), attested up to the
    latest publication of a source citing them: unknown is not ongoing. A role the sources do not place in
    time at all (no start, no first attestation: "held", "former") gets none: a document that mentions it is
    no evidence that it was held when the document was written."""
    published = {source.id: source.published for source in sources if source.published is not None}

    def closed(item: Any) -> Any:  # a role or phase
        last = latest(published[c.source] for c in item.sources if c.source in published)
        placed = getattr(item, "since", True) is not None  # a phase always has its start
        if item.end is None and item.last_attested is None and last is not None and placed:
            return item._replace(last_attested=last)
        return item

    return tuple(
        record._replace(roles=tuple(map(closed, record.roles))) if isinstance(record, Actor) else closed(record)
        for record in records
    )
