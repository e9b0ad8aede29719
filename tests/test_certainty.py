"""Answers no more certain than their sources (fact base format 2): dates as certain as the text, roles held
only as far as attested, who says so shown everywhere, listed titles kept apart from evidence, names with
kinds, and format 1 still read."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hamsyr import FactBase, check, load, parse_date
from hamsyr.query.results import DateRange
from hamsyr.records.codec import DATE_DETAILS, date_details

from .conftest import SMALL, CommandLine

# --- dates -------------------------------------------------------------------------------------------------

ALL_PARTS = ["year", "month", "day"]


@pytest.mark.parametrize(
    ("text", "matched", "stated", "precision", "approximate", "uncertain"),
    [
        ("1987", ("1987-01-01", "1987-12-31"), ("1987-01-01", "1987-12-31"), "year", [], []),
        ("1998-05", ("1998-05-01", "1998-05-31"), ("1998-05-01", "1998-05-31"), "month", [], []),
        ("2022-09-15", ("2022-09-15", "2022-09-15"), ("2022-09-15", "2022-09-15"), "day", [], []),
        ("2012~", ("2011-01-01", "2013-12-31"), ("2012-01-01", "2012-12-31"), "year", ["year"], []),
        ("2012-05~", ("2012-04-01", "2012-06-30"), ("2012-05-01", "2012-05-31"), "month", ["year", "month"], []),
        ("2012-05-10~", ("2012-05-09", "2012-05-11"), ("2012-05-10", "2012-05-10"), "day", ALL_PARTS, []),
        ("2022?", ("2022-01-01", "2022-12-31"), ("2022-01-01", "2022-12-31"), "year", [], ["year"]),
        ("2022?-09-15", ("2022-09-15", "2022-09-15"), ("2022-09-15", "2022-09-15"), "day", [], ["year"]),
        ("2022-09-15?", ("2022-09-15", "2022-09-15"), ("2022-09-15", "2022-09-15"), "day", [], ALL_PARTS),
        ("2012-10~/2012-12", ("2012-09-01", "2012-12-31"), ("2012-10-01", "2012-12-31"), "month", ALL_PARTS[:2], []),
    ],
)  # fmt: skip
def test_json_dates_as_stated_and_as_matched_at_every_precision(
    text: str,
    matched: tuple[str, str],
    stated: tuple[str, str],
    precision: str,
    approximate: list[str],
    uncertain: list[str],
) -> None:
    """The interval the source states, and the one a date filter matches (an approximate date widened), under
    names that say which; which parts a qualifier applies to."""
    assert date_details("date", parse_date(text)) == {
        "date_start": matched[0],
        "date_end": matched[1],
        "date_stated_start": stated[0],
        "date_stated_end": stated[1],
        "date_precision": precision,
        "date_approximate": bool(approximate),
        "date_uncertain": bool(uncertain),
        "date_approximate_parts": approximate,
        "date_uncertain_parts": uncertain,
    }
    assert date_details("date", None) == dict.fromkeys(f"date_{detail}" for detail in DATE_DETAILS)


def test_the_cli_json_gives_the_bounds_and_nulls_for_undated_events(cli: CommandLine) -> None:
    events = {
        event["id"]: event for event in json.loads(cli("events", "--json", data=SMALL, env={"COLUMNS": "120"})[1])
    }
    assert (events["statement"]["date"], events["statement"]["date_uncertain"]) == ("2022?-09-15", True)
    assert events["offices-sealed"]["date_start"] == "2012-09-01"  # "2012-10~": an approximate month widens
    assert {key: value for key, value in events["mediation"].items() if key.startswith("date_")} == {
        "date_text": "in recent years",
        **dict.fromkeys(f"date_{detail}" for detail in DATE_DETAILS),
    }


@pytest.mark.parametrize(
    ("date", "on", "matched"),
    [
        ("2012~", "2011-01-01", True),
        ("2012~", "2010-12-31", False),
        ("2012-05~", "2012-04-01", True),
        ("2012-05~", "2012-03-31", False),
        ("2012-05-10~", "2012-05-11", True),
        ("2012-05-10~", "2012-05-12", False),
        ("2012?", "2011-12-31", False),  # inferred is not widened
        ("2012-10~/2012-12", "2013-01-01", False),  # only the qualified end widens
    ],
)
def test_an_approximate_date_is_widened_by_one_unit_for_matching(
    write_base: Callable[[str], Path], date: str, on: str, matched: bool
) -> None:
    base = load(
        write_base(
            '[[sources]]\nid = "d"\ntitle = "D"\n[[events]]\nid = "e"\n'
            f'date = "{date}"\ntitle = "T"\nsummary = "S"\nsources = [{{ source = "d", excerpt = "x" }}]\n'
        )
    )
    assert bool(base.find_events(dates=DateRange.on(parse_date(on)))) is matched


def test_qualifiers_are_said_in_words_in_tables(cli: CommandLine) -> None:
    out = cli("events", "--format", "table", data=SMALL, env={"COLUMNS": "120"})[1]
    dates = [line[:26].strip() for line in out.splitlines()]  # the Date column
    assert "15 September 2022" in dates and dates[dates.index("15 September 2022") + 1] == "(year inferred)"
    assert dates[dates.index("October to December 2012") + 1] == "(start approx.)"  # qualifiers on their own line
    assert "2022?" not in out and "~" not in out  # no output for people shows a qualifier code


def test_a_date_filter_says_how_many_undated_records_it_left_out(cli: CommandLine) -> None:
    code, _, err = cli("events", "--since", "2000", "--json", data=SMALL, env={"COLUMNS": "120"})
    assert code == 0 and "the date filter left out 1 undated event," in err
    assert "left out" not in cli("events", "--json", data=SMALL, env={"COLUMNS": "120"})[2]


# --- roles: unknown is not ongoing ------------------------------------------------------------------------


def test_a_role_with_no_end_is_held_only_as_far_as_it_is_attested(small: FactBase) -> None:
    haniyeh = small.actor("haniyeh")
    (head,) = [role for role in haniyeh.roles if role.title == "Head of the Political Bureau"]
    assert head.end is None and head.last_attested is not None and head.last_attested.text == "2022-09~"
    assert small.roles_on(haniyeh, DateRange.on(parse_date("2022-09")))
    assert not small.roles_on(haniyeh, DateRange.on(parse_date("2025-06-01")))


def test_past_the_horizon_the_cli_says_who_was_last_attested(cli: CommandLine) -> None:
    code, out, err = cli(
        "actors",
        "--on",
        "2025-06-01",
        "--role",
        "head of the political bureau",
        "--json",
        data=SMALL,
        env={"COLUMNS": "120"},
    )
    assert (code, json.loads(out)) == (0, [])
    assert (
        "no attested holder on 1 June 2025; last attested: Ismail Haniyeh (Head of the Political Bureau), "
        "September 2022 (approx.)" in err
    )
    _, _, err = cli("actor", "haniyeh", "--on", "2025-06-01", "--json", data=SMALL, env={"COLUMNS": "120"})
    assert "Head of the Political Bureau is last attested September 2022 (approx.)" in err


def test_a_role_shows_until_when_it_is_attested_and_its_sources(cli: CommandLine) -> None:
    out = cli("actor", "haniyeh", "--format", "table", data=SMALL, env={"COLUMNS": "120"})[1]
    assert "began between June and September 2017" in out and "doc-a" in out
    assert "last attested September 2022 (approx.)" in out  # the Held column, a part of the dates a line


# --- who says so ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["events"],
        ["actor", "mashaal"],
        ["source", "doc-b"],
        ["search", "red", "wax"],
        ["timeline"],
        ["phases", "--on", "2012-11"],
    ],
)
def test_attribution_is_shown_wherever_the_record_is(cli: CommandLine, args: list[str]) -> None:
    code, out, _ = cli(*args, "--format", "table", data=SMALL, env={"COLUMNS": "120"})
    assert code == 0 and "per Syrian sources" in out


def test_events_by_kind(cli: CommandLine) -> None:
    reports = json.loads(cli("events", "--kind", "report", "--json", data=SMALL, env={"COLUMNS": "120"})[1])
    assert [event["id"] for event in reports] == ["offices-sealed", "mediation"]
    assert [
        e["kind"]
        for e in json.loads(
            cli("events", "--kind", "statement", "--kind", "report", "--json", data=SMALL, env={"COLUMNS": "120"})[1]
        )
    ] == [
        "report",
        "statement",
        "report",
    ]
    assert (
        "report" in cli("events", "--format", "table", data=SMALL, env={"COLUMNS": "120"})[1]
    )  # the kind, beside who says so


# --- sources --------------------------------------------------------------------------------------------

LISTED = """
format = 2
[[sources]]
id = "read"
title = "A document that was read"
[[sources]]
id = "listed"
title = "A title the first document lists"
listed_in = "read"
[[events]]
id = "e"
title = "T"
summary = "S"
kind = "occurrence"
sources = [{ source = "listed", excerpt = "x" }]
"""


def test_a_listed_title_is_no_evidence(cli: CommandLine, write_base: Callable[[str], Path]) -> None:
    path = write_base(LISTED)
    messages = [str(problem) for problem in check(path)]
    assert any("'listed' is only listed in 'read' as further reading" in m for m in messages), messages
    fixed = write_base(LISTED.replace('source = "listed"', 'source = "read"'), "fixed.toml")
    out = cli("sources", "--format", "table", data=fixed, env={"COLUMNS": "120"})[1]
    assert out.index("A document that was read") < out.index("Listed as further reading in read")
    assert out.index("Listed as further reading in read") < out.index("A title the first document lists")
    assert [s["listed_in"] for s in json.loads(cli("sources", "--json", data=fixed, env={"COLUMNS": "120"})[1])] == [
        None,
        "read",
    ]


def test_info_says_how_far_the_documents_go(cli: CommandLine) -> None:
    info = json.loads(cli("info", "--json", data=SMALL, env={"COLUMNS": "120"})[1])
    assert (info["first_date"], info["documents_published_until"]) == ("1987", "2022-09~")


# --- names with kinds ---------------------------------------------------------------------------------------


def test_a_descriptor_resolves_but_ranks_below_real_names(cli: CommandLine, write_base: Callable[[str], Path]) -> None:
    path = write_base(
        '[[actors]]\nid = "a"\nname = "Alpha"\nkind = "person"\n'
        'aliases = [{ name = "the leader", kind = "descriptor" }]\n'
        '[[actors]]\nid = "b"\nname = "The Leader"\nkind = "person"\n'
        '[[actors]]\nid = "c"\nname = "Gamma"\nkind = "person"\n'
        'aliases = [{ name = "the old guard", kind = "descriptor" }, "Gama"]\n'
    )
    base = load(path)
    assert base.actor("the leader").id == "b"  # a real name wins over a descriptor
    assert base.actor("the old guard").id == "c"
    data = json.loads(cli("actor", "c", "--json", data=path, env={"COLUMNS": "120"})[1])
    assert data["aliases"] == ["Gama"]  # the names only: a way of referring to it is no name
    assert data["names"][0] == {
        "name": "the old guard",
        "lang": None,
        "kind": "descriptor",
        "sources": [],
        "note": None,
    }
    out = cli("actor", "c", "--format", "table", data=path, env={"COLUMNS": "120"})[1]
    assert "also referred to as  “the old guard”" in out and "aliases              Gama" in out


# --- format 1, and the warnings -------------------------------------------------------------------------------


def test_a_format_1_file_still_loads_and_validate_warns_about_uncited_statements(
    cli: CommandLine,
    write_base: Callable[[str], Path],
) -> None:
    path = write_base(
        '[[actors]]\nid = "a"\nname = "Alpha"\nkind = "person"\naliases = ["Alf"]\ndescription = "A person."\n'
        '[[actors.roles]]\ntitle = "Chair"\nstart = "2010"\n'
    )
    base = load(path)
    (chair,) = base.actor("Alf").roles
    assert chair.horizon == chair.start  # nothing attests it after its start
    assert not base.roles_on(base.actor("Alf"), DateRange.on(parse_date("2011")))
    code, out, err = cli("validate", data=path, env={"COLUMNS": "120"})
    assert code == 0 and out.count("warning:") == 2 and "is valid, with 2 warning(s)" in err
    assert cli("validate", "--strict", data=path, env={"COLUMNS": "120"})[0] == 3
    problems = json.loads(cli("validate", "--json", data=path, env={"COLUMNS": "120"})[1])
    assert [problem["severity"] for problem in problems] == ["warning", "warning"]
