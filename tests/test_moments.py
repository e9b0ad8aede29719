"""Asking the base about a moment: roles and phases as of a date, and the timeline picture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hamsyr import DateRange, FactBase, load, parse_date
from hamsyr.views.build import span_of
from hamsyr.views.chart import ASCII, Line, draw
from hamsyr.views.pages import Lane

from .conftest import SMALL, CommandLine


def on(text: str) -> DateRange:
    return DateRange.of(parse_date(text), parse_date(text))


def titles(base: FactBase, actor_id: str, when: str) -> list[str]:
    actor = base.actor(actor_id)
    return [role.title for role in base.roles_on(actor, on(when))]


@pytest.mark.parametrize(
    ("actor_id", "when", "expected"),
    [
        ("mashaal", "2016", ["Head of the Political Bureau"]),  # no start: held up to its end
        ("mashaal", "2017-07", ["Head of the Political Bureau"]),  # inside the summer the end spans
        ("mashaal", "2017-10", []),
        ("mashaal", "2018", []),
        ("haniyeh", "2016", []),
        ("haniyeh", "2017-05-31", []),
        ("haniyeh", "2017-09", ["Head of the Political Bureau"]),
        ("haniyeh", "2018-03-04", ["Head of the Political Bureau"]),
        ("bashar", "2016", []),  # a role the sources do not date is not claimed for any date
    ],
)
def test_roles_as_of_a_date_at_every_precision(small: FactBase, actor_id: str, when: str, expected: list[str]) -> None:
    assert titles(small, actor_id, when) == expected


def test_with_no_date_every_role_counts(small: FactBase) -> None:
    assert titles(small, "haniyeh", "2018") == ["Head of the Political Bureau"]
    assert [r.title for r in small.roles_on(small.actor("haniyeh"), DateRange())] == [
        "Head of the Political Bureau",
        "Guest speaker",
    ]


def test_who_held_roles_in_an_organization(small: FactBase) -> None:
    assert [(a.id, r.title) for a, r in small.holders("hamas", on("2016"))] == [
        ("mashaal", "Head of the Political Bureau")
    ]
    assert [a.id for a, _ in small.holders("hamas", on("2020"))] == ["haniyeh"]
    assert [a.id for a, _ in small.holders("hamas")] == ["mashaal", "haniyeh"]


def test_actors_as_of_a_date_and_by_role(small: FactBase) -> None:
    assert [a.id for a in small.find_actors(dates=on("2016"))] == ["mashaal"]
    assert [a.id for a in small.find_actors(role="political bureau")] == ["haniyeh", "mashaal"]
    assert [a.id for a in small.find_actors(dates=on("2019"), role="head")] == ["haniyeh"]
    (haniyeh,) = small.find_actors(role="guest")
    assert [r.title for r in haniyeh.roles] == ["Guest speaker"]  # only the roles asked about


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("1990", []),
        ("1999", ["damascus-years"]),
        ("2012-01", ["damascus-years", "break"]),
        ("2012-02-15", ["damascus-years", "break"]),
        ("2012-03", ["break"]),
        ("2015", ["break"]),
        ("2022-07", ["break", "restoration"]),
        ("2022-09", ["break", "restoration"]),
        ("2022-10", []),  # no end, attested up to its source, of September 2022 (approx.): unknown after
    ],
)
def test_phases_as_of_a_date(small: FactBase, when: str, expected: list[str]) -> None:
    assert [phase.id for phase in small.find_phases(on(when))] == expected


def test_events_inside_a_phase(small: FactBase) -> None:
    (restoration,) = [p for p in small.phases if p.id == "restoration"]
    assert [e.id for e in small.events_in(restoration)] == ["statement"]


def test_a_phase_ending_before_it_starts_is_an_error(write_base: object) -> None:
    from hamsyr import check

    path = write_base(  # type: ignore[operator]
        '[[sources]]\nid = "d"\ntitle = "D"\n[[phases]]\nid = "p"\nlabel = "P"\nstart = "2012"\nend = "2011"\n'
        'summary = "S"\nsources = [{ source = "d", excerpt = "x" }]\n'
    )
    assert [str(p).split(": ", 1)[1] for p in check(path)] == ["phase 'p': field 'end': ends before the phase starts"]


# --- the CLI -------------------------------------------------------------------------------------------


def test_actor_on_a_date_through_the_cli(cli: CommandLine) -> None:
    before = json.loads(cli("actor", "Haniyeh", "--on", "2016", "--json", data=SMALL)[1])
    after = json.loads(cli("actor", "Haniyeh", "--on", "2018", "--json", data=SMALL)[1])
    assert before["on"] == "2016" and before["roles"] == []
    assert [r["title"] for r in after["roles"]] == ["Head of the Political Bureau"]
    hamas = json.loads(cli("actor", "hamas", "--on", "2016", "--json", data=SMALL)[1])
    assert [(m["actor"], m["title"]) for m in hamas["members"]] == [("mashaal", "Head of the Political Bureau")]


def test_phases_on_a_date_with_their_events(cli: CommandLine) -> None:
    code, out, _ = cli("phases", "--on", "2022-09-15", "--json", data=SMALL)
    assert code == 0
    assert [(p["id"], [e["id"] for e in p["events"]]) for p in json.loads(out)] == [
        ("break", ["offices-sealed", "statement"]),  # every event inside the phase, not only on the date
        ("restoration", ["statement"]),
    ]
    assert [p["id"] for p in json.loads(cli("phases", "--json", data=SMALL)[1])] == [
        "damascus-years",
        "break",
        "restoration",
    ]


def test_on_is_an_overlap_and_conflicts_with_since(cli: CommandLine) -> None:
    assert [e["id"] for e in json.loads(cli("events", "--on", "1998", "--json", data=SMALL)[1])] == ["yassin-visit"]
    assert [q["id"] for q in json.loads(cli("quotes", "--on", "2019-06", "--json", data=SMALL)[1])] == [
        "opened-the-world"
    ]
    code, out, err = cli("events", "--on", "1998", "--since", "1990", data=SMALL)
    assert code == 2 and out == "" and "--on cannot be combined" in err


def test_role_holders_listing(cli: CommandLine) -> None:
    code, out, _ = cli("actors", "--on", "2016", "--format", "tsv", data=SMALL)
    assert code == 0
    assert out.splitlines()[1].split("\t")[0] == "mashaal"


# --- the picture ---------------------------------------------------------------------------------------

EXPECTED_40 = """\
           1990    2000    2010    2020
           ├─┼───────┼───────┼───────┼─┤
