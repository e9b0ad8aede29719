"""Writing files so that an interrupted run never leaves half of one: a temporary file renamed into place."""

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str, *, replace: bool = False) -> None:
    """Write `text` to `path` through a temporary file in the same folder, then rename it into place.

    An existing file is replaced only when `replace` is true; FileExistsError otherwise.
    """
    if path.exists() and not replace:
        raise FileExistsError(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes the file private; give it the usual mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
