"""One renderer for every command: a view written as a table, TSV, CSV, JSON or JSON Lines on a stream.

The view says what it holds in each form (hamsyr.views.view.View); this module only chooses the form and
the writer. Only the table format imports Rich (hamsyr.output.tables), so JSON, JSON Lines, TSV and CSV
stay cheap.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import IO, TYPE_CHECKING

from hamsyr._inert import visible
from hamsyr.errors import QueryError
from hamsyr.output.rows import flat_row, write_csv, write_json, write_jsonl, write_tsv, write_tsv_sections

if TYPE_CHECKING:
    from hamsyr.views.view import View


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
    fields: Sequence[str] | None = None,
    page: bool = False,
    environ: Mapping[str, str] = os.environ,
) -> None:
    """Write `view` in `fmt`; `fields` keeps only those fields, in that order (not for tables); `page` lets a
    table taller than the terminal go through a pager; `environ` says what the terminal can show."""
    if fields is not None and fmt is Format.TABLE:
        raise QueryError("--fields works with --format json, jsonl, tsv and csv, not with tables")
    if fmt in (Format.JSON, Format.JSONL):
        data = view.data() if fields is None else view.data_with(fields)
        if fmt is Format.JSON:
            write_json(data, out)
        else:
            write_jsonl(data if isinstance(data, list) else [data], out)
    elif (lines := view.lines()) is not None:
        out.writelines(f"{visible(line)}\n" for line in lines)
    elif fmt is Format.TSV and fields is None and (sections := view.sections()) is not None:
        write_tsv_sections(sections, out)  # a page: every section the table shows, so that a pipe loses nothing
    elif fmt in (Format.TSV, Format.CSV):
        columns, rows = (view.columns(), view.rows()) if fields is None else view.rows_with(fields)
        cells = [flat_row(row, columns) for row in rows]
        if fmt is Format.TSV:
            write_tsv(columns, cells, out)
        else:  # HAMSYR_RAW_CSV=1 keeps cells that look like formulas as they are (read as Click reads the flag)
            raw = environ.get("HAMSYR_RAW_CSV", "").strip().lower() in ("1", "true", "t", "yes", "y", "on")
            write_csv(columns, cells, out, raw=raw)
    else:
        from hamsyr.output.tables import render_table

        render_table(view.blocks(), out, environ, page)
