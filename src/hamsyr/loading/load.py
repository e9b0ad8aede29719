"""Loading a fact base: which file, read from its cache when it can be, else parsed and validated (then
cached).

`load_store(path)` returns the records (hamsyr.records.store) or raises FactBaseError with every problem;
`check(path)` lists every problem, in file order. Parsing and validation are imported only when needed.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from hamsyr.errors import FactBaseError, Problem

if TYPE_CHECKING:
    from hamsyr.records.store import MemoryStore, RecordStore


ENV_VAR = "HAMSYR_DATA"
# Parsing TOML takes several times the file's size in memory (about 7x for a base of 100,000 events), so
# larger files are refused unless the user raises the limit; a cached base is read in chunks and needs none.
MAX_MB_VAR = "HAMSYR_MAX_MB"
DEFAULT_MAX_MB = 128
_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def shipped_path() -> Path:
    """The fact base that ships inside the package (or, in a source checkout, at data/facts.toml)."""
    installed = _PACKAGE_DIR / "data" / "facts.toml"
    if installed.is_file():
        return installed
    return _PACKAGE_DIR.parent.parent / "data" / "facts.toml"


def resolve_path(explicit: str | os.PathLike[str] | None = None, environ: Mapping[str, str] = os.environ) -> Path:
    """The file to read: an explicit path, else $HAMSYR_DATA, else the shipped base."""
    if explicit:
        return Path(explicit)
    from_env = environ.get(ENV_VAR)
    return Path(from_env) if from_env else shipped_path()


STDIN = Path("-")  # `--data -`: the fact base on standard input


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
            f"split the base, or set {MAX_MB_VAR} to a larger number of megabytes",
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


def load_store(path: Path, environ: Mapping[str, str] = os.environ) -> RecordStore:
    """The records of the fact base at `path`, from its cache when there is a usable one."""
    from hamsyr.loading.cache import store as cache

    if path != STDIN and cache.cache_dir(environ) is not None:
        guarded(path, _regular)
        cached = cache.open_cached(path, guarded(path, cache.digest_file), lambda: parsed(path, environ), environ)
        if cached is not None:
            return cached
    return parsed(path, environ, write_cache=True)


def parsed(path: Path, environ: Mapping[str, str] = os.environ, *, write_cache: bool = False) -> MemoryStore:
    """The records read and validated from the file (and cached, with `write_cache`); FactBaseError with
    every problem otherwise."""
    data = read_bytes(path, environ)
    store, problems = _validated(path, data)
    if store is None:
        raise FactBaseError([problem for problem in problems if problem.severity == "error"])
    if write_cache and path != STDIN:
        from hamsyr.loading.cache import store as cache

        # Keyed by the bytes that were validated, even if the file has changed since it was hashed.
        cache.write_cache(path, cache.digest_bytes(data), store, environ)
    return store


def check(path: Path, environ: Mapping[str, str] = os.environ) -> list[Problem]:
    """Every problem in the fact base, in file order; empty when it is valid. A file that cannot be read or
    parsed at all gives its one problem."""
    try:
        return _validated(path, read_bytes(path, environ))[1]
    except FactBaseError as error:
        return list(error.problems)


def _validated(path: Path, data: bytes) -> tuple[MemoryStore | None, list[Problem]]:
    from hamsyr.loading._toml import decode, parse
    from hamsyr.loading._validate import validate

    text = decode(path, data)
    return validate(path, parse(path, text), text)
