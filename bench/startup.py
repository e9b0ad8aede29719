"""Start-up cost of hamsyr queries on the shipped base, against the floors a Typer + Rich program cannot go below.

Each command runs repeatedly as a whole process, in rounds, each round in a new random order (so that drift
in the machine's speed hits all of them alike; the first round warms the caches and is dropped). For each
install given and each command it prints the median wall time, that median over `python -c pass`'s, and the
median of the round-by-round ratios to its yardstick, with their quartiles (the goals of issue 23):
- `hamsyr events --json`, `hamsyr actor haniyeh --json` and `hamsyr search damascus --json`, each against a
  bare Typer app with one boolean option (goals: at most 1.20x, 1.25x and 1.25x);
- `hamsyr events --format table` against a minimal Typer script printing the same rows (date, title and
  summary, actor names, sources, taken from the first install's JSON) as a `rich.table.Table` in the same
  box style, through a Console with markup and highlighting off as hamsyr's is (goal: at most 1.0x).
With two installs or more it also prints, per command, the paired ratio of each to the first.

    python bench/startup.py                                  # the hamsyr on PATH, 10 runs each
    python bench/startup.py --runs 30 --hamsyr before=/tmp/v-before/bin/hamsyr --hamsyr after=.venv/bin/hamsyr

Give installed commands (pip install ., not -e): a source tree run with PYTHONDONTWRITEBYTECODE set
recompiles every module on every start and measures that instead. The yardsticks run with the first
install's Python, so that they import the same Typer and Rich. Each install gets a cache folder of its own
in a temporary folder (HAMSYR_CACHE_DIR), so the user's cache is left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from interleave import Command, add_install_option, installs, interleave, median, paired, timeouts

BARE_TYPER_APP = """
import typer
app = typer.Typer()
@app.command()
def main(flag: bool = False) -> None:
    pass
app()
"""

MINIMAL_RICH_TABLE = """
import typer
ROWS = {rows!r}
app = typer.Typer()
@app.command()
def main(flag: bool = False) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    table = Table("Date", "Event", "Actors", "Sources", box=box.SIMPLE_HEAD, show_edge=False)
    for row in ROWS:
        table.add_row(*row)
    Console(markup=False, emoji=False, highlight=False).print(table)
app()
"""

# Command, its arguments, its yardstick, its goal (at most this many times the yardstick).
QUERIES = {
    "events --json": (["events", "--json"], "bare Typer app", 1.20),
    "actor haniyeh --json": (["actor", "haniyeh", "--json"], "bare Typer app", 1.25),
    "search damascus --json": (["search", "damascus", "--json"], "bare Typer app", 1.25),
    "events --format table": (["events", "--format", "table"], "Typer + rich.table", 1.0),
}


def table_rows(hamsyr: Path, env: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """The rows `hamsyr events --format table` shows, as plain strings, from its JSON."""

    def answer(*words: str) -> list[dict[str, object]]:
        return json.loads(subprocess.run([hamsyr, *words, "--json"], capture_output=True, check=True, env=env).stdout)

    names = {actor["id"]: actor.get("name", actor["id"]) for actor in answer("actors")}
    rows = []
    for event in answer("events"):
        qualifiers = [
            word for word, key in (("approx.", "date_approximate"), ("inferred", "date_uncertain")) if event.get(key)
        ]
        date = (
            f"{event['date']}{' (' + ', '.join(qualifiers) + ')' if qualifiers else ''}"
            if event.get("date")
            else "undated"
        )
        if event.get("date_text"):
            date += f"\n“{event['date_text']}”"
        said = "; ".join(dict.fromkeys(f"per {c['attributed_to']}" for c in event["sources"] if c.get("attributed_to")))
        kind = event.get("kind") if event.get("kind") not in (None, "occurrence") else ""
        text = f"{event['title']}\n{event['summary']}"
        if kind or said:
            text += "\n" + " · ".join(part for part in (kind, said) if part)
        if event.get("disputes"):
            text += f"\n⚑ disputed: {', '.join(event['disputes'])}"
        actors = ", ".join(names.get(actor, actor) for actor in event["actors"])
        sources = "\n".join(dict.fromkeys(citation["source"] for citation in event["sources"]))
        rows.append((date, text, actors, sources))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="rounds measured (after one dropped warm-up round)")
    parser.add_argument("--seed", type=int, help="seed of the rounds' random order (default: a new one)")
    add_install_option(parser)
    args = parser.parse_args()
    chosen = installs(args.hamsyr)
    python = chosen[0].python
    with tempfile.TemporaryDirectory(prefix="hamsyr-startup-") as scratch:
        folder = Path(scratch)
        envs = {}
        for install in chosen:
            (folder / f"cache-{install.label}").mkdir(mode=0o700)
            envs[install.label] = {**os.environ, "HAMSYR_CACHE_DIR": str(folder / f"cache-{install.label}")}
        bare, minimal = folder / "bare.py", folder / "rich_table.py"
        bare.write_text(BARE_TYPER_APP, encoding="utf-8")
        rows = table_rows(chosen[0].hamsyr, envs[chosen[0].label])
        minimal.write_text(MINIMAL_RICH_TABLE.format(rows=rows), encoding="utf-8")
        commands = {
            "python -c pass": Command([python, "-c", "pass"]),
            "bare Typer app": Command([python, bare]),
            "Typer + rich.table": Command([python, minimal]),
        }
        for install in chosen:
            for name, (words, _, _) in QUERIES.items():
                commands[f"{install.label}: {name}"] = Command([install.hamsyr, *words], envs[install.label])
        interleave(commands, args.runs, seed=args.seed)
        lines = {
            name: command.results[-1].stdout.decode().count("\n")
            for name, command in commands.items()
            if command.results[-1] and "table" in name
        }

    floor = median(commands["python -c pass"].results)
    print(f"{'command':<34} {'median ms':>9} {'x pass':>7}   paired x yardstick (quartiles)")
    for name in ("python -c pass", "bare Typer app", "Typer + rich.table"):
        value = median(commands[name].results)
        print(f"{name:<34} {value * 1000:>9.1f} {value / floor:>7.2f}{timeouts(commands[name].results)}")
    for query, (_, yardstick, goal) in QUERIES.items():
        print(f"\n{query}  (goal: at most {goal:.2f}x {yardstick})")
        first = commands[f"{chosen[0].label}: {query}"].results
        for install in chosen:
            results = commands[f"{install.label}: {query}"].results
            value = median(results)
            versus = paired(results, commands[yardstick].results)
            print(f"  {install.label:<32} {value * 1000:>9.1f} {value / floor:>7.2f}   {versus} x {yardstick}", end="")
            print(f"   {paired(results, first)} x {chosen[0].label}" if install != chosen[0] else "", end="")
            print(timeouts(results))
    print(
        f"\n{args.runs} rounds, interleaved in a new random order each, after one dropped warm-up round; "
        f"yardsticks run with {python}"
    )
    print("table lines written: " + ", ".join(f"{name} {count}" for name, count in lines.items()))
    for install in chosen:
        print(f"{install.label}: {install.hamsyr}")


if __name__ == "__main__":
    main()
