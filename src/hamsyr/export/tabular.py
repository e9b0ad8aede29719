"""The fact base (or a selection of it) as tables: a folder of CSV files, or an SQLite database.

Both are derived from the record declarations (hamsyr.records.fields), by these rules:
- a record type is a table with a column per field; a list is one cell joined with `|`; a date also gives
  `NAME_start` and `NAME_end`, the first and last day it covers (in SQLite);
- a list of tables inside a record (roles, claims) is a table of its own, with the record's id and the
  table's position;
- every citation, wherever it is, is a row of one `citations` table;
- in SQLite, references to other records, tags, and references to actors can also be joined through link
  tables (`event_actors`, `event_tags`, `quote_speakers`, `quote_about`, `dispute_records`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from hamsyr._files import atomic_path
from hamsyr.output.rows import COLUMNS, LIST_SEPARATOR, flat_row, write_csv
from hamsyr.query.factbase import FactBase
from hamsyr.records.codec import to_dict
from hamsyr.records.dates import FuzzyDate
from hamsyr.records.fields import Declared, Kind, fields_of
from hamsyr.records.model import RECORD_TYPES, Citation

CITATION_COLUMNS = ("record_type", "record", "claim", "source", "excerpt", "attributed_to", "within")


class _Table(NamedTuple):
    """One table of the export: its name, columns (with their SQL declarations) and rows."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: Iterable[tuple[Any, ...]]
    csv: bool = True  # also a file of the CSV folder


def _is_citations(declared: Declared) -> bool:
    return declared.field.kind is Kind.TABLES and declared.of is Citation


class _Column(NamedTuple):
    """A column of a record's own table: the field it shows, which part of it, and its SQL declaration."""

    field: Declared
    name: str
    sql: str
    part: str = "value"  # or "start", "end": the first or last day a date covers; "shorthand": names of tables


def _columns(record_class: type, has_id: bool) -> list[_Column]:
    columns = []
    for declared in fields_of(record_class):
        field = declared.field
        if field.kind is Kind.TABLES and field.shorthand:  # aliases: their names joined in a cell too
            columns.append(_Column(declared, declared.name, "TEXT", "shorthand"))
        if field.kind is Kind.TABLES:
            continue
        sql = "TEXT"
        if declared.name == "id" and has_id:
            sql += " PRIMARY KEY"
        elif field.required:
            sql += " NOT NULL"
        if field.kind is Kind.REF and field.target and "|" not in field.target:
            sql += f" REFERENCES {field.target}(id)"
        columns.append(_Column(declared, declared.name, sql))
        if field.kind is Kind.DATE:
            columns += [_Column(declared, f"{declared.name}_{part}", "TEXT", part) for part in ("start", "end")]
    return columns


def _value(column: _Column, record: Any) -> Any:
    value = getattr(record, column.field.name)
    if value is None:
        return None
    if column.part == "shorthand":
        return LIST_SEPARATOR.join(getattr(item, column.field.field.shorthand) for item in value)
    if column.part != "value":
        return (value.first_day if column.part == "start" else value.last_day).isoformat()
    if isinstance(value, FuzzyDate):
        return value.text
    if column.field.field.kind is Kind.CHOICE:
        return value.value
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(dict.fromkeys(value))
    return value


def _linked(declared: Declared) -> bool:
    """Whether a field also gets a link table: references, tags, and any reference to actors."""
    field = declared.field
    if field.derived:
        return False
    return field.kind in (Kind.REFS, Kind.SLUGS) or (field.kind is Kind.REF and field.target == "actors")


def _tables(base: FactBase) -> list[_Table]:
    tables: list[_Table] = []
    for record_type in RECORD_TYPES:
        record_class, singular, plural = record_type.record_class, record_type.singular, record_type.plural
        records = base.store.records(plural)
        owner = (singular, f"TEXT NOT NULL REFERENCES {plural}(id)")
        columns = _columns(record_class, has_id=True)
        tables.append(_Table(plural, _declared(columns), [tuple(_value(c, r) for c in columns) for r in records]))
        for declared in fields_of(record_class):
            if declared.field.kind is Kind.TABLES and declared.of is not Citation:
                inner = _columns(declared.of, has_id=False)
                rows = [
                    (record.id, position, *(_value(c, item) for c in inner))
                    for record in records
                    for position, item in enumerate(getattr(record, declared.name))
                ]
                tables.append(_Table(declared.name, (owner, ("position", "INTEGER NOT NULL"), *_declared(inner)), rows))
            if _linked(declared):
                target = declared.field.target or ""
                single = target and "|" not in target
                column = target.removesuffix("s") if single else declared.name.removesuffix("s")
                name = f"{singular}_{declared.name}" + ("s" if declared.field.kind is Kind.REF else "")
                link = (column, "TEXT NOT NULL" + (f" REFERENCES {target}(id)" if single else ""))
                rows = [(record.id, value) for record in records for value in _as_tuple(getattr(record, declared.name))]
                tables.append(_Table(name, (owner, link), rows, csv=False))
    rows = [tuple(row.values()) for row in citation_rows(base)]
    tables.append(_Table("citations", tuple((c, "TEXT") for c in CITATION_COLUMNS), rows))
    return tables


