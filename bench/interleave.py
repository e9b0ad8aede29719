"""What startup.py and load.py share: the installs compared, whole-process runs, interleaved rounds, paired ratios.

Not a benchmark itself. An install is a `hamsyr` command installed in a virtual environment, given as
`--hamsyr [LABEL=]PATH` (the command, or the environment's folder); the yardstick scripts run with the
Python of the first one given, so that they use the same Typer, Rich and tomli. Every figure is a whole
process: its wall time (time.perf_counter around it), its CPU time (user + system of the process and of
every descendant it waited for, from os.wait4) and, when asked, the peak of the resident memory of the
whole process tree, summed (sampled from /proc every 20 ms). The commands of a benchmark run in rounds,
each round in a new random order, and a command's figure is compared with its yardstick's round by round
(the median of these paired ratios, with quartiles), which holds steadier than a ratio of medians when
the machine's speed drifts or other work shares it.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_SECONDS = 0.02


@dataclass(frozen=True)
class Install:
    label: str
    hamsyr: Path
    python: Path  # the interpreter of its environment, for the yardstick scripts


def add_install_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--hamsyr",
        action="append",
        metavar="[LABEL=]PATH",
        help="a hamsyr command (or its virtual environment's folder) to measure; repeat it to measure several"
        " side by side; the yardsticks run with the first one's Python (default: hamsyr on PATH)",
    )


def installs(values: Sequence[str] | None) -> list[Install]:
    """The installs named on the command line, or the hamsyr on PATH."""
    if not values:
        found = shutil.which("hamsyr") or sys.exit("no hamsyr on PATH: install it (pip install .) or give --hamsyr")
        values = [f"hamsyr={found}"]
    result: list[Install] = []
    for value in values:
        label, equals, path = value.partition("=")
        if not equals or "/" in label:
            label, path = "", value
        command = Path(path).expanduser().absolute()
        if command.is_dir():
            command = command / "bin" / "hamsyr"
        if not (command.is_file() and os.access(command, os.X_OK)):
            sys.exit(f"{command}: not an executable hamsyr command")
        label = label or command.parent.parent.name or f"install-{len(result) + 1}"
        if label in {install.label for install in result}:
            label = f"{label}-{len(result) + 1}"
        result.append(Install(label, command, _python_of(command)))
    check = [str(result[0].python), "-c", "import sqlite3, tomli, typer, rich"]
    if subprocess.run(check, capture_output=True).returncode != 0:
        sys.exit(f"{result[0].python} cannot import typer, rich, tomli and sqlite3, which the yardsticks need")
    return result


def _python_of(command: Path) -> Path:
    """The Python a console script runs with: its #! line, else the python beside it."""
    with command.open("rb") as script:
        first = script.readline().decode(errors="replace").strip()
    if first.startswith("#!"):
        interpreter = Path(first[2:].split()[0]) if first[2:].split() else None
        if interpreter and "python" in interpreter.name and interpreter.is_file():
            return interpreter
    for name in ("python", "python3"):
        if (command.parent / name).is_file():
            return command.parent / name
    sys.exit(f"{command}: cannot tell which Python it runs with")


@dataclass
class Result:
    wall: float  # seconds
    cpu: float  # seconds of user and system time, the process and the descendants it waited for
    stdout: bytes = b""
    rss: float = math.nan  # MiB: peak of the resident memory summed over the process tree (when sampled)
    pss: float = math.nan  # MiB: the same with shared pages shared out (proportional set size)
    processes: int = 0  # the most processes seen in the tree at once (when sampled)


class Failed(Exception):
    """A run that did not finish within the time allowed."""


def run(
    command: Sequence[str | Path],
    env: Mapping[str, str] | None = None,
    *,
    timeout: float | None = None,
    memory: bool = False,
) -> Result:
    """Run one whole process, its output kept in memory; exit if it fails, raise Failed if it times out
    (after killing its process group, which its helpers share)."""
    argv = [str(part) for part in command]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, env=env, start_new_session=True)
        sampler = _Sampler(process.pid) if memory else None
        done = threading.Event()
        killed = threading.Event()

        def kill() -> None:
            if not done.wait(timeout):
                killed.set()
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)

        watchdog = threading.Thread(target=kill, daemon=True) if timeout else None
        if watchdog:
            watchdog.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            raise
        finally:
            done.set()
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.stop()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 0)  # raises when no process of the run's group is left
            # Helpers left running would skew what runs next.
            print(f"  {' '.join(argv)}: left processes running; killed", file=sys.stderr)
            os.killpg(process.pid, signal.SIGKILL)
        if killed.is_set():
            raise Failed(f"{' '.join(argv)}: killed after {timeout:.0f} s")
        if process.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace").strip().splitlines()[-5:]
            sys.exit(f"{' '.join(argv)} failed (exit {process.returncode}):\n" + "\n".join(tail))
        out.seek(0)
        result = Result(wall, usage.ru_utime + usage.ru_stime, out.read())
        if sampler:
            result.rss, result.pss, result.processes = sampler.rss, sampler.pss, sampler.processes
        return result


