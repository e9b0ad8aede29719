"""Where tables go: a Rich console for the output, and the pager; and the progress bar of a long load.

Rich's console decides, from the output and the environment passed in (tests pass a dict), the width
(COLUMNS wins; 80 when not a terminal), the colours (only on a terminal or with FORCE_COLOR; none with
NO_COLOR, https://no-color.org, which keeps bold and dim; no styles when TERM is "dumb") and the encoding
(ASCII boxes where box-drawing characters cannot be written).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

from hamsyr._inert import visible

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID
    from rich.theme import Theme

# Widths beyond this are taken as this: a table is laid out in memory, and a huge COLUMNS would only cost.
MAX_WIDTH = 1000
# What the characters hamsyr draws with become where the output cannot encode them.
_ASCII = str.maketrans({"─": "-", "━": "=", "⚑": "!", "“": '"', "”": '"', "→": "->", "…": "...", "•": "*"})


def console_for(out: IO[str], environ: Mapping[str, str], theme: Theme) -> Console:
    """A Rich console for `out`: untrusted text is never read as markup, emoji codes or highlighted, and
    named styles come from `theme`."""
    from rich.console import Console

    console = Console(
        file=out,
        markup=False,
        emoji=False,
        highlight=False,
        legacy_windows=False,
        theme=theme,
        _environ=environ,
    )
    console.width = min(console.width, MAX_WIDTH) if console.width > 0 else 80
    return console


def show(console: Console, draw: Callable[[], None], page: bool = False, environ: Mapping[str, str] = {}) -> None:
    """Draw (with `draw`, printing to `console`) and write the result; with `page`, output taller than the
    terminal goes through a pager ($PAGER, else less)."""
    with console.capture() as captured:
        draw()
    # Rich pads every cell to its column's width: the spaces at the ends of lines are only that padding.
    text = "\n".join(line.rstrip(" ") for line in captured.get().split("\n"))
    if console.options.ascii_only:
        text = text.translate(_ASCII).encode(console.encoding, "replace").decode(console.encoding)
    isatty = getattr(console.file, "isatty", None)
    if not (page and isatty and isatty()) or text.count("\n") <= console.height or not _paged(text, environ):
        console.file.write(text)


def _paged(text: str, environ: Mapping[str, str]) -> bool:
    """Send the text through $PAGER (else less, told to keep colours, quit on one screen and not clear it);
    False, after a one-line warning, when the pager cannot run or fails, so that the caller writes the text
    itself and nothing is lost."""
    import shlex
    import subprocess
    import sys

    command = environ.get("PAGER") or "less"
    try:
        argv = shlex.split(command)
        pager = subprocess.Popen(argv, stdin=subprocess.PIPE, env={**environ, "LESS": environ.get("LESS", "-FRX")})
    except (OSError, ValueError, IndexError) as error:
        sys.stderr.write(f"hamsyr: the pager {visible(command)!r} cannot run ({error}); writing to the terminal\n")
        return False
    assert pager.stdin is not None
    try:
        pager.stdin.write(text.encode(getattr(sys.stdout, "encoding", None) or "utf-8", "replace"))
        pager.stdin.close()
    except BrokenPipeError:  # the reader quit early, as a pager may
        pass
    status = pager.wait()
    if status not in (0, -13):
        sys.stderr.write(
            f"hamsyr: the pager {visible(command)!r} ended with status {status}; writing to the terminal\n"
        )
        return False
    return True


PROGRESS_AFTER = 0.5  # seconds: a load quicker than this shows nothing


class LoadProgress:
    """A progress bar on stderr while a fact base loads (hamsyr.loading.load.Progress): drawn only on a
    terminal, only once the load has taken half a second, and gone when it ends. Rich is imported only then,
    and draws only when told (no refresh thread: the loader may fork helper processes)."""

    def __init__(self, stream: IO[str], environ: Mapping[str, str]) -> None:
        self._stream = stream
        self._environ = environ
        self._started = time.monotonic()
        self._terminal = stream.isatty()
        self._progress: Progress | None = None
        self._tasks: dict[Path, TaskID] = {}

    def reading(self, path: Path, done: int, total: int) -> None:
        """Characters of a file parsed and checked so far."""
        progress = self._shown()
        if progress is not None:
            task = self._task(progress, path)
            progress.update(task, total=total, completed=done)
            progress.refresh()

    def writing(self, path: Path) -> None:
        """A file is read; its cache is being indexed."""
        progress = self._shown()
        if progress is not None:
            task = self._task(progress, path)
            progress.update(task, description=f"Indexing the cache of {visible(path.name)}", total=None)
            progress.refresh()

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()

    def _task(self, progress: Progress, path: Path) -> TaskID:
        task = self._tasks.get(path)
        if task is None:
            number = len(self._tasks) + 1
            task = self._tasks[path] = progress.add_task(f"Reading file {number}, {visible(path.name)}", total=None)
        return task

    def _shown(self) -> Progress | None:
        if self._progress is None and self._terminal and time.monotonic() - self._started >= PROGRESS_AFTER:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

            console = Console(file=self._stream, markup=False, emoji=False, highlight=False, _environ=self._environ)
            columns = (TextColumn("{task.description}", markup=False), BarColumn(), TaskProgressColumn())
            self._progress = Progress(
                *columns, TimeElapsedColumn(), console=console, transient=True, auto_refresh=False
            )
            self._progress.start()
        return self._progress
