"""Views as plain data (JSON, JSON Lines) and as flat rows (TSV, CSV), and the writers of those formats.

No Rich here: the JSON and TSV paths must stay cheap to import. Records become data through
hamsyr.records.codec, so their keys and columns follow the record declarations.
"""

import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from hamsyr._inert import field, json_safe, visible
from hamsyr._values import Value
from hamsyr.errors import Problem, QueryError
from hamsyr.query.results import Hit, Support, YearGroup
from hamsyr.query.views import (
    ActorView,
    InfoView,
    Listing,
    PhasesView,
    RecordView,
    SourceView,
    TimelineView,
    ValidationView,
    View,
)
from hamsyr.records.codec import date_text, json_keys, to_dict
from hamsyr.records.model import (
    RECORD_TYPES,
    Actor,
    Citation,
    Event,
    Quote,
    Role,
    record_date,
    record_label,
    record_type,
)

LIST_SEPARATOR = "|"  # how list fields are joined in TSV and CSV


class HitRow(Value):
    """A search hit as data: what was found, its rank, and the passage that matched."""

    type: str
    id: str
    date: str | None
    title: str
    score: float
    field: str  # where the best match is
    passage: str
    spans: list[list[int]]  # [start, end] character offsets of the matches inside `passage`

    @classmethod
    def of(cls, hit: Hit) -> "HitRow":
        record = hit.record
        return cls(
            record_type(record), record.id, date_text(record_date(record)), record_label(record), hit.score,
            hit.field, hit.passage, [list(span) for span in hit.spans],
        )  # fmt: skip


class SupportRow(Value):
    """An event or quote a source supports, with the excerpt that ties them."""

    type: str
    id: str
    date: str | None
    title: str
    excerpt: str
    attributed_to: str | None

    @classmethod
    def of(cls, support: Support) -> "SupportRow":
        record, citation = support.record, support.citation
        return cls(
            record_type(record), record.id, date_text(record.date), record_label(record), citation.excerpt,
            citation.attributed_to,
        )  # fmt: skip


def _columns(record_class: type) -> tuple[str, ...]:
    """The JSON keys of a record but the tables that a cell cannot hold (the names of an actor's aliases are
    in `aliases`)."""
    return tuple(key for key in json_keys(record_class) if key != "names")


# The columns of each kind of listing: the record's keys, or the row's.
COLUMNS: dict[str, tuple[str, ...]] = {t.singular: _columns(t.record_class) for t in RECORD_TYPES}
COLUMNS["role-holder"] = COLUMNS["actor"]
COLUMNS["hit"] = tuple(name for name in HitRow._fields if name != "spans")
COLUMNS["support"] = SupportRow._fields


def item_dict(item: Any) -> dict[str, Any]:
    if isinstance(item, Hit):
        return HitRow.of(item)._asdict()
    if isinstance(item, Support):
        return SupportRow.of(item)._asdict()
    return to_dict(item)


def member_dict(actor: Actor, role: Role) -> dict[str, Any]:
    """Someone holding a role in an organization."""
    return {"actor": actor.id, "name": actor.name, **to_dict(role)}


def related_dict(record: Event | Quote) -> dict[str, Any]:
    """A record named beside another: what it is, when, and its one line."""
    return {"type": record_type(record), "id": record.id, "date": date_text(record.date), "title": record_label(record)}


def page_sections(view: View) -> list[tuple[str, Sequence[str], list[dict[str, Any]]]] | None:
    """A page (one actor, source, event or quote, or the phases on a date) as titled sections of rows, so that
    a pipe gets everything the table shows; None for a view that is one listing."""
    sections: list[tuple[str, Sequence[str], list[dict[str, Any]]]]
    if isinstance(view, ActorView):
        sections = [("actor", COLUMNS["actor"], [to_dict(view.actor)])]
        sections.append(("roles", json_keys(Role), [to_dict(role) for role in view.actor.roles]))
        sections.append(("members", _MEMBER, [member_dict(actor, role) for actor, role in view.members]))
        sections += [("events", COLUMNS["event"], [to_dict(e) for e in view.events])]
        sections += [(name, COLUMNS["quote"], [to_dict(q) for q in quotes]) for name, quotes in _quotes(view)]
    elif isinstance(view, SourceView):
        sections = [("source", COLUMNS["source"], [to_dict(view.source)])]
        sections.append(("supports", COLUMNS["support"], [SupportRow.of(s)._asdict() for s in view.supports]))
    elif isinstance(view, RecordView):
        kind = record_type(view.record)
        sections = [(kind, COLUMNS[kind], [to_dict(view.record)])]
        sections.append(("citations", Citation._fields, [to_dict(c) for c in view.record.sources]))
        sections.append(("disputes", COLUMNS["dispute"], [to_dict(d) for d in view.disputes]))
        sections.append(("phases", COLUMNS["phase"], [to_dict(p) for p in view.phases]))
        sections.append(("related", _RELATED, [related_dict(r) for r in view.related]))
    elif isinstance(view, PhasesView) and view.events is not None:
        sections = [("phases", COLUMNS["phase"], [to_dict(phase) for phase in view.phases])]
        for phase, events in zip(view.phases, view.events, strict=True):
            sections.append((f"events of {phase.id}", COLUMNS["event"], [to_dict(e) for e in events]))
    else:
        return None
    return [section for section in sections if section[2]]


