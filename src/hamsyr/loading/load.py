"""Loading a fact base: from its cache when it can be, else parsed and validated (then cached).

`load_store(path)` returns the records (hamsyr.records.store) or raises FactBaseError with every problem;
`check(path)` lists every problem, in file order. Parsing and validation are imported only when needed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from hamsyr.errors import FactBaseError, Problem
from hamsyr.loading.paths import guarded, read_bytes
from hamsyr.records.store import MemoryStore, RecordStore


def load_store(path: Path, environ: Mapping[str, str] = os.environ) -> RecordStore:
    """The records of the fact base at `path`, from its cache when there is a usable one."""
    from hamsyr.loading.cache import store as cache

    if cache.cache_dir(environ) is not None:
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
        raise FactBaseError(problems)
    if write_cache:
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
