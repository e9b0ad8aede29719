"""A large generated base (100,000 events): each install given against public yardsticks, side by side.

What is compared with what (the rows of issue 23's table; F is one generated file of --size events, made by
bench/generate.py; every figure is a whole process; commands run in rounds, a new random order each round,
all installs in the same rounds, and each figure is the median of the round-by-round ratios to its
yardstick, with quartiles; with two installs or more, also the ratio of each to the first):

a. warm filtered query: `hamsyr --data F events --actor actor-7 --since 2000 --json` (its cache made by a
   dropped warm-up round) against a bare one-option Typer app that runs the same selection as indexed
   SELECTs (event_actors by actor, events by id, citations by record) on the SQLite database that
   `hamsyr export --format sqlite` writes from F (made by the first install), and prints the events with
   their citations with json.dumps. Both must select the same events. Goal: at most 1.5x.
b. warm search: `hamsyr --data F search delegation --limit 5 --json` against a bare one-option Typer app
   that runs an FTS5 MATCH 'delegation' ORDER BY rank LIMIT 5 on the export's `search` table (the export's
   full-text table over every record's title and text) and prints the hits as JSON. Goal: at most 2x.
c. cold first query: the query of (a) with an empty cache (HAMSYR_CACHE_DIR emptied before each run)
   against a script that only parses F with tomli.load; wall time and CPU time (user + system of the
   process and every helper it waited for, from os.wait4). Goal: at most 2.0x, both.
d. a folder of 100 files holding the same events (generate.py --files 100), its cache warm: the query of
   (a) right after appending one event to one file (the event must be in the answer) against the same
   query on the folder unchanged since the last query. Goal: at most 1.5x.
e. peak memory of the cold query of (c): the resident memory of the process and all its descendants,
   read from /proc every 20 ms and summed (the peak of the sum), as a multiple of F's size (goal: at most
   3x); also the same summed as proportional set size (shared pages shared out: helper processes forked
   from the command share its pages), and tomli.load's peak for comparison. Measured in runs of their own,
   as sampling costs CPU.

    python bench/load.py                                   # the hamsyr on PATH; 100,000 events, 5 rounds
    python bench/load.py --size 5000 --runs 3              # a quick try
    python bench/load.py --hamsyr before=/tmp/v-before/bin/hamsyr --hamsyr after=.venv/bin/hamsyr
    python bench/load.py --parts cd --keep /tmp/hamsyr-bench    # some parts only; keep the generated bases

Give installed commands (pip install ., not -e). The yardsticks run with the first install's Python (it
needs typer and tomli). Each install has cache folders of its own; the user's cache is left alone.
Generated bases go in a temporary folder removed at the end, or with --keep in that folder, where they are
kept and used again by later runs of the same size (generation is deterministic). Any run taking longer
than --timeout is killed with its helpers and reported. At 100,000 events and 5 rounds it took 4 minutes
with one install on a 2-core machine (half a minute of it generating the bases), mostly in the warm search
of (b) and the cold queries of (c) and (e); each further install adds about 2 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from interleave import (
    Command,
    Install,
    Result,
    add_install_option,
    fresh_folder,
    installs,
    interleave,
    median,
    paired,
    run,
    timeouts,
    values,
)

ACTOR, SINCE = "actor-7", "2000"
QUERY = ["events", "--actor", ACTOR, "--since", SINCE, "--json"]
SEARCH = ["search", "delegation", "--limit", "5", "--json"]
APPENDED = (
    '\n[[events]]\nid = "appended-{n}"\ndate = "2021-05"\ntitle = "Appended"\nsummary = "An appended event."\n'
    'actors = ["actor-7"]\nsources = [{{ source = "source-0", excerpt = "appended" }}]\n'
)

TOMLI_PARSE = """
import sys
import tomli
with open(sys.argv[1], "rb") as file:
    tomli.load(file)
