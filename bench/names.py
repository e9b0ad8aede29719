"""In-process cost of name resolution and search on the shipped fact base.

    python bench/names.py

Prints the median time of: building the name index, resolving a name at each matching level, and a
few searches (first search of a process included, since it folds every record once).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from hamsyr import load


def median_ms(action: Callable[[], object], runs: int = 30) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    base = load()
    fresh = lambda: load()  # noqa: E731 - a base with nothing cached yet
    print(f"{'what':<44} {'median ms':>10}")
    print(f"{'build the name index (first lookup)':<44} {median_ms(lambda: fresh().actor('hamas')):>10.2f}")
    print(f"{'  of which loading the base':<44} {median_ms(fresh):>10.2f}")
    for level, name in [
        ("id", "khaled-mashaal"),
        ("name", "Khaled Meshaal"),
        ("words", "Haniyeh"),
        ("spelling", "Ismail Hanyeh"),
        ("fuzzy", "Hanieyh"),
    ]:
        print(f"{f'resolve {name!r} ({level})':<44} {median_ms(lambda n=name: base.actor(n)):>10.3f}")
    first = fresh()
    start = time.perf_counter()
    first.search("mashaal headquarters")
    print(f"{'first search in a process':<44} {(time.perf_counter() - start) * 1000:>10.2f}")
    for query in ("mashaal headquarters", "Meshal", "اسماعيل هنيه", "red wax"):
        print(f"{f'search {query!r}':<44} {median_ms(lambda q=query: base.search(q)):>10.2f}")


if __name__ == "__main__":
    main()
