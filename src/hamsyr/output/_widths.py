"""How wide each column of a table is: all of its content when the table fits; otherwise no column narrower
than its longest word where that can be had, and the width left shared out by ratio, up to what each needs.

Rich would measure every cell for this and share the width out evenly; deciding here lets text columns get
the larger share, keeps ids on one line, and spares Rich the measuring (a column of fixed width is not
measured), which is most of the cost of drawing a long table.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len

FOLD = 6  # below this many cells a wrapping column is narrowed only after the id columns


def _measure(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def widest_line(plain: str) -> int:
    return max(map(_measure, plain.expandtabs(4).split("\n")))


def widest_word(plain: str) -> int:
    return max(map(_measure, plain.split()), default=0)


def column_widths(
    columns: Sequence[Sequence[str]], ratios: Sequence[int | None], available: int, floors: Sequence[int] = ()
) -> list[int]:
    """The width of each column, given the plain text of its cells (header included) and its ratio (None:
    kept on one line while it fits, as ids are), so that the columns fit in `available` cells; a wrapping
    column is given at least its floor (where its text is that wide) and its longest word."""
    indexes = range(len(columns))
    wanted = [max(1, *map(widest_line, cells)) for cells in columns]
    available = max(available, len(columns))
    if sum(wanted) <= available:
        return wanted
    floors = list(floors) or [0] * len(columns)
    least = [wanted[n] if ratios[n] is None else max(map(widest_word, columns[n]), default=0) for n in indexes]
    shares = [ratio or 1 for ratio in ratios]
    wrapping = [n for n in indexes if ratios[n] is not None]
    flexible = sum(shares[n] for n in wrapping) or 1
    for n in wrapping:  # a long word does not claim more than the column's share (it folds); its floor does
        least[n] = max(min(least[n], max(FOLD, available * shares[n] // flexible)), min(floors[n], wanted[n]))
    least = [min(max(1, value), available) for value in least]
    # Even the words do not fit: narrow the widest wrapping column, folding its words, down to a few cells;
    # ids stay whole longest, as they are what one types next.
    while sum(least) > available:
        narrowable = [n for n in wrapping if least[n] > FOLD]
        widest = max(narrowable or indexes, key=lambda n: least[n])
        least[widest] -= 1
    return _shared(least, wanted, shares, available)


def _shared(least: list[int], wanted: list[int], ratios: list[int], available: int) -> list[int]:
    """Widths from `least` up to `wanted`, the room left over given out in proportion to `ratios` (columns
    that reach what they want drop out, and the others share the rest)."""
    widths = list(least)
    room = available - sum(widths)
    growing = [n for n in range(len(widths)) if widths[n] < wanted[n]]
    while room > 0 and growing:
        total = sum(ratios[n] for n in growing)
        extras = {n: min(wanted[n] - widths[n], room * ratios[n] // total) for n in growing}
        if not any(extras.values()):  # less room than columns: a cell each, the largest shares first
            extras = {n: 1 for n in sorted(growing, key=lambda n: -ratios[n])[:room]}
        for n, extra in extras.items():
            widths[n] += extra
        room -= sum(extras.values())
        growing = [n for n in growing if widths[n] < wanted[n]]
    return widths


def too_narrow(columns: Sequence[Sequence[str]], ratios: Sequence[int | None], widths: Sequence[int]) -> bool:
    """Whether columns would stop making sense at these widths: an id cut, or a word split."""
    for cells, ratio, width in zip(columns, ratios, widths, strict=True):
        need = max(1, *map(widest_line, cells)) if ratio is None else max(map(widest_word, cells), default=0)
        if width < need:
            return True
    return False
