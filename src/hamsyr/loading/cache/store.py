"""A derived cache of parsed fact bases, so that a query skips TOML parsing and reads only what it needs.

One file per fact base, named by a hash of the file's path and of its content (and of the code that
reads it), under $HAMSYR_CACHE_DIR, else $XDG_CACHE_HOME/hamsyr, else ~/.cache/hamsyr. It comes in two
forms, by size:
- a small base (up to SNAPSHOT_MAX_EVENTS events, as the shipped one) is one marshal snapshot
  (hamsyr.loading.cache._snapshot);
- a larger base is an SQLite file with the events also stored by their dates, actors, tags and sources in
  indexed columns, so a filtered query loads only candidate events (hamsyr.loading.cache._sqlite).
Either way each kind of record is built when a query first needs it.

The cache is never needed for correctness: a missing, stale, corrupt or unwritable cache is ignored
and the base is read from its file. Files are written under a temporary name and renamed into place,
so a reader never sees half a cache, and two processes writing at once leave one whole cache.
Set HAMSYR_NO_CACHE=1 to neither read nor write it.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from hamsyr.loading.cache._common import FORMAT, remove
from hamsyr.loading.cache._snapshot import open_snapshot, write_snapshot

if TYPE_CHECKING:
    from hamsyr.records.store import MemoryStore, RecordStore

SNAPSHOT_MAX_EVENTS = 2000  # above this, a filtered query reading indexed candidates beats reading all

try:  # the module behind hashlib.blake2b, without hashlib's OpenSSL start-up cost
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b

_CHUNK = 1 << 20
SNAPSHOT, SQLITE = ".marshal", ".sqlite"
# The code that decides what a valid base is and how it is stored: a change to it makes every cache stale.
_CODE_FOLDERS = (Path(__file__).parent, Path(__file__).parent.parent, Path(__file__).parent.parent.parent / "records")


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


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path | None:
    """Where caches live, or None when caching is switched off."""
    if environ.get("HAMSYR_NO_CACHE"):
        return None
    explicit = environ.get("HAMSYR_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "hamsyr"


def _stem(path: Path, digest: str, environ: Mapping[str, str]) -> Path | None:
    """The cache's path without its suffix (".marshal" or ".sqlite"), or None when caching is off."""
    folder = cache_dir(environ)
    if folder is None:
        return None
    place = _blake2b(str(path.resolve()).encode())[:12]
    content = _blake2b(f"{digest}\0{FORMAT}\0{marshal.version}\0{_code_stamp()}".encode())
    return folder / f"{place}-{content}"


def cache_file(path: Path, digest: str, environ: Mapping[str, str] = os.environ) -> Path | None:
    """The cache of the file with this content, if there is one."""
    stem = _stem(path, digest, environ)
    if stem is None:
        return None
    for suffix in (SNAPSHOT, SQLITE):
        if stem.with_suffix(suffix).is_file():
            return stem.with_suffix(suffix)
    return None


def _code_stamp() -> str:
    """Changes whenever the code that reads a base changes (an upgrade, an edit): the modules' sizes and
    times, not the package version, as reading metadata costs more than the cache saves."""
    stats = [entry.stat() for folder in _CODE_FOLDERS for entry in os.scandir(folder) if entry.name.endswith(".py")]
    return ",".join(sorted(f"{stat.st_size}:{stat.st_mtime_ns}" for stat in stats))


def open_cached(
    path: Path, digest: str, reread: Callable[[], MemoryStore], environ: Mapping[str, str] = os.environ
) -> RecordStore | None:
    """The records from the cache, or None when there is no usable cache for this content; `reread` reads
    the file instead, should the cache turn out damaged later."""
    target = cache_file(path, digest, environ)
    if target is None:
        return None
    if target.suffix == SQLITE:
        from hamsyr.loading.cache._sqlite import open_sqlite

        return open_sqlite(path, target, reread)
    return open_snapshot(path, target, reread)


def write_cache(path: Path, digest: str, store: RecordStore, environ: Mapping[str, str] = os.environ) -> None:
    """Store the records as the cache of `path` with this content; give up quietly if that is not possible."""
    stem = _stem(path, digest, environ)
    if stem is None:
        return
    small = store.event_count() <= SNAPSHOT_MAX_EVENTS
    target = stem.with_suffix(SNAPSHOT if small else SQLITE)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        remove(temporary)
        if small:
            write_snapshot(temporary, store)
        else:
            from hamsyr.loading.cache._sqlite import write_sqlite

            if not write_sqlite(temporary, store):
                remove(temporary)
                return
        os.replace(temporary, target)
        _prune(target)
    except OSError:
        remove(temporary)


def _prune(keep: Path) -> None:
    """Remove this base's caches for older contents (same path hash, other content hash) or the other form."""
    place = keep.name.split("-", 1)[0]
    for old in keep.parent.glob(f"{place}-*"):
        if old != keep and old.suffix in (SNAPSHOT, SQLITE):
            remove(old)
