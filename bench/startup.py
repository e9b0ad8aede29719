"""Start-up cost of a hamsyr query against the floors it cannot go below.

Runs each command repeatedly as a whole process, interleaved (each round in a new random order) so that
drift in the machine's speed hits all of them alike, and prints the median wall time of each, the ratio of
medians to `python -c pass`, and the median of the ratios taken round by round against its yardstick
(steadier when the machine's speed drifts), with their quartiles:
- `hamsyr events --json` against a bare Typer app with one boolean option (target: at most 1.25);
- `hamsyr events` as a table against a minimal Typer app printing the same rows (the shipped events' date,
  title and summary, actors and sources) as a `rich.table.Table` (target: at most 1.0).

    python bench/startup.py            # 10 runs each
    python bench/startup.py --runs 30

Run it with the installed `hamsyr` (pip install .): a source tree run with PYTHONDONTWRITEBYTECODE set
recompiles every module on every start and measures that instead.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
    from rich.console import Console
    from rich.table import Table
    table = Table("Date", "Event", "Actors", "Sources")
    for row in ROWS:
        table.add_row(*row)
    Console().print(table)
app()
"""


def table_rows(hamsyr: list[str]) -> list[tuple[str, str, str, str]]:
    """The rows `hamsyr events` shows, as plain strings, from its JSON."""
    events = json.loads(subprocess.run([*hamsyr, "events", "--json"], capture_output=True, check=True).stdout)
    return [
        (
            event["date"] or "undated",
            f"{event['title']}\\n{event['summary']}",
            ", ".join(event["actors"]),
            "\\n".join(citation["source"] for citation in event["sources"]),
        )
        for event in events
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    installed = shutil.which("hamsyr")
    hamsyr = [installed] if installed else [sys.executable, "-c", "from hamsyr.cli import main; main()"]
    with tempfile.TemporaryDirectory() as scratch:
        bare, minimal = Path(scratch) / "bare.py", Path(scratch) / "rich_table.py"
        bare.write_text(BARE_TYPER_APP)
        minimal.write_text(MINIMAL_RICH_TABLE.format(rows=table_rows(hamsyr)))
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "bare Typer app": [sys.executable, str(bare)],
            "Typer + rich.table": [sys.executable, str(minimal)],
            "hamsyr events --json": [*hamsyr, "events", "--json"],
            "hamsyr events (table)": [*hamsyr, "events", "--format", "table"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        order = list(commands)
        shuffle = random.Random(7).shuffle
        for _ in range(args.runs + 1):  # the first round warms the caches (files, hamsyr's own) and is dropped
            # A new order each round: a command that always followed the same one measured up to 10% apart.
            shuffle(order)
            for name in order:
                command = commands[name]
                start = time.perf_counter()
                subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
                times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values[1:]) for name, values in times.items()}
    floor = medians["python -c pass"]
    yardsticks = {"hamsyr events (table)": "Typer + rich.table"}
    print(f"{'command':<24} {'median ms':>10} {'x python':>9}   {'paired x yardstick (quartiles)'}")
    for name, value in medians.items():
        yardstick = yardsticks.get(name, "bare Typer app")
        paired = [a / b for a, b in zip(times[name][1:], times[yardstick][1:], strict=True)]
        low, middle, high = statistics.quantiles(paired, n=4) if len(paired) > 1 else paired * 3
        print(
            f"{name:<24} {value * 1000:>10.1f} {value / floor:>9.2f}   {middle:.3f} ({low:.2f}-{high:.2f})"
            f" x {yardstick}"
        )
    print(f"({args.runs} runs each, interleaved; the first round is dropped)")


if __name__ == "__main__":
    main()