"""

# The events of `events --actor ACTOR --since SINCE`: those whose date (widened where approximate, which
# the export's date_end already is) ends on or after the first day of SINCE; undated ones are left out.
SQLITE_QUERY = """
import json
import sqlite3
import typer
DATABASE = @DATABASE@
EVENTS = (
    "SELECT e.* FROM event_actors AS chosen JOIN events AS e ON e.id = chosen.event"
    " WHERE chosen.actor = ? AND e.date_end >= ? ORDER BY e.date_start, e.date_end, e.id"
)
CITATIONS = (
    "SELECT c.record, c.source, c.excerpt, c.attributed_to FROM event_actors AS chosen"
    " JOIN events AS e ON e.id = chosen.event JOIN citations AS c ON c.record = e.id AND c.record_type = 'event'"
    " WHERE chosen.actor = ? AND e.date_end >= ?"
)
app = typer.Typer()
@app.command()
def main(actor: str = @ACTOR@) -> None:
    database = sqlite3.connect(DATABASE)
    database.row_factory = sqlite3.Row
    chosen = (actor, @SINCE@ + "-01-01")
    events = {}
    for row in database.execute(EVENTS, chosen):
        event = dict(row)
        for key in ("actors", "places", "tags", "disputes"):
            event[key] = event[key].split("|") if event[key] else []
        event["sources"] = []
        events[event["id"]] = event
    for record, source, excerpt, attributed_to in database.execute(CITATIONS, chosen):
        events[record]["sources"].append({"source": source, "excerpt": excerpt, "attributed_to": attributed_to})
    print(json.dumps(list(events.values()), ensure_ascii=False))
app()
"""

SQLITE_SEARCH = """
import json
import sqlite3
import typer
DATABASE = @DATABASE@
app = typer.Typer()
@app.command()
def main(limit: int = 5) -> None:
    database = sqlite3.connect(DATABASE)
    hits = database.execute(
        "SELECT hit.record_type, hit.record, e.date, hit.title, hit.score, hit.passage FROM ("
        " SELECT record_type, record, title, -bm25(search) AS score, snippet(search, -1, '', '', '...', 16) AS passage"
        " FROM search WHERE search MATCH ? ORDER BY rank LIMIT ?"
        ") AS hit LEFT JOIN events AS e ON hit.record_type = 'event' AND e.id = hit.record ORDER BY hit.score DESC",
        ("delegation", limit),
    )
    keys = ("type", "id", "date", "title", "score", "passage")
    print(json.dumps([dict(zip(keys, hit)) for hit in hits], ensure_ascii=False))
app()
"""


def script(folder: Path, name: str, text: str, **values: str) -> Path:
    for key, value in values.items():
        text = text.replace(f"@{key}@", repr(value))
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def figure(results: list[Result | None], key: str, unit: str) -> str:
    value = median(results, key)
    return f"{value * 1000:8.1f} ms" if unit == "ms" else f"{value:8.2f} s"


def compare(
    commands: dict[str, Command],
    chosen: list[Install],
    measured: Callable[[str], str],
    yardstick: Callable[[str], str],
    key: str = "wall",
    unit: str = "s",
    notes: Callable[[str, list[Result | None]], str] = lambda label, results: "",
) -> None:
    """A line for each yardstick and each install: the median, then the paired ratios to the yardstick and to
    the first install. `measured` and `yardstick` name the commands, from an install's label."""
    shown = set()
    first = commands[measured(chosen[0].label)].results
    for install in chosen:
        base = yardstick(install.label)
        if base not in shown:
            shown.add(base)
            print(f"    {base:<26} {figure(commands[base].results, key, unit)}{timeouts(commands[base].results)}")
        results = commands[measured(install.label)].results
        line = f"    {measured(install.label):<26} {figure(results, key, unit)}"
        line += f"   {paired(results, commands[base].results, key)} x {base}"
        if install is not chosen[0]:
            line += f"   {paired(results, first, key)} x {chosen[0].label}"
        print(line + timeouts(results) + notes(install.label, results))


def ids(output: bytes) -> set[str]:
    return {record["id"] for record in json.loads(output)}


