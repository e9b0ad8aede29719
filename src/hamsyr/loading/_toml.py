"""Bytes to a TOML document, with every way that can fail turned into a located FactBaseError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hamsyr.errors import FactBaseError


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
