"""Exports parse back with the readers people use: json, csv, sqlite3, TimelineJS's shape, Graphviz."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from hamsyr import FactBase, load
from hamsyr.export.graph import to_dot, to_mermaid
from hamsyr.output.rows import LIST_SEPARATOR
from hamsyr.views.build import EventFilters, selection

from .conftest import SMALL, CommandLine


def test_json_is_one_document_with_every_record_type(cli: CommandLine, small: FactBase) -> None:
    code, out, _ = cli("export", "--format", "json", data=SMALL)
    document = json.loads(out)
    assert code == 0 and (document["format"], document["version"]) == ("hamsyr", 1)
    assert {key: len(value) for key, value in document.items() if isinstance(value, list)} == {
        "sources": 2, "actors": 6, "events": 5, "quotes": 2, "disputes": 1, "phases": 3,
    }  # fmt: skip


def test_jsonl_is_one_typed_record_a_line(cli: CommandLine) -> None:
    lines = [json.loads(line) for line in cli("export", "--format", "jsonl", data=SMALL)[1].splitlines()]
    assert [line["type"] for line in lines].count("event") == 5
    assert lines[0] == {"type": "source", **json.loads(cli("export", "--format", "json", data=SMALL)[1])["sources"][0]}


def test_a_filtered_export_keeps_what_the_selection_refers_to(cli: CommandLine, small: FactBase) -> None:
    part = selection(small, [], EventFilters(actors=["hafez"]))
    assert [e.id for e in part.events] == ["yassin-visit"]
    assert {a.id for a in part.actors} == {"hamas", "hafez", "syria"}
    assert [s.id for s in part.sources] == ["doc-a", "doc-b"]  # doc-b: cited by a phase, kept as context
    lines = [
        json.loads(line) for line in cli("export", "--format", "jsonl", "--actor", "hafez", data=SMALL)[1].splitlines()
    ]
    assert [line["id"] for line in lines if line["type"] == "event"] == ["yassin-visit"]


def test_csv_folder_parses_back(cli: CommandLine, tmp_path: Path, small: FactBase) -> None:
    folder = tmp_path / "csv"
    code, _, err = cli("export", "--format", "csv", "--output", str(folder), data=SMALL)
    assert code == 0 and "wrote" in err
    assert sorted(p.name for p in folder.iterdir()) == [
        ".hamsyr-export",  # what marks a folder that `export --force` may replace
        "actors.csv", "aliases.csv", "citations.csv", "claims.csv", "disputes.csv", "event_identified.csv",
        "events.csv", "phases.csv", "quote_identified.csv", "quotes.csv", "roles.csv", "sources.csv",
    ]  # fmt: skip
    events = list(csv.DictReader((folder / "events.csv").open(encoding="utf-8")))
    assert [row["id"] for row in events] == [e.id for e in small.events]
    sealed = next(row for row in events if row["id"] == "offices-sealed")
    assert sealed["actors"].split(LIST_SEPARATOR) == ["syria", "hamas", "mashaal"]
    citations = list(csv.DictReader((folder / "citations.csv").open(encoding="utf-8")))
    disputed = [row for row in citations if row["record_type"] == "dispute"]
    assert [(row["record"], row["claim"], row["source"]) for row in disputed] == [
        ("why-the-break", "0", "doc-a"),
        ("why-the-break", "1", "doc-b"),
    ]
    assert not list(tmp_path.glob(".*"))  # no temporary folder left


def test_sqlite_opens_with_sqlite3_and_searches(cli: CommandLine, tmp_path: Path) -> None:
    path = tmp_path / "facts.sqlite"
    assert cli("export", "--format", "sqlite", "--output", str(path), data=SMALL)[0] == 0
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM events").fetchone() == (5,)
    assert db.execute(
        "SELECT e.id FROM events e JOIN event_actors ea ON ea.event = e.id WHERE ea.actor = 'hafez'"
    ).fetchall() == [("yassin-visit",)]
    assert db.execute("SELECT record FROM search WHERE search MATCH 'wax'").fetchall() == [("offices-sealed",)]
    assert db.execute("SELECT count(*) FROM citations WHERE source = 'doc-b'").fetchone() == (5,)
    assert db.execute("SELECT within FROM citations WHERE record = 'haniyeh' AND source = 'doc-b'").fetchall() == [
        ("roles[1]",)
    ]
    assert db.execute("SELECT speaker FROM quotes WHERE id = 'opened-the-world'").fetchone() == ("mashaal",)
    assert db.execute("SELECT actor FROM quote_speakers WHERE quote = 'opened-the-world'").fetchone() == ("mashaal",)
    if shutil.which("sqlite3"):
        result = subprocess.run(["sqlite3", str(path), "PRAGMA integrity_check;"], capture_output=True, text=True)
        assert result.stdout.strip() == "ok"


def test_timelinejs_has_the_shape_timelinejs_reads(cli: CommandLine) -> None:
    document = json.loads(cli("export", "--format", "timelinejs", data=SMALL)[1])
    events = {e["unique_id"]: e for e in document["events"]}
    assert "mediation" not in events  # undated: TimelineJS needs a start date
    assert events["yassin-visit"]["start_date"] == {"year": "1998", "month": "5"}
    assert events["offices-sealed"]["start_date"] == {"year": "2012", "month": "10"}
    assert events["offices-sealed"]["end_date"] == {"year": "2012", "month": "12"}
    # The date as every other view says it: its qualifiers in words, then the source's phrase for it.
    assert events["offices-sealed"]["display_date"] == "October to December 2012 (start approx.) · “late 2012”"
    assert events["statement"]["display_date"] == "15 September 2022 (year inferred)"
    assert events["statement"]["text"]["headline"] == "Statement restoring relations"
    assert [e["text"]["headline"] for e in document["eras"]] == [  # every phase, an open one as attested
        "Damascus years (1999 to February 2012)",
        "The break (2012 to September 2022)",
        "Restoration (June 2022 to … (last attested September 2022 (approx.)))",
    ]
    assert events["offices-sealed"]["text"]["text"].endswith(
        "<p>report · per Syrian sources</p><p>⚑ disputed: why-the-break</p><p>sources: doc-a, doc-b</p>"
    )  # what every view says beside a record


def test_actor_graph_in_dot_and_mermaid(small: FactBase) -> None:
    dot = to_dot(small)
    role = "Head of the Political Bureau (ended between June and September 2017)"  # a role with its dates
    assert f'"mashaal" -> "hamas" [label="{role}", style=bold];' in dot
    assert '"hamas" -> "syria" [dir=none, weight=3, penwidth=3, label=3];' in dot
    mermaid = to_mermaid(small)
    assert mermaid.startswith("graph LR\n") and '-->|"Head of the Political Bureau #40;ended between' in mermaid
    assert "---|3|" in mermaid


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graphviz_accepts_the_dot_file(small: FactBase) -> None:
    result = subprocess.run(["dot", "-Tsvg"], input=to_dot(load()), capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "<svg" in result.stdout


def test_file_formats_need_an_output_and_never_overwrite_silently(cli: CommandLine, tmp_path: Path) -> None:
    code, _, err = cli("export", "--format", "sqlite", data=SMALL)
    assert code == 2 and "give --output" in err
    target = tmp_path / "out.json"
    target.write_text("keep me")
    code, _, err = cli("export", "--format", "json", "--output", str(target), data=SMALL)
    assert code == 2 and "pass --force" in err and target.read_text() == "keep me"
    assert cli("export", "--format", "json", "--output", str(target), "--force", data=SMALL)[0] == 0
    assert json.loads(target.read_text())["format"] == "hamsyr"
    # --force replaces a folder only when hamsyr wrote it: never a folder of the user's own.
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    code, _, err = cli("export", "--format", "csv", "--output", str(mine), "--force", data=SMALL)
    assert code == 2 and "is a folder hamsyr did not write" in err and (mine / "notes.txt").read_text() == "keep me"
    assert cli("export", "--format", "sqlite", "--output", str(mine), "--force", data=SMALL)[0] == 2 and mine.is_dir()
    folder = tmp_path / "csv"
    assert cli("export", "--format", "csv", "--output", str(folder), data=SMALL)[0] == 0
    (folder / "old.csv").write_text("old")
    assert cli("export", "--format", "csv", "--output", str(folder), data=SMALL)[0] == 2
    assert cli("export", "--format", "csv", "--output", str(folder), "--force", data=SMALL)[0] == 0
    assert not (folder / "old.csv").exists() and (folder / "events.csv").exists()


def test_both_csv_paths_share_one_writer_that_shows_controls_escaped(cli: CommandLine, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.toml"
    hostile.write_text('[[sources]]\nid = "doc"\ntitle = "T \\u001b[31mred \\u202egnp"\n', encoding="utf-8")
    folder = tmp_path / "csv"
    result = cli("export", "--format", "csv", "--output", str(folder), data=hostile)
    assert result.code == 0, result.err
    exported = (folder / "sources.csv").read_text(encoding="utf-8")
    printed = cli("sources", "--format", "csv", data=hostile).out
    for text in (exported, printed):
        assert "\x1b" not in text and "\u202e" not in text and "\\x1b[31mred \\u202egnp" in text
    assert exported.splitlines()[1] == printed.splitlines()[1]