_MEMBER = ("actor", "name", *Role._fields)
_RELATED = ("type", "id", "date", "title")


def _quotes(view: ActorView) -> list[tuple[str, Sequence[Quote]]]:
    return [("quotes", view.quotes), ("quotes about", view.quotes_about)]


def write_tsv_sections(sections: Sequence[tuple[str, Sequence[str], list[dict[str, Any]]]], out: IO[str]) -> None:
    """Sections of TSV, each under a `# title (count)` line and with its own header line."""
    for number, (title, columns, rows) in enumerate(sections):
        if number:
            out.write("\n")
        out.write(f"# {field(title)} ({len(rows)})\n")
        write_tsv(columns, [flat_row(row, columns) for row in rows], out)


def year_group_dict(group: YearGroup) -> dict[str, Any]:
    return {"year": group.year, "events": [to_dict(event) for event in group.events]}


def to_data(view: View) -> Any:
    """The JSON document for a view: an array for listings, an object for one record."""
    if isinstance(view, Listing):
        return [item_dict(item) for item in view.items]
    if isinstance(view, ActorView):
        data = {
            **to_dict(view.actor),
            "events": [to_dict(e) for e in view.events],
            "quotes": [to_dict(q) for q in view.quotes],
            "quotes_about": [to_dict(q) for q in view.quotes_about],
            "members": [member_dict(actor, role) for actor, role in view.members],
        }
        return {**data, "on": view.on} if view.on else data
    if isinstance(view, PhasesView):
        if view.events is None:
            return [to_dict(phase) for phase in view.phases]
        return [
            {**to_dict(phase), "events": [to_dict(e) for e in events]}
            for phase, events in zip(view.phases, view.events, strict=True)
        ]
    if isinstance(view, SourceView):
        return {**to_dict(view.source), "supports": [SupportRow.of(s)._asdict() for s in view.supports]}
    if isinstance(view, RecordView):
        return {
            **to_dict(view.record),
            "dispute_details": [to_dict(dispute) for dispute in view.disputes],
            "phases": [to_dict(phase) for phase in view.phases],
            "related": [related_dict(record) for record in view.related],
        }
    if isinstance(view, TimelineView):
        return [year_group_dict(group) for group in view.groups]
    if isinstance(view, ValidationView):
        return [problem.to_dict() for problem in view.problems]
    return view.data


def flat_records(view: View) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """Columns and rows for TSV and CSV. A show command gives its one record as one row."""
    if isinstance(view, Listing):
        return COLUMNS[view.kind], [item_dict(item) for item in view.items]
    if isinstance(view, ActorView):
        return COLUMNS["actor"], [to_dict(view.actor)]
    if isinstance(view, PhasesView):
        return COLUMNS["phase"], [to_dict(phase) for phase in view.phases]
    if isinstance(view, SourceView):
        return COLUMNS["source"], [to_dict(view.source)]
    if isinstance(view, RecordView):
        return COLUMNS[record_type(view.record)], [to_dict(view.record)]
    if isinstance(view, TimelineView):
        rows = [{"year": group.year, **to_dict(event)} for group in view.groups for event in group.events]
        return ("year", *COLUMNS["event"]), rows
    if isinstance(view, ValidationView):
        return Problem._fields, to_data(view)
    return ("field", "value"), [{"field": key, "value": value} for key, value in view.items()]


def _chosen(fields: Sequence[str], available: Iterable[str]) -> list[str]:
    """The fields asked for, in that order; QueryError naming the valid ones when one is unknown."""
    valid = list(dict.fromkeys(available))
    unknown = [name for name in fields if name not in valid]
    if unknown:
        hint = _did_you_mean(unknown[0], valid)
        raise QueryError(f"unknown field {unknown[0]!r} for --fields;{hint} valid fields: {', '.join(valid)}")
    return list(fields)


