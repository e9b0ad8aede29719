"""Where the cache lives, and opening it: one SQLite database per base (hamsyr.loading.database).

A base's database is named by a digest of the paths it was asked for and of the hamsyr that wrote it
(its version and the database's layout), under $HAMSYR_CACHE_DIR, else $XDG_CACHE_HOME/hamsyr, else
~/.cache/hamsyr (absolute paths only, as the XDG specification asks). It holds every file of the base with
the identity the file had when it was read (device, inode, size, modification and change times) and a
digest of its content: a query whose files all have the identity stored reads nothing else; a file whose
identity changed is digested, and read again only when its content did change. (A file changed within two
seconds of being read could keep its identity on a coarse clock: such a file is digested until it is older.)

The cache is optional by construction. It is used only in a folder owned by the user that nobody else may
write, the one boundary that matters: whoever can write there could as well change the user's own programs.
Anything that goes wrong with it (no folder, a read-only disk, a full one, damage, a lock held by another
process for too long, too few file handles) makes the query answer from the files themselves, never fail.
hamsyr removes only files it names `hamsyr-*.sqlite` (and their SQLite journals) in that folder: a database
found damaged, and the least recently written ones beyond KEEP. Set HAMSYR_NO_CACHE=1 to use no cache.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sqlite3
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path

from hamsyr.loading.database import LAYOUT, Database, remove_database
from hamsyr.loading.files import content_digest

KEEP = 32  # databases kept in the folder: one per base asked for
_PREFIX, _SUFFIX = "hamsyr-", ".sqlite"
# Seconds to wait for the database while another process writes it (filling a large base can take a while);
# readers hold it only for the moment a statement takes.
WAIT = 60.0


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path | None:
    """Where caches live, or None when caching is switched off or there is no home to keep them in.
    Relative paths are ignored (as the XDG specification asks), and so is an empty HOME."""
    if environ.get("HAMSYR_NO_CACHE", "").strip() not in ("", "0"):
        return None
    explicit = environ.get("HAMSYR_CACHE_DIR", "")
    if explicit and Path(explicit).is_absolute():
        return Path(explicit)
    xdg = environ.get("XDG_CACHE_HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "hamsyr"
    home = environ.get("HOME", "")
    if not (home and Path(home).is_absolute()):
        home = _home_of_user()
    return Path(home) / ".cache" / "hamsyr" if home else None


def _home_of_user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_dir
    except (ImportError, KeyError, AttributeError, OSError):  # pragma: no cover - no user database
        return ""


def trusted(folder: Path) -> bool:
    """A folder the user owns and nobody else may write: only there is a cache believed."""
    try:
        status = os.lstat(folder)
    except (OSError, ValueError):
        return False
    mine = not hasattr(os, "getuid") or status.st_uid == os.getuid()
    return stat.S_ISDIR(status.st_mode) and mine and not status.st_mode & 0o022


def database_path(folder: Path, named: Sequence[Path], version: str) -> Path:
    """The database of the base asked for by these paths, written by this version of hamsyr."""
    key = [version, str(LAYOUT), str(marshal.version), *(os.path.abspath(path) for path in named)]
    digest = content_digest("\0".join(key).encode("utf-8", "surrogatepass"))
    return folder / f"{_PREFIX}{digest}{_SUFFIX}"


def open_database(named: Sequence[Path], version: str, environ: Mapping[str, str] = os.environ) -> Database | None:
    """The cached database of this base (made empty when new), or None when there is no usable cache folder
    or the database cannot be opened."""
    folder = cache_dir(environ)
    if folder is None:
        return None
    try:
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
        if not trusted(folder):
            return None
        path = database_path(folder, named, version)
        for _ in range(2):
            if not path.exists():
                _make_room(folder)
                # Made private before SQLite opens it: the records of a base are the user's business.
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            connection = sqlite3.connect(path, timeout=WAIT, check_same_thread=False)
            try:
                connection.execute("PRAGMA synchronous = OFF")  # a cache: after a power cut, found damaged
                connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return Database(connection, path)
            except sqlite3.DatabaseError as error:
                connection.close()
                if isinstance(error, sqlite3.OperationalError):  # locked, or the disk unreadable: not now
                    return None
                remove_database(path)  # not a database (damaged, or truncated): made anew
    except (OSError, sqlite3.Error, ValueError):
        return None
    return None


def _make_room(folder: Path) -> None:
    """Remove the least recently written databases beyond KEEP - 1, to make room for a new one."""
    found = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith(_PREFIX) and entry.name.endswith(_SUFFIX) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    found.append((entry.stat(follow_symlinks=False).st_mtime_ns, Path(entry.path)))
    for _, path in sorted(found)[: max(0, len(found) - (KEEP - 1))]:
        remove_database(path)