def warm(chosen: list[Install], facts: Path, database: Path, work: Path, args: argparse.Namespace) -> None:
    python = chosen[0].python
    select = script(work, "sqlite_query.py", SQLITE_QUERY, DATABASE=str(database), ACTOR=ACTOR, SINCE=SINCE)
    fts = script(work, "sqlite_search.py", SQLITE_SEARCH, DATABASE=str(database))
    commands = {"sqlite query": Command([python, select]), "sqlite fts5": Command([python, fts])}
    for install in chosen:
        env = {**os.environ, "HAMSYR_CACHE_DIR": str(fresh_folder(work / "cache" / f"warm-{install.label}"))}
        commands[f"{install.label}: query"] = Command([install.hamsyr, "--data", facts, *QUERY], env)
        commands[f"{install.label}: search"] = Command([install.hamsyr, "--data", facts, *SEARCH], env)
    interleave(commands, args.runs, timeout=args.timeout, seed=args.seed, title="a, b: ")
    expected = next(ids(r.stdout) for r in commands["sqlite query"].results if r)

    def same(label: str, results: list[Result | None]) -> str:
        found = next((ids(r.stdout) for r in results if r), set())
        return f"   same {len(expected)} events: {'yes' if found == expected else f'NO ({len(found)})'}"

    def hits(label: str, results: list[Result | None]) -> str:
        return f"   {next((len(json.loads(r.stdout)) for r in results if r), 0)} hits"

    print("a. warm filtered query, against an indexed SQLite query + JSON in a bare Typer app (goal: at most 1.5x)")
    compare(commands, chosen, lambda label: f"{label}: query", lambda label: "sqlite query", unit="ms", notes=same)
    print("\nb. warm search delegation --limit 5, against SQLite FTS5 on the export (goal: at most 2x)")
    compare(commands, chosen, lambda label: f"{label}: search", lambda label: "sqlite fts5", unit="ms", notes=hits)
    print()


def cold(chosen: list[Install], facts: Path, work: Path, args: argparse.Namespace, memory: bool) -> None:
    tomli = script(work, "tomli_parse.py", TOMLI_PARSE)
    commands = {"tomli.load": Command([chosen[0].python, tomli, facts])}
    for install in chosen:
        cache = work / "cache" / f"cold-{install.label}"
        env = {**os.environ, "HAMSYR_CACHE_DIR": str(cache)}
        commands[f"{install.label}: cold"] = Command(
            [install.hamsyr, "--data", facts, *QUERY], env, prepare=lambda cache=cache: fresh_folder(cache)
        )
    title = "e: " if memory else "c: "
    interleave(commands, args.runs, warmup=0, timeout=args.timeout, seed=args.seed, memory=memory, title=title)
    if not memory:
        print("c. cold first query (empty cache), against tomli.load parsing the file (goal: at most 2.0x, both)")
        for key in ("wall", "cpu"):
            print(f"  {key} time")
            compare(commands, chosen, lambda label: f"{label}: cold", lambda label: "tomli.load", key)
        print()
        return
    size = facts.stat().st_size / 2**20
    print(
        f"e. peak memory of the cold query, every process summed, against the file's size {size:.1f} MiB"
        " (goal: at most 3x)"
    )
    print(f"    {'':<24} {'RSS summed':>22} {'PSS summed':>22}  processes")
    for name, command in commands.items():
        rss, pss = values(command.results, "rss"), values(command.results, "pss")
        if not rss:
            print(f"    {name:<24} -{timeouts(command.results)}")
            continue
        shown = [f"{max(found):7.0f} MiB {max(found) / size:5.2f}x file" for found in (rss, pss)]
        print(
            f"    {name:<24} {shown[0]:>22} {shown[1]:>22}  {max(values(command.results, 'processes')):>9.0f}"
            f"{timeouts(command.results)}"
        )
    print(
        f"    (largest of {args.runs} runs each; the RSS sum counts pages a forked helper shares with its parent"
        " once in each)\n"
    )


