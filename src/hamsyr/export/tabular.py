"""The fact base (or a selection of it) as tables: a folder of CSV files, or an SQLite database.

Both are derived from the record declarations (hamsyr.records.fields), by these rules:
- a record type is a table with a column per field; a list is one cell joined with `|`; a date also gives
  what it stands for, as the JSON does (hamsyr.records.codec.date_details: `NAME_start`, `NAME_end`,
  `NAME_stated_start`...), in the CSV files and in SQLite alike;
- a list of tables inside a record (roles, claims) is a table of its own, with the record's id and the
  table's position;
- every citation, wherever it is, is a row of one `citations` table;
- in SQLite, references to other records, tags, and references to actors can also be joined through link
  tables (`event_actors`, `event_tags`, `quote_speakers`, `quote_about`, `dispute_records`);
- in SQLite, every reference to one type of record is a declared foreign key (a reference to either of two
  types, such as a dispute's records, also gets a column per type), and every table with free text has a
  full-text index of its own, `NAME_fts`, beside `search`, which spans the record types.

Each table and column carries what it means (the declarations' docs), for the Datasette metadata written
beside the database (hamsyr.export.datasette).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from hamsyr._files import atomic_path
from hamsyr.output.rows import LIST_SEPARATOR, flat_row, write_csv
from hamsyr.query.factbase import FactBase
from hamsyr.records.codec import DATE_DETAILS, date_details, to_dict
from hamsyr.records.dates import FuzzyDate
from hamsyr.records.fields import Declared, Kind, fields_of
from hamsyr.records.model import RECORD_TYPES, TYPE_OF, Citation
from hamsyr.views.view import record_columns

# The kinds of field whose values are words a person may search for (ids and references are not).
_WORDS = (Kind.TEXT, Kind.TEXTS, Kind.SLUGS)


class Column(NamedTuple):
    """A column of the export: its name, its SQL declaration and what it holds."""

    name: str
    sql: str
    doc: str


class Table(NamedTuple):
    """One table of the export: its name, what a row is, its columns and rows."""

    name: str
    doc: str
    columns: tuple[Column, ...]
    rows: Iterable[tuple[Any, ...]]
    csv: bool = True  # also a file of the CSV folder
    words: tuple[str, ...] = ()  # the columns of free text, indexed in `NAME_fts` (SQLite)
    label: str | None = None  # the column that names a row, shown on links to it
    sort: str | None = None  # the column to list the rows by (their first day)


def _is_citations(declared: Declared) -> bool:
    return declared.field.kind is Kind.TABLES and declared.of is Citation


class _Part(NamedTuple):
    """A column of a record's own table: the field it shows, which part of it, and its SQL declaration."""

    field: Declared
    name: str
    sql: str
    part: str = "value"  # or "start", "end": the first or last day a date covers; "shorthand": names of tables

    @property
    def words(self) -> bool:
        return self.part == "shorthand" or (self.part == "value" and self.field.field.kind in _WORDS)

    def column(self) -> Column:
        doc = self.field.field.doc
        if self.part in DATE_DETAILS:
            doc = f"Of `{self.field.name}`: {DATE_DETAILS[self.part]}"
        elif self.field.field.kind is Kind.DATE:
            doc += " As written (EDTF: `~` approximate, `?` inferred)."
        elif self.field.field.kind is Kind.CHOICE:
            doc += " One of: " + ", ".join(choice.value for choice in self.field.of) + "."
        elif self.part == "shorthand" or self.field.field.kind in (Kind.TEXTS, Kind.SLUGS, Kind.REFS):
            doc += f" Joined with `{LIST_SEPARATOR}`."
        return Column(self.name, self.sql, doc)


def _columns(record_class: type, has_id: bool) -> list[_Part]:
    columns = []
    for declared in fields_of(record_class):
        field = declared.field
        if field.kind is Kind.TABLES and field.shorthand:  # aliases: their names joined in a cell too
            columns.append(_Part(declared, declared.name, "TEXT", "shorthand"))
        if field.kind is Kind.TABLES:
            continue
        sql = "TEXT"
        if declared.name == "id" and has_id:
            sql += " PRIMARY KEY"
        elif field.required:
            sql += " NOT NULL"
        if field.kind is Kind.REF and field.target and "|" not in field.target:
            sql += f" REFERENCES {field.target}(id)"
        columns.append(_Part(declared, declared.name, sql))
        if field.kind is Kind.DATE:
            columns += [
                _Part(declared, f"{declared.name}_{detail}", _DETAIL_SQL.get(detail, "TEXT"), detail)
                for detail in DATE_DETAILS
            ]
    return columns


_DETAIL_SQL = {"approximate": "INTEGER", "uncertain": "INTEGER"}  # booleans, as 0 and 1


