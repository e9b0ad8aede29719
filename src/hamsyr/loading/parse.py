"""Bytes to TOML documents (tomli), with every way that can fail turned into a located FactBaseError.

A large file is parsed in pieces (`documents`), each a run of whole `[[records]]` tables, so that the parsed
form of only one piece is in memory at a time: parsed TOML takes about five times the text's size, and a
piece's records are built and stored before the next piece is parsed. The pieces give exactly what parsing
the whole file gives, or the file is parsed whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

from hamsyr.errors import FactBaseError

PIECE_CHARS = 1 << 20  # parsed in pieces of about this many characters (some thousands of records)


def decode(path: Path, data: bytes) -> str:
    try:
        # utf-8-sig: a byte-order mark some editors add is not an error worth stopping for.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FactBaseError.at(
            path, f"not valid UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8", line
        ) from None


def parse(path: Path, text: str) -> dict[str, Any]:
    """The whole text parsed; FactBaseError placing a syntax error on its line and column."""
    import tomli  # only when there is TOML to parse: a cached base never needs it

    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        raise FactBaseError.at(
            path, f"invalid TOML: {error.msg}; fix the syntax at that place", error.lineno, error.colno
        ) from None
    except RecursionError:
        # tomli parses nested arrays and inline tables recursively; no fact base nests that deep.
        raise FactBaseError.at(
            path, "values are nested too deeply to read; a fact base needs only a few levels of nesting"
        ) from None


class Unsplittable(Exception):
    """A piece after the first did not parse as the whole file would: what was made of the earlier pieces is
    to be let go, and the file parsed whole (`parse`)."""


def documents(
    path: Path, text: str, piece_chars: int = PIECE_CHARS, done: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """The file as a series of documents whose arrays of tables, appended in order, are the file's own.

    A piece begins at a line `[[name]]`. Such a line inside a multi-line string or array leaves the piece
    before it unparsable, and a piece whose keys are not exactly the arrays opened in it (a `[name.sub]`
    reaching back into an earlier piece, a key of the file's top level after the first piece) would not
    mean what the whole file means: the whole file is then parsed instead (which also gives a syntax error
    its true line), at once when the first piece fails, else by raising Unsplittable for the caller to start
    again. `done` is told how many characters have been parsed after each piece (for a progress bar).
    """
    if len(text) <= piece_chars:
        yield parse(path, text)
        return
    cuts, opened = _pieces(text, piece_chars)
    every_array = frozenset(name for counts in opened for name in counts)
    for number, (start, end) in enumerate(pairwise(cuts)):
        document = _piece(text, start, end, opened[number], every_array, first=number == 0)
        if document is None and number == 0:
            yield parse(path, text)
            return
        if document is None:
            raise Unsplittable
        yield document
        if done is not None:
            done(end)


def _piece(
    text: str, start: int, end: int, counts: dict[str, int], every_array: frozenset[str], first: bool
) -> dict[str, Any] | None:
    """One piece parsed, or None when it does not mean what it means in the whole file."""
    import tomli

    try:
        document = tomli.loads(text[start:end])
    except (tomli.TOMLDecodeError, RecursionError):
        return None
    for key, value in document.items():
        if key in counts:
            if not isinstance(value, list) or len(value) != counts[key]:
                return None
        elif not first or key in every_array:
            return None
    return document


_HEADER = r"\[\[([A-Za-z0-9_-]+)\]\][ \t]*(?:#[^\n]*)?"


def _pieces(text: str, piece_chars: int) -> tuple[list[int], list[dict[str, int]]]:
    """Where the pieces start (and the text's end), and how many tables of each array each piece opens."""
    cuts = [0]
    opened: list[dict[str, int]] = [{}]
    for header in re.finditer(rf"^{_HEADER}$", text, re.MULTILINE):
        start = header.start()
        if start - cuts[-1] >= piece_chars:
            cuts.append(start)
            opened.append({})
        opened[-1][header[1]] = opened[-1].get(header[1], 0) + 1
    cuts.append(len(text))
    return cuts, opened
