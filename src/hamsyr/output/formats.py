"""One renderer for every command: a view written as a table, TSV, CSV, JSON or JSON Lines on a stream.

Only the table format imports Rich (hamsyr.output.tables), so JSON, JSON Lines, TSV and CSV stay cheap.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import IO

from hamsyr._inert import visible
from hamsyr.errors import QueryError
from hamsyr.output.rows import (
    flat_table,
    page_sections,
    projected,
    to_data,
    write_csv,
    write_json,
    write_jsonl,
    write_tsv,
    write_tsv_sections,
)
from hamsyr.query.factbase import FactBase
from hamsyr.query.views import ValidationView, View


class Format(StrEnum):
    TABLE = "table"
    TSV = "tsv"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


def render(
    view: View,
    fmt: Format,
    out: IO[str],
    base: FactBase | None = None,
    fields: Sequence[str] | None = None,
    page: bool = False,
    environ: Mapping[str, str] = os.environ,
) -> None:
    """Write `view` in `fmt`; `fields` keeps only those fields, in that order (not for tables); `page` lets a
    table taller than the terminal go through a pager; `environ` says what the terminal can show."""
    if fields is not None and fmt is Format.TABLE:
        raise QueryError("--fields works with --format json, jsonl, tsv and csv, not with tables")
    if fmt in (Format.JSON, Format.JSONL):
        data = to_data(view)
        if fields is not None:
            data = projected(view, data, fields)
        if fmt is Format.JSON:
            write_json(data, out)
        else:
            write_jsonl(data if isinstance(data, list) else [data], out)
    elif isinstance(view, ValidationView):
        # For people and pipes alike, a problem a line, as compilers list theirs.
        out.writelines(f"{visible(str(problem))}\n" for problem in view.problems)
    elif fmt is Format.TSV and fields is None and (sections := page_sections(view)) is not None:
        write_tsv_sections(sections, out)  # a page: every section the table shows, so that a pipe loses nothing
    elif fmt in (Format.TSV, Format.CSV):
        columns, rows = flat_table(view, fields)
        if fmt is Format.TSV:
            write_tsv(columns, rows, out)
        else:  # HAMSYR_RAW_CSV=1 keeps cells that look like formulas as they are (read as Click reads the flag)
            raw = environ.get("HAMSYR_RAW_CSV", "").strip().lower() in ("1", "true", "t", "yes", "y", "on")
            write_csv(columns, rows, out, raw=raw)
    else:
        from hamsyr.output.tables import render_table

        render_table(view, out, base, environ, page)