class _Sampler:
    """Peak resident memory of a process and all its descendants, summed, sampled in a thread."""

    def __init__(self, root: int) -> None:
        self.root, self.rss, self.pss, self.processes = root, 0.0, 0.0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            rss = pss = 0
            tree = _tree(self.root)
            for pid in tree:
                rss += _kib(f"/proc/{pid}/status", b"VmRSS:")
                pss += _kib(f"/proc/{pid}/smaps_rollup", b"Pss:")
            self.rss, self.pss = max(self.rss, rss / 1024), max(self.pss, pss / 1024)
            self.processes = max(self.processes, len(tree))
            if self._stop.wait(SAMPLE_SECONDS):
                return


def _tree(root: int) -> list[int]:
    """The process and its living descendants (found from every process's parent in /proc/PID/stat)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as stat:
                    fields = stat.read().rpartition(b")")[2].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def _kib(path: str, key: bytes) -> int:
    try:
        with open(path, "rb") as status:
            for line in status:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0  # gone, or a zombie


@dataclass
class Command:
    argv: list[str | Path]
    env: Mapping[str, str] | None = None
    prepare: Callable[[], object] | None = None  # before each run, untimed
    check: Callable[[Result], object] | None = None  # after each run, untimed
    results: list[Result | None] = field(default_factory=list)  # None: timed out


def interleave(
    commands: Mapping[str, Command],
    runs: int,
    *,
    warmup: int = 1,
    timeout: float | None = None,
    memory: bool = False,
    seed: int | None = None,
    title: str = "",
) -> None:
    """Run every command `warmup + runs` times, in rounds, each round in a new random order; the warm-up
    rounds are dropped. Results go into each command's `results`, one a round (None where it timed out)."""
    rng = random.Random(seed)
    order = list(commands)
    for number in range(warmup + runs):
        rng.shuffle(order)
        started = time.perf_counter()
        for name in order:
            command = commands[name]
            if command.prepare:
                command.prepare()
            try:
                result: Result | None = run(command.argv, command.env, timeout=timeout, memory=memory)
            except Failed as failure:
                print(f"  {failure}", file=sys.stderr)
                result = None
            if result and command.check:
                command.check(result)
            if number >= warmup:
                command.results.append(result)
        kind = "warm-up round" if number < warmup else "round"
        shown = number + 1 if number < warmup else number - warmup + 1
        total = warmup if number < warmup else runs
        print(f"  {title}{kind} {shown}/{total}: {time.perf_counter() - started:.1f} s", file=sys.stderr)


def fresh_folder(path: Path) -> Path:
    """`path` as a new empty folder that only its owner may use (as a cache folder must be)."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, mode=0o700)
    return path


def values(results: Iterable[Result | None], key: str = "wall") -> list[float]:
    return [getattr(result, key) for result in results if result is not None]


def median(results: Iterable[Result | None], key: str = "wall") -> float:
    found = values(results, key)
    return statistics.median(found) if found else math.nan


def ratios(top: Sequence[Result | None], bottom: Sequence[Result | None], key: str = "wall") -> list[float]:
    """Round-by-round ratios of two commands' figures (rounds where either timed out left out)."""
    return [
        getattr(a, key) / getattr(b, key) for a, b in zip(top, bottom, strict=True) if a is not None and b is not None
    ]


def quartiles(found: Sequence[float]) -> tuple[float, float, float]:
    if not found:
        return math.nan, math.nan, math.nan
    if len(found) == 1:
        return found[0], found[0], found[0]
    low, middle, high = statistics.quantiles(found, n=4, method="inclusive")
    return low, middle, high


def paired(top: Sequence[Result | None], bottom: Sequence[Result | None], key: str = "wall") -> str:
    """'1.234x (1.20-1.30)': the median of the round-by-round ratios, and their quartiles."""
    low, middle, high = quartiles(ratios(top, bottom, key))
    return f"{middle:.3f}x ({low:.2f}-{high:.2f})"


def timeouts(results: Iterable[Result | None]) -> str:
    missing = sum(result is None for result in results)
    return f"  {missing} TIMED OUT" if missing else ""
