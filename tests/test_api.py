"""The Python API gives what the CLI prints: the same records, in the same order, for the same question."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

import hamsyr
import hamsyr.cli.commands
from hamsyr.records.codec import to_dict as record_dict
from hamsyr.views.listings import HitList

from .conftest import SMALL, CommandLine

base = hamsyr.load(SMALL)
span = hamsyr.DateRange.of


def d(text: str) -> hamsyr.FuzzyDate:
    return hamsyr.parse_date(text)


CASES: list[tuple[list[str], Callable[[], object]]] = [
    (["events"], lambda: [record_dict(e) for e in base.find_events()]),
    (
        ["events", "--actor", "Assad Bashar", "--since", "2000", "--reverse"],
        lambda: [
            record_dict(e)
            for e in base.find_events([base.actor("Assad Bashar").id], span(d("2000"), None), reverse=True)
        ],
    ),
    (["events", "--text", "red wax"], lambda: [record_dict(e) for e in base.find_events(text="red wax")]),
    (["events", "--tag", "visit"], lambda: [record_dict(e) for e in base.find_events(tags=["visit"])]),
    (["quotes", "--about", "bashar"], lambda: [record_dict(q) for q in base.find_quotes(about="bashar")]),
    (["actors", "assad"], lambda: [record_dict(a) for a in base.find_actors("assad")]),
    (["actors", "--on", "2016"], lambda: [record_dict(a) for a in base.find_actors(dates=span(d("2016"), d("2016")))]),
    (["search", "hamas", "syria"], lambda: HitList(base.search("hamas syria")).data()),
    (["phases", "--on", "2015"], lambda: [record_dict(p) | {"events": [record_dict(e) for e in base.events_in(p)]}
                                          for p in base.find_phases(span(d("2015"), d("2015")))]),
    (["disputes"], lambda: [record_dict(x) for x in base.find_disputes()]),
]  # fmt: skip


@pytest.mark.parametrize(("args", "library"), CASES, ids=[" ".join(args) for args, _ in CASES])
def test_the_library_and_the_cli_agree(cli: CommandLine, args: list[str], library: Callable[[], object]) -> None:
    result = cli(*args, "--json", data=SMALL)
    assert result.code == 0, result.err
    assert json.loads(result.out) == library()


def test_the_readme_example_runs() -> None:
    shipped = hamsyr.load()
    mashaal = shipped.actor("Meshaal")
    events = shipped.find_events(actors=[mashaal.id], dates=span(d("2012"), None))
    assert events and all(mashaal.id in e.actors for e in events)
    assert shipped.search("red wax")[0].record.id == "offices-sealed-2012"
    assert hamsyr.check(SMALL) == []
