"""Tables laid out as lines of styled spans: columns sized to their content and the width, text wrapped.

Drawing a table with Rich costs more than the rest of a query together (about 70 ms to import it and
150 ms to lay out the shipped events), so listings use this small layout instead; Rich is kept for
exporting pictures. A table looks like Rich's SIMPLE_HEAD box without edges: a bold header, a rule under
it, columns two spaces apart, and a blank line between sections.
"""

from collections.abc import Sequence
from typing import NamedTuple

from hamsyr.styled import Line, Styled, widest_line, widest_word, wrap, wrap_measured

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
        plains = [[cell.plain for cell in column] for column in cells]
        wanted = [max(map(widest_line, column), default=0) for column in plains]
        available = max(width - len(GAP) * (len(self.columns) - 1), len(self.columns))
        if sum(wanted) <= available:
            return wanted
        least = [
            wanted[index] if column.ratio is None else max(map(widest_word, plains[index]), default=0)
            for index, column in enumerate(self.columns)
        ]
        ratios = [column.ratio or 1 for column in self.columns]
        wrapping = [index for index in columns if self.columns[index].ratio is not None]
        flexible = sum(ratios[index] for index in wrapping) or 1
        for index in wrapping:  # a long word does not claim more than the column's share (it folds)
            least[index] = min(least[index], max(_FOLD, available * ratios[index] // flexible))
        least = [min(max(1, value), available) for value in least]
        # Even the words do not fit: narrow the widest wrapping column, folding its words, down to a few cells;
        # ids stay whole longest, as they are what one types next.
        while sum(least) > available:
            narrowable = [index for index in wrapping if least[index] > _FOLD]
            widest = max(narrowable or columns, key=lambda index: least[index])
            least[widest] -= 1
        return _shared(least, wanted, ratios, available)

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
    """Widths that share `available` in proportion to `ratios`, each kept between `least` and `wanted`
    (columns whose share falls outside are settled at that bound first, and the rest share what is left)."""
    widths = [0] * len(least)
    unsettled = list(range(len(least)))
    room = available
    while unsettled:
        total = sum(ratios[index] for index in unsettled)
        shares = {index: room * ratios[index] / total for index in unsettled}
        bounded = [index for index in unsettled if not least[index] < shares[index] < wanted[index]]
        if not bounded:
            for index in unsettled:
                widths[index] = int(shares[index])
            leftover = room - sum(widths[index] for index in unsettled)
            for index in sorted(unsettled, key=lambda index: -ratios[index])[:leftover]:
                widths[index] += 1
            break
        # Settle one column at a time: the others' shares change with what it takes.
        index = bounded[0]
        widths[index] = least[index] if shares[index] <= least[index] else wanted[index]
        room -= widths[index]
        unsettled.remove(index)
    return widths


def _joined_row(cells: Sequence[Styled], widths: Sequence[int]) -> list[Line]:
    wrapped = [wrap_measured(cell, width) for cell, width in zip(cells, widths, strict=True)]
    height = max((len(lines) for lines in wrapped), default=0)
    rows: list[Line] = []
    for number in range(height):
        line: Line = []
        for lines, width in zip(wrapped, widths, strict=True):
            spans, used = lines[number] if number < len(lines) else ((), 0)
            line.extend(spans)
            line.append((" " * (width - used + len(GAP)), ""))
        while line and not line[-1][1] and line[-1][0].isspace():  # no padding at the end of a line
            line.pop()
        rows.append(line)
    return rows
