"""Loading a fact base: which files, each read from its cache when it can be, else parsed and checked (then
cached), and the files combined into one base.

A base is one or more files: those given (`--data`, `$HAMSYR_DATA`, else the shipped base), a folder standing
for every `*.toml` file in it (in name order), `@shipped` for the shipped base, `-` for standard input; each
file after the bases it says it builds on (`builds_on = [...]`), and each file once.

`load_store(paths)` returns the records (hamsyr.records.store) or raises FactBaseError with every problem;
`check(paths)` lists every problem, file by file. Parsing and checking are imported only when needed.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol, TypeVar

from hamsyr.errors import FactBaseError, Problem
from hamsyr.loading.parts import Part

if TYPE_CHECKING:
    from hamsyr.loading._validate import Checked, Sink
    from hamsyr.loading.cache.store import CachedStore
    from hamsyr.records.store import MemoryStore, RecordStore


ENV_VAR = "HAMSYR_DATA"  # a list of paths, separated as PATH is (":" here)
SHIPPED = "@shipped"  # names the shipped base wherever a path is accepted
STDIN = Path("-")  # `--data -`: a fact base on standard input
# Parsing TOML takes several times the text's size in memory, so larger files are refused unless the user
# raises the limit (a large file is parsed in pieces, but its text is held whole); a cached base needs none.
MAX_MB_VAR = "HAMSYR_MAX_MB"
DEFAULT_MAX_MB = 128
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
PathLike = str | os.PathLike[str]


class Progress(Protocol):
    """Told how a long load is going (the command line shows a progress bar; the library shows nothing)."""

    def reading(self, path: Path, done: int, total: int) -> None:
        """`done` of the file's `total` characters are parsed and checked."""

    def writing(self, path: Path) -> None:
        """The file's records are read; its cache is being indexed and sealed."""


def shipped_path() -> Path:
    """The fact base that ships inside the package (or, in a source checkout, at data/facts.toml)."""
    installed = _PACKAGE_DIR / "data" / "facts.toml"
    if installed.is_file():
        return installed
    return _PACKAGE_DIR.parent.parent / "data" / "facts.toml"


def resolve_paths(
    explicit: Sequence[PathLike] | PathLike | None = None, environ: Mapping[str, str] = os.environ
) -> list[Path]:
    """What to read, as given: the explicit paths, else those of $HAMSYR_DATA, else the shipped base."""
    if isinstance(explicit, str | os.PathLike):
        explicit = [explicit]
    if explicit:
        return [Path(item) for item in explicit]
    from_env = [item for item in environ.get(ENV_VAR, "").split(os.pathsep) if item]
    return [Path(item) for item in from_env] or [shipped_path()]


def files_of(name: PathLike, folder: Path | None = None) -> list[Path]:
    """The files a name stands for: `@shipped`, `-`, a folder's `*.toml` files in name order, or the file
    itself; a relative path is taken from `folder` when given (the folder of the file naming it)."""
    text = os.fspath(name)
    if text == SHIPPED:
        return [shipped_path()]
    if text == "-":
        return [STDIN]
    path = Path(text)
    if folder is not None and not path.is_absolute():
        path = Path(os.path.normpath(folder / path))  # "team/../more.toml" named as "more.toml"
    if path.is_dir():
        files = sorted((p for p in path.glob("*.toml") if not p.name.startswith(".")), key=lambda p: p.name)
        if not files:
            raise FactBaseError.at(
                path, "is a folder with no .toml files in it; pass a fact base file or a folder of them"
            )
        return files
    return [path]


def read_bytes(path: Path, environ: Mapping[str, str] = os.environ) -> bytes:
    """The whole of a regular file (or of standard input, for `-`), read once; refused with a message when
    it is something else (a folder, a device, a pipe: they can be endless, or change between two reads), or
    larger than the limit, which is checked on the bytes read."""
    limit = _max_megabytes(environ) * 1_000_000
    if path == STDIN:
        data = sys.stdin.buffer.read(limit + 1)
    else:
        with guarded(path, _open_regular) as file:
            data = guarded(path, lambda _: file.read(limit + 1))
    if len(data) > limit:
        size = guarded(path, lambda p: p.stat().st_size) if path != STDIN else len(data)
        raise FactBaseError.at(
            path,
            f"{max(size, len(data)) / 1e6:.0f} MB is more than hamsyr parses ({limit // 1_000_000} MB); "
            f"split the base into several files, or set {MAX_MB_VAR} to a larger number of megabytes",
        )
    return data


