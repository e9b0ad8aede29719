"""No query is quadratic in the size of the base: the work each does (counted in function calls, which
are deterministic, unlike time) grows in proportion to the number of events."""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable
from pathlib import Path

import pytest

from hamsyr import DateRange, FactBase, load, parse_date


def generated(tmp_path: Path, events: int) -> FactBase:
    lines = ['[[sources]]\nid = "doc"\ntitle = "Doc"\n']
    lines += [f'[[actors]]\nid = "actor-{n}"\nname = "Actor {n}"\nkind = "person"\n' for n in range(20)]
    for n in range(events):
        lines.append(
            f'[[events]]\nid = "event-{n}"\ndate = "{1990 + n % 30}-{n % 12 + 1:02d}"\ntitle = "Meeting number {n}"\n'
            f'summary = "Delegation visit and talks in Damascus, round {n}."\n'
            f'actors = ["actor-{n % 20}", "actor-{(n * 7) % 20}"]\n'
            f'tags = ["visit"]\nsources = [{{ source = "doc", excerpt = "visit {n}" }}]\n'
        )
    path = tmp_path / f"base-{events}.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    load(path)  # parse and cache
    return load(path)


def calls(action: Callable[[], object]) -> int:
    profile = cProfile.Profile()
    profile.runcall(action)
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined,no-any-return]


QUERIES: dict[str, Callable[[FactBase], object]] = {
    "events by actor": lambda b: b.find_events(actors=["actor-3"]),
    "events by date": lambda b: b.find_events(dates=DateRange.of(parse_date("2000"), parse_date("2005"))),
    "events by words": lambda b: b.find_events(text="damascus talks"),
    "all events": lambda b: b.find_events(),
    "timeline": lambda b: b.timeline(["actor-3", "actor-4"]),
    "search": lambda b: b.search("delegation damascus"),
    "supports": lambda b: b.supports("doc"),
    "tags": lambda b: b.tag("visit"),
    "actor by spelling": lambda b: b.actor("Actr 7"),
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_work_grows_linearly(tmp_path: Path, name: str) -> None:
    small, large = generated(tmp_path, 200), generated(tmp_path, 800)
    query = QUERIES[name]
    growth = calls(lambda: query(large)) / calls(lambda: query(small))
    assert growth < 4 * 1.5, f"{name}: 4x the events took {growth:.1f}x the work"
