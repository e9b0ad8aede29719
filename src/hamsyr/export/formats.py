"""`hamsyr export`: the base, or a selection of it, written in the format asked for, to stdout or a path."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import IO

from hamsyr._files import write_atomic
from hamsyr.errors import QueryError, WriteFailed
from hamsyr.query.factbase import FactBase

FILE_FORMATS = ("csv", "sqlite")


def _text_formats() -> dict[str, Callable[[FactBase], str]]:
    from hamsyr.export.documents import to_json, to_jsonl, to_timelinejs
    from hamsyr.export.graph import to_dot, to_mermaid
    from hamsyr.export.html import to_html

    return {
        "json": to_json,
        "jsonl": to_jsonl,
        "timelinejs": to_timelinejs,
        "dot": to_dot,
        "mermaid": to_mermaid,
        "html": to_html,
    }


def export_base(
    base: FactBase,
    fmt: str,
    output: Path | None,
    force: bool,
    stdout: IO[str],
    *,
    bom: bool = False,
    raw_csv: bool = False,
    say: Callable[[str], None] = lambda _: None,
) -> str | None:
    """Write `base` in `fmt` to `output` (stdout when None, for the text formats); say what was written, and
    through `say` what a format leaves out. `bom` begins CSV files with a byte-order mark, which some
    spreadsheet programs need to read UTF-8."""
    if fmt in FILE_FORMATS and output is None:
        raise QueryError(f"--format {fmt} writes files; give --output PATH")
    try:
        if fmt == "csv":
            from hamsyr.export.tabular import write_csv_folder

            assert output is not None
            written = write_csv_folder(base, output, replace=force, bom=bom, raw=raw_csv)
            return f"{', '.join(written)} in {output}"
        if fmt == "sqlite":
            from hamsyr.export.datasette import write_database

            assert output is not None
            return " and ".join(str(path) for path in write_database(base, output, replace=force))
        if fmt == "timelinejs" and (undated := sum(1 for event in base.events if event.date is None)):
            from hamsyr.views import voice

            say(voice.not_drawn(undated, "TimelineJS"))
        text = _text_formats()[fmt](base)
        if output is None:
            stdout.write(text)
            return None
        write_atomic(output, text, replace=force)
        return str(output)
    except (OSError, sqlite3.Error) as error:
        where = output if output is not None else "the output"
        raise WriteFailed(
            f"cannot write {where} ({getattr(error, 'strerror', None) or error}); check the path"
        ) from None
