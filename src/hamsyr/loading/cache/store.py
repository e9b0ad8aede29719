"""A derived cache of parsed fact base files, so that a query skips TOML parsing and reads only what it needs.

One cache per fact base file (a base of several files has one for each, so that editing one file re-reads
only that one), named by a hash of the file's path and of its content (and of the code that
reads it), under $HAMSYR_CACHE_DIR, else $XDG_CACHE_HOME/hamsyr, else ~/.cache/hamsyr. It comes in two
forms, by size:
- a small file (up to SNAPSHOT_MAX_EVENTS events, as the shipped one) is one marshal snapshot
  (hamsyr.loading.cache._snapshot);
- a larger file is an SQLite file with the events also stored by their dates, actors, tags and sources in
  indexed columns, so a filtered query loads only candidate events (hamsyr.loading.cache._sqlite).
Either way each kind of record is built when a query first needs it.

The cache is never needed for correctness, and can never change an answer: it is used only in a folder
owned by the user and writable by nobody else, and each cache is sealed (hamsyr.loading.cache._common.Seal)
with the digest of the base it came from and keyed digests of its contents, under a key kept in that folder
(readable by the user alone). A missing, stale, corrupt, forged or unwritable cache is ignored and the base
read from its file (and cached anew). Files are written under a temporary name and renamed into place, so a
reader never sees half a cache, and two processes writing at once leave one whole cache; temporary files a
killed run left are removed after a day. Set HAMSYR_NO_CACHE=1 to neither read nor write it.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hamsyr.loading.cache._common import FORMAT, Seal, blake2b, remove
from hamsyr.loading.cache._common import CachedStore as CachedStore  # what a cache opens as
from hamsyr.loading.cache._common import Manifest as Manifest  # what a cache keeps besides records
from hamsyr.loading.cache._snapshot import open_snapshot, write_snapshot
from hamsyr.records.model import RECORD_TYPES

if TYPE_CHECKING:
    from hamsyr.loading.cache._sqlite import SqliteWriter
    from hamsyr.records.store import MemoryStore, RecordStore

_PLURALS = tuple(record_type.plural for record_type in RECORD_TYPES)

SNAPSHOT_MAX_EVENTS = 2000  # above this, a filtered query reading indexed candidates beats reading all

_CHUNK = 1 << 20
SNAPSHOT, SQLITE = ".marshal", ".sqlite"
# The code that decides what a valid base is and how it is stored: a change to it makes every cache stale.
_CODE_FOLDERS = (Path(__file__).parent, Path(__file__).parent.parent, Path(__file__).parent.parent.parent / "records")


def _blake2b(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


# Files this large are hashed with SHA-256, which processors with SHA extensions compute 2-3 times faster
# than BLAKE2b; smaller ones with BLAKE2b, sparing the 4 ms it takes to import OpenSSL's hashes. Which one
# depends only on the size, so a file's key is the same whatever else is loaded with it.
_SHA256_FROM = 4 << 20


def _hasher(size: int) -> Any:
    if size < _SHA256_FROM:
        return blake2b(digest_size=16)
    import hashlib

    return hashlib.sha256()


def digest_bytes(data: bytes) -> str:
    """The content key of a fact base already in memory."""
    hasher = _hasher(len(data))
    hasher.update(data)
    return str(hasher.hexdigest())


def digest_file(path: Path) -> str:
    """The content key of a fact base file, read a chunk at a time so that a large file is never held whole."""
    with path.open("rb") as file:
        hasher = _hasher(os.fstat(file.fileno()).st_size)
        while chunk := file.read(_CHUNK):
            hasher.update(chunk)
    return str(hasher.hexdigest())


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path | None:
    """Where caches live, or None when caching is switched off or there is no home to keep them in.
    Relative paths are ignored (as the XDG specification asks), and so is an empty HOME."""
    if environ.get("HAMSYR_NO_CACHE"):
        return None
    explicit = environ.get("HAMSYR_CACHE_DIR", "")
    if Path(explicit).is_absolute():
        return Path(explicit)
    xdg = environ.get("XDG_CACHE_HOME", "")
    if Path(xdg).is_absolute():
        return Path(xdg) / "hamsyr"
    home = _home(environ)
    return home / ".cache" / "hamsyr" if home is not None else None


def _home(environ: Mapping[str, str]) -> Path | None:
    home = environ.get("HOME", "")
    if Path(home).is_absolute():
        return Path(home)
    try:
        import pwd

        return Path(pwd.getpwuid(os.getuid()).pw_dir)
    except (ImportError, KeyError, AttributeError):  # pragma: no cover - no user database
        return None


def _trusted(folder: Path) -> bool:
    """A folder the user owns and nobody else may write: only there is a cache believed."""
    try:
        status = os.lstat(folder)
    except OSError:
        return False
    mine = not hasattr(os, "getuid") or status.st_uid == os.getuid()
    return stat.S_ISDIR(status.st_mode) and mine and not status.st_mode & 0o022


_KEY = "key"


def _seal(folder: Path, digest: str, create: bool) -> Seal | None:
    """The seal of caches in `folder` for the base with this content, from the folder's key (made, when
    `create` is true and there is none, readable by the user alone); None when the key is not to be trusted."""
    path = folder / _KEY
    if create and not path.exists():
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(handle, "wb") as out:
                out.write(os.urandom(32))
    try:
        status = os.lstat(path)
        if not stat.S_ISREG(status.st_mode) or status.st_mode & 0o077:
            return None
        if hasattr(os, "getuid") and status.st_uid != os.getuid():
            return None
        key = path.read_bytes()
    except OSError:
        return None
    return Seal(key, digest) if len(key) == 32 else None


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
) -> CachedStore | None:
    """The records from the cache, or None when there is no usable cache for this content; `reread` reads
    the file instead, should the cache turn out damaged later."""
    target = cache_file(path, digest, environ)
    if target is None or not _trusted(target.parent):
        return None
    seal = _seal(target.parent, digest, create=False)
    if seal is None:
        return None
    if target.suffix == SQLITE:
        from hamsyr.loading.cache._sqlite import open_sqlite

        return open_sqlite(path, target, reread, seal)
    return open_snapshot(path, target, reread, seal)


def write_cache(
    path: Path, digest: str, store: RecordStore, manifest: Manifest, environ: Mapping[str, str] = os.environ
) -> None:
    """Store the records as the cache of `path` with this content; give up quietly if that is not possible."""
    if store.event_count() > SNAPSHOT_MAX_EVENTS:
        writer = sqlite_writer(path, digest, environ)
        if writer is not None:
            try:
                for plural in _PLURALS:
                    for record in store.records(plural):
                        writer.add(plural, record)
            except (OSError, _sqlite_error()):
                writer.discard()
                return
            publish(writer, path, digest, manifest, environ)
        return
    target = _target(path, digest, SNAPSHOT, environ)
    seal = _writable_seal(target, digest) if target is not None else None
    if target is None or seal is None:
        return
    temporary = _temporary(target)
    try:
        write_snapshot(temporary, store, seal, manifest)
        os.replace(temporary, target)
        _prune(target)
    except OSError:
        remove(temporary)


def sqlite_writer(path: Path, digest: str, environ: Mapping[str, str] = os.environ) -> SqliteWriter | None:
    """A writer of the SQLite cache of `path` with this content, into a temporary file beside where the cache
    goes (`publish` puts it in place); None when there is nowhere trusted to write it."""
    target = _target(path, digest, SQLITE, environ)
    seal = _writable_seal(target, digest) if target is not None else None
    if target is None or seal is None:
        return None
    from hamsyr.loading.cache._sqlite import SqliteWriter

    temporary = _temporary(target)
    remove(temporary)
    try:
        return SqliteWriter(temporary, seal)
    except (OSError, _sqlite_error()):
        remove(temporary)
        return None


def publish(writer: SqliteWriter, path: Path, digest: str, manifest: Manifest, environ: Mapping[str, str]) -> bool:
    """Seal what `writer` wrote and put it in place as the cache of `path`; False when that failed (the
    temporary file is removed)."""
    target = _target(path, digest, SQLITE, environ)
    try:
        if target is None:
            raise OSError("caching was switched off")
        writer.finish(manifest)
        os.replace(writer.target, target)
    except (OSError, _sqlite_error()):
        writer.discard()
        return False
    _prune(target)
    return True


def _sqlite_error() -> type[Exception]:
    import sqlite3

    return sqlite3.Error


def _target(path: Path, digest: str, suffix: str, environ: Mapping[str, str]) -> Path | None:
    stem = _stem(path, digest, environ)
    return stem.with_suffix(suffix) if stem is not None else None


def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def _writable_seal(target: Path, digest: str) -> Seal | None:
    """The seal to write a cache at `target` with, making its folder (private) and key when needed; None
    when the folder cannot be made or is not to be trusted."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return _seal(target.parent, digest, create=True) if _trusted(target.parent) else None