def _value(column: _Part, record: Any) -> Any:
    value = getattr(record, column.field.name)
    if value is None:
        return None
    if column.part == "shorthand":
        return LIST_SEPARATOR.join(getattr(item, column.field.field.shorthand) for item in value)
    if column.part in DATE_DETAILS:
        detail = date_details(column.field.name, value)[column.name]
        return LIST_SEPARATOR.join(detail) if isinstance(detail, list) else detail
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


def _first_doc_line(cls: type) -> str:
    return " ".join((cls.__doc__ or "").split("\n\n")[0].split())


def _table_of_record(record_class: type, plural: str, records: tuple[Any, ...]) -> Table:
    columns = _columns(record_class, has_id=True)
    declared = fields_of(record_class)
    # A row is named by its first required text (a title, a name, the words of a quote) and listed by its
    # first date, as hamsyr's own listings do.
    label = next((d.name for d in declared if d.field.kind is Kind.TEXT and d.field.required), None)
    sort = next((f"{d.name}_stated_start" for d in declared if d.field.kind is Kind.DATE), None)
    return Table(
        plural,
        _first_doc_line(record_class),
        tuple(c.column() for c in columns),
        [tuple(_value(c, r) for c in columns) for r in records],
        words=tuple(c.name for c in columns if c.words),
        label=label,
        sort=sort,
    )


def _tables(base: FactBase) -> list[Table]:
    tables: list[Table] = []
    for record_type in RECORD_TYPES:
        record_class, singular, plural = record_type.record_class, record_type.singular, record_type.plural
        records = base.store.records(plural)
        tables.append(_table_of_record(record_class, plural, records))
        owner = Column(singular, f"TEXT NOT NULL REFERENCES {plural}(id)", f"The {singular} (`{plural}.id`).")
        for declared in fields_of(record_class):
            if declared.field.kind is Kind.TABLES and declared.of is not Citation:
                inner = _columns(declared.of, has_id=False)
                rows = [
                    (record.id, position, *(_value(c, item) for c in inner))
                    for record in records
                    for position, item in enumerate(getattr(record, declared.name))
                ]
                position = Column("position", "INTEGER NOT NULL", f"Its place in `{plural}.{declared.name}`, from 0.")
                doc = f"{_first_doc_line(declared.of)} One row per item of `{plural}.{declared.name}`."
                columns = (owner, position, *(c.column() for c in inner))
                words = tuple(c.name for c in inner if c.words)
                # Named after the field (`roles`), or after the record too where two records have one of that name.
                name = declared.name if _table_fields()[declared.name] == 1 else f"{singular}_{declared.name}"
                tables.append(Table(name, doc, columns, rows, words=words))
            if _linked(declared):
                tables.append(_link_table(base, singular, plural, records, declared, owner))
    citation = _columns(Citation, has_id=False)
    columns = (
        Column("record_type", "TEXT NOT NULL", "The type of the record cited for: " + _types() + "."),
        Column("record", "TEXT NOT NULL", "The id of that record."),
        Column("claim", "INTEGER", "In a dispute's claims, the claim's position (from 0); else empty."),
        *(c.column() for c in citation),
        Column("within", "TEXT", "The table inside the record that cites it (`roles[0]`, `claims[1]`...); else empty."),
    )
    doc = f"{_first_doc_line(Citation)} Every citation in the base, with the record it supports."
    rows = [tuple(row.values()) for row in citation_rows(base)]
    tables.append(Table("citations", doc, columns, rows, words=tuple(c.name for c in citation if c.words)))
    return tables


@cache
def _table_fields() -> dict[str, int]:
    """How many record types have a list of tables (other than citations) under each field name."""
    names = [
        declared.name
        for t in RECORD_TYPES
        for declared in fields_of(t.record_class)
        if declared.field.kind is Kind.TABLES and declared.of is not Citation
    ]
    return {name: names.count(name) for name in names}


def _types() -> str:
    return ", ".join(record_type.singular for record_type in RECORD_TYPES)