def _open_regular(path: Path) -> BinaryIO:
    _regular(path)
    return path.open("rb")


def _regular(path: Path) -> None:
    """Nothing, for a regular file; otherwise the error that says what it is (a stat, not an open: opening a
    pipe would wait for a writer)."""
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(path)
    if not stat.S_ISREG(mode):
        raise FactBaseError.at(
            path,
            "is not a regular file (a device, a pipe or a socket); pass the path of a .toml fact base, or "
            "--data - to read one from standard input",
        )


def _max_megabytes(environ: Mapping[str, str]) -> int:
    value = environ.get(MAX_MB_VAR, "")
    if not value:
        return DEFAULT_MAX_MB
    if not value.isdigit() or int(value) < 1:
        raise FactBaseError.at(MAX_MB_VAR, f"{value!r} is not a whole, positive number of megabytes")
    return int(value)


_T = TypeVar("_T")


def guarded(path: Path, read: Callable[[Path], _T]) -> _T:
    """`read(path)`, with the ways a file can fail to be read turned into FactBaseError for people."""
    try:
        return read(path)
    except FileNotFoundError:
        raise FactBaseError.at(path, f"no such file; pass --data PATH or set {ENV_VAR} to a fact base") from None
    except IsADirectoryError:
        raise FactBaseError.at(path, "is a directory; pass --data with the path of a .toml fact base") from None
    except OSError as error:
        raise FactBaseError.at(path, f"cannot read ({error.strerror}); check the path and its permissions") from None


# --- a base: its files, read and combined ---------------------------------------------------------------


def load_store(
    paths: Sequence[PathLike] | PathLike, environ: Mapping[str, str] = os.environ, progress: Progress | None = None
) -> RecordStore:
    """The records of the base made of these files, each from its cache when there is a usable one;
    FactBaseError with every problem of every file when the base is invalid."""
    from hamsyr.loading.cache import store as cache

    cached = cache.cache_dir(environ) is not None
    large = cached and _named_size(paths) > LARGE_BASE_BYTES
    _, parts, problems = _parts(paths, lambda path: _read_part(path, environ, progress, cached, large=large))
    from hamsyr.loading.combine import problems_between

    errors = [problem for problem in problems if problem.severity == "error"]
    # The checks between files need every file's ids: done once for a set of contents, then remembered.
    together = cache.combination_key([(str(part.path), part.digest) for part in parts]) if cached else None
    if errors or together is None or not cache.combination_checked(together, environ):
        errors += problems_between(parts)
        if not errors and together is not None:
            cache.remember_combination(together, environ)
    if errors:
        raise FactBaseError(_in_file_order(errors, [part.path for part in parts]))
    from hamsyr.loading.combine import CombinedStore

    return CombinedStore([part.store for part in parts if part.store is not None])


# A base whose named files hold more than this keeps its files' records in indexed SQLite caches (unless a
# file is tiny), so that a query on a folder of many files reads only the events it may need.
LARGE_BASE_BYTES = 2 << 20
PART_SNAPSHOT_MAX_EVENTS = 200


def _named_size(paths: Sequence[PathLike] | PathLike) -> int:
    total = 0
    for name in [paths] if isinstance(paths, str | os.PathLike) else paths:
        with contextlib.suppress(OSError, FactBaseError):  # reported when the file is read
            total += sum(file.stat().st_size for file in files_of(name) if file != STDIN)
    return total


def _in_file_order(problems: list[Problem], files: Sequence[Path]) -> list[Problem]:
    order = {str(file): number for number, file in enumerate(files)}
    return sorted(problems, key=lambda problem: (order.get(problem.file, -1), problem.line or 0))


def check(paths: Sequence[PathLike] | PathLike, environ: Mapping[str, str] = os.environ) -> list[Problem]:
    """Every problem of the base, file by file (each in line order), then those between files; empty when
    it is valid. A file that cannot be read or parsed at all gives its one problem."""
    return check_base(paths, environ)[1]


