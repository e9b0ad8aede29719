"""Bytes to TOML documents, with every way that can fail turned into a located FactBaseError.

A large fact base is parsed in pieces (`documents`), each a run of whole `[[records]]` tables, so that the
parsed form of only one piece is in memory at a time: parsed TOML takes several times the text's size, and
a piece's records can be checked and stored before the next is parsed. The pieces give exactly what
parsing the whole file gives, or the file is parsed whole (see `documents`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import islice, pairwise
from pathlib import Path
from typing import Any

from hamsyr.errors import FactBaseError

PIECE_CHARS = 1 << 18  # parsed in pieces of about this many characters (a few hundred records)
# A line that opens a table of a top-level array (`[[events]]`), written plainly: where a piece may begin.
_HEADER = re.compile(r"\[\[([A-Za-z0-9_-]+)\]\][ \t]*(?:#[^\n]*)?")


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
    """The pieces did not parse as the whole file would: parse it whole instead."""


def documents(
    path: Path, text: str, piece_chars: int = PIECE_CHARS, done: Callable[[int], None] | None = None
) -> Iterator[dict[str, Any]]:
    """The file as a series of documents whose arrays of tables, appended in order, are the file's own.

    A piece begins at a line `[[name]]`. Such a line inside a multi-line string or array would make the
    piece before it fail to parse (the string or array is left open), and a piece whose keys are not exactly
    the arrays opened in it (a `[name.sub]` reaching back into an earlier piece, a key of the file's top
    level) is not what the whole file means: either way Unsplittable is raised, and the caller starts again
    with the whole file (`[parse(path, text)]`), which also gives a syntax error its true line. `done` is
    told how many characters have been parsed after each piece (for a progress bar).
    """
    if len(text) <= piece_chars:
        yield parse(path, text)
        return
    cuts, opened = _pieces(text, piece_chars)
    top: set[str] = set()
    every_array = {name for counts in opened for name in counts}
    for number, document in enumerate(_parsed(text, cuts)):
        counts = opened[number]
        for key, value in document.items():
            if key in counts:
                if not isinstance(value, list) or len(value) != counts[key] or key in top:
                    raise Unsplittable
            elif number > 0 or key in every_array:
                raise Unsplittable
            else:
                top.add(key)
        yield document
        if done is not None:
            done(cuts[number + 1])


def _parsed(text: str, cuts: list[int]) -> Iterator[dict[str, Any]]:
    """Each piece parsed, in order: by helper processes when the machine has processors to spare (parsing
    is most of the work, and checking can go on meanwhile), else here; Unsplittable when one fails."""
    helpers = _helpers(len(text))
    if helpers:
        yield from _parsed_by_helpers(text, cuts, helpers)
        return
    import tomli

    for start, end in pairwise(cuts):
        try:
            yield tomli.loads(text[start:end])
        except (tomli.TOMLDecodeError, RecursionError):
            raise Unsplittable from None


HELPERS_FROM_CHARS = 1 << 23  # a text this long is worth starting helper processes for (about 8 MB)
_AHEAD = 8  # pieces parsed ahead of the checking, at most: what waits is held in memory


def _helpers(size: int) -> int:
    """How many helper processes to parse with: none for a small text, or where processes cannot be forked."""
    import os

    if size < HELPERS_FROM_CHARS or not hasattr(os, "fork") or not hasattr(os, "sched_getaffinity"):
        return 0
    return min(len(os.sched_getaffinity(0)) - 1, 3)


_TEXT = ""  # the text being parsed, which forked helpers see without its being copied to them


def _parsed_by_helpers(text: str, cuts: list[int], helpers: int) -> Iterator[dict[str, Any]]:
    import marshal
    import multiprocessing
    import pickle
    from collections import deque

    import tomli  # noqa: F401 - imported before forking, so that no helper has to import anything

    global _TEXT
    _TEXT = text
    try:
        with multiprocessing.get_context("fork").Pool(helpers, initializer=_helper_starts) as pool:
            pieces = pairwise(cuts)
            waiting = deque(pool.apply_async(_parse_piece, piece) for piece in islice(pieces, _AHEAD))
            while waiting:
                how, data = waiting.popleft().get()
                following = next(pieces, None)
                if following is not None:
                    waiting.append(pool.apply_async(_parse_piece, following))
                if how == "failed":
                    raise Unsplittable
                yield marshal.loads(data) if how == "marshal" else pickle.loads(data)
    finally:
        _TEXT = ""


def _helper_starts() -> None:
    import gc
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: no traceback from here
    gc.disable()  # parsing makes millions of objects and no cycles


def _parse_piece(start: int, end: int) -> tuple[str, bytes]:
    """In a helper: one piece parsed, sent back marshalled (much the fastest), or pickled when it holds TOML
    dates and times, which marshal cannot carry."""
    import marshal
    import pickle

    import tomli

    try:
        document = tomli.loads(_TEXT[start:end])
    except (tomli.TOMLDecodeError, RecursionError):
        return "failed", b""
    try:
        return "marshal", marshal.dumps(document)
    except ValueError:
        return "pickle", pickle.dumps(document)


def _pieces(text: str, piece_chars: int) -> tuple[list[int], list[dict[str, int]]]:
    """Where the pieces start (and the text's end), and how many tables of each array each piece opens."""
    cuts = [0]
    opened: list[dict[str, int]] = [{}]
    start = 0 if text.startswith("[[") else text.find("\n[[") + 1
    while start != -1 and (start > 0 or text.startswith("[[")):
        line_end = text.find("\n", start)
        header = _HEADER.fullmatch(text, start, line_end if line_end != -1 else len(text))
        if header is not None:
            if start - cuts[-1] >= piece_chars:
                cuts.append(start)
                opened.append({})
            opened[-1][header[1]] = opened[-1].get(header[1], 0) + 1
        following = text.find("\n[[", start + 1)
        start = following + 1 if following != -1 else -1
    cuts.append(len(text))
    return cuts, opened
