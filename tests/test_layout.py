"""Table layout without Rich: wrapping styled text, sizing columns, and writing styles to a terminal."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from hamsyr.grid import Column, Grid
from hamsyr.styled import Line, Styled, _breaks, _breaks_ascii, wrap
from hamsyr.terminal import Screen, as_text, screen_for


def texts(lines: list[Line]) -> list[str]:
    return ["".join(text for text, _ in line) for line in lines]


def test_words_wrap_at_spaces_and_spaces_at_breaks_go() -> None:
    assert texts(wrap(Styled("Hamas announces it restores relations with Syria."), 20)) == [
        "Hamas announces it",
        "restores relations",
        "with Syria.",
    ]


def test_newlines_indentation_and_blank_lines_are_kept() -> None:
    assert texts(wrap(Styled("• claim\n  doc-a: excerpt\n\nnext"), 40)) == ["• claim", "  doc-a: excerpt", "", "next"]


def test_a_word_wider_than_the_line_is_folded_and_the_next_words_join_its_last_piece() -> None:
    assert texts(wrap(Styled("ab 2012-10~/2012-12 x"), 6)) == ["ab", "2012-1", "0~/201", "2-12 x"]


def test_styles_follow_their_text_across_breaks() -> None:
    text = Styled("plain ").append("bold words here", "bold").append(" tail")
    assert wrap(text, 11) == [[("plain ", ""), ("bold", "bold")], [("words here", "bold")], [("tail", "")]]


def test_wide_characters_take_two_cells() -> None:
    assert texts(wrap(Styled("漢字漢字 漢字"), 8)) == ["漢字漢字", "漢字"]
    assert texts(wrap(Styled("漢字漢字"), 5)) == ["漢字", "漢字"]


WORD = st.text(
    alphabet=st.sampled_from([*"abcdefghij-/~", "漢", "é", "ع", "\u0301", "“", "⚑"]), min_size=1, max_size=15
)


@given(
    words=st.lists(st.tuples(WORD, st.sampled_from(["", "bold", "dim"]), st.sampled_from([" ", "  ", "\n"]))),
    width=st.integers(min_value=2, max_value=40),
)
def test_wrapping_fits_the_width_and_loses_no_visible_character_or_its_style(
    words: list[tuple[str, str, str]], width: int
) -> None:
    text = Styled()
    for word, style, space in words:
        text.append(word, style).append(space)
    lines = wrap(text, width)
    assert all(cell_len(line) <= width for line in texts(lines))
    shown = [(char, style) for line in lines for piece, style in line for char in piece if not char.isspace()]
    given_ = [(char, style) for piece, style in text.spans for char in piece if not char.isspace()]
    assert shown == given_


def table() -> Grid:
    grid = Grid(Column("ID", None), Column("Event", 4), Column("Actors"), title="Events")
    grid.add_row(Styled("offices-sealed"), Styled("Offices sealed with red wax"), Styled("Syrian regime, Hamas"))
    grid.add_row(
        Styled("restoration"),
        Styled("Statement restoring relations", "bold").append("\nHamas announces it restores relations with Syria."),
        Styled("Hamas"),
        end_section=True,
    )
    grid.add_row(Styled("x"), Styled("y"), Styled("z"))
    return grid


def test_a_table_that_fits_takes_only_the_width_it_needs() -> None:
    lines = texts(table().lines(200))
    assert lines[0] == "Events"
    assert lines[1].split() == ["ID", "Event", "Actors"]
    assert set(lines[2]) == {"─"} and len(lines[2]) == max(len(line) for line in lines)
    assert lines[3] == f"offices-sealed  {'Offices sealed with red wax':49}  Syrian regime, Hamas"
    assert "" in lines  # the section ends with a blank line
    assert all(line == line.rstrip() for line in lines)


@pytest.mark.parametrize("width", [20, 30, 40, 60, 80])
def test_a_narrow_table_fits_keeps_ids_whole_and_aligns_its_columns(width: int) -> None:
    lines = texts(table().lines(width))
    assert all(cell_len(line) <= width for line in lines)
    assert "offices-sealed" in lines[3] or width < 14 + 2 * (6 + 2)
    event_column = lines[1].index("Event")
    for line in lines[3:]:
        if line and line[0] != " ":  # a row's first line: its event cell starts under the header
            assert line[event_column - 2 : event_column] == "  " and line[event_column] != " "


def test_a_label_value_table_has_no_header() -> None:
    grid = Grid(Column("", None), Column("", 1), header=False)
    grid.add_row(Styled("id"), Styled("mashaal"))
    grid.add_row(Styled("aliases"), Styled("Khaled Meshaal, Mishal"))
    assert texts(grid.lines(80)) == ["id       mashaal", "aliases  Khaled Meshaal, Mishal"]


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_styles_only_on_a_terminal_and_colours_not_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert not screen_for(io.StringIO()).styles
    assert screen_for(Tty()).styles and screen_for(Tty()).colours
    monkeypatch.setenv("NO_COLOR", "1")
    assert screen_for(Tty()).styles and not screen_for(Tty()).colours
    monkeypatch.setenv("TERM", "dumb")
    assert not screen_for(Tty()).styles
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert screen_for(io.StringIO()).styles


def test_columns_and_lines_set_the_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "57")
    monkeypatch.setenv("LINES", "9")
    screen = screen_for(io.StringIO())
    assert (screen.width, screen.height) == (57, 9)
    monkeypatch.delenv("COLUMNS")
    assert screen_for(io.StringIO()).width == 80  # not a terminal


def test_escape_codes_one_per_run_of_a_style() -> None:
    lines: list[Line] = [[("a", "bold"), (" b", "bold"), (" c", ""), ("d", "dim yellow")]]
    colour = Screen(80, 25, styles=True, colours=True, unicode=True)
    assert as_text(lines, colour) == "\x1b[1ma b\x1b[0m c\x1b[2;33md\x1b[0m\n"
    assert as_text(lines, colour._replace(colours=False)) == "\x1b[1ma b\x1b[0m c\x1b[2md\x1b[0m\n"
    assert as_text(lines, colour._replace(styles=False)) == "a b cd\n"


def test_an_output_that_cannot_encode_box_drawing_gets_ascii() -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    assert not screen_for(out).unicode
    lines: list[Line] = [[("─" * 3, "")], [("⚑ disputed “x” → y", "")]]
    assert as_text(lines, screen_for(out)) == '---\n! disputed "x" -> y\n'


@given(
    text=st.text(alphabet="ab-    ", max_size=80),  # spaces weighted, so that runs of them are common
    width=st.integers(min_value=1, max_value=30),
)
def test_the_ascii_line_breaker_agrees_with_the_word_by_word_one(text: str, width: int) -> None:
    assert _breaks_ascii(text, width) == _breaks(text, width, len)


@given(
    text=st.text(alphabet="ab-  漢é\n", max_size=60),
    split=st.integers(min_value=0, max_value=60),
    width=st.integers(min_value=1, max_value=30),
)
def test_text_in_one_span_wraps_as_the_same_text_in_two(text: str, split: int, width: int) -> None:
    whole = wrap(Styled(text, "bold"), width)
    pieces = wrap(Styled(text[:split], "bold").append(text[split:], "bold"), width)
    assert texts(whole) == texts(pieces)
