"""Every command behaves the same way: one vocabulary of options, nothing lost in a pipe, empty answers that
explain themselves, help with examples, hints that repeat the --data in use."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hamsyr.cli.commands import app
from hamsyr.records.codec import date_keys

from .conftest import SMALL, CommandLine

COMMANDS = [info.name or info.callback.__name__ for info in app.registered_commands if info.callback]  # type: ignore[union-attr]
DATED = ["events", "quotes", "search x", "disputes", "phases", "timeline", "export"]
LISTINGS = ["events", "actors", "quotes", "sources", "phases", "disputes", "search x"]


@pytest.mark.parametrize("command", DATED)
@pytest.mark.parametrize("option", ["--since 2012", "--until 2012", "--on 2012"])
def test_every_command_over_dated_records_takes_the_date_options(cli: CommandLine, command: str, option: str) -> None:
    code, _, err = cli(
        *command.split(), *option.split(), "--json" if command != "export" else "--format=json", data=SMALL
    )
    assert code == 0, err


@pytest.mark.parametrize("command", LISTINGS)
def test_every_listing_takes_limit_and_no_pager_after_its_name(cli: CommandLine, command: str) -> None:
    code, out, err = cli(*command.split(), "--limit", "1", "--no-pager", "--json", data=SMALL)
    assert code == 0, err
    assert len(json.loads(out)) <= 1


def test_quotes_by_or_about_an_actor(cli: CommandLine) -> None:
    said_or_about = {quote["id"] for quote in json.loads(cli("quotes", "--actor", "mashaal", "--json", data=SMALL)[1])}
    said = {quote["id"] for quote in json.loads(cli("quotes", "--speaker", "mashaal", "--json", data=SMALL)[1])}
    assert said < said_or_about or said == said_or_about == {"opened-the-world"}
    assert {quote["id"] for quote in json.loads(cli("quotes", "--actor", "bashar", "--json", data=SMALL)[1])} == {
        "opened-the-world"
    }  # said about him


@pytest.mark.parametrize(
    ("args", "suggested"),
    [
        (["events", "--speaker", "x"], "--actor"),
        (["actor", "x", "--date", "2012"], "--on"),
        (["search", "x", "--kind", "event"], "--type"),
        (["events", "--from", "2012"], "--since"),
    ],
)
def test_a_wrong_option_suggests_the_one_this_command_has(cli: CommandLine, args: list[str], suggested: str) -> None:
    code, out, err = cli(*args, data=SMALL)
    assert (code, out) == (2, "")
    assert "No such option" in err and suggested in err


def test_one_event_with_everything_around_it(cli: CommandLine) -> None:
    data = json.loads(cli("event", "offices-sealed", "--json", data=SMALL)[1])
    assert data["id"] == "offices-sealed"
    assert [d["id"] for d in data["dispute_details"]] == ["why-the-break"]
    assert [p["id"] for p in data["phases"]] == ["break"]
    assert {"type", "id", "date", "title", *date_keys("date")} == set(data["related"][0])
    table = cli("event", "offices-sealed", "--format", "table", data=SMALL, env={"COLUMNS": "120"})[1]
    assert "Citations (2)" in table and "Syrian sources" in table and "“أغلقت المكاتب”" in table


def test_one_quote(cli: CommandLine) -> None:
    data = json.loads(cli("quote", "opened-the-world", "--json", data=SMALL)[1])
    assert (data["speaker"], data["dispute_details"][0]["id"]) == ("mashaal", "why-the-break")


@pytest.mark.parametrize("args", [["event", "ofices-sealed"], ["quote", "nosuch"], ["disputes", "--record", "nosuch"]])
def test_every_no_such_id_exits_1_and_suggests(cli: CommandLine, args: list[str]) -> None:
    code, out, err = cli(*args, data=SMALL)
    assert (code, out) == (1, "")
    if "ofices" in args[-1]:
        assert "did you mean" in err and "offices-sealed" in err


# --- pipes keep everything -----------------------------------------------------------------------------


def test_a_page_piped_keeps_every_section(cli: CommandLine) -> None:
    out = cli("actor", "mashaal", data=SMALL)[1]  # not a terminal: TSV
    assert "# actor (1)" in out and "# roles (1)" in out and "# events (1)" in out and "# quotes (1)" in out
    assert "Offices sealed with red wax" in out and "He opened the whole world to us." in out
    assert "# supports (5)" in cli("source", "doc-b", data=SMALL)[1]
    on = cli("phases", "--on", "2015", data=SMALL)[1]
    assert "# events of break (2)" in on and "Statement restoring relations" in on


@pytest.mark.parametrize(
    ("args", "word"),
    [(["source", "mena-2022"], "wax"), (["actor", "haniyeh"], "Moscow"), (["phases", "--on", "2015"], "wax")],
)
def test_on_the_shipped_base_grep_finds_what_the_table_shows(cli: CommandLine, args: list[str], word: str) -> None:
    piped = cli(*args)[1]
    table = cli(*args, "--format", "table", env={"COLUMNS": "200"})[1]
    assert word.lower() in table.lower()
    assert piped.lower().count(word.lower()) >= 1


# --- empty answers explain ------------------------------------------------------------------------------


def test_no_quote_by_an_actor_says_how_many_are_about_them(cli: CommandLine) -> None:
    code, out, err = cli("quotes", "--speaker", "Bashar", "--json", data=SMALL)
    assert (code, json.loads(out)) == (0, [])
    assert "Bashar al-Assad (bashar) is the speaker of no quote" in err
    assert f"1 quote is about Bashar al-Assad: `hamsyr --data {SMALL} quotes --about bashar`" in err


def test_no_quote_about_an_actor_says_what_the_name_is_and_where_it_appears(cli: CommandLine) -> None:
    code, out, err = cli("quotes", "--about", "Mashaal", "--json", data=SMALL)
    assert (code, json.loads(out)) == (0, [])
    assert f"1 quote is by Khaled Mashaal: `hamsyr --data {SMALL} quotes --speaker mashaal`" in err
    code, out, err = cli("quotes", "--about", "Hafez", "--json", data=SMALL)
    assert "Hafez al-Assad (hafez) is the subject of no quote in the base" in err
    assert "event involves Hafez al-Assad" in err or "events involve Hafez al-Assad" in err
    code, _, err = cli("quotes", "--speaker", "Mashaal", "--about", "hamas", "--json", data=SMALL)
    assert "--speaker is Khaled Mashaal (mashaal)" in err and "Hamas (hamas) is the subject of no quote" in err


def test_no_event_says_which_filter_emptied_the_answer(cli: CommandLine) -> None:
    code, _, err = cli("events", "--actor", "Hafez", "--tag", "rupture", "--json", data=SMALL)
    assert code == 0
    assert "--actor 'Hafez' is Hafez al-Assad (hafez)" in err
    assert "no event passes every filter; without --actor: 1 event; without --tag: 1 event" in err


# --- help and hints ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_s_help_ends_with_real_examples(cli: CommandLine, command: str) -> None:
    out = cli(command, "--help")[1]
    examples = out.split("Examples:")[1].split()
    assert out.count("hamsyr ") >= 2 and examples[0] == "hamsyr" and examples.count("hamsyr") >= 2, out


def test_summaries_fit_at_80_columns(cli: CommandLine) -> None:
    commands = cli("--help")[1].split("Commands:")[1]
    assert "..." not in commands and "…" not in commands


def test_hints_repeat_the_data_in_use(cli: CommandLine, tmp_path: Path) -> None:
    code, _, err = cli("source", "nosuch", data=SMALL)
    assert code == 1 and f"`hamsyr --data {SMALL} sources` lists them" in err


def test_did_you_mean_in_validate(cli: CommandLine, write_base: Callable[[str], Path]) -> None:
    path = write_base(
        '[[actors]]\nid = "hamas"\nname = "Hamas"\nkind = "movement"\n'
        '[[events]]\nid = "e"\ntitle = "T"\nsummery = "S"\nsummary = "S"\nactors = ["hamaz"]\n'
        'sources = [{ source = "d", excerpt = "x" }]\n[[sources]]\nid = "doc"\ntitle = "D"\n'
    )
    out = cli("validate", data=path)[1]
    assert "unknown actor 'hamaz' (did you mean 'hamas'?)" in out
    assert "field 'summery': unknown field (did you mean 'summary'?)" in out


# --- the smaller points ----------------------------------------------------------------------------------


def test_a_role_matches_its_title_as_a_phrase(cli: CommandLine, write_base: Callable[[str], Path]) -> None:
    path = write_base(
        '[[actors]]\nid = "o"\nname = "Org"\nkind = "organization"\n'
        '[[actors]]\nid = "a"\nname = "Alpha"\nkind = "person"\n'
        '[[actors.roles]]\ntitle = "Head of the bureau"\norganization = "o"\nstart = "2010"\nend = "2012"\n'
        '[[actors]]\nid = "b"\nname = "Beta"\nkind = "person"\n'
        '[[actors.roles]]\ntitle = "Deputy head of the bureau"\norganization = "o"\nstart = "2010"\nend = "2012"\n'
    )
    heads = json.loads(cli("actors", "--role", "head of the bureau", "--json", data=path)[1])
    assert [actor["id"] for actor in heads] == ["a"]  # a deputy head is not a head
    everyone = json.loads(cli("actors", "--role", "bureau", "--json", data=path)[1])
    assert [actor["id"] for actor in everyone] == ["a", "b"]


def test_csv_for_spreadsheets_with_a_byte_order_mark(cli: CommandLine, tmp_path: Path) -> None:
    assert cli("export", "--format", "csv", "--output", str(tmp_path / "csv"), "--bom", data=SMALL)[0] == 0
    assert (tmp_path / "csv" / "events.csv").read_bytes().startswith(b"\xef\xbb\xbfid,")


def test_dash_is_standard_output(cli: CommandLine) -> None:
    code, out, _ = cli("export", "--format", "json", "--output", "-", data=SMALL)
    assert code == 0 and json.loads(out)["format"] == "hamsyr"
    code, out, _ = cli("timeline", "--svg", "-", data=SMALL)
    assert code == 0 and out.startswith("<svg") and out.rstrip().endswith("</svg>")  # the picture alone
    code, out, _ = cli("timeline", "--html", "-", data=SMALL)
    assert code == 0 and out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    code, out, err = cli("timeline", "--svg", "-", "--html", "-", data=SMALL)
    assert code == 2 and not out and "only one of --svg and --html" in err
    assert not Path("-").exists()