def check_base(
    paths: Sequence[PathLike] | PathLike, environ: Mapping[str, str] = os.environ, progress: Progress | None = None
) -> tuple[list[Path], list[Problem]]:
    """The files of the base, in the order they are read, and every problem (as `check`)."""
    files, parts, problems = _parts(paths, lambda path: _read_part(path, environ, progress, False, warnings=True))
    from hamsyr.loading.combine import problems_between

    return files, _in_file_order(problems + problems_between(parts), files)


def _parts(
    paths: Sequence[PathLike] | PathLike, read: Callable[[Path], Part]
) -> tuple[list[Path], list[Part], list[Problem]]:
    """Every file of the base, read, each after the bases it builds on and each once: the files in that
    order, the parts read from them, and the problems each has of its own."""
    files: list[Path] = []
    parts: list[Part] = []
    problems: list[Problem] = []
    state: dict[Path, str] = {}  # a file's resolved path -> "reading" or "read"

    def visit(path: Path, named_by: list[Path]) -> None:
        key = path if path == STDIN else path.resolve()
        if state.get(key) == "read":
            return
        if state.get(key) == "reading":  # a cycle: the file builds on itself through named_by
            loop = [*named_by[named_by.index(path) :], path] if path in named_by else [path]
            message = f"builds_on leads back to {path} ({' -> '.join(map(str, loop))}); a base cannot build on itself"
            problems.append(Problem(str(named_by[-1]), None, "", message))
            return
        state[key] = "reading"
        try:
            part = read(path)
        except FactBaseError as error:
            problems.extend(error.problems)
            files.append(path)
            state[key] = "read"
            return
        for name in part.builds_on:
            try:
                included = files_of(name, path.parent if path != STDIN else Path.cwd())
            except FactBaseError as error:
                problems.extend(_from(path, name, problem.message) for problem in error.problems)
                continue
            for file in included:
                if file != STDIN and not file.exists():
                    problems.append(_from(path, name, f"no such file ({file})"))
                else:
                    visit(file, [*named_by, path])
        problems.extend(part.problems)
        state[key] = "read"
        files.append(path)
        parts.append(part)

    for name in [paths] if isinstance(paths, str | os.PathLike) else paths:
        try:
            found = files_of(name)
        except FactBaseError as error:
            problems.extend(error.problems)
            continue
        for file in found:
            visit(file, [])
    return files, parts, problems


def _from(path: Path, name: str, what: str) -> Problem:
    return Problem(
        str(path), None, "", f"builds_on names {name!r}: {what}; paths are taken from the folder of this file"
    )


# --- one file ---------------------------------------------------------------------------------------------


def _read_part(
    path: Path,
    environ: Mapping[str, str],
    progress: Progress | None,
    cached: bool,
    warnings: bool = False,
    large: bool = False,
) -> Part:
    """One file of a base: from its cache, else parsed and checked (and cached, with `cached`; in SQLite
    when it is large, or not tiny and part of a `large` base)."""
    from hamsyr.loading.cache import store as cache
    from hamsyr.loading.cache.store import Manifest

    def references(found: CachedStore) -> tuple[tuple[Any, ...], ...]:
        """The file's references to other files, from its cache; from the file itself if that is damaged."""
        try:
            return found.outbound()
        except found.damage:
            checked, _ = _parse(path, read_bytes(path, environ), None, None, warnings=True)
            return tuple(tuple(reference) for reference in checked.outbound)

    def reread() -> MemoryStore:
        checked, store = _parse(path, read_bytes(path, environ), None, None)
        if store is None:  # the file was made invalid since it was cached
            raise FactBaseError([problem for problem in checked.problems if problem.severity == "error"])
        return store

    if cached and path != STDIN:
        guarded(path, _regular)
        digest = guarded(path, cache.digest_file)
        found = cache.open_cached(path, digest, reread, environ)
        if found is not None:
            return Part(path, digest, found, found.builds_on, lambda: references(found), refers_out=found.refers_out)
    data = read_bytes(path, environ)
    digest = cache.digest_bytes(data)
    writer = None
    events = _events_in(data)
    indexed = events > cache.SNAPSHOT_MAX_EVENTS or (large and events > PART_SNAPSHOT_MAX_EVENTS)
    if cached and path != STDIN and indexed:
        # Large: the records go straight into the cache as they are checked, and are read from it after.
        writer = cache.sqlite_writer(path, digest, environ)
    try:
        checked, store = _parse(path, data, writer, progress, warnings)
    except _write_failed():
        if writer is None:
            raise
        writer.discard()  # a full disk, or pieces that had to be parsed whole: start again, in memory
        writer = None
        checked, store = _parse(path, data, None, progress, warnings)
    del data
    problems = tuple(checked.problems)
    outbound = tuple(checked.outbound)
    if not checked.valid:
        if writer is not None:
            writer.discard()
        return Part(path, digest, None, checked.builds_on, outbound, problems, checked.defined, checked.listed)
    manifest = Manifest(checked.builds_on, tuple(tuple(reference) for reference in checked.outbound))  # type: ignore[misc]
    result: RecordStore | None = store
    if writer is not None:
        if progress is not None:
            progress.writing(path)
        if cache.publish(writer, path, digest, manifest, environ):
            result = cache.open_cached(path, digest, reread, environ)
        if result is None:  # the cache could not be finished or opened: hold the records in memory
            result = reread()
    elif store is not None and cached and path != STDIN:
        cache.write_cache(path, digest, store, manifest, environ)
    return Part(path, digest, result, checked.builds_on, outbound, problems, checked.defined, checked.listed)


