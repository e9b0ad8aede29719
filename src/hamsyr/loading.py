"""Finding and loading a fact base: which file, read from the cache when it can be, validated when not.

`check(path)` lists every problem in file order; `load(path)` returns a FactBase or raises FactBaseError
with the first problem. Parsing and validation live in hamsyr.validation, imported only when needed.
"""

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from hamsyr.errors import FactBaseError
from hamsyr.factbase import FactBase

if TYPE_CHECKING:
    from hamsyr.validation import Problem

ENV_VAR = "HAMSYR_DATA"
# Parsing TOML takes several times the file's size in memory (about 7x for a base of 100,000 events), so
# larger files are refused unless the user raises the limit; a cached base is read in chunks and needs none.
MAX_MB_VAR = "HAMSYR_MAX_MB"
DEFAULT_MAX_MB = 128
_PACKAGE_DIR = Path(__file__).resolve().parent


def shipped_path() -> Path:
    """The fact base that ships inside the package (or, in a source checkout, at data/facts.toml)."""
    installed = _PACKAGE_DIR / "data" / "facts.toml"
    if installed.is_file():
        return installed
    return _PACKAGE_DIR.parent.parent / "data" / "facts.toml"


def resolve_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The file to read: an explicit path, else $HAMSYR_DATA, else the shipped base."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(ENV_VAR)
    return Path(from_env) if from_env else shipped_path()


def _read_bytes(path: Path) -> bytes:
    size = _guarded(path, lambda p: p.stat().st_size)
    limit = _max_megabytes()
    if size > limit * 1_000_000:
        raise FactBaseError(
            f"{path}: {size / 1e6:.0f} MB is more than hamsyr parses ({limit} MB); "
            f"split the base, or set {MAX_MB_VAR} to a larger number of megabytes"
        )
    return _guarded(path, Path.read_bytes)


def _max_megabytes() -> int:
    value = os.environ.get(MAX_MB_VAR, "")
    try:
        return int(value) if value else DEFAULT_MAX_MB
    except ValueError:
        raise FactBaseError(f"{MAX_MB_VAR}={value!r} is not a whole number of megabytes") from None


_T = TypeVar("_T")


def _guarded(path: Path, read: Callable[[Path], _T]) -> _T:
    """`read(path)`, with the ways a file can fail to be read turned into FactBaseError for people."""
    try:
        return read(path)
    except FileNotFoundError:
        raise FactBaseError(f"{path}: no such file; pass --data PATH or set {ENV_VAR} to a fact base") from None
    except IsADirectoryError:
        raise FactBaseError(f"{path}: is a directory; pass --data with the path of a .toml fact base") from None
    except OSError as error:
        raise FactBaseError(f"{path}: cannot read ({error.strerror}); check the path and its permissions") from None


def check(path: str | os.PathLike[str] | None = None) -> "list[Problem]":
    """Every problem in the fact base, in file order; empty when it is valid.

    A file that cannot be read or parsed as TOML raises FactBaseError instead (there is nothing more to list).
    """
    from hamsyr.validation import validate

    resolved = resolve_path(path)
    return validate(resolved, _read_bytes(resolved))[1]


def load(path: str | os.PathLike[str] | None = None) -> FactBase:
    """Load and validate a fact base (the shipped one by default); FactBaseError on the first problem.

    A valid base is cached (see hamsyr.cache), so the next load of the same content skips parsing.
    """
    from hamsyr import cache

    resolved = resolve_path(path)
    if cache.cache_dir() is not None:
        cached = cache.open_cached(resolved, _guarded(resolved, cache.digest_file), lambda: _parsed(resolved))
        if cached is not None:
            return cached
    return _parsed(resolved)


def _parsed(resolved: Path) -> FactBase:
    """The fact base read, validated and then cached; FactBaseError on the first problem."""
    from hamsyr import cache
    from hamsyr.validation import Problem, validate

    data = _read_bytes(resolved)
    base, problems = validate(resolved, data)
    if base is None:
        first = problems[0] if problems else Problem(str(resolved), None, "", "invalid fact base")
        more = f" (and {len(problems) - 1} more; run `hamsyr validate` to list them)" if len(problems) > 1 else ""
        raise FactBaseError(f"{first}{more}")
    # Keyed by the bytes that were validated, even if the file has changed since it was hashed above.
    cache.write_cache(resolved, cache.digest_bytes(data), base)
    return base
