"""A derived cache of parsed fact bases, so that a query skips TOML parsing and reads only what it needs.

One file per fact base, named by a hash of the file's path and of its content (and of the code that
reads it), under $HAMSYR_CACHE_DIR, else $XDG_CACHE_HOME/hamsyr, else ~/.cache/hamsyr. It comes in two
forms, by size:
- a small base (up to SNAPSHOT_MAX_EVENTS events, as the shipped one) is one marshal snapshot of its
  records' plain data, read whole in well under a millisecond: opening SQLite alone costs more;
- a larger base is an SQLite file (hamsyr.cache_sqlite) with events also stored by their dates, actors,
  tags and sources in indexed columns, so a filtered query loads only candidate events (and then checks
  them exactly as an in-memory query would).
Either way each kind of record is built when a query first needs it.

The cache is never needed for correctness: a missing, stale, corrupt or unwritable cache is ignored
and the base is read from its file. Files are written under a temporary name and renamed into place,
so a reader never sees half a cache, and two processes writing at once leave one whole cache.
Set HAMSYR_NO_CACHE=1 to neither read nor write it.
"""

import contextlib
import marshal
import os
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from hamsyr.factbase import FactBase
from hamsyr.model import Event, Record
from hamsyr.serialize import event_from_dict, record_dict, record_from_dict

FORMAT = "2"  # bump when the stored layout or the record fields change
SNAPSHOT_MAX_EVENTS = 2000  # above this, a filtered query reading indexed candidates beats reading all

try:  # the module behind hashlib.blake2b, without hashlib's OpenSSL start-up cost
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b

_CHUNK = 1 << 20
SNAPSHOT, SQLITE = ".marshal", ".sqlite"
KINDS = ("source", "actor", "event", "quote", "dispute", "phase")
_PLURALS = {"source": "sources", "actor": "actors", "quote": "quotes", "dispute": "disputes", "phase": "phases"}
# What reading a damaged snapshot can raise: marshal's errors, and records missing a field or of a wrong type.
_DAMAGE = (ValueError, EOFError, KeyError, TypeError, AttributeError, IndexError)


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


def _stem(path: Path, digest: str) -> Path | None:
    """The cache's path without its suffix (".marshal" or ".sqlite"), or None when caching is off."""
    folder = cache_dir()
    if folder is None:
        return None
    place = _blake2b(str(path.resolve()).encode())[:12]
    content = _blake2b(f"{digest}\0{FORMAT}\0{marshal.version}\0{_code_stamp()}".encode())
    return folder / f"{place}-{content}"


def cache_file(path: Path, digest: str) -> Path | None:
    """The cache of the file with this content, if there is one."""
    stem = _stem(path, digest)
    if stem is None:
        return None
    for suffix in (SNAPSHOT, SQLITE):
        if stem.with_suffix(suffix).is_file():
            return stem.with_suffix(suffix)
    return None


def _code_stamp() -> str:
    """Changes whenever the code that decides what a valid base is changes (an upgrade, an edit).

    The modules' sizes and times, not the package version: reading metadata costs more than the cache saves.
    """
    here = Path(__file__).parent
    names = ("schema", "model", "validation", "dates", "serialize", "cache", "cache_sqlite")
    stats = [(here / f"{name}.py").stat() for name in names]
    return ",".join(f"{stat.st_size}:{stat.st_mtime_ns}" for stat in stats)


def open_cached(path: Path, digest: str, reread: Callable[[], FactBase]) -> FactBase | None:
    """The fact base from its cache, or None when there is no usable cache for this content; `reread` reads
    the file instead, should the cache turn out damaged later."""
    target = cache_file(path, digest)
    if target is None:
        return None
    if target.suffix == SQLITE:
        from hamsyr.cache_sqlite import open_sqlite

        return open_sqlite(path, target, reread)
    try:
        data = marshal.loads(target.read_bytes())
        if not (isinstance(data, dict) and data.get("format") == FORMAT and all(k in data for k in KINDS)):
            raise ValueError("not a snapshot of this format")
    except (OSError, *_DAMAGE):
        # Corrupt, truncated or from an incompatible hamsyr: read the file instead, and write a new cache.
        remove(target)
        return None
    return FactBase(path, None, None, None, None, None, None, store=SnapshotStore(data, target, reread))


def write_cache(path: Path, digest: str, base: FactBase) -> None:
    """Store `base` as the cache of `path` with this content; give up quietly if that is not possible."""
    stem = _stem(path, digest)
    if stem is None:
        return
    small = len(base.events) <= SNAPSHOT_MAX_EVENTS
    target = stem.with_suffix(SNAPSHOT if small else SQLITE)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        remove(temporary)
        if small:
            data: dict[str, Any] = {kind: [record_dict(r) for r in getattr(base, _plural(kind))] for kind in KINDS}
            temporary.write_bytes(marshal.dumps({"format": FORMAT, **data}))
        else:
            from hamsyr.cache_sqlite import write_sqlite

            if not write_sqlite(temporary, base):
                remove(temporary)
                return
        os.replace(temporary, target)
        _prune(target)
    except OSError:
        remove(temporary)


def _plural(kind: str) -> str:
    return _PLURALS.get(kind, "events")


def _prune(keep: Path) -> None:
    """Remove this base's caches for older contents (same path hash, other content hash) or the other form."""
    place = keep.name.split("-", 1)[0]
    for old in keep.parent.glob(f"{place}-*"):
        if old != keep and old.suffix in (SNAPSHOT, SQLITE):
            remove(old)


def remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


class CachedStore:
    """What both forms of the cache share: once the cache turns out damaged part-way through a query, it
    is removed and every answer comes from the fact base file itself (`reread`), so that the cache is
    never needed for a correct answer."""

    def __init__(self, target: Path, reread: Callable[[], FactBase]) -> None:
        self._target = target
        self._reread = reread
        self._file_base: FactBase | None = None

    def _from_file(self) -> FactBase:
        if self._file_base is None:
            self._close()
            remove(self._target)
            self._file_base = self._reread()
        return self._file_base

    def _close(self) -> None:
        """Let go of the cache file before it is removed."""

    def _records_from_file(self, kind: str) -> tuple[Record, ...]:
        found: tuple[Record, ...] = getattr(self._from_file(), _plural(kind))
        return found


class SnapshotStore(CachedStore):
    """The records of a small cached base, from its snapshot: plain data, made records kind by kind."""

    def __init__(self, data: dict[str, Any], target: Path, reread: Callable[[], FactBase]) -> None:
        super().__init__(target, reread)
        self._data = data
        self._events: tuple[Event, ...] | None = None

    def records(self, kind: str) -> tuple[Record, ...]:
        if self._file_base is None:
            with contextlib.suppress(*_DAMAGE):
                return tuple(record_from_dict(kind, data) for data in self._data[kind])
        return self._records_from_file(kind)

    def count(self) -> int:
        return len(self.all())

    def all(self) -> tuple[Event, ...]:
        if self._events is None:
            if self._file_base is None:
                with contextlib.suppress(*_DAMAGE):
                    self._events = tuple(event_from_dict(data) for data in self._data["event"])
            if self._events is None:
                self._events = self._from_file().events
        return self._events

    def tags(self) -> list[str]:
        return sorted({tag for event in self.all() for tag in event.tags})

    def candidates(
        self, actors: Sequence[str], since: date | None, until: date | None, tags: Sequence[str], source: str | None
    ) -> tuple[Event, ...]:
        """Every event: at this size checking each is as quick as narrowing them first."""
        return self.all()