def _events_in(data: bytes) -> int:
    """About how many events a file holds, without parsing it: which form its cache will take."""
    return data.count(b"\n[[events]]") + data.startswith(b"[[events]]")


def _write_failed() -> tuple[type[Exception], ...]:
    """What writing a cache while checking can fail with: SQLite's errors, the disk's, and a file that
    cannot be parsed in pieces (its pieces were already written)."""
    import sqlite3

    from hamsyr.loading._toml import Unsplittable

    return (sqlite3.Error, OSError, Unsplittable)


class _Kept:
    """Records kept in memory as they are checked (a sink for hamsyr.loading._validate)."""

    def __init__(self) -> None:
        from hamsyr.records.model import RECORD_TYPES

        self.kinds: dict[str, list[Any]] = {record_type.plural: [] for record_type in RECORD_TYPES}
        self._decoder: Any = None

    def add(self, plural: str, record: Any) -> None:
        self.kinds[plural].append(record)

    def add_row(self, plural: str, record_id: str, row: bytes, index: Any) -> None:
        import marshal

        if self._decoder is None:
            from hamsyr.records.codec import current_decoder
            from hamsyr.records.model import RECORD_TYPES

            self._decoder = current_decoder()
            self._names = {t.plural: t.record_class.__name__ for t in RECORD_TYPES}
        self.kinds[plural].append(self._decoder.record(self._names[plural], marshal.loads(row)))

    def store(self, path: Path) -> MemoryStore:
        from hamsyr.records.store import MemoryStore

        return MemoryStore(path, {plural: tuple(records) for plural, records in self.kinds.items()})


class _Dropped:
    """Records checked and let go (a sink for `check`, which needs only what the checks find)."""

    def add(self, plural: str, record: Any) -> None:
        pass

    def add_row(self, plural: str, record_id: str, row: bytes, index: Any) -> None:
        pass


def _parse(
    path: Path, data: bytes, writer: Sink | None, progress: Progress | None, warnings: bool = False
) -> tuple[Checked, MemoryStore | None]:
    """The file checked, its records handed to `writer` when given, else kept in memory and returned when the
    file is valid; with `warnings` (for `check`), also its warnings, and its records let go. A file that
    cannot be read or parsed raises FactBaseError; with a writer, a file that cannot be parsed in pieces
    raises Unsplittable."""
    import gc

    from hamsyr.loading._toml import Unsplittable, decode, documents, parse
    from hamsyr.loading._validate import check_file, prepare

    text = decode(path, data)
    total = len(text)
    done = (lambda characters: progress.reading(path, characters, total)) if progress is not None else None
    # Checking makes millions of small objects and no cycles: the cycle collector would only slow it down.
    collecting = gc.isenabled()
    gc.disable()
    try:
        kept = _Kept()
        sink: Sink = writer or (_Dropped() if warnings else kept)
        try:
            checked = check_file(path, text, documents(path, text, done=done, prepare=prepare), sink, warnings)
        except Unsplittable:
            if writer is not None:
                raise
            kept = _Kept()
            checked = check_file(path, text, [parse(path, text)], _Dropped() if warnings else kept, warnings)
    finally:
        if collecting:
            gc.enable()
    return checked, (kept.store(path) if writer is None and not warnings and checked.valid else None)
