"""Where tables go: the output's width and height, whether it shows styles, and writing styled lines to it.

The rules follow Rich's and https://no-color.org: styles only on a terminal (or with FORCE_COLOR), none
when TERM is "dumb"; NO_COLOR drops colours but keeps bold, dim and the like; COLUMNS and LINES win over
the terminal's own size, and output that is not a terminal is 80 columns wide.
"""

import os
import shutil
from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter
from typing import IO, NamedTuple

from hamsyr.styled import Line

_ATTRIBUTES = {"bold": "1", "dim": "2", "italic": "3", "underline": "4", "reverse": "7"}
_COLOURS = {"red": "31", "green": "32", "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36"}
# What the characters hamsyr draws with become where the output cannot encode them.
_ASCII = str.maketrans({"─": "-", "⚑": "!", "“": '"', "”": '"', "→": "->", "…": "...", "•": "*"})


class Screen(NamedTuple):
    width: int
    height: int
    styles: bool  # bold, dim, italic, reverse
    colours: bool
    unicode: bool  # the output can encode box-drawing characters
    terminal: bool = False  # the output is a terminal (only then may a pager take it)
    encoding: str = "utf-8"


def _isatty(out: IO[str]) -> bool:
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())


def _size(name: str, fallback: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else fallback


def screen_for(out: IO[str]) -> Screen:
    tty = _isatty(out)
    size = shutil.get_terminal_size() if tty else os.terminal_size((80, 25))
    environ = os.environ
    styles = (tty or bool(environ.get("FORCE_COLOR"))) and environ.get("TERM", "") not in ("dumb", "unknown")
    if os.name == "nt" and not (environ.get("WT_SESSION") or environ.get("TERM")):
        styles = False  # the classic Windows console shows escape codes as text unless told otherwise
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        "─━┼├┤•⚑“”→…".encode(encoding)
        unicode = True
    except (UnicodeEncodeError, LookupError):
        unicode = False
    return Screen(
        width=_size("COLUMNS", size.columns),
        height=_size("LINES", size.lines),
        styles=styles,
        colours=styles and not environ.get("NO_COLOR"),
        unicode=unicode,
        terminal=tty,
        encoding=encoding,
    )


def as_text(lines: Sequence[Line], screen: Screen) -> str:
    """The lines as one string, with escape codes for their styles where the screen shows them."""
    codes: dict[str, str] = {}

    def code(style: str) -> str:
        if style not in codes:
            words = style.split()
            numbers = [_ATTRIBUTES[w] for w in words if w in _ATTRIBUTES]
            if screen.colours:
                numbers += [_COLOURS[w] for w in words if w in _COLOURS]
            codes[style] = f"\x1b[{';'.join(numbers)}m" if numbers else ""
        return codes[style]

    if screen.styles:
        rows = []
        for line in lines:
            parts = []
            for style, spans in groupby(line, key=itemgetter(1)):  # one escape per run of a style
                text = "".join(text for text, _ in spans)
                start = code(style) if style else ""
                parts.append(f"{start}{text}\x1b[0m" if start else text)
            rows.append("".join(parts))
    else:
        rows = ["".join(text for text, _ in line) for line in lines]
    text = "\n".join(rows) + "\n" if rows else ""
    return text if screen.unicode else text.translate(_ASCII)


def show(lines: Sequence[Line], out: IO[str], screen: Screen, page: bool = False) -> None:
    """Write the lines; with `page`, output taller than the terminal goes through a pager."""
    text = as_text(lines, screen)
    if not screen.unicode:
        text = text.encode(screen.encoding, "replace").decode(screen.encoding)
    if not (page and screen.terminal) or len(lines) <= screen.height:
        out.write(text)
        return
    import pydoc

    # $PAGER wins (pydoc reads it); less is told to keep colours (R), quit on one screen (F), not clear (X).
    os.environ.setdefault("LESS", "-FRX")
    pydoc.pager(text)
