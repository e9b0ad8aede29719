"""Writing outputs so that an interrupted run never leaves half of one: everything is built under a temporary
name in the target's folder and renamed into place. The one writer for files and folders alike."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hamsyr.errors import WriteFailed


def write_atomic(path: Path, text: str, *, replace: bool = False) -> None:
    """Write `text` to `path`; an existing file is replaced only when `replace` is true."""
    with atomic_path(path, replace=replace) as temporary:
        temporary.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def atomic_path(target: Path, *, replace: bool = False, folder: bool = False) -> Iterator[Path]:
    """A temporary path (an empty folder with `folder`) beside `target` to build the output in; renamed to
    `target` when the block ends, removed if it fails. An existing target is replaced only with `replace`."""
    if target.exists() and not replace:
        raise WriteFailed(f"{target} already exists; pass --force to replace it")
    parent = target.parent
    prefix, suffix = f".{target.name}.", ".tmp"
    made = tempfile.mkdtemp(dir=parent, prefix=prefix, suffix=suffix) if folder else None
    if made is None:
        handle, made = tempfile.mkstemp(dir=parent, prefix=prefix, suffix=suffix)
        os.close(handle)
    temporary = Path(made)
    try:
        yield temporary
        # mkstemp and mkdtemp make private files; give the output the mode any new file or folder would have.
        os.chmod(temporary, (0o777 if folder else 0o666) & ~_umask())
        _move_into_place(temporary, target)
    except BaseException:
        if temporary.is_dir():
            shutil.rmtree(temporary, ignore_errors=True)
        else:
            temporary.unlink(missing_ok=True)
        raise


def _move_into_place(built: Path, target: Path) -> None:
    """Move a finished file or folder to `target`, replacing what is there (the caller asked to)."""
    if target.is_dir() and not target.is_symlink():
        aside = target.with_name(f".{target.name}.old.{os.getpid()}")
        os.replace(target, aside)
        os.replace(built, target)
        shutil.rmtree(aside, ignore_errors=True)
    else:
        os.replace(built, target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
