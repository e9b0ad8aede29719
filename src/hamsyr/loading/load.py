"""Loading a fact base: the one path from files to a store.

The files of a base (hamsyr.loading.files) are walked in order, each after the bases it says it builds on
and each once. A file the database already holds, unchanged, is not read at all; any other is parsed
(hamsyr.loading.parse) and its records built (hamsyr.loading.build) straight into the database
(hamsyr.loading.database), replacing what it held before. The checks between files are then made for the
files that changed, and the base is answered from the database.

The database is the base's cache (hamsyr.loading.cache) when there is one to use, else a database in memory
made the same way; should anything go wrong with the cache, the base is read again into memory. `check_base`
(for `hamsyr validate`) reads every file afresh, with warnings, and lists every problem.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from hamsyr.errors import FactBaseError, Problem
from hamsyr.loading.build import PROBLEM_LIMIT, unknown_message
from hamsyr.loading.database import CacheFailed, Database, DatabaseStore, StoredFile, fault

if TYPE_CHECKING:
    from hamsyr.loading.check import FileReport, Keep, Reference
from hamsyr.loading.files import (
    ENV_VAR,
    STDIN,
    PathLike,
    content_digest,
    files_of,
    identity,
    read_bytes,
    resolve_paths,
    shipped_path,
)

__all__ = ["ENV_VAR", "Progress", "check", "check_base", "load_store", "resolve_paths"]

# A file changed this soon after it was read may keep its identity on a coarse clock (some file systems
# keep times to the second or two): until it is older, its content is digested to be sure.
_CLOCK_SLACK_NS = 2_000_000_000


class Progress(Protocol):
    """Told how a long load is going (the command line shows a progress bar; the library shows nothing)."""

    def reading(self, path: Path, done: int, total: int) -> None:
        """`done` of the file's `total` characters are parsed and their records stored."""

    def writing(self, path: Path) -> None:
        """The file's records are stored; the database's indexes are being made."""


def load_store(
    paths: Sequence[PathLike] | PathLike | None,
    environ: Mapping[str, str] = os.environ,
    progress: Progress | None = None,
) -> DatabaseStore:
    """The records of the base made of these files; FactBaseError with every problem when it is invalid."""
    named = resolve_paths(paths, environ)
    if STDIN not in named:
        from hamsyr._version import __version__
        from hamsyr.loading.cache import open_database

        database = open_database(named, __version__, environ)
        if database is not None:
            try:
                return _from(database, named, environ, progress)
            except CacheFailed as failure:
                if failure.args and failure.args[0] == "damaged":
                    database.discard()
                else:
                    database.connection.close()
    return _from(Database.in_memory(), named, environ, progress)


def check(paths: Sequence[PathLike] | PathLike | None, environ: Mapping[str, str] = os.environ) -> list[Problem]:
    """Every problem of the base, file by file (each in line order), then those between files, warnings
    included; empty when it is valid."""
    return check_base(paths, environ)[1]


def check_base(
    paths: Sequence[PathLike] | PathLike | None,
    environ: Mapping[str, str] = os.environ,
    progress: Progress | None = None,
) -> tuple[list[Path], list[Problem]]:
    """The files of the base, in the order they are read, and every problem (as `check`)."""
    walk = _Walk(Database.in_memory(), environ, progress, warnings=True)
    walk.run(resolve_paths(paths, environ))
    problems = walk.problems
    if walk.more:
        file = next((problem.file for problem in problems if problem.file), "")
        message = f"and {walk.more} more problems, not listed: mend these and validate again"
        problems = [*problems, Problem(file, None, "", message)]
    return walk.order, problems


