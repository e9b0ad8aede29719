"""One renderer for every command: turns a view into table, TSV, CSV, JSON or JSON Lines on a stream.

Only the table format imports the table layout (hamsyr.tables), so JSON and TSV output stay cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import IO, Any

from hamsyr.errors import QueryError
from hamsyr.factbase import FactBase, Hit, Support
from hamsyr.serialize import (
    COLUMNS,
    flat_row,
    hit_dict,
    member_dict,
    record_dict,
    support_dict,
    write_csv,
    write_json,
    write_jsonl,
    write_tsv,
    year_group_dict,
)
from hamsyr.views import ActorView, InfoView, Listing, PhasesView, SourceView, TimelineView, View


class Format(StrEnum):
    TABLE = "table"
    TSV = "tsv"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


def item_dict(item: Any) -> dict[str, Any]:
    if isinstance(item, Hit):
        return hit_dict(item)
    if isinstance(item, Support):
        return support_dict(item)
    return record_dict(item)


def to_data(view: View) -> Any:
    """The JSON document for a view: an array for listings, an object for one record."""
    if isinstance(view, Listing):
        return [item_dict(item) for item in view.items]
    if isinstance(view, ActorView):
        data = {
            **record_dict(view.actor),
            "events": [record_dict(e) for e in view.events],
            "quotes": [record_dict(q) for q in view.quotes],
            "quotes_about": [record_dict(q) for q in view.quotes_about],
            "members": [member_dict(actor, role) for actor, role in view.members],
        }
        return {**data, "on": view.on} if view.on else data
    if isinstance(view, PhasesView):
        if view.events is None:
            return [record_dict(phase) for phase in view.phases]
        return [
            {**record_dict(phase), "events": [record_dict(e) for e in events]}
            for phase, events in zip(view.phases, view.events, strict=True)
        ]
    if isinstance(view, SourceView):
        return {**record_dict(view.source), "supports": [support_dict(s) for s in view.supports]}
    if isinstance(view, TimelineView):
        return [year_group_dict(group) for group in view.groups]
    return view.data


def _flat_records(view: View) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """Columns and rows for TSV and CSV. A show command gives its one record as one row."""
    if isinstance(view, Listing):
        return COLUMNS[view.kind], [item_dict(item) for item in view.items]
    if isinstance(view, ActorView):
        return COLUMNS["actor"], [record_dict(view.actor)]
    if isinstance(view, PhasesView):
        return COLUMNS["phase"], [record_dict(phase) for phase in view.phases]
    if isinstance(view, SourceView):
        return COLUMNS["source"], [record_dict(view.source)]
    if isinstance(view, TimelineView):
        rows = [{"year": group.year, **record_dict(event)} for group in view.groups for event in group.events]
        return ("year", *COLUMNS["event"]), rows
    return ("field", "value"), [{"field": key, "value": value} for key, value in view.items()]


def _chosen(fields: Sequence[str], available: Iterable[str]) -> list[str]:
    """The fields asked for, in that order; QueryError naming the valid ones when one is unknown."""
    valid = list(dict.fromkeys(available))
    unknown = [name for name in fields if name not in valid]
    if unknown:
        raise QueryError(f"unknown field {unknown[0]!r} for --fields; valid fields: {', '.join(valid)}")
    return list(fields)


def _projected(view: View, data: Any, fields: Sequence[str]) -> Any:
    """JSON data with only `fields` (in that order) in each record; a timeline keeps its year groups."""
    columns, _ = _flat_records(view)
    if isinstance(view, TimelineView):
        chosen = _chosen(fields, [*COLUMNS["event"], *(k for g in data for e in g["events"] for k in e)])
        return [{"year": g["year"], "events": [{f: e[f] for f in chosen} for e in g["events"]]} for g in data]
    records = data if isinstance(data, list) else [data]
    chosen = _chosen(fields, [*columns, *(key for record in records for key in record)])
    picked = [{name: record[name] for name in chosen} for record in records]
    return picked if isinstance(data, list) else picked[0]


def render(
    view: View,
    fmt: Format,
    out: IO[str],
    base: FactBase | None = None,
    fields: Sequence[str] | None = None,
    page: bool = False,
) -> None:
    """Write `view` in `fmt`; `fields` keeps only those fields, in that order (not for tables); `page` lets a
    table taller than the terminal go through a pager."""
    if fields is not None and fmt is Format.TABLE:
        raise QueryError("--fields works with --format json, jsonl, tsv and csv, not with tables")
    if fmt in (Format.JSON, Format.JSONL):
        data = to_data(view)
        if fields is not None:
            data = _projected(view, data, fields)
        if fmt is Format.JSON:
            write_json(data, out)
        else:
            write_jsonl(data if isinstance(data, list) else [data], out)
    elif fmt in (Format.TSV, Format.CSV):
        columns, rows = _flat_records(view)
        chosen = columns
        if fields is not None and isinstance(view, InfoView):
            # info is a list of field/value rows: --fields picks rows, not columns.
            picked = set(_chosen(fields, [row["field"] for row in rows]))
            rows = [row for row in rows if row["field"] in picked]
        elif fields is not None:
            chosen = tuple(_chosen(fields, columns))
        (write_tsv if fmt is Format.TSV else write_csv)(chosen, [flat_row(row, chosen) for row in rows], out)
    else:
        from hamsyr.tables import render_table

        render_table(view, out, base, page)