Damascus…           ━━━━━━━━━━━━
The break                     ━━━━━━━━━━
Restorati…                             ━
events     •        •          •       •
Bashar…                                •"""

EXPECTED_80 = """\
                        1990    1995    2000    2005    2010    2015    2020
                     ├────┼───────┼───────┼───────┼───────┼───────┼───────┼────┤
Damascus years                          ━━━━━━━━━━━━━━━━━━━━━━━
The break                                                    ━━━━━━━━━━━━━━━━━━━
Restoration                                                                   ━━
events                •                •                       •               •
Bashar al-Assad                                                                •"""


def picture(base: FactBase, width: int, glyphs: object = None) -> str:
    events = base.find_events()
    since, until = span_of(base.phases, events)  # type: ignore[misc]
    lanes = [Lane("Bashar al-Assad", base.find_events(actors=["bashar"]))]
    lines = draw(base.phases, events, lanes, since, until, width, *([glyphs] if glyphs else []))  # type: ignore[arg-type]
    return "\n".join(map(plain, lines))


def plain(line: Line) -> str:
    return "".join(text for text, _ in line)


@pytest.mark.parametrize(("width", "expected"), [(40, EXPECTED_40), (80, EXPECTED_80)])
def test_timeline_layout(small: FactBase, width: int, expected: str) -> None:
    assert picture(small, width) == expected


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200])
def test_timeline_fits_the_width_and_keeps_its_rows(small: FactBase, width: int) -> None:
    lines = picture(small, width).split("\n")
    assert max(len(line) for line in lines) <= width
    assert len(lines) == 2 + 3 + 1 + 1  # scale, axis, three phases, events, one lane


def test_a_zoomed_timeline_labels_months_and_places_vague_dates_mid_interval(small: FactBase) -> None:
    events = small.find_events(dates=DateRange.of(parse_date("2022-01"), parse_date("2022-12")))
    lines = draw(small.phases, events, [], parse_date("2022-01").start, parse_date("2022-12").end, 60)
    text = [plain(line) for line in lines]
    assert "2022-01" in text[0] and "2022-07" in text[0]
    assert text[-1].index("•") > 40  # 2022-09-15 is three quarters along the axis


def test_timeline_without_box_drawing(small: FactBase) -> None:
    text = picture(small, 60, ASCII)
    assert text.isascii() and "====" in text and "|---" in text


def test_timeline_command_draws_then_lists(cli: CommandLine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = cli("timeline", "--actor", "bashar", "--format", "table", data=SMALL)
    assert code == 0 and "\x1b" not in out
    assert "Bashar al-Assad" in out.split("\n")[6] and "Damascus years" in out
    assert "Statement restoring relations" in out  # the list under the picture
    json_groups = json.loads(cli("timeline", "--actor", "bashar", "--json", data=SMALL)[1])
    assert [g["year"] for g in json_groups] == [2022, None]


def test_timeline_saves_svg_and_html_and_never_overwrites_silently(cli: CommandLine, tmp_path: Path) -> None:
    svg, html = tmp_path / "t.svg", tmp_path / "t.html"
    code, _, err = cli("timeline", "--svg", str(svg), "--html", str(html), "--format", "json", data=SMALL)
    assert code == 0 and f"wrote {svg}" in err
    assert svg.read_text().lstrip().startswith("<svg") and "Damascus" in svg.read_text()
    assert "<html" in html.read_text().lower() and "Damascus years" in html.read_text()
    code, _, err = cli("timeline", "--svg", str(svg), data=SMALL)
    assert code == 2 and "pass --force" in err
    assert cli("timeline", "--svg", str(svg), "--force", "--format", "json", data=SMALL)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.html", "t.svg"]  # no temporary file left


def test_a_bad_columns_value_does_not_stop_the_picture(cli: CommandLine, tmp_path: Path) -> None:
    svg = tmp_path / "t.svg"
    result = cli("timeline", "--svg", str(svg), "--json", data=SMALL, env={"COLUMNS": "abc"})
    assert result.code == 0, result.err
    assert svg.read_text().lstrip().startswith("<svg")


def test_shipped_base_answers_the_three_questions() -> None:
    base = load()
    assert [p.id for p in base.find_phases(on("2015"))] == ["phase-the-break"]
    # Who led the political bureau in 2016? The documents attest Mashaal in 2011 and Haniyeh from the summer
    # of 2017, and nobody in between: the base says so rather than guess.
    assert base.find_actors(dates=on("2016"), role="head of the political bureau") == []
    last, later, unplaced = base.attested_around("head of the political bureau", parse_date("2016").start)
    assert unplaced == [] and [actor.id for actor, _ in later] == ["ismail-haniyeh"]
    assert [(actor.id, role.horizon.text if role.horizon else None) for actor, role in last] == [
        ("khaled-mashaal", "2011")
    ]
    holders = base.find_actors(dates=on("2018"), role="head of the political bureau")
    assert [a.id for a in holders] == ["ismail-haniyeh"]
    year_before = base.find_events(dates=DateRange.of(parse_date("2021-06-21"), parse_date("2022-06-20")))
    assert "hamas-aims-in-syria" in {e.id for e in year_before}