def folder_edit(chosen: list[Install], pristine: Path, work: Path, args: argparse.Namespace) -> None:
    commands: dict[str, Command] = {}
    cold_seconds = {}
    for install in chosen:
        folder = work / f"folder-{install.label}"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(pristine, folder)
        env = {**os.environ, "HAMSYR_CACHE_DIR": str(fresh_folder(work / "cache" / f"folder-{install.label}"))}
        query = [install.hamsyr, "--data", folder, *QUERY]
        cold_seconds[install.label] = run(query, env, timeout=args.timeout).wall  # fills the cache
        parts = sorted(folder.glob("*.toml"))
        edited = parts[len(parts) // 2]
        appended = iter(range(10**9))
        last: list[int] = []

        def append(edited: Path = edited, appended: Iterator[int] = appended, last: list[int] = last) -> None:
            last[:] = [next(appended)]
            with edited.open("a", encoding="utf-8") as out:
                out.write(APPENDED.format(n=f"{last[0]}"))

        def answered(result: Result, last: list[int] = last, label: str = install.label) -> None:
            if f'"appended-{last[0]}"'.encode() not in result.stdout:
                sys.exit(f"{label}: the event appended to the folder is not in the answer")

        commands[f"{install.label}: appended"] = Command(query, env, prepare=append, check=answered)
        commands[f"{install.label}: unchanged"] = Command(query, env)
    interleave(commands, args.runs, timeout=args.timeout, seed=args.seed, title="d: ")
    print(
        f"d. a folder of {args.files} files, the first query after appending one event to one file, against the"
        " query on the unchanged folder (goal: at most 1.5x)"
    )
    compare(
        commands,
        chosen,
        lambda label: f"{label}: appended",
        lambda label: f"{label}: unchanged",
        unit="ms",
        notes=lambda label, results: f"   (cold first query {cold_seconds[label]:.2f} s)",
    )
    print("    (the appended event was in every answer after appending)\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="events in the base (default 100,000)")
    parser.add_argument("--files", type=int, default=100, help="files in the folder of part d (default 100)")
    parser.add_argument("--runs", type=int, default=5, help="rounds measured (default 5)")
    parser.add_argument("--parts", default="abcde", help="which parts to run (default abcde)")
    parser.add_argument("--keep", type=Path, help="keep generated bases in this folder (and use those found there)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a run is killed (default 600)")
    parser.add_argument("--seed", type=int, help="seed of the rounds' random order (default: a new one)")
    add_install_option(parser)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # in order with the progress lines on stderr
    chosen = installs(args.hamsyr)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="hamsyr-load-"))
    data = args.keep.absolute() if args.keep else root
    try:
        facts = data / f"single-{args.size}" / "facts.toml"
        pristine = data / f"folder-{args.size}-{args.files}"
        if not (facts.parent / "events.json").is_file():
            print(f"generating {args.size} events in one file", file=sys.stderr)
            generate(args.size, facts.parent)
        if "d" in args.parts and not (pristine / "events.json").is_file():
            print(f"generating {args.size} events in {args.files} files", file=sys.stderr)
            generate(args.size, pristine, args.files)
        megabytes = facts.stat().st_size / 2**20
        print(
            f"{args.size} events, one file of {megabytes:.1f} MiB; {args.runs} rounds, interleaved, a new random"
            " order each round; medians, and the median (quartiles) of the round-by-round ratios"
        )
        for install in chosen:
            print(f"  {install.label}: {install.hamsyr}")
        print(f"  yardsticks run with {chosen[0].python}\n")
        if "a" in args.parts or "b" in args.parts:
            database = root / "export.sqlite"
            env = {**os.environ, "HAMSYR_CACHE_DIR": str(fresh_folder(root / "cache" / "export"))}
            export = [chosen[0].hamsyr, "--data", facts, "export", "--format", "sqlite", "--output", database]
            print(f"  exporting to SQLite with {chosen[0].label}", file=sys.stderr)
            run(export, env, timeout=args.timeout)
            warm(chosen, facts, database, root, args)
        if "c" in args.parts:
            cold(chosen, facts, root, args, memory=False)
        if "d" in args.parts:
            folder_edit(chosen, pristine, root, args)
        if "e" in args.parts:
            cold(chosen, facts, root, args, memory=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
