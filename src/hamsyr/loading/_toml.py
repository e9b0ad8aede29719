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
from typing import Any, NamedTuple

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
    path: Path,
    text: str,
    piece_chars: int = PIECE_CHARS,
    done: Callable[[int], None] | None = None,
    prepare: Callable[[dict[str, Any]], Any] | None = None,
) -> Iterator[Any]:
    """The file as a series of documents whose arrays of tables, appended in order, are the file's own; or,
    with `prepare`, what it makes of each document (in the helper process that parsed it, if any: the work
    that needs no other piece is done there, and only its result is sent back).

    A piece begins at a line `[[name]]`. Such a line inside a multi-line string or array would make the
    piece before it fail to parse (the string or array is left open), and a piece whose keys are not exactly
    the arrays opened in it (a `[name.sub]` reaching back into an earlier piece, a key of the file's top
    level) is not what the whole file means: either way Unsplittable is raised, and the caller starts again
    with the whole file (`[parse(path, text)]`), which also gives a syntax error its true line. `done` is
    told how many characters have been parsed after each piece (for a progress bar).
    """
    if len(text) <= piece_chars:
        document = parse(path, text)
        yield prepare(document) if prepare is not None else document
        return
    global _JOB
    cuts, opened = _pieces(text, piece_chars)
    _JOB = _Job(text, opened, frozenset(name for counts in opened for name in counts), prepare)
    try:
        for number, result in enumerate(_parsed(cuts)):
            yield result
            if done is not None:
                done(cuts[number + 1])
    finally:
        _JOB = None


class _Job(NamedTuple):
    """What parsing a piece needs besides where it is: forked helpers see it without its being sent."""

    text: str
    opened: list[dict[str, int]]  # for each piece, how many tables of each array it opens
    every_array: frozenset[str]
    prepare: Callable[[dict[str, Any]], Any] | None


_JOB: _Job | None = None


def _piece(number: int, start: int, end: int) -> Any:
    """One piece parsed and found to mean what it means in the whole file (else Unsplittable), prepared."""
    import tomli

    assert _JOB is not None
    try:
        document = tomli.loads(_JOB.text[start:end])
    except (tomli.TOMLDecodeError, RecursionError):
        raise Unsplittable from None
    counts = _JOB.opened[number]
    for key, value in document.items():
        if key in counts:
            if not isinstance(value, list) or len(value) != counts[key]:
                raise Unsplittable
        elif number > 0 or key in _JOB.every_array:
            raise Unsplittable
    return _JOB.prepare(document) if _JOB.prepare is not None else document


def _parsed(cuts: list[int]) -> Iterator[Any]:
    """Each piece parsed (and prepared), in order: by helper processes when the machine has processors to
    spare, else here; Unsplittable when one fails."""
    assert _JOB is not None
    helpers = _helpers(len(_JOB.text))
    if helpers:
        yield from _parsed_by_helpers(cuts, helpers)
        return
    for number, (start, end) in enumerate(pairwise(cuts)):
        yield _piece(number, start, end)


HELPERS_FROM_CHARS = 1 << 23  # a text this long is worth starting helper processes for (about 8 MB)
_AHEAD = 4  # pieces parsed ahead of their use, by each helper at most: what waits is held in memory


def _helpers(size: int) -> int:
    """How many helper processes to parse with: none for a small text, or where processes cannot be forked;
    else as many as there are processors (the parent mostly waits on them and writes)."""
    import os

    if size < HELPERS_FROM_CHARS or not hasattr(os, "fork") or not hasattr(os, "sched_getaffinity"):
        return 0
    processors = len(os.sched_getaffinity(0))
    return min(processors, 4) if processors > 1 else 0


def _parsed_by_helpers(cuts: list[int], helpers: int) -> Iterator[Any]:
    import marshal
    import multiprocessing
    import pickle
    from collections import deque

    import tomli  # noqa: F401 - imported before forking, so that no helper has to import anything

    with multiprocessing.get_context("fork").Pool(helpers, initializer=_helper_starts) as pool:
        pieces = enumerate(pairwise(cuts))
        waiting = deque(pool.apply_async(_helped, (n, *piece)) for n, piece in islice(pieces, _AHEAD * helpers))
        while waiting:
            how, data = waiting.popleft().get()
            following = next(pieces, None)
            if following is not None:
                number, piece = following
                waiting.append(pool.apply_async(_helped, (number, *piece)))
            if how == "failed":
                raise Unsplittable
            yield marshal.loads(data) if how == "marshal" else pickle.loads(data)


def _helper_starts() -> None:
    import gc
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: no traceback from here
    gc.disable()  # parsing makes millions of objects and no cycles


def _helped(number: int, start: int, end: int) -> tuple[str, bytes]:
    """In a helper: one piece, sent back marshalled (much the fastest), or pickled when it holds TOML dates
    and times, which marshal cannot carry."""
    import marshal
    import pickle

    try:
        result = _piece(number, start, end)
    except Unsplittable:
        return "failed", b""
    try:
        return "marshal", marshal.dumps(result)
    except ValueError:
        return "pickle", pickle.dumps(result)


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
