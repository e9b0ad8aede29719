"""Where tables go: a Rich console for the output, and the pager.

Rich's console decides, from the output and the environment passed in (tests pass a dict), the width
(COLUMNS wins; 80 when not a terminal), the colours (only on a terminal or with FORCE_COLOR; none with
NO_COLOR, https://no-color.org, which keeps bold and dim; no styles when TERM is "dumb") and the encoding
(ASCII boxes where box-drawing characters cannot be written).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import IO, TYPE_CHECKING

from hamsyr._inert import visible

if TYPE_CHECKING:
    from rich.console import Console
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