def _from(
    database: Database, named: list[Path], environ: Mapping[str, str], progress: Progress | None
) -> DatabaseStore:
    """The store of the base in this database, brought up to date with its files first when it is not."""
    connection = database.connection
    cached = database.path is not None
    reread = lambda: _from(Database.in_memory(), named, environ, None)  # noqa: E731 - should the cache fail later
    try:
        if cached:
            walk = _Walk(database, environ, progress, write=False)
            if walk.run(named) and not walk.problems:
                return DatabaseStore(database, walk.order, reread)
            connection.execute("BEGIN IMMEDIATE")  # one writer at a time; readers go on meanwhile
        walk = _Walk(database, environ, progress)
        walk.run(named)
        errors = [problem for problem in walk.problems if problem.severity == "error"]
        if errors:
            if cached:
                connection.execute("ROLLBACK")
            raise FactBaseError(errors, walk.more)
        if cached:
            connection.execute("COMMIT")
        return DatabaseStore(database, walk.order, reread)
    except (sqlite3.Error, OSError, MemoryError) as error:
        if not cached:
            raise
        _rollback(connection)
        damaged = isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.OperationalError)
        raise CacheFailed("damaged" if damaged else "unusable") from None


def _rollback(connection: sqlite3.Connection) -> None:
    try:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
    except sqlite3.Error:
        pass


class _Stale(Exception):
    """A read-only walk found something to write."""


def decode_text(path: Path, data: bytes) -> str:
    from hamsyr.loading.parse import decode

    return decode(path, data)


