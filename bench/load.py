"""Loading a large base: the first query against tomli parsing the same file, a folder of many files after one
of them is edited, and what repeated queries cost in time and memory.

    python bench/load.py                       # 100,000 events (generating them takes a minute)
    python bench/load.py --size 20000 --runs 3

Every figure is a whole process, timed by this script, with its peak resident memory (from GNU time when it
is installed). Side-by-side figures are measured in alternation, so that a machine whose speed drifts
treats both alike; each line gives the medians and their ratio.

1. Cold single file: `hamsyr --data facts.toml events --actor actor-7 --since 2000 --json` with an empty
   cache (parsing, checking and writing the cache), against a script that only parses the file with tomli.
2. A folder of 100 files holding the same events: the cold first query, then the first query after one
   event is appended to one file (the goal: at most a tenth of the cold one).
3. Repeated queries on the cached single file: the filtered query above, `events --limit 5`, `info` and
   `search delegation --limit 5`, against jq filtering the same events saved as JSON.
Uses the standard library, and jq and GNU time when installed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402 - the sibling script
from growth import JQ_FILTER, run  # noqa: E402

QUERY = ["events", "--actor", "actor-7", "--since", "2000", "--json"]
TOMLI = "import sys, tomli\nwith open(sys.argv[1], 'rb') as f:\n    tomli.load(f)\n"
APPENDED = (
    '\n[[events]]\nid = "appended-{n}"\ndate = "2021-05"\ntitle = "Appended"\nsummary = "An appended event."\n'
    'actors = ["actor-7"]\nsources = [{{ source = "source-0", excerpt = "appended" }}]\n'
)


def median_of(command: list[str], env: dict[str, str], runs: int, before: object = None) -> tuple[float, float]:
    """Median seconds and largest peak MiB of `runs` runs (calling `before()` ahead of each)."""
    results = []
    for _ in range(runs):
        if callable(before):
            before()
        results.append(run(command, env)[:2])
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def paired(
    first: list[str], second: list[str], env: dict[str, str], runs: int, before: object = None
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Both commands run in alternation, `runs` times each: (median s, peak MiB) of each."""
    a, b = [], []
    for _ in range(runs):
        if callable(before):
            before()
        a.append(run(first, env)[:2])
        b.append(run(second, env)[:2])
    return (
        (statistics.median(r[0] for r in a), max(r[1] for r in a)),
        (statistics.median(r[0] for r in b), max(r[1] for r in b)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="events in the base")
    parser.add_argument("--files", type=int, default=100, help="files in the folder scenario")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (medians reported)")
    parser.add_argument("--work", type=Path, help="folder for generated bases (default: a temporary one)")
    args = parser.parse_args()
    hamsyr = shutil.which("hamsyr") or sys.exit("install hamsyr first (pip install .)")
    work = args.work or Path(tempfile.mkdtemp(prefix="hamsyr-load-"))
    single, folder = work / f"single-{args.size}", work / f"folder-{args.size}-{args.files}"
    if not (single / "facts.toml").is_file():
        generate(args.size, single)
    if not (folder / "part-000.toml").is_file():
        generate(args.size, folder, args.files)
    cache = work / "cache"
    env = {**os.environ, "HAMSYR_CACHE_DIR": str(cache)}
    empty_cache = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
    facts = single / "facts.toml"
    megabytes = facts.stat().st_size / 2**20

    print(f"{args.size} events; facts.toml {megabytes:.1f} MiB; {args.runs} runs of each (medians)\n")
    script = work / "tomli_parse.py"
    script.write_text(TOMLI, encoding="utf-8")
    cold, tomli = paired(
        [hamsyr, "--data", str(facts), *QUERY], [sys.executable, str(script), str(facts)], env, args.runs, empty_cache
    )
    print("1. cold first query on one file, against tomli parsing it")
    print(f"   hamsyr {cold[0]:.2f} s, {cold[1]:.0f} MiB ({cold[1] / megabytes:.1f}x the file)")
    print(f"   tomli  {tomli[0]:.2f} s, {tomli[1]:.0f} MiB")
    print(f"   ratio  {cold[0] / tomli[0]:.2f}x the time of tomli\n")

    query = [hamsyr, "--data", str(folder), *QUERY]
    folder_cold = median_of(query, env, args.runs, empty_cache)
    edited = folder / "part-050.toml" if (folder / "part-050.toml").exists() else sorted(folder.glob("*.toml"))[-1]
    counter = iter(range(10**6))

    def append_one() -> None:
        with edited.open("a", encoding="utf-8") as out:
            out.write(APPENDED.format(n=next(counter)))

    original = edited.read_text(encoding="utf-8")
    try:
        run(query, env)  # everything cached
        after_edit = median_of(query, env, args.runs, append_one)
        found = run(query, env)[2]
    finally:
        edited.write_text(original, encoding="utf-8")  # the generated folder stays as generated
    print(f"2. a folder of {args.files} files")
    print(f"   cold first query            {folder_cold[0]:.2f} s, {folder_cold[1]:.0f} MiB")
    print(f"   after appending to one file {after_edit[0]:.2f} s, {after_edit[1]:.0f} MiB")
    print(f"   ratio                       {after_edit[0] / folder_cold[0]:.3f} of the cold query")
    print(f"   the appended event answers: {'yes' if b'appended-' in found else 'NO'}\n")

    print("3. repeated queries on the cached file")
    run([hamsyr, "--data", str(facts), *QUERY], env)
    jq = shutil.which("jq")
    jq_time = None
    if jq:
        jq_time = median_of([jq, "-c", JQ_FILTER, str(single / "events.json")], env, args.runs)
        print(f"   jq on the same events as JSON     {jq_time[0]:.2f} s, {jq_time[1]:.0f} MiB")
    for words in (
        QUERY,
        ["events", "--limit", "5", "--json"],
        ["info", "--json"],
        ["search", "delegation", "--limit", "5", "--json"],
    ):
        seconds, peak = median_of([hamsyr, "--data", str(facts), *words], env, args.runs)
        versus = f" ({seconds / jq_time[0]:.2f}x jq)" if jq_time and words is QUERY else ""
        print(f"   {' '.join(words):<33} {seconds:.2f} s, {peak:.0f} MiB{versus}")


if __name__ == "__main__":
    main()