def _link_table(
    base: FactBase, singular: str, plural: str, records: tuple[Any, ...], declared: Declared, owner: Column
) -> Table:
    """A list (or reference to actors) of each record as rows, one per record and item, to join on."""
    field = declared.field
    targets = field.target.split("|") if field.target else []
    column = targets[0].removesuffix("s") if len(targets) == 1 else declared.name.removesuffix("s")
    name = f"{singular}_{declared.name}" + ("s" if field.kind is Kind.REF else "")
    sql = "TEXT NOT NULL" + (f" REFERENCES {targets[0]}(id)" if len(targets) == 1 else "")
    one = field.kind is Kind.REF  # a single reference: one row per record
    item = f"{'' if one else 'An item of '}`{plural}.{declared.name}`: {field.doc}"
    columns = [owner, Column(column, sql, item)]
    # A reference to either of several types gets a column per type as well, so that each can be a foreign key.
    either = targets if len(targets) > 1 else []
    for target in either:
        each = f"The {column} when it is one of the {target} (`{target}.id`); else empty."
        columns.append(Column(target.removesuffix("s"), f"TEXT REFERENCES {target}(id)", each))
    rows: list[tuple[Any, ...]] = []
    for record in records:
        for value in _as_tuple(getattr(record, declared.name)):
            rows.append((record.id, value, *(value if _type_of(base, value) == t else None for t in either)))
    doc = f"`{plural}.{declared.name}` as rows: one per {singular}{'' if one else ' and item'}."
    return Table(name, doc, tuple(columns), rows, csv=False)


def _type_of(base: FactBase, record_id: str) -> str | None:
    record = base.get(record_id)
    return None if record is None else TYPE_OF[type(record)].plural


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
                    columns = record_columns(own[table.name].record_class)
                    rows = (flat_row(to_dict(r), columns) for r in base.store.records(table.name))
                    write_csv(columns, rows, out, raw=raw)
                else:
                    write_csv([column.name for column in table.columns], table.rows, out, raw=raw)
            written.append(name)
    return written


SEARCH = Table(
    "search",
    "Every event (title, summary), quote (text, context), dispute (title, summary and claims) and phase (label, "
    "summary), searchable at once: `SELECT record_type, record FROM search WHERE search MATCH 'words'`.",
    (
        Column("record_type", "UNINDEXED", "event, quote, dispute or phase."),
        Column("record", "UNINDEXED", "The record's id."),
        Column("title", "", "The event's or dispute's title, the quote's text, the phase's label."),
        Column("body", "", "The summary (with a dispute's claims), or the quote's context."),
    ),
    (),
    csv=False,
)
_INDEXES = """
CREATE INDEX event_actors_by_actor ON event_actors (actor);
CREATE INDEX quote_about_by_actor ON quote_about (actor);
CREATE INDEX citations_by_source ON citations (source);
CREATE INDEX citations_by_record ON citations (record);
"""


def sqlite_tables(base: FactBase) -> list[Table]:
    """The tables of the SQLite export, in order, `search` last (its rows are written by `build_sqlite`)."""
    return [*_tables(base), SEARCH]


def fts_table(table: Table) -> str:
    """The name of a table's own full-text index."""
    return f"{table.name}_fts"


def build_sqlite(base: FactBase, tables: list[Table], path: Path) -> None:
    """Write the database of `sqlite_tables(base)` into `path`, a new empty file: the tables, their indexes,
    `search`, and a full-text index `NAME_fts` for each table with free text."""
    connection = sqlite3.connect(path)
    try:
        # No rollback journal: the database is built whole under a temporary name, or thrown away.
        connection.execute("PRAGMA journal_mode = OFF")
        with connection:
            for table in tables:
                if table is SEARCH:
                    continue
                declaration = ", ".join(f"{_quoted(column.name)} {column.sql}" for column in table.columns)
                connection.execute(f"CREATE TABLE {table.name} ({declaration})")
                marks = ", ".join("?" * len(table.columns))
                connection.executemany(f"INSERT INTO {table.name} VALUES ({marks})", table.rows)
            connection.executescript(_INDEXES)
            search = ", ".join(f"{column.name} {column.sql}".strip() for column in SEARCH.columns)
            connection.execute(f"CREATE VIRTUAL TABLE search USING fts5({search})")
            connection.executemany("INSERT INTO search VALUES (?, ?, ?, ?)", _searchable(base))
            for table in tables:
                if table.words:
                    _index(connection, table)
    finally:
        connection.close()


def _index(connection: sqlite3.Connection, table: Table) -> None:
    # External content: the index holds only the words and reads the text from the table, by rowid, which
    # is what Datasette's search box matches on. `content="NAME"` in this exact form is how it finds it.
    name = fts_table(table)
    columns = ", ".join(_quoted(column) for column in table.words)
    connection.execute(f'CREATE VIRTUAL TABLE {name} USING fts5({columns}, content="{table.name}")')
    connection.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")


def _searchable(base: FactBase) -> list[tuple[str, str, str, str]]:
    rows = [("event", e.id, e.title, e.summary) for e in base.events]
    rows += [("quote", q.id, q.text, q.context or "") for q in base.quotes]
    rows += [("dispute", d.id, d.title, " ".join([d.summary, *(c.claim for c in d.claims)])) for d in base.disputes]
    rows += [("phase", p.id, p.label, p.summary) for p in base.phases]
    return rows
