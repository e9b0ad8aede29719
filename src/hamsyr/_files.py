"""Writing outputs so that nothing the user owns is lost and an interrupted run never leaves half of one.

Every file and folder is built under a temporary name beside its target and renamed into place at the end,
or removed if anything fails (a full disk, an interruption). An existing target is replaced only with
`replace` (`--force`), and only when it is a regular file or a folder hamsyr wrote (it holds the MARKER
file); anything else is refused. A file at a path the user did not name (the Datasette metadata beside a
database) is given a `signature`, and replaced only when it begins with it: only when hamsyr wrote it. A
device or a named pipe (`/dev/stdout`, a FIFO) is written through, never replaced, unless the output needs
a real file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hamsyr.errors import OutputRefused, WriteFailed

MARKER = ".hamsyr-export"  # in every folder hamsyr writes: what --force may replace
_MARKER_TEXT = "Written by hamsyr export. `hamsyr export --force` may replace this folder and all it holds.\n"
_NAME_ROOM = 100  # the temporary name keeps this much of the target's name (a long one would overflow)


def write_atomic(path: Path, text: str, *, replace: bool = False) -> None:
    """Write `text` to `path` (see the module's rules)."""
    with atomic_path(path, replace=replace) as temporary, open(temporary, "w", encoding="utf-8") as out:
        out.write(text)


@contextlib.contextmanager
def atomic_path(
    target: Path,
    *,
    replace: bool = False,
    folder: bool = False,
    seekable: bool = False,
    signature: bytes | None = None,
) -> Iterator[Path]:
    """A path (an empty folder with `folder`) to build the output in, renamed to `target` when the block ends
    and removed if it fails. A device or named pipe is the path itself, written through, unless the output
    is a folder or needs a `seekable` file (a database). With a `signature`, an existing file is replaced
    only when it begins with those bytes."""
    kind = _existing(target)
    if kind == "stream":
        if folder:
            raise OutputRefused(f"{target} is a device or a pipe, not a folder; give the path of a new folder")
        if seekable:
            raise OutputRefused(f"{target} is a device or a pipe, which cannot hold a database; give a file's path")
        yield target
        return
    if kind == "file" and signature is not None and not _begins_with(target, signature):
        raise OutputRefused(
            f"{target} is a file hamsyr did not write, so it is not replaced; move it or give another path"
        )
    if kind is not None:
        _check_replaceable(target, kind, replace, folder)
    temporary = _temporary(target, folder)
    try:
        yield temporary
        if folder:
            (temporary / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
        # mkstemp and mkdtemp make private files; give the output the mode any new file or folder would have.
        os.chmod(temporary, (0o777 if folder else 0o666) & ~_umask())
        _move_into_place(temporary, target)
    except BaseException:
        _remove(temporary)
        raise


def _existing(target: Path) -> str | None:
    """What is at `target`: None, "file", "folder", "link", "stream" (a device or pipe) or "other"."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return None
    except OSError as error:  # a name too long, a folder on the way that is a file or cannot be read
        raise WriteFailed(f"cannot write {target} ({error.strerror or error}); give another path") from None
    if stat.S_ISLNK(mode):
        resolved = _existing_followed(target)
        return "stream" if resolved == "stream" else "link"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return "stream"
    return "other"


def _begins_with(path: Path, signature: bytes) -> bool:
    try:
        with open(path, "rb") as existing:
            return existing.read(len(signature)) == signature
    except OSError:
        return False


def _existing_followed(target: Path) -> str | None:
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return None
    return "stream" if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) else None


def _check_replaceable(target: Path, kind: str, replace: bool, folder: bool) -> None:
    if kind == "folder" and not (target / MARKER).is_file():
        raise OutputRefused(f"{target} is a folder hamsyr did not write; give the path of a new file or folder")
    if kind == "folder" and not folder:
        raise OutputRefused(f"{target} is a folder; give the path of a file")
    if kind in ("link", "other"):
        what = "a symbolic link" if kind == "link" else "not a regular file"
        raise OutputRefused(f"{target} is {what}, which hamsyr does not replace; give another path")
    if kind == "file" and folder:
        raise OutputRefused(f"{target} is a file; give the path of a folder")
    if not replace:
        raise OutputRefused(f"{target} already exists; pass --force to replace it")


def _temporary(target: Path, folder: bool) -> Path:
    parent = target.parent
    prefix, suffix = f".{target.name[:_NAME_ROOM]}.", ".tmp"
    if folder:
        return Path(tempfile.mkdtemp(dir=parent, prefix=prefix, suffix=suffix))
    handle, made = tempfile.mkstemp(dir=parent, prefix=prefix, suffix=suffix)
    os.close(handle)
    return Path(made)


def _move_into_place(built: Path, target: Path) -> None:
    """Move a finished file or folder to `target`, replacing what is there (it was checked replaceable)."""
    if target.is_dir() and not target.is_symlink():
        aside = target.with_name(f".{target.name[:_NAME_ROOM]}.old.{os.getpid()}")
        os.replace(target, aside)
        os.replace(built, target)
        shutil.rmtree(aside, ignore_errors=True)
    else:
        os.replace(built, target)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # what SQLite may leave beside a database it was writing
        path.with_name(f"{path.name}-journal").unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