def _did_you_mean(name: str, valid: Sequence[str]) -> str:
    from difflib import get_close_matches

    close = get_close_matches(name, valid, n=1, cutoff=0.6)
    return f" did you mean {close[0]!r}?" if close else ""


def projected(view: View, data: Any, fields: Sequence[str]) -> Any:
    """JSON data with only `fields` (in that order) in each record; a timeline keeps its year groups."""
    columns, _ = flat_records(view)
    if isinstance(view, TimelineView):
        chosen = _chosen(fields, [*COLUMNS["event"], *(k for g in data for e in g["events"] for k in e)])
        return [{"year": g["year"], "events": [{f: e[f] for f in chosen} for e in g["events"]]} for g in data]
    records = data if isinstance(data, list) else [data]
    chosen = _chosen(fields, [*columns, *(key for record in records for key in record)])
    picked = [{name: record[name] for name in chosen} for record in records]
    return picked if isinstance(data, list) else picked[0]


def flat_table(view: View, fields: Sequence[str] | None) -> tuple[Sequence[str], list[list[str]]]:
    """The columns (only `fields`, in that order, when given) and the cells of the view's rows."""
    columns, rows = flat_records(view)
    chosen: Sequence[str] = columns
    if fields is not None and isinstance(view, InfoView):
        # info is a list of field/value rows: --fields picks rows, not columns.
        picked = set(_chosen(fields, [row["field"] for row in rows]))
        rows = [row for row in rows if row["field"] in picked]
    elif fields is not None:
        chosen = _chosen(fields, columns)
    return chosen, [flat_row(row, chosen) for row in rows]


def _flat(value: Any) -> str:
    """One cell: lists joined by LIST_SEPARATOR (repeats dropped), citations and roles by source id and title."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(dict.fromkeys(_flat(item) for item in value))
    if isinstance(value, dict):
        return str(value.get("source") or value.get("title") or value.get("claim") or "")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def flat_row(data: dict[str, Any], columns: Sequence[str]) -> list[str]:
    return [_flat(data.get(column)) for column in columns]


# --- writers ---------------------------------------------------------------------------------------------


def _ascii_only(out: IO[str]) -> bool:
    """Whether the output cannot take every character, so that JSON must escape all but ASCII."""
    return not (getattr(out, "encoding", None) or "utf-8").lower().startswith("utf")


def write_json(data: Any, out: IO[str]) -> None:
    """An array is written one element a line; anything else indented. (The standard encoder drops to its
    pure-Python implementation whenever `indent` is given, so arrays, which can be long, avoid it.)"""
    ascii_only = _ascii_only(out)
    if isinstance(data, list):
        encode = json.JSONEncoder(ensure_ascii=ascii_only).encode
        out.write("[\n" if data else "[")
        out.write(json_safe(",\n".join(encode(item) for item in data)))
        out.write("\n]\n" if data else "]\n")
    else:
        out.write(json_safe(json.dumps(data, ensure_ascii=ascii_only, indent=2)))
        out.write("\n")


def write_jsonl(items: Iterable[Any], out: IO[str]) -> None:
    encode = json.JSONEncoder(ensure_ascii=_ascii_only(out), separators=(",", ":")).encode
    for item in items:
        out.write(json_safe(encode(item)))
        out.write("\n")


def write_tsv(columns: Sequence[str], rows: Iterable[Sequence[str]], out: IO[str]) -> None:
    out.write("\t".join(columns) + "\n")
    for row in rows:
        out.write("\t".join(field(cell) for cell in row) + "\n")


# A cell a spreadsheet would run as a formula (=HYPERLINK(...), +cmd, -2+3, @SUM) starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: IO[str], *, raw: bool = False) -> None:
    """The one CSV writer, for `--format csv` and the CSV export alike. Control characters are made visible,
    never raw (quoting keeps tabs and newlines); and unless `raw`, a cell that a spreadsheet would run as a
    formula is written with a `'` before it, which spreadsheets show as text."""
    import csv  # only CSV output needs it

    def cell(value: Any) -> str:
        text = visible(_flat(value))
        return f"'{text}" if not raw and text.startswith(FORMULA_STARTS) else text

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([cell(column) for column in columns])
    writer.writerows([cell(value) for value in row] for row in rows)
