"""Tables for people: drawn by Rich, columns sized by hamsyr.output._widths, the console set up from the
environment passed in (styles only on a terminal, NO_COLOR, TERM=dumb, COLUMNS, ASCII outputs)."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from hamsyr import FactBase
from hamsyr.output._widths import FOLD, column_widths
from hamsyr.output.render import Format, render
from hamsyr.output.screen import MAX_WIDTH, console_for
from hamsyr.output.tables import THEME
from hamsyr.records.dates import parse_date
from hamsyr.records.model import Citation, Event
from hamsyr.views.build import EventFilters, events_view
from hamsyr.views.listings import EventList
from hamsyr.views.pages import InfoView
from hamsyr.views.view import View

from .strategies import WORD


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def table_text(view: View, width: int) -> str:
    out = io.StringIO()
    render(view, Format.TABLE, out, environ={"COLUMNS": str(width)})
    return out.getvalue()


def events(base: FactBase) -> View:
    return events_view(base, [], EventFilters())


# --- column widths ---------------------------------------------------------------------------------------


def test_columns_that_fit_take_only_the_width_they_need() -> None:
    assert column_widths([["ID", "offices-sealed"], ["Event", "Offices sealed with red wax"]], [None, 4], 100) == [
        14,
        27,
    ]


def test_narrow_columns_keep_ids_whole_and_give_text_the_larger_share() -> None:
    widths = column_widths(
        [["ID", "offices-sealed"], ["Event", "Offices sealed with red wax " * 5], ["Actors", "Syrian regime, Hamas"]],
        [None, 4, 2],
        60,
    )
    assert sum(widths) <= 60 and widths[0] == 14 and widths[1] > widths[2] >= len("regime,")


@given(
    columns=st.lists(
        st.lists(st.text(alphabet="ab -漢é\n", max_size=30), min_size=1, max_size=4), min_size=1, max_size=5
    ),
    ratios=st.lists(st.one_of(st.none(), st.integers(1, 6)), min_size=5, max_size=5),
    available=st.integers(min_value=5, max_value=120),
)
def test_widths_always_fit_when_they_can(columns: list[list[str]], ratios: list[int | None], available: int) -> None:
    widths = column_widths(columns, ratios[: len(columns)], available)
    assert all(width >= 1 for width in widths)
    if available >= len(columns) * FOLD:
        assert sum(widths) <= available


# --- drawing -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120])
def test_a_table_fits_its_width_keeps_ids_whole_and_ends_no_line_with_spaces(small: FactBase, width: int) -> None:
    text = table_text(events(small), width)
    lines = text.splitlines()
    if width >= 100:  # an events table reads well from 91 cells
        assert lines[0].split() == ["Date", "Event", "Actors", "Sources"]
    else:  # stacked: one record a block, each value under its column's name
        labels = [line.split()[0] for line in lines if line and not line.startswith(" ")]
        assert labels[:4] == ["Date", "Event", "Actors", "Sources"] and len(labels) == 4 * len(small.events)
    assert all(cell_len(line) <= width for line in lines)
    assert all(line == line.rstrip() for line in lines)
    assert "offices-sealed" not in text  # ids are in the Sources column: whole source ids
    assert all(source in text for source in ("doc-a", "doc-b"))


def test_words_are_not_split_when_they_fit_their_column(small: FactBase) -> None:
    text = table_text(events(small), 80)
    words = {word for event in small.events for word in event.summary.split()}
    found = set(text.split())
    assert {word for word in words if len(word) <= 10} <= found


def test_a_label_value_table_has_no_header(small: FactBase) -> None:
    text = table_text(InfoView({"version": "1.0", "counts": {"events": 5}}), 80)
    assert text.splitlines() == ["version        1.0", "counts.events  5"]


@settings(max_examples=40, deadline=None)
@given(words=st.lists(WORD, min_size=1, max_size=30), width=st.integers(min_value=30, max_value=100))
def test_any_text_wraps_into_the_width_and_keeps_every_visible_character(words: list[str], width: int) -> None:
    title = " ".join(words)
    event = Event("e", parse_date("2012"), None, title, title, (), (), (), (Citation("doc", "x"),))
    text = table_text(EventList([event]), width)
    assert all(cell_len(line) <= width for line in text.splitlines())
    # The title and the summary (the same words) are shown whole, in order, however they are folded.
    wanted = iter("".join(title.split()) * 2)
    pending = next(wanted)
    for char in "".join(text.split()):
        if char == pending:
            pending = next(wanted, None)
    assert pending is None


# --- the console ---------------------------------------------------------------------------------------


def test_styles_only_on_a_terminal_and_colours_not_with_no_color() -> None:
    terminal = {"TERM": "xterm"}
    assert not console_for(io.StringIO(), terminal, THEME).is_terminal
    assert console_for(Tty(), terminal, THEME).color_system is not None
    assert not console_for(Tty(), terminal, THEME).no_color
    assert console_for(Tty(), {**terminal, "NO_COLOR": "1"}, THEME).no_color
    assert console_for(Tty(), {"TERM": "dumb"}, THEME).color_system is None
    assert console_for(io.StringIO(), {**terminal, "FORCE_COLOR": "1"}, THEME).color_system is not None


def test_bold_stays_and_colours_go_with_no_color(small: FactBase) -> None:
    env = {"TERM": "xterm", "COLUMNS": "100"}
    coloured, plain = Tty(), Tty()
    render(events(small), Format.TABLE, coloured, environ=env)
    render(events(small), Format.TABLE, plain, environ={**env, "NO_COLOR": "1"})
    yellow = re.compile(r"\x1b\[[0-9;]*33m")  # disputed records are flagged in yellow
    assert "\x1b[1m" in coloured.getvalue() and yellow.search(coloured.getvalue())
    assert "\x1b[1m" in plain.getvalue() and not yellow.search(plain.getvalue())
    assert "\x1b" not in table_text(events(small), 100)  # not a terminal


@pytest.mark.parametrize(("columns", "width"), [("57", 57), ("abc", 80), ("0", 80), ("99999999", MAX_WIDTH)])
def test_columns_sets_the_width_within_bounds(columns: str, width: int) -> None:
    assert console_for(io.StringIO(), {"COLUMNS": columns}, THEME).width == width


def test_an_output_that_cannot_encode_box_drawing_gets_ascii(small: FactBase) -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    render(events(small), Format.TABLE, out, environ={"COLUMNS": "100"})
    out.seek(0)
    text = out.read()
    assert text.isascii() and "-----" in text and "! disputed" in text and '"late 2012"' in text
