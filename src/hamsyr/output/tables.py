"""Blocks for people (hamsyr.views.blocks) drawn by Rich: tables with `rich.table`, text with `rich.text`,
styled through one theme.

Every piece of fact base text enters Rich as a `rich.text.Text` made visible-safe first (hamsyr._inert),
never as markup, so `[bold]` or an escape sequence in the data stays inert. Imported only for tables:
JSON, JSON Lines, TSV and CSV never import Rich.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from hamsyr._inert import visible
from hamsyr.output._widths import column_widths, too_narrow
from hamsyr.output.screen import console_for, show
from hamsyr.views import blocks
from hamsyr.views.blocks import Block, Cell, Line

_PHASE_COLOURS = ("cyan", "magenta", "yellow", "green", "blue", "red")
THEME = Theme(
    {
        "hamsyr.title": "bold",
        "hamsyr.dim": "dim",
        "hamsyr.phrase": "italic dim",
        "hamsyr.match": "bold reverse",
        "hamsyr.disputed": "yellow",
        "hamsyr.said": "italic",
        "hamsyr.axis": "dim",
        "hamsyr.label": "bold",
        "hamsyr.event": "bold",
        "hamsyr.lane": "bold cyan",
        **{f"hamsyr.phase-{n}": colour for n, colour in enumerate(_PHASE_COLOURS)},
    }
)
_TITLE, _DIM = "hamsyr.title", "hamsyr.dim"


def _style(name: str) -> str:
    """The theme's name for a block's style name: "title" is "hamsyr.title"."""
    return f"hamsyr.{name}" if name else ""


def _text(cell: Cell | Line, **options: Any) -> Text:
    """A cell (or a line) as Rich text, each piece made visible-safe, never read as markup."""
    text = Text(style=_style(getattr(cell, "style", "")), **options)
    for piece, style in cell:
        text.append(visible(piece), _style(style))
    return text


def _table(block: blocks.Table) -> Table:
    """A table in the manner of Rich's SIMPLE_HEAD box without edges: a bold header with a rule under it,
    columns two spaces apart, and a blank line between sections."""
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),  # with the box's blank divider, two spaces between columns
        title=visible(block.title) if block.title else None,
        title_justify="left",
        title_style=_TITLE,
        header_style=_TITLE,
    )
    for column in block.columns:
        table.add_column(column.header, no_wrap=column.ratio is None, overflow="fold", ratio=column.ratio)
    for row in block.rows:
        table.add_row(*map(_text, row.cells), end_section=row.ends_section)
    return table


def _grid(title: str | None) -> Table:
    """Label/value lines without a header: labels dimmed and whole, values folded into the width left."""
    grid = Table.grid(padding=(0, 2, 0, 0))
    if title:
        grid.title, grid.title_justify, grid.title_style = visible(title), "left", _TITLE
    grid.add_column(style=_DIM, no_wrap=True)
    grid.add_column(overflow="fold", ratio=1)
    return grid


def _fields(block: blocks.Fields) -> Table:
    grid = _grid(block.title)
    for label, value in block.pairs:
        if value:
            grid.add_row(label, _text(blocks.text(value)))
    return grid


def _note(block: blocks.Note) -> Text:
    return Text(visible(block.text), _style(block.style))


def _fit(table: Table, width: int, block: blocks.Table | None = None) -> Table:
    """The table with every column given its width (hamsyr.output._widths), so that Rich only wraps text into
    them; or, below the width the kind of table reads well at (or where this answer would still split an id
    or a word), the same rows stacked, one record a block."""
    columns = table.columns
    gaps = (2 if table.box else table.padding[1] + table.padding[3]) * (len(columns) - 1)
    cells = [[*([column.header] if table.show_header else []), *column.cells] for column in columns]
    plains = [[cell.plain if isinstance(cell, Text) else str(cell) for cell in column] for column in cells]
    ratios = [None if column.no_wrap else (column.ratio or 1) for column in columns]
    floors = [column.least for column in block.columns] if block else []
    widths = column_widths(plains, ratios, width - gaps, floors)
    if block and len(columns) > 2 and (width < block.narrowest or too_narrow(plains, ratios, widths)):
        return _fit(_stacked(table), width)
    for column, size in zip(columns, widths, strict=True):
        column.width, column.ratio = max(size, 1), None
    return table


def _stacked(table: Table) -> Table:
    """The rows of a table as blocks of header/value lines, a blank line between records."""
    stacked = _grid(None)
    stacked.title, stacked.title_justify, stacked.title_style = table.title, "left", _TITLE
    rows = zip(*(list(column.cells) for column in table.columns), strict=True)
    for number, row in enumerate(rows):
        if number:
            stacked.add_row("", "")
        for column, cell in zip(table.columns, row, strict=True):
            if not isinstance(cell, Text) or cell.plain:
                stacked.add_row(str(column.header), cell)
    return stacked


def _picture(block: blocks.Picture, console: Console) -> Text:
    """The picture's lines laid out for the console's width, cut rather than wrapped."""
    crop: dict[str, Any] = {"no_wrap": True, "overflow": "crop"}
    lines = block.draw(console.width, console.options.ascii_only)
    return Text("\n", **crop).join(_text(line, **crop) for line in lines)


# How each kind of block is drawn on a console; tables are fitted to its width.
_DRAWERS: dict[type, Callable[[Any, Console], RenderableType]] = {
    blocks.Table: lambda block, console: _fit(_table(block), console.width, block),
    blocks.Fields: lambda block, console: _fit(_fields(block), console.width),
    blocks.Note: lambda block, console: _note(block),
    blocks.Picture: _picture,
}


def _print(console: Console, shown: Sequence[Block]) -> None:
    """The blocks one under another, a blank line between them."""
    for number, block in enumerate(shown):
        if number:
            console.print()
        console.print(_DRAWERS[type(block)](block, console))


def render_table(shown: Sequence[Block], out: IO[str], environ: Mapping[str, str], page: bool = False) -> None:
    """Print the blocks; with `page`, output taller than a terminal goes through a pager. No blocks: nothing
    matched, which is said on stderr."""
    if not shown:
        sys.stderr.write("No matches.\n")
        return
    console = console_for(out, environ, THEME)
    show(console, lambda: _print(console, shown), page, environ)
