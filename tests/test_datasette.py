"""The SQLite export opens cleanly in Datasette: a sound database with its foreign keys declared and kept, a
full-text index per table that finds the right rows, and metadata beside it that describes every table and
column there is, and nothing else, written under the same overwrite rules as every output.

Datasette itself is not needed here: these check what it reads (checked by hand with Datasette 0.65 and 1.0a)."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hamsyr import load
from hamsyr.export.datasette import SIGNATURE, metadata_path, write_database

from .conftest import SMALL, CommandLine

SHADOW = ("_config", "_content", "_data", "_docsize", "_idx")  # what FTS5 keeps for each index


@pytest.fixture(scope="module", params=["shipped", "small"])
def exported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = load() if request.param == "shipped" else load(SMALL)
    path = tmp_path_factory.mktemp(request.param) / "hamsyr.db"
    assert write_database(base, path) == [path, path.with_name("hamsyr.metadata.json")]
    yield path


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def tables(db: sqlite3.Connection) -> list[str]:
    """Every table a person sees: neither SQLite's own nor the shadow tables behind a full-text index."""
    names = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    indexes = {name for name in names if f"{name}_data" in names}
    shadows = {f"{index}{suffix}" for index in indexes for suffix in SHADOW}
    return [name for name in names if not name.startswith("sqlite_") and name not in shadows]


def columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def metadata(path: Path) -> dict[str, Any]:
    described: dict[str, Any] = json.loads(metadata_path(path).read_text(encoding="utf-8"))
    return described


def test_the_database_is_sound_and_every_reference_resolves(exported: Path) -> None:
    db = sqlite3.connect(exported)  # an FTS5 check is written as an INSERT, though it changes nothing
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    for table in tables(db):
        if table.endswith("_fts"):  # an index agrees with the table it reads its text from
            db.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")


def test_references_are_declared_foreign_keys(exported: Path) -> None:
    db = connect(exported)
    declared = {
        (table, row[3], row[2], row[4])
        for table in tables(db)
        for row in db.execute(f"PRAGMA foreign_key_list({table})")
    }
    assert declared == {
        ("sources", "listed_in", "sources", "id"),
        ("aliases", "actor", "actors", "id"),
        ("roles", "actor", "actors", "id"),
        ("roles", "organization", "actors", "id"),
        ("event_actors", "event", "events", "id"),
        ("event_actors", "actor", "actors", "id"),
        ("event_tags", "event", "events", "id"),
        ("quotes", "speaker", "actors", "id"),
        ("quote_speakers", "quote", "quotes", "id"),
        ("quote_speakers", "actor", "actors", "id"),
        ("quote_about", "quote", "quotes", "id"),
        ("quote_about", "actor", "actors", "id"),
        ("event_identified", "event", "events", "id"),  # who a document describes without naming
        ("event_identified", "actor", "actors", "id"),
        ("quote_identified", "quote", "quotes", "id"),
        ("quote_identified", "actor", "actors", "id"),
        ("dispute_records", "dispute", "disputes", "id"),
        ("dispute_records", "event", "events", "id"),  # a dispute's record is an event or a quote: one column each
        ("dispute_records", "quote", "quotes", "id"),
        ("claims", "dispute", "disputes", "id"),
        ("citations", "source", "sources", "id"),
    }
    records = db.execute("SELECT count(*) FROM dispute_records WHERE coalesce(event, quote) = record").fetchone()
    assert records == db.execute("SELECT count(*) FROM dispute_records").fetchone()


def test_the_metadata_describes_every_table_and_column_there_is(exported: Path) -> None:
    db = connect(exported)
    described = metadata(exported)
    assert described["title"].startswith("hamsyr: ") and described["description"] and described["source"]
    assert list(described["databases"]) == ["hamsyr"]  # the name Datasette gives hamsyr.db
    described_tables = described["databases"]["hamsyr"]["tables"]
    assert sorted(described_tables) == sorted(tables(db))
    for table, entry in described_tables.items():
        assert entry["description"].strip(), table
        assert list(entry["columns"]) == columns(db, table), table
        assert all(text.strip() for text in entry["columns"].values()), table
        for key in ("label_column", "sort"):
            assert key not in entry or entry[key] in columns(db, table), (table, key)
        if "fts_table" in entry:
            assert (entry["fts_table"], entry["fts_pk"]) == (f"{table}_fts", "rowid")
    assert {table for table, entry in described_tables.items() if "fts_table" in entry} == {
        "sources", "actors", "aliases", "roles", "events", "quotes", "disputes", "claims", "phases", "citations",
        "event_identified", "quote_identified",
    }  # fmt: skip
    assert described_tables["events"]["label_column"] == "title"
    assert described_tables["quotes"]["label_column"] == "text"
    assert described_tables["events"]["columns"]["kind"].endswith("One of: occurrence, statement, report, assessment.")


