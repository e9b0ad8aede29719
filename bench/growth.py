"""How a filtered query grows with the fact base, against jq running the same filter on the same events.

    python bench/growth.py                      # 1,000, 10,000 and 100,000 events (a few minutes)
    python bench/growth.py --sizes 1000 10000 --runs 5

For each size it generates a base (bench/generate.py, seeded), then times
`hamsyr --data BASE events --actor actor-7 --since 2000 --json` as whole processes: the first run
(empty cache: the TOML file is parsed, validated and cached) and the median of repeated runs
(from the cache), with each process's peak resident memory; and `jq` with the same filter over the
same events saved as one JSON file. It checks that both select the same events.
Uses only the standard library and, when installed, jq and GNU time (for exact peak memory).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402 - the sibling script

ACTOR = "actor-7"
JQ_FILTER = (
    f'[.[] | select((.actors | index("{ACTOR}")) and .date != null'
    ' and ((.date | split("/") | last | .[0:4] | tonumber) >= 2000))]'
)


GNU_TIME = shutil.which("time", path="/usr/bin:/bin")


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, bytes]:
    """Wall seconds, peak resident MiB and stdout of one whole process.

    The peak comes from GNU time when it is installed: a process's peak as the kernel counts it includes
    the memory of whoever forked it, so a small forker (time) measures the command, not this script.
    """
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as report:
        prefix = [GNU_TIME, "-f", "%M", "-o", report.name] if GNU_TIME else []
        start = time.perf_counter()
        process = subprocess.Popen([*prefix, *command], stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(command)} failed")
        peak_kib = float(report.read().split()[-1]) if GNU_TIME else usage.ru_maxrss
        out.seek(0)
        return elapsed, peak_kib / 1024, out.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=5, help="repeated runs per command (median reported)")
    parser.add_argument("--work", type=Path, help="folder for generated bases (default: a temporary one)")
    args = parser.parse_args()
    hamsyr = shutil.which("hamsyr") or sys.exit("install hamsyr first (pip install .)")
    jq = shutil.which("jq")
    work = args.work or Path(tempfile.mkdtemp(prefix="hamsyr-growth-"))
    print(f"{'events':>8} {'JSON MB':>8} | {'first s':>8} {'first MB':>8} | {'again s':>8} {'again MB':>8} |"
          f" {'jq s':>7} {'jq MB':>7} | {'matches':>7}")  # fmt: skip
    for size in args.sizes:
        folder = work / f"events-{size}"
        if not (folder / "facts.toml").is_file():
            generate(size, folder)
        cache = folder / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        env = {**os.environ, "HAMSYR_CACHE_DIR": str(cache)}
        query = [hamsyr, "--data", str(folder / "facts.toml"), "events", "--actor", ACTOR, "--since", "2000", "--json"]
        first_s, first_mb, output = run(query, env)
        repeated = [run(query, env) for _ in range(args.runs)]
        again_s = statistics.median(r[0] for r in repeated)
        again_mb = max(r[1] for r in repeated)
        ours = {event["id"] for event in json.loads(output)}
        json_mb = (folder / "events.json").stat().st_size / 1e6
        jq_s = jq_mb = float("nan")
        same = "-"
        if jq:
            jq_runs = [run([jq, "-c", JQ_FILTER, str(folder / "events.json")], env) for _ in range(args.runs)]
            jq_s, jq_mb = statistics.median(r[0] for r in jq_runs), max(r[1] for r in jq_runs)
            same = "yes" if ours == {event["id"] for event in json.loads(jq_runs[0][2])} else "NO"
        print(f"{size:>8} {json_mb:>8.1f} | {first_s:>8.2f} {first_mb:>8.0f} | {again_s:>8.2f} {again_mb:>8.0f} |"
              f" {jq_s:>7.2f} {jq_mb:>7.0f} | {same:>7}")  # fmt: skip
    if not jq:
        print("jq is not installed: its columns are empty")
    if not GNU_TIME:
        print("GNU time is not installed: peaks include this script's own memory (about 20 MB)")


if __name__ == "__main__":
    main()
