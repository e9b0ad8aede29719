"""Styled text, and wrapping it into lines of a given width.

A piece of styled text is a list of (text, style) spans; a style is a Rich style string ("bold",
"italic dim", "yellow"), so the same spans can be printed by hamsyr.terminal or handed to Rich for an SVG.
Widths are terminal cells, measured by Rich's cell table, so wide and combining characters line up.
"""

import re
from collections.abc import Callable, Iterable, Iterator

from rich.cells import cell_len

Span = tuple[str, str]  # (text, style)
Line = list[Span]

_WORD = re.compile(r"\S+")


class Styled:
    """Text made of styled spans, built by appending; `plain` is the text without styles."""

    __slots__ = ("spans",)

    def __init__(self, text: str = "", style: str = "") -> None:
        self.spans: list[Span] = [(text, style)] if text else []

    def append(self, text: str, style: str = "") -> "Styled":
        if text:
            self.spans.append((text, style))
        return self

    def extend(self, other: "Styled") -> "Styled":
        self.spans.extend(other.spans)
        return self

    def restyled(self, style: str) -> "Styled":
        """The same text with `style` added to every span."""
        copy = Styled()
        copy.spans = [(text, f"{own} {style}".strip()) for text, own in self.spans]
        return copy

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.spans)

    def __repr__(self) -> str:
        return f"Styled({self.spans!r})"

    @classmethod
    def joined(cls, separator: str, parts: Iterable["Styled"]) -> "Styled":
        joined = cls()
        for number, part in enumerate(parts):
            if number:
                joined.append(separator)
            joined.extend(part)
        return joined

    def paragraphs(self) -> Iterator[Line]:
        """The spans of each line of the text, split at newlines (tabs become spaces, as Rich shows them)."""
        line: Line = []
        for text, style in self.spans:
            first, *rest = text.replace("\t", "    ").split("\n")
            if first:
                line.append((first, style))
            for piece in rest:
                yield line
                line = [(piece, style)] if piece else []
        yield line


def widest_line(plain: str) -> int:
    """The width of the widest line of some text (its `Styled.plain`)."""
    return max(map(len if plain.isascii() else cell_len, plain.replace("\t", "    ").split("\n")))


def widest_word(plain: str) -> int:
    """The width of the widest word of some text: below it, a word must be broken."""
    return max(map(len if plain.isascii() else cell_len, plain.split()), default=0)


def wrap(text: Styled, width: int) -> list[Line]:
    """The text in lines of at most `width` cells: broken at whitespace, and inside a word only when the
    word alone is wider than a line. Whitespace at a break is dropped; indentation is kept."""
    return [line for line, _ in wrap_measured(text, width)]


def wrap_measured(text: Styled, width: int) -> list[tuple[Line, int]]:
    """Like `wrap`, with the width of each line."""
    width = max(width, 1)
    lines: list[tuple[Line, int]] = []
    for paragraph in text.paragraphs():
        if len(paragraph) == 1:  # one style, as most are: no spans to cut
            plain, style = paragraph[0]
            if plain.isascii() and len(plain) <= width:  # and fits whole, as most titles and names do
                shown = plain.rstrip(" ")
                lines.append(([(shown, style)] if shown else [], len(shown)))
                continue
        else:
            plain = "".join(piece for piece, _ in paragraph)
        breaks = _breaks_ascii(plain, width) if plain.isascii() else _breaks(plain, width, cell_len)
        if len(paragraph) == 1:
            lines.extend(([(plain[start:end], style)] if end > start else [], used) for start, end, used in breaks)
        else:
            lines.extend((_cut(paragraph, start, end), used) for start, end, used in breaks)
    return lines


def _breaks_ascii(plain: str, width: int) -> list[tuple[int, int, int]]:
    """`_breaks` for ASCII text, where a character is a cell and the only whitespace left is the space:
    a line at a time with `rfind` rather than a word at a time, several times faster for the same lines."""
    if not plain.strip(" "):
        return [(0, 0, 0)]
    lines: list[tuple[int, int, int]] = []
    size = len(plain)
    position = 0
    while position < size:
        if size - position <= width:  # the rest fits
            end = position + len(plain[position:].rstrip(" "))
            lines.append((position, end, end - position))
            break
        cut = plain.rfind(" ", position, position + width + 1)
        if cut > position and plain[position:cut].strip(" "):  # a word or more fits before a space
            end = position + len(plain[position:cut].rstrip(" "))
            lines.append((position, end, end - position))
            position = size - len(plain[cut:].lstrip(" "))
            continue
        word_start = size - len(plain[position:].lstrip(" "))  # past the indentation, if any
        word_end = plain.find(" ", word_start)
        word_end = size if word_end < 0 else word_end
        if word_start > position and word_end - word_start <= width:
            position = word_start  # the indentation and the word do not fit together: the word goes alone
            continue
        # A word wider than a whole line: its first `width` characters, then the rest goes on as text.
        lines.append((word_start, word_start + width, width))
        position = word_start + width
    return lines


def _breaks(plain: str, width: int, measure: Callable[[str], int]) -> list[tuple[int, int, int]]:
    """Where the lines of one paragraph start and end, as offsets into it, and their widths."""
    lines: list[tuple[int, int, int]] = []
    line_start, line_end, used = 0, 0, 0  # the line so far: [line_start, line_end), `used` cells
    for match in _WORD.finditer(plain):
        start, end = match.span()
        word_width = measure(match[0])
        gap = measure(plain[line_end:start])  # the spaces before the word, or the indentation
        if used + gap + word_width <= width:
            line_end, used = end, used + gap + word_width
            continue
        if line_end > line_start:
            lines.append((line_start, line_end, used))
        if word_width <= width:
            line_start, line_end, used = start, end, word_width
            continue
        # Wider than a whole line: broken into pieces, the last of which the next words may join.
        line_start, used = start, 0
        for index in range(start, end):
            char_width = measure(plain[index])
            if used and used + char_width > width:
                lines.append((line_start, index, used))
                line_start, used = index, 0
            used += char_width
        line_end = end
    lines.append((line_start, line_end, used))
    return lines


def _cut(paragraph: Line, start: int, end: int) -> Line:
    """The spans of the paragraph between two offsets into its plain text."""
    line: Line = []
    offset = 0
    for text, style in paragraph:
        after = offset + len(text)
        if after > start and offset < end:
            line.append((text[max(start - offset, 0) : end - offset], style))
        offset = after
        if offset >= end:
            break
    return line
