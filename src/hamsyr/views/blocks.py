"""What a view shows people, without a drawing library: tables, label/value lists, notes and a picture, one
block under another. hamsyr.output.tables draws any of them with Rich.

Text is held as spans, (text, style name): a cell is a list of them, with a style of its own under them all.
Style names ("title", "dim", "said", "disputed", "match", "phase-0"...) are looked up in the theme of whoever
draws; "" is no style. The text is fact base text as it is: the drawer makes it safe to show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from hamsyr._values import Value

Span = tuple[str, str]  # a piece of text and the name of its style ("" for none)
Line = Sequence[Span]


class Cell(list[Span]):
    """The spans of one table cell, and the style under all of them, which also fills the cell's width."""

    __slots__ = ("style",)

    def __init__(self, spans: Iterable[Span] = (), style: str = "") -> None:
        super().__init__(spans)
        self.style = style


class Column(Value):
    """A column of a table: its header, how it takes the width, and the least width it reads well at."""

    header: str
    ratio: int | None = 2  # its share of the width when text must wrap; None: kept whole, as ids and codes are
    least: int = 12  # narrower than this, the table is stacked rather than squeezed


def kept_whole(header: str, least: int) -> Column:
    """A column of ids or codes: kept on one line, as they are what one types next."""
    return Column(header, None, least)


class Row(Value):
    cells: Sequence[Cell]
    ends_section: bool = False  # a rule (or, stacked, a blank line) after it


class Table(Value):
    """Rows under a header, a title above (None: none). Drawn as columns from `narrowest` cells of width up,
    else stacked: one record a block of header/value lines. One rule for each kind of table, whatever the
    answer: the same command at the same width is always laid out the same way."""

    title: str | None
    columns: Sequence[Column]
    rows: list[Row]

    def add(self, *cells: Cell, ends_section: bool = False) -> None:
        self.rows.append(Row(cells, ends_section))

    @property
    def narrowest(self) -> int:
        """The least width it is drawn as columns at: every column at its least, two cells between them."""
        return sum(column.least for column in self.columns) + 2 * (len(self.columns) - 1)


def table(title: str | None, *columns: Column) -> Table:
    return Table(title, columns, [])


class Fields(Value):
    """Labels and values without a header (the top of a page); a pair with no value is left out."""

    title: str | None
    pairs: Sequence[tuple[str, str | None]]


class Note(Value):
    """A line of text said about the view ("No event or quote cites this source yet.")."""

    text: str
    style: str = "dim"


class Picture(Value):
    """Lines laid out for a width: `draw(width, ascii_only)` gives them, each a sequence of spans, never
    wrapped (what does not fit is cut)."""

    draw: Callable[[int, bool], Sequence[Line]]


Block = Table | Fields | Note | Picture


def text(words: str | None, style: str = "") -> Cell:
    """A cell of one piece of text in one style (nothing for None)."""
    return Cell([(words or "", style)])


def lines(cells: Iterable[Cell]) -> Cell:
    """Cells one under another, in one cell."""
    joined = Cell()
    for number, cell in enumerate(cells):
        if number:
            joined.append(("\n", ""))
        joined += cell
    return joined


def plain(cell: Line) -> str:
    return "".join(piece for piece, _ in cell)
