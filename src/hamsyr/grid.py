"""Tables laid out as lines of styled spans: columns sized to their content and the width, text wrapped.

Drawing a table with Rich costs more than the rest of a query together (about 70 ms to import it and
150 ms to lay out the shipped events), so listings use this small layout instead; Rich is kept for
exporting pictures. A table looks like Rich's SIMPLE_HEAD box without edges: a bold header, a rule under
it, columns two spaces apart, and a blank line between sections.
"""

from collections.abc import Sequence
from typing import NamedTuple

from hamsyr.styled import Line, Styled, longest_word, widest_line, wrap, wrap_measured

GAP = "  "
HEADER_STYLE = "bold"
TITLE_STYLE = "bold"
_FOLD = 6  # below this many cells a wrapping column is narrowed only after the id columns


class Column(NamedTuple):
    header: str
    ratio: int | None = 2  # the share of spare width it gets; None: kept on one line (ids, codes) when it fits


class Grid:
    """Rows of styled cells under column headers (no headers: a list of label/value pairs)."""

    def __init__(self, *columns: Column, title: str | None = None, header: bool = True) -> None:
        self.columns = columns
        self.title = title
        self.header = header
        self.rows: list[tuple[Sequence[Styled], bool]] = []  # (cells, ends a section)

    def add_row(self, *cells: Styled, end_section: bool = False) -> None:
        self.rows.append((cells, end_section))

    def widths(self, width: int) -> list[int]:
        """Each column's width: all of its content when the table fits; otherwise no column narrower than its
        longest word where that can be had, and the width left shared out by ratio, up to what each needs."""
        columns = range(len(self.columns))
        cells = [[row[index] for row, _ in self.rows] for index in columns]
        if self.header:
            for index, column in enumerate(self.columns):
                cells[index].append(Styled(column.header))
        wanted = [max((widest_line(cell) for cell in column), default=0) for column in cells]
        available = max(width - len(GAP) * (len(self.columns) - 1), len(self.columns))
        if sum(wanted) <= available:
            return wanted
        least = [
            wanted[index] if column.ratio is None else max((longest_word(c) for c in cells[index]), default=0)
            for index, column in enumerate(self.columns)
        ]
        least = [min(max(1, value), available) for value in least]
        # Even the words do not fit: narrow the widest wrapping column, folding its words, down to a few cells;
        # ids stay whole longest, as they are what one types next.
        while sum(least) > available:
            wrapping = [index for index in columns if self.columns[index].ratio is not None and least[index] > _FOLD]
            widest = max(wrapping or columns, key=lambda index: least[index])
            least[widest] -= 1
        return _shared(least, wanted, [column.ratio or 1 for column in self.columns], available)

    def lines(self, width: int) -> list[Line]:
        """The table in lines of at most `width` cells."""
        widths = self.widths(width)
        lines: list[Line] = []
        if self.title:
            lines.extend(wrap(Styled(self.title, TITLE_STYLE), width))
        if self.header:
            headers = [Styled(column.header, HEADER_STYLE) for column in self.columns]
            lines.extend(_joined_row(headers, widths))
            lines.append([("─" * (sum(widths) + len(GAP) * (len(widths) - 1)), "")])
        for number, (cells, end_section) in enumerate(self.rows):
            lines.extend(_joined_row(cells, widths))
            if end_section and number < len(self.rows) - 1:
                lines.append([])
        return lines


def _shared(least: list[int], wanted: list[int], ratios: list[int], available: int) -> list[int]:
    """Widths from `least` up to `wanted`, the spare width given out in proportion to `ratios`."""
    widths = list(least)
    while True:
        spare = available - sum(widths)
        growing = [index for index, width in enumerate(widths) if width < wanted[index]]
        if spare <= 0 or not growing:
            return widths
        total = sum(ratios[index] for index in growing)
        given = 0
        for index in growing:
            share = min(spare * ratios[index] // total, wanted[index] - widths[index])
            widths[index] += share
            given += share
        if given == 0:  # shares rounded down to nothing: one cell at a time, by ratio
            widths[max(growing, key=lambda index: ratios[index])] += 1


def _joined_row(cells: Sequence[Styled], widths: Sequence[int]) -> list[Line]:
    wrapped = [wrap_measured(cell, width) for cell, width in zip(cells, widths, strict=True)]
    height = max((len(lines) for lines in wrapped), default=0)
    rows: list[Line] = []
    for number in range(height):
        line: Line = []
        pending = 0  # padding owed before the next non-empty cell; never written at the end of a line
        for index, (lines, width) in enumerate(zip(wrapped, widths, strict=True)):
            spans, used = lines[number] if number < len(lines) else ([], 0)
            if index:
                pending += len(GAP)
            if spans:
                if pending:
                    line.append((" " * pending, ""))
                line.extend(spans)
                pending = 0
            pending += width - used
        rows.append(line)
    return rows