def _declared(columns: list[_Column]) -> tuple[tuple[str, str], ...]:
    return tuple((_quoted(column.name), column.sql) for column in columns)


def _quoted(name: str) -> str:
    return f'"{name}"' if name in ("end", "text") else name


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    return value if isinstance(value, tuple) else (value,)


def citation_rows(base: FactBase) -> Iterator[dict[str, Any]]:
    """Every citation with the record it supports; one inside a table of the record says which (`within`:
    "roles[0]", "claims[1]"...), and inside a dispute's claims `claim` is the claim's position too."""
    for record_type in RECORD_TYPES:
        for record in base.store.records(record_type.plural):
            for declared in fields_of(record_type.record_class):
                if declared.field.kind is not Kind.TABLES:
                    continue
                items = getattr(record, declared.name)
                if _is_citations(declared):
                    yield from _citation_rows(record_type.singular, record.id, items, None, None)
                    continue
                for position, item in enumerate(items):
                    for inner in fields_of(declared.of):
                        if _is_citations(inner):
                            claim = position if declared.name == "claims" else None
                            within = f"{declared.name}[{position}]"
                            yield from _citation_rows(
                                record_type.singular, record.id, getattr(item, inner.name), claim, within
                            )


def _citation_rows(
    record_type: str, record: str, citations: Iterable[Citation], claim: int | None, within: str | None
) -> Iterator[dict[str, Any]]:
    for citation in citations:
        yield {"record_type": record_type, "record": record, "claim": claim, **to_dict(citation), "within": within}


def write_csv_folder(
    base: FactBase, target: Path, *, replace: bool = False, bom: bool = False, raw: bool = False
) -> list[str]:
    """One CSV file per record type, with the columns of `--format csv`, and one per table inside records
    (see the module's rules), dates as written; the names of the files written."""
    written = []
    own = {record_type.plural: record_type for record_type in RECORD_TYPES}
    with atomic_path(target, replace=replace, folder=True) as folder:
        for table in _tables(base):
            if not table.csv:
                continue
            name = f"{table.name}.csv"
            with (folder / name).open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
                if table.name in own:  # a record type: exactly what `--format csv` prints
                    columns = COLUMNS[own[table.name].singular]
                    rows = (flat_row(to_dict(r), columns) for r in base.store.records(table.name))
                    write_csv(columns, rows, out, raw=raw)
                else:
                    keep = [n for n, (column, _) in enumerate(table.columns) if not column.endswith(_DAY_SUFFIXES)]
                    header = [table.columns[n][0].strip('"') for n in keep]
                    write_csv(header, ([row[n] for n in keep] for row in table.rows), out, raw=raw)
            written.append(name)
    return written


# The first and last day columns of dates are for range queries in SQLite; a CSV keeps the date as written.
_DAY_SUFFIXES = ("_start", "_end", '_start"', '_end"')


_SEARCH = "CREATE VIRTUAL TABLE search USING fts5(record_type UNINDEXED, record UNINDEXED, title, body)"
_INDEXES = """
CREATE INDEX event_actors_by_actor ON event_actors (actor);
CREATE INDEX quote_about_by_actor ON quote_about (actor);
CREATE INDEX citations_by_source ON citations (source);
CREATE INDEX citations_by_record ON citations (record);
"""


def write_sqlite(base: FactBase, target: Path, *, replace: bool = False) -> None:
    """A database with the tables of the module's rules, and `search`, an FTS5 table over event titles and
    summaries, quote texts and contexts, dispute and phase texts."""
    with atomic_path(target, replace=replace) as temporary:
        connection = sqlite3.connect(temporary)
        try:
            # No rollback journal: the database is built whole under a temporary name, or thrown away.
            connection.execute("PRAGMA journal_mode = OFF")
            with connection:
                for table in _tables(base):
                    declaration = ", ".join(f"{column} {sql}" for column, sql in table.columns)
                    connection.execute(f"CREATE TABLE {table.name} ({declaration})")
                    marks = ", ".join("?" * len(table.columns))
                    connection.executemany(f"INSERT INTO {table.name} VALUES ({marks})", table.rows)
                connection.executescript(_INDEXES)
                connection.execute(_SEARCH)
                connection.executemany("INSERT INTO search VALUES (?, ?, ?, ?)", _searchable(base))
        finally:
            connection.close()


def _searchable(base: FactBase) -> list[tuple[str, str, str, str]]:
    rows = [("event", e.id, e.title, e.summary) for e in base.events]
    rows += [("quote", q.id, q.text, q.context or "") for q in base.quotes]
    rows += [("dispute", d.id, d.title, " ".join([d.summary, *(c.claim for c in d.claims)])) for d in base.disputes]
    rows += [("phase", p.id, p.label, p.summary) for p in base.phases]
    return rows
