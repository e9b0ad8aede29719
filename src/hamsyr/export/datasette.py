"""`hamsyr export --format sqlite`: the database, and beside it the metadata Datasette reads with `-m`.

`hamsyr.db` gets `hamsyr.metadata.json`: the base's title and description, what each table and column
holds (from the record declarations, through hamsyr.export.tabular), the column that names each record on a
link to it, the order to list records in, and each table's full-text index for Datasette's search box. Both
files are built under temporary names and renamed into place together; the metadata file begins with
SIGNATURE, and `--force` replaces a file of that name only when it does (the user never named that path).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hamsyr._files import atomic_path
from hamsyr._inert import visible
from hamsyr.export.svg import base_name
from hamsyr.export.tabular import Table, build_sqlite, fts_table, sqlite_tables
from hamsyr.query.factbase import FactBase
from hamsyr.records.model import RECORD_TYPES
from hamsyr.views import voice

# The metadata's first key and the start of its value: how a later export knows it may replace the file.
_MARK, _NOTE = "hamsyr", "Datasette metadata written by hamsyr export"
SIGNATURE = f'{{\n  "{_MARK}": "{_NOTE}'.encode()


def metadata_path(database: Path) -> Path:
    """Where the metadata of a database goes: `hamsyr.db` → `hamsyr.metadata.json`, beside it."""
    return database.with_name(f"{database.stem}.metadata.json")


def write_database(base: FactBase, target: Path, *, replace: bool = False) -> list[Path]:
    """Write the SQLite export of `base` to `target` and its Datasette metadata beside it; the paths written.
    Both outputs are checked before anything is built, so a refusal leaves both as they were."""
    tables = sqlite_tables(base)
    beside = metadata_path(target)
    with (
        atomic_path(target, replace=replace, seekable=True) as database,
        atomic_path(beside, replace=replace, signature=SIGNATURE) as metadata,
    ):
        build_sqlite(base, tables, database)
        text = json.dumps(datasette_metadata(base, tables, target), indent=2, ensure_ascii=False) + "\n"
        metadata.write_text(text, encoding="utf-8")
    return [target, beside]


def datasette_metadata(base: FactBase, tables: list[Table], database: Path) -> dict[str, Any]:
    """Datasette's metadata for the database of `tables` at `database` (Datasette names it by its stem)."""
    name = visible(base_name(base))
    described: dict[str, Any] = {}
    for table in tables:
        entry: dict[str, Any] = {
            "description": table.doc,
            "columns": {column.name: column.doc for column in table.columns},
        }
        if table.label:
            entry["label_column"] = table.label
        if table.sort:
            entry["sort"] = table.sort
        if table.words:
            entry["fts_table"] = fts_table(table)
            entry["fts_pk"] = "rowid"
        described[table.name] = entry
    for table in tables:
        if table.words:
            described[fts_table(table)] = {
                "description": f"The full-text index of `{table.name}`: a row's rowid is its rowid there.",
                "columns": {column: f"`{table.name}.{column}`, indexed by word." for column in table.words},
            }
    return {
        _MARK: f"{_NOTE} for {database.name}; `hamsyr export --force` replaces this file.",
        "title": f"hamsyr: {name}",
        "description": _description(base, name),
        "source": _source(base),
        "databases": {database.stem: {"tables": described}},
    }


def _description(base: FactBase, name: str) -> str:
    counts = base.counts()
    listed = ", ".join(
        f"{counts[kind.plural]} {kind.singular if counts[kind.plural] == 1 else kind.plural}" for kind in RECORD_TYPES
    )
    span = base.date_span()
    dated = f" Events are dated from {voice.date_words(span[0])} to {voice.date_words(span[1])}." if span else ""
    return (
        f"The hamsyr fact base {name}, as tables: {listed}.{dated} Every citation ties a record to a document "
        "by a short verbatim excerpt (the citations table). Each table with text has a search box; the search "
        "table searches events, quotes, disputes and phases at once."
    )


def _source(base: FactBase) -> str:
    read = sum(1 for source in base.sources if source.listed_in is None)
    listed = len(base.sources) - read
    documents = f"{read} document{'s' * (read != 1)}"
    also = f", and {listed} title{'s' * (listed != 1)} they only list," if listed else ""
    return f"{documents}{also} in the sources table"
