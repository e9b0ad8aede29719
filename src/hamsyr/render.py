"""One renderer for every command: turns a view into table, TSV, CSV, JSON or JSON Lines on a stream.

Only the table format imports Rich (through hamsyr.tables), so JSON and TSV output stay cheap.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import IO, Any

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
from hamsyr.views import ActorView, Listing, PhasesView, SourceView, TimelineView, View


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


def _lines(view: View) -> Iterable[Any]:
    """The items of a view for JSON Lines: one record (or year group) a line."""
    data = to_data(view)
    return data if isinstance(data, list) else [data]


def _flat(view: View) -> tuple[tuple[str, ...], list[list[str]]]:
    """Columns and rows for TSV and CSV. A show command gives its one record as one row."""
    if isinstance(view, Listing):
        columns = COLUMNS[view.kind]
        return columns, [flat_row(item_dict(item), columns) for item in view.items]
    if isinstance(view, ActorView):
        return COLUMNS["actor"], [flat_row(record_dict(view.actor), COLUMNS["actor"])]
    if isinstance(view, PhasesView):
        return COLUMNS["phase"], [flat_row(record_dict(phase), COLUMNS["phase"]) for phase in view.phases]
    if isinstance(view, SourceView):
        return COLUMNS["source"], [flat_row(record_dict(view.source), COLUMNS["source"])]
    if isinstance(view, TimelineView):
        columns = ("year", *COLUMNS["event"])
        rows = [
            flat_row({"year": group.year, **record_dict(event)}, columns)
            for group in view.groups
            for event in group.events
        ]
        return columns, rows
    return ("field", "value"), [
        flat_row({"field": key, "value": value}, ("field", "value")) for key, value in view.items()
    ]


def render(view: View, fmt: Format, out: IO[str], base: FactBase | None = None) -> None:
    if fmt is Format.JSON:
        write_json(to_data(view), out)
    elif fmt is Format.JSONL:
        write_jsonl(_lines(view), out)
    elif fmt is Format.TSV:
        write_tsv(*_flat(view), out)
    elif fmt is Format.CSV:
        write_csv(*_flat(view), out)
    else:
        from hamsyr.tables import render_table

        render_table(view, out, base)
