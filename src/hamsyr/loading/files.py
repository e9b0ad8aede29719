"""Which files make a fact base, and reading one safely.

A base is one or more files: those given (`--data`, `$HAMSYR_DATA`, else the shipped base), a folder standing
for every `*.toml` file in it (in name order), `@shipped` for the shipped base, `-` for standard input (only
from the command line: a file cannot name it). Only regular files are read, each once, up to a size limit.
Every way a file can fail to be read becomes a FactBaseError naming it.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from hamsyr.errors import FactBaseError

try:  # the module behind hashlib.blake2b, without the 4 ms hashlib takes to set up OpenSSL's hashes
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b

ENV_VAR = "HAMSYR_DATA"  # a list of paths, separated as PATH is (":" here)
SHIPPED = "@shipped"  # names the shipped base wherever a path is accepted
STDIN = Path("-")  # `--data -`: a fact base on standard input
# Parsing TOML takes several times the text's size in memory, so larger files are refused unless the user
# raises the limit; a cached base needs no parsing.
MAX_MB_VAR = "HAMSYR_MAX_MB"
DEFAULT_MAX_MB = 128
_LARGEST_MB = 1 << 30  # a limit beyond any real memory: larger numbers are taken as this
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
PathLike = str | os.PathLike[str]


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
    """The files a name stands for: `@shipped`, `-` (only when given on the command line, `folder` None), a
    folder's `*.toml` files in name order, or the file itself; a relative path is taken from `folder` when
    given (the folder of the file naming it). FactBaseError when the name cannot be followed."""
    text = os.fspath(name)
    if text == SHIPPED:
        return [shipped_path()]
    if text == "-":
        if folder is None:
            return [STDIN]
        raise FactBaseError.at("-", "standard input can only be named on the command line (--data -), not by a file")
    path = Path(text)
    if folder is not None and not path.is_absolute():
        path = Path(os.path.normpath(folder / path))  # "team/../more.toml" named as "more.toml"
    try:
        is_folder = path.is_dir()
        if not is_folder:
            return [path]
        files = sorted(
            (entry for entry in path.iterdir() if entry.suffix == ".toml" and not entry.name.startswith(".")),
            key=lambda entry: entry.name,
        )
    except (OSError, RuntimeError) as error:  # too long a name, a loop of links, a folder that cannot be listed
        raise FactBaseError.at(path, f"cannot be read ({_reason(error)}); check the path") from None
    if not files:
        raise FactBaseError.at(path, "is a folder with no .toml files in it; pass a fact base file or a folder of them")
    return files


def identity(path: Path) -> tuple[int, int, int, int, int]:
    """What changes when a file does (device, inode, size, modification and change times), from one stat
    that follows links; FactBaseError when it cannot be had or the path is not a regular file."""
    try:
        status = path.stat()
    except (OSError, RuntimeError) as error:
        raise _unreadable(path, error) from None
    _require_regular(path, status.st_mode)
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def read_bytes(path: Path, environ: Mapping[str, str] = os.environ) -> bytes:
    """The whole of a regular file (or of standard input, for `-`), read once; refused with a message when
    it is something else (a folder, a device, a pipe: they can be endless, or change between two reads), or
    larger than the limit, which is checked on the bytes read."""
    limit = max_megabytes(environ) * 1_000_000
    try:
        if path == STDIN:
            data = _read_up_to(sys.stdin.buffer, limit + 1)
        else:
            with _open_regular(path) as file:
                data = _read_up_to(file, limit + 1)
    except (OSError, RuntimeError) as error:
        raise _unreadable(path, error) from None
    if len(data) > limit:
        size = len(data) if path == STDIN else max(len(data), _size(path))
        more = "more than " if path == STDIN else ""
        raise FactBaseError.at(
            path,
            f"{more}{size / 1e6:.0f} MB is more than hamsyr parses ({limit // 1_000_000} MB); split the base into "
            f"several files, or set {MAX_MB_VAR} to a larger number of megabytes",
        )
    return data


def _read_up_to(file: BinaryIO, most: int) -> bytes:
    """At most `most` bytes of a file, read a chunk at a time (one read of `most` bytes would set aside that
    much memory first, however small the file)."""
    chunks, size = [], 0
    while size < most and (chunk := file.read(min(_CHUNK, most - size))):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


_CHUNK = 1 << 24


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _open_regular(path: Path) -> BinaryIO:
    # A stat, not an open, decides: opening a named pipe would wait for a writer.
    _require_regular(path, path.stat().st_mode)
    return path.open("rb")


def _require_regular(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise FactBaseError.at(path, "is a folder where a file was expected; pass the path of a .toml fact base")
    if not stat.S_ISREG(mode):
        raise FactBaseError.at(
            path,
            "is not a regular file (a device, a pipe or a socket); pass the path of a .toml fact base, or "
            "--data - to read one from standard input",
        )


def _unreadable(path: Path, error: BaseException) -> FactBaseError:
    if isinstance(error, FileNotFoundError):
        return FactBaseError.at(path, f"no such file; pass --data PATH or set {ENV_VAR} to a fact base")
    if isinstance(error, IsADirectoryError):
        return FactBaseError.at(path, "is a folder where a file was expected; pass the path of a .toml fact base")
    return FactBaseError.at(path, f"cannot be read ({_reason(error)}); check the path and its permissions")


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return "a loop of symbolic links" if "loop" in str(error).lower() else str(error)


def content_digest(data: bytes) -> str:
    """What a file's content is known by: its BLAKE2b digest (128 bits)."""
    return str(blake2b(data, digest_size=16).hexdigest())


def max_megabytes(environ: Mapping[str, str] = os.environ) -> int:
    """The size limit from $HAMSYR_MAX_MB: a whole, positive number of megabytes written in ASCII digits."""
    value = environ.get(MAX_MB_VAR, "").strip()
    if not value:
        return DEFAULT_MAX_MB
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise FactBaseError.at(MAX_MB_VAR, f"{value!r} is not a whole, positive number of megabytes")
    return _LARGEST_MB if len(value) > 10 else min(int(value), _LARGEST_MB)
