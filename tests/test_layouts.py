"""Tables read well at every width: the exact text of every command's table on the shipped base at 60, 80 and
120 columns, kept beside this file as tests/layouts/NAME-WIDTH.expected, and never an id, a date or a word
split across lines. A kind of table is drawn as columns from the width it reads well at, else stacked (one
record a block), whatever the answer.

To accept a deliberate change of layout (or of the shipped base), write them afresh and read the diff:
`HAMSYR_WRITE_LAYOUTS=1 pytest tests/test_layouts.py`."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .conftest import CommandLine

LAYOUTS = Path(__file__).parent / "layouts"
WIDTHS = (60, 80, 120)
COMMANDS = {
    "events": ["events"],
    "events-reverse-limit": ["events", "--reverse", "--limit", "5"],
    "event": ["event", "offices-sealed-2012"],
    "event-identified": ["event", "hezbollah-leader-declares-interest"],
    "actors": ["actors"],
    "actors-on-role": ["actors", "--on", "2018", "--role", "head"],
    "actor": ["actor", "haniyeh"],
    "actor-roles-with-notes": ["actor", "hayya"],
    "actor-epithet": ["actor", "mashaal"],
    "actor-on": ["actor", "haniyeh", "--on", "2018"],
    "quotes": ["quotes"],
    "quote": ["quote", "haniyeh-cannot-forget"],
    "sources": ["sources"],
    "source": ["source", "mena-2022"],
    "phases": ["phases"],
    "phases-on": ["phases", "--on", "2018"],
    "disputes": ["disputes"],
    "search": ["search", "mediation"],
    "search-other-words": ["search", "who", "mediated"],
    "timeline": ["timeline", "--since", "2021"],
}  # not `info`: it shows the path of the installed base, which differs from one install to another
WRITE = os.environ.get("HAMSYR_WRITE_LAYOUTS") == "1"


def drawn(cli: CommandLine, args: list[str], width: int) -> str:
    code, out, err = cli(*args, "--format", "table", env={"COLUMNS": str(width), "TERM": "xterm"})
    assert code == 0, err
    return out


def test_every_layout_has_its_file() -> None:
    expected = {f"{name}-{width}.expected" for name in COMMANDS for width in WIDTHS}
    assert {path.name for path in LAYOUTS.glob("*.expected")} == expected


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", COMMANDS)
def test_the_exact_layout(cli: CommandLine, name: str, width: int) -> None:
    out = drawn(cli, COMMANDS[name], width)
    path = LAYOUTS / f"{name}-{width}.expected"
    if WRITE:
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")
    assert all(len(line) <= width for line in out.splitlines())


# What a chart axis draws (ticks, counts, marks) is not words.
_AXIS = re.compile(r"[─┼├┤━•·+\d…│]+")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", COMMANDS)
def test_no_id_date_or_word_is_split(cli: CommandLine, name: str, width: int) -> None:
    """Every word drawn at this width is a word of the same answer drawn where nothing wraps: a piece of a
    split id, date or word would be new."""
    whole = set(drawn(cli, COMMANDS[name], 1000).split())
    pieces = [word for word in drawn(cli, COMMANDS[name], width).split() if word not in whole]
    cut = [piece for piece in pieces if piece.endswith("…") and piece[:-1] in whole]  # a label cut after a word
    assert [piece for piece in pieces if not _AXIS.fullmatch(piece) and piece not in cut] == []


def _as_columns(out: str) -> bool:
    """Whether a listing is drawn as columns (a header, then a rule) rather than stacked."""
    return set(out.splitlines()[1]) == {"─"}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("one", "other"), [("search", "search-other-words"), ("events", "events-reverse-limit")])
def test_one_layout_a_command_whatever_the_answer(cli: CommandLine, one: str, other: str, width: int) -> None:
    assert _as_columns(drawn(cli, COMMANDS[one], width)) == _as_columns(drawn(cli, COMMANDS[other], width))
    assert _as_columns(drawn(cli, COMMANDS[one], width)) is (width == 120)  # stacked below their widths
