"""Start-up cost of a hamsyr query against the floors it cannot go below.

Runs each command repeatedly as a whole process, interleaved (each round in a new random order) so that
drift in the machine's speed hits all of them alike, and prints the median wall time of each, the ratio of medians
to `python -c pass` and to a bare Typer app with one boolean option, and the median of the ratios taken
round by round against the bare app (steadier when the machine's speed drifts), with their quartiles.

    python bench/startup.py            # 10 runs each
    python bench/startup.py --runs 30

Run it with the installed `hamsyr` (pip install .): a source tree run with PYTHONDONTWRITEBYTECODE set
recompiles every module on every start and measures that instead.
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    installed = shutil.which("hamsyr")
    hamsyr = [installed] if installed else [sys.executable, "-c", "from hamsyr.cli import main; main()"]
    with tempfile.TemporaryDirectory() as scratch:
        bare = Path(scratch) / "bare.py"
        bare.write_text(BARE_TYPER_APP)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "bare Typer app": [sys.executable, str(bare)],
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
    floor, framework = medians["python -c pass"], medians["bare Typer app"]
    print(f"{'command':<24} {'median ms':>10} {'x python':>9} {'x Typer':>8} {'paired x Typer (quartiles)':>28}")
    for name, value in medians.items():
        paired = [a / b for a, b in zip(times[name][1:], times["bare Typer app"][1:], strict=True)]
        low, middle, high = statistics.quantiles(paired, n=4) if len(paired) > 1 else paired * 3
        print(
            f"{name:<24} {value * 1000:>10.1f} {value / floor:>9.2f} {value / framework:>8.2f}"
            f" {middle:>12.2f} ({low:.2f}-{high:.2f})"
        )
    print(f"({args.runs} runs each, interleaved; the first round is dropped)")


if __name__ == "__main__":
    main()