def test_each_full_text_index_finds_its_own_rows(exported: Path) -> None:
    db = connect(exported)
    described = metadata(exported)["databases"]["hamsyr"]["tables"]
    for table, entry in described.items():
        if "fts_table" not in entry:
            continue
        index = entry["fts_table"]
        indexed = list(described[index]["columns"])
        selected = ", ".join(f'"{column}"' for column in indexed)
        for rowid, *texts in db.execute(f"SELECT rowid, {selected} FROM {table}").fetchall():
            word = next((found[0] for text in texts if text and (found := re.findall(r"\w+", text))), None)
            if word is None:
                continue
            found = {row for (row,) in db.execute(f"SELECT rowid FROM {index} WHERE {index} MATCH ?", [f'"{word}"'])}
            assert rowid in found, (table, rowid, word)


def test_the_indexes_answer_with_the_right_records(tmp_path: Path) -> None:
    path = tmp_path / "small.db"
    write_database(load(SMALL), path)
    db = connect(path)

    def ids(table: str, key: str, words: str) -> list[str]:
        query = f"SELECT t.{key} FROM {table} t JOIN {table}_fts f ON f.rowid = t.rowid WHERE {table}_fts MATCH ?"
        return sorted(row[0] for row in db.execute(query, [words]))

    assert ids("events", "id", "wax") == ["offices-sealed"]
    assert ids("actors", "id", "حماس") == ["hamas"]  # an alias, in Arabic script
    assert ids("citations", "record", "أغلقت") == ["offices-sealed"]
    assert ids("citations", "record", "syrian sources") == ["offices-sealed"]  # who the document gives it to
    assert ids("quotes", "id", "world") == ["opened-the-world"]
    assert db.execute("SELECT record FROM search WHERE search MATCH 'wax'").fetchall() == [("offices-sealed",)]


def test_the_metadata_is_written_and_replaced_by_the_rules_of_every_output(cli: CommandLine, tmp_path: Path) -> None:
    database, beside = tmp_path / "facts.db", tmp_path / "facts.metadata.json"
    code, _, err = cli("export", "--format", "sqlite", "--output", str(database), data=SMALL)
    assert code == 0 and f"wrote {database} and {beside}" in err
    assert beside.read_bytes().startswith(SIGNATURE)
    assert list(json.loads(beside.read_text(encoding="utf-8"))["databases"]) == ["facts"]
    written = beside.read_bytes()
    # Without --force nothing is replaced; with it, both are.
    code, _, err = cli("export", "--format", "sqlite", "--output", str(database), data=SMALL)
    assert code == 2 and "pass --force" in err and beside.read_bytes() == written
    database.unlink()
    code, _, err = cli("export", "--format", "sqlite", "--output", str(database), data=SMALL)
    assert code == 2 and f"{beside} already exists" in err and not database.exists()
    assert (
        cli("export", "--format", "sqlite", "--output", str(database), "--force", data=SMALL)[0] == 0
        and database.exists()
    )
    # A file of that name hamsyr did not write is never replaced, even with --force, and then nothing is.
    beside.write_text('{"title": "my own notes"}', encoding="utf-8")
    before = database.read_bytes()
    code, _, err = cli("export", "--format", "sqlite", "--output", str(database), "--force", data=SMALL)
    assert code == 2 and "hamsyr did not write" in err
    assert beside.read_text(encoding="utf-8") == '{"title": "my own notes"}' and database.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["facts.db", "facts.metadata.json"]


def test_a_database_is_never_written_into_a_device(cli: CommandLine, tmp_path: Path) -> None:
    code, _, err = cli("export", "--format", "sqlite", "--output", "/dev/null", data=SMALL)
    assert code == 2 and "cannot hold a database" in err


def test_a_filtered_export_keeps_every_source_it_cites(cli: CommandLine, tmp_path: Path) -> None:
    base = tmp_path / "base.toml"
    base.write_text(
        'format = 2\n[[sources]]\nid = "doc-a"\ntitle = "A"\n[[sources]]\nid = "doc-c"\ntitle = "C"\n'
        '[[actors]]\nid = "x"\nname = "X"\nkind = "person"\naliases = []\ndescription = "A person."\n'
        'sources = [{ source = "doc-c", excerpt = "a person" }]\n'
        '[[events]]\nid = "e1"\ndate = "2000"\ntitle = "One"\nsummary = "One happened."\nactors = ["x"]\n'
        'sources = [{ source = "doc-a", excerpt = "one" }]\n',
        encoding="utf-8",
    )
    database = tmp_path / "part.db"
    result = cli("export", "-f", "sqlite", "-o", str(database), "--on", "2000", data=base)
    assert result.code == 0, result.err
    assert connect(database).execute("PRAGMA foreign_key_check").fetchall() == []