class _Walk:
    """One walk over the files of a base: each file after the bases it builds on and each once, the database
    brought up to date with the files that changed (or, with `write` false, only found to be up to date)."""

    def __init__(
        self,
        database: Database,
        environ: Mapping[str, str],
        progress: Progress | None,
        write: bool = True,
        warnings: bool = False,
    ) -> None:
        self.database = database
        self.environ = environ
        self.progress = progress
        self.write = write
        self.warnings = warnings
        self.order: list[Path] = []  # every file read, in order
        self.problems: list[Problem] = []
        self.more = 0  # problems counted beyond those kept
        self.created = False
        self.now = time.time_ns()
        self.stored: dict[str, StoredFile] = {}
        self.positions: dict[int, int] = {}  # each stored file's place in the order of the base
        self.numbers: dict[Path, int] = {}  # the database's number for each file of the base
        self.changed: list[int] = []  # the numbers of the files stored anew
        self.gone: dict[str, tuple[str, str | None]] = {}  # ids whose record went (-> its kind and listing)
        self.made: dict[str, tuple[str, str | None]] = {}  # ids of the records stored anew
        self.deferred: list[tuple[int, Reference]] = []  # references to check once every file is stored

    def run(self, named: Sequence[Path]) -> bool:
        """Walk the files named; True when the database was up to date (False only when not writing)."""
        try:
            if self.write:
                self.created = self.database.create()
            self.stored = self.database.files()
            self.positions = {row.number: row.position for row in self.stored.values()}
            state: dict[str, str] = {}  # a file's key -> "open" (being walked) or "done"
            for name in named:
                try:
                    tops = files_of(name)
                except FactBaseError as error:
                    self._problems(error)
                    continue
                for top in tops:
                    self._walk(top, state)
            self._finish()
        except _Stale:
            return False
        return True

    def _walk(self, top: Path, state: dict[str, str]) -> None:
        """The files from `top` down the bases each builds on, without recursion (a chain may be long)."""
        frames: list[tuple[Path, str, list[Path]]] = []  # (file, key, the files it builds on not yet walked)
        self._enter(top, state, frames)
        while frames:
            path, key, pending = frames[-1]
            if pending:
                self._enter(pending.pop(0), state, frames)
                continue
            frames.pop()
            state[key] = "done"
            position = len(self.order)
            self.order.append(path)
            number = self.numbers.get(path)
            if number is None or self.positions.get(number) == position:
                continue
            if not self.write:
                raise _Stale  # the files are read in another order than before: note it
            self.database.connection.execute("UPDATE files SET position = ? WHERE number = ?", (position, number))

    def _enter(self, path: Path, state: dict[str, str], frames: list[tuple[Path, str, list[Path]]]) -> bool:
        key = "-" if path == STDIN else os.path.abspath(path)
        if state.get(key) == "done":
            return False
        if state.get(key) == "open":  # a cycle: the file builds on itself through the files being walked
            chain = [frame[0] for frame in frames]
            loop = [*chain[chain.index(path) :], path] if path in chain else [path]
            message = f"builds_on leads back to {path} ({' -> '.join(map(str, loop))}); a base cannot build on itself"
            self.problems.append(Problem(str(chain[-1]), None, "", message))
            return False
        state[key] = "open"
        builds_on = self._read(path, key)
        if builds_on is None:  # the file cannot be read: its problem is noted
            state[key] = "done"
            self.order.append(path)
            return False
        folder = path.parent if path != STDIN else Path.cwd()
        pending: list[Path] = []
        for name in builds_on:
            try:
                found = files_of(name, folder)
            except FactBaseError as error:
                self.problems += [_named_by(path, name, problem.message) for problem in error.problems]
                continue
            for file in found:
                if not os.path.lexists(file):
                    self.problems.append(_named_by(path, name, f"no such file ({file})"))
                else:
                    pending.append(file)
        frames.append((path, key, pending))
        return True

    def _read(self, path: Path, key: str) -> tuple[str, ...] | None:
        """The bases a file builds on, reading and storing it anew only when it changed; None when it cannot
        be read."""
        stored = self.stored.get(key)
        try:
            stat = " ".join(map(str, identity(path))) if path != STDIN else ""
            if stored is not None and stored.stat == stat and not self._recent(stat, stored):
                self.numbers[path] = stored.number
                return stored.builds_on
            if not self.write:
                raise _Stale
            data = read_bytes(path, self.environ)
        except FactBaseError as error:
            self._problems(error)
            return None
        digest = content_digest(data)
        if stored is not None and stored.digest == digest:  # its identity changed, not its content
            self.database.update_file(stored.number, stored.position, stat, self.now)
            self.numbers[path] = stored.number
            return stored.builds_on
        return self._store(path, key, data, stat, digest, stored)

    def _recent(self, stat: str, stored: StoredFile) -> bool:
        modified = int(stat.split(" ")[3])
        return modified > stored.verified - _CLOCK_SLACK_NS

    def _store(
        self, path: Path, key: str, data: bytes, stat: str, digest: str, stored: StoredFile | None
    ) -> tuple[str, ...] | None:
        """Read a file that changed (or is new) and store its records, over those stored of it before."""
        database = self.database
        try:
            text = decode_text(path, data)
        except FactBaseError as error:
            self._problems(error)
            return None
        del data  # the text is enough from here: a large file is not held twice
        if stored is None:
            number = database.new_file(len(self.order), key)
        else:
            number = stored.number
            del self.stored[key]
        self.numbers[path] = number
        self.changed.append(number)
        if stored is not None:
            self.gone.update(database.begin_file(number))
        report = self._read_records(path, text, lambda *record: database.add_record(number, *record), number)
        if report is None:
            return None
        for record_id, (plural, _) in report.defined.items():
            self.made[record_id] = (plural, report.listed.get(record_id))
        database.keep_references(number, report.outbound)
        self._check(number, report.outbound)
        database.end_file(number, stat, digest, report.builds_on, self.now)
        return report.builds_on

    def _check(self, number: int, references: Sequence[Reference]) -> None:
        """Check a file's references to other files against the records stored so far; those not answered yet
        wait for the files after it (`_finish`)."""
        found = self.database.lookup({reference.value for reference in references})
        self.deferred += [(number, r) for r in references if fault(r, found.get(r.value)) is not None]

    def _read_records(
        self, path: Path, text: str, keep: Keep, number: int | None = None, report_problems: bool = True
    ) -> FileReport | None:
        """A file's records built from its text and handed to `keep`, and what was found; None when the file
        cannot be parsed (its problem is noted). With `number`, the records go into the database, in pieces
        that are let go should the file have to be read whole after all."""
        from hamsyr.loading.check import FileBuilder
        from hamsyr.loading.parse import Unsplittable, documents, parse

        database, connection = self.database, self.database.connection
        progress = self.progress
        total = len(text)
        done = (lambda characters: progress.reading(path, characters, total)) if progress is not None else None
        connection.execute("SAVEPOINT file")
        builder = FileBuilder(path, keep, self.warnings)
        try:
            try:
                for document in documents(path, text, done=done):
                    builder.take(document)
            except Unsplittable:  # a piece did not mean what the whole file means: start the file again, whole
                database.forget()
                connection.execute("ROLLBACK TO file")
                if number is not None:
                    database.begin_file(number)
                builder = FileBuilder(path, keep, self.warnings)
                builder.take(parse(path, text))
        except FactBaseError as error:
            database.flush()
            connection.execute("RELEASE file")
            self._problems(error)
            return None
        database.flush()
        connection.execute("RELEASE file")
        report = builder.finish(text)
        if report_problems:
            self.problems += report.problems
            self.more += report.more
        return report

    def _finish(self) -> None:
        """Forget the files no longer in the base; check what changed against the other files."""
        kept = set(self.numbers.values())
        for row in list(self.stored.values()):
            if row.number not in kept:
                if not self.write:
                    raise _Stale
                self.gone.update(self.database.remove_file(row.number))
        if self.created:  # a database just filled: indexed before the checks between files, which use them
            if self.progress is not None and self.order:
                self.progress.writing(self.order[-1])
            self.database.index()
        if not self.changed and not self.gone:
            return
        from hamsyr.loading.check import LinesOf

        paths = {number: path for path, number in self.numbers.items()}
        lines = LinesOf()
        twice, more = self.database.defined_twice(paths, lines)
        self.problems += twice
        self.more += more
        gone = [record_id for record_id, was in self.gone.items() if self.made.get(record_id) != was]
        for number in self.database.referring(gone):
            # A file that names an id now gone (or become another kind of record): its references are read
            # from it again, to say where.
            self._recheck(paths[number], number)
        found = self.database.lookup({reference.value for _, reference in self.deferred})
        known: dict[str, list[str]] = {}  # the ids each kind of reference may name, for suggestions
        shipped: dict[str, set[str]] | None = None if shipped_path() not in self.order else {}
        seen = set()
        for number, reference in self.deferred:
            message = fault(reference, found.get(reference.value))
            if message is None or (number, reference) in seen:
                continue
            seen.add((number, reference))
            if len(self.problems) >= PROBLEM_LIMIT:
                self.more += 1
                continue
            if message == "unknown":
                if reference.target not in known:
                    known[reference.target] = self.database.ids_of(reference.target)
                message = unknown_message(reference.value, reference.target, known[reference.target])
                if shipped is None:  # a base of your own: it may mean one of the shipped records
                    shipped = shipped_ids()
                if any(reference.value in shipped.get(plural, ()) for plural in reference.target.split("|")):
                    message += f"; '{reference.value}' is in the shipped base: {BUILD_ON_SHIPPED}"
            place, field = reference.place, reference.field
            line = lines.line(paths[number], place, field)
            self.problems.append(Problem(str(paths[number]), line, place.where, f"field '{field}': {message}"))
        order = {str(path): position for position, path in enumerate(self.order)}
        self.problems.sort(key=lambda problem: (order.get(problem.file, -1), problem.line or 0))

    def _recheck(self, path: Path, number: int) -> None:
        try:
            text = decode_text(path, read_bytes(path, self.environ))
        except FactBaseError as error:
            self._problems(error)
            return
        report = self._read_records(path, text, lambda *record: None, report_problems=False)
        if report is not None:
            self.deferred += [(number, reference) for reference in report.outbound]

    def _problems(self, error: FactBaseError) -> None:
        self.problems += error.problems
        self.more += error.more


def _named_by(path: Path, name: str, what: str) -> Problem:
    return Problem(
        str(path), None, "", f"builds_on names {name!r}: {what}; paths are taken from the folder of this file"
    )


def _marshalled(value: tuple[str, ...]) -> bytes:
    import marshal

    return marshal.dumps(value)


# What to do to refer to the shipped records from a file of one's own.
BUILD_ON_SHIPPED = 'to build on it, begin this file with builds_on = ["@shipped"] (or add --data @shipped)'


def shipped_ids() -> dict[str, set[str]]:
    """The ids of each kind of record the shipped base defines, read from its file (only when a reference of
    another base is unknown, to say that the shipped base has it)."""
    from hamsyr.loading.parse import decode, parse

    path = shipped_path()
    try:
        document = parse(path, decode(path, read_bytes(path, os.environ)))
    except (FactBaseError, OSError):
        return {}
    return {
        plural: {item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)}
        for plural, items in document.items()
        if isinstance(items, list)
    }