def combination_key(files: Sequence[tuple[str, str]]) -> str | None:
    """What names a set of files with these contents ((path, digest) each, in order) as one base; None for
    a single file (nothing to check between files) or one read from standard input (no content to name)."""
    if len(files) < 2 or any(path == "-" for path, _ in files):
        return None
    return _blake2b("\0".join(f"{path}\0{digest}" for path, digest in files).encode("utf-8", "surrogatepass"))


def combination_checked(key: str, environ: Mapping[str, str] = os.environ) -> bool:
    """Whether these files were found, together, to have no problems between them (and that finding sealed
    by this user's key)."""
    folder = cache_dir(environ)
    if folder is None or not _trusted(folder):
        return False
    seal = _seal(folder, key, create=False)
    try:
        return seal is not None and (folder / f"together-{key}.ok").read_text(encoding="ascii") == seal.mac(FORMAT)
    except (OSError, UnicodeError):
        return False


def remember_combination(key: str, environ: Mapping[str, str] = os.environ) -> None:
    """Note (sealed) that these files have no problems between them; give up quietly if that is not possible."""
    folder = cache_dir(environ)
    target = folder / f"together-{key}.ok" if folder is not None else None
    seal = _writable_seal(target, key) if target is not None else None
    if target is None or seal is None:
        return
    temporary = _temporary(target)
    try:
        temporary.write_text(seal.mac(FORMAT), encoding="ascii")
        os.replace(temporary, target)
    except OSError:
        remove(temporary)
        return
    now = time.time()
    for old in folder.glob("together-*.ok"):  # type: ignore[union-attr]
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > 30 * STALE_SECONDS:
                remove(old)


STALE_SECONDS = 24 * 3600  # a temporary file this old was left by a run that was killed


def _prune(keep: Path) -> None:
    """Remove this base's caches for older contents (same path hash, other content hash) or the other form,
    and temporary files that killed runs left behind."""
    place = keep.name.split("-", 1)[0]
    for old in keep.parent.glob(f"{place}-*"):
        if old != keep and old.suffix in (SNAPSHOT, SQLITE):
            remove(old)
    now = time.time()
    for temporary in keep.parent.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            if now - temporary.stat().st_mtime > STALE_SECONDS:
                remove(temporary)
