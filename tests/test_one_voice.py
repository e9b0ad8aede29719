"""Every output says only what the documents say (issue 22): one voice for dates, certainty, attribution and
the documents' horizon, the same through every command and export. Run on the shipped base, through the
command line, with the records the issue names."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from .conftest import SMALL, CommandLine

WIDE = {"COLUMNS": "120"}
# A qualifier code as EDTF writes it ("2022?", "2012-10~", "1999%"): for machines only.
CODE = re.compile(r"\b\d{4}(?:-\d\d){0,2}[~?%]")
PYTHON_LIST = re.compile(r"[\[(]'[^'\n]*', '")  # ['a', 'b'] or ('a', 'b')


def json_of(cli: CommandLine, *args: str, data: Path | None = None) -> Any:
    code, out, err = cli(*args, "--json", data=data, env=WIDE)
    assert code == 0, err
    return json.loads(out)


# --- one voice: people read words -------------------------------------------------------------------------

PAGES = [
    ["events"], ["quotes"], ["phases"], ["phases", "--on", "2018"], ["disputes"], ["sources"], ["info"],
    ["actor", "haniyeh"], ["actor", "mashaal"], ["actor", "hayya"], ["actor", "nasrallah"],
    ["actors", "--on", "2018", "--role", "head of the political bureau"], ["source", "ben-menachem-2022"],
    ["event", "offices-sealed-2012"], ["quote", "haniyeh-cannot-forget"], ["search", "damascus"], ["timeline"],
    ["actors", "--on", "2025-06-01", "--role", "head"], ["actor", "haniyeh", "--on", "2025"],
]  # fmt: skip


@pytest.mark.parametrize("args", PAGES, ids=" ".join)
def test_people_never_read_a_qualifier_code_or_a_python_list(cli: CommandLine, args: list[str]) -> None:
    code, out, err = cli(*args, "--format", "table", env=WIDE)
    assert code == 0, err
    assert not CODE.search(out), CODE.search(out)
    assert not CODE.search(err), err  # the hints on stderr too
    assert not PYTHON_LIST.search(out)


class _VisibleText(HTMLParser):
    """The text a page shows: outside scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.shown.append(data)


def test_pictures_and_timelinejs_say_dates_in_words(cli: CommandLine, tmp_path: Path) -> None:
    svg, html = tmp_path / "t.svg", tmp_path / "t.html"
    assert cli("timeline", "--svg", str(svg), "--html", str(html), env=WIDE)[0] == 0
    said = " ".join(ET.parse(svg).getroot().itertext())
    assert "15 September 2022 (year inferred)" in said and not CODE.search(said)
    page = _VisibleText()
    page.feed(html.read_text(encoding="utf-8"))
    shown = " ".join(page.shown)
    assert "15 September 2022 (year inferred)" in shown and not CODE.search(shown)
    timelinejs = json.loads(cli("export", "--format", "timelinejs", env=WIDE)[1])
    slides = {slide["unique_id"]: slide for slide in timelinejs["events"]}
    statement = slides["statement-restoring-relations"]["display_date"]
    assert statement == "15 September 2022 (year inferred) · “September 15”"  # before: "September 15"
    assert not any(CODE.search(slide["display_date"]) for slide in slides.values())


# --- the horizon: nothing open-ended goes on past the documents -----------------------------------------

PAST = [
    ["phases", "--on", "2024"],
    ["phases", "--on", "2030", "--json"],
    ["events", "--since", "2024"],
    ["quotes", "--since", "2024", "--speaker", "haniyeh"],
    ["search", "damascus", "--since", "2024"],
    ["disputes", "--since", "2024"],
    ["timeline", "--on", "2025"],
    ["actors", "--on", "2025-06-01", "--role", "head of the political bureau"],
    ["actor", "haniyeh", "--on", "2025", "--json"],
    ["export", "--since", "2024", "--format", "json"],
]


@pytest.mark.parametrize("args", PAST, ids=" ".join)
def test_a_question_past_the_documents_is_told_they_end_and_answered_with_nothing(
    cli: CommandLine, args: list[str]
) -> None:
    code, out, err = cli(*args, env=WIDE)
    assert code == 0
    assert "the documents end between 15 September 2022 and December 2022 (year inferred) and date nothing " in err
    if "--json" in args or "json" in args:
        answer = json.loads(out)
        kinds = ("roles", "events", "quotes", "quotes_about", "phases", "disputes")
        assert answer == [] if isinstance(answer, list) else not any(answer.get(kind) for kind in kinds)
    else:
        assert len(out.strip().splitlines()) <= 1  # the header alone, at most


def test_a_year_the_documents_may_just_reach_gets_only_what_is_dated_about_then(cli: CommandLine) -> None:
    code, out, err = cli("events", "--since", "2023", "--json", env=WIDE)
    assert code == 0 and "and date nothing later; the latest they date: " in err
    found = json.loads(out)
    assert found and all(event["date_approximate"] and event["date_stated_end"] < "2023" for event in found)


def test_phases_after_the_documents_say_what_they_last_attest(cli: CommandLine) -> None:
    code, out, err = cli("phases", "--on", "2024", env=WIDE)
    assert code == 0 and out == ""  # before: three phases "in force on 2024"
    assert "date nothing later; last attested: " in err
    assert "Mediation and rapprochement, May 2021 to … (last attested 2022 (inferred))" in err
    assert json_of(cli, "phases", "--on", "2023") == []  # attested "about 2022" is not attested in 2023
    (restoration,) = [p for p in json_of(cli, "phases") if p["id"] == "phase-restoration"]
    assert restoration["end"] is None and restoration["last_attested"] == "2022?-09-15/2022?-12"  # its source
    after_the_break = {phase["id"] for phase in json_of(cli, "phases", "--on", "2022-12-15")}
    assert "phase-restoration" in after_the_break and "phase-the-break" not in after_the_break  # review: 1


def test_an_empty_answer_names_only_the_filters_given(cli: CommandLine) -> None:
    err = cli("events", "--since", "2023", env=WIDE)[2]
    assert "without --" not in err  # before: "without --actor: 0 events; without --tag: 0 events"
    assert "the latest they date: Hamas's formal decision to restore full relations angers its base" in err
    err = cli("events", "--actor", "sinwar", "--tag", "offices", env=WIDE)[2]
    assert "without --actor: " in err and "without --tag: " in err
    assert "--text" not in err and "--source" not in err and "the dates" not in err
    err = cli("quotes", "--since", "2023", "--speaker", "haniyeh", env=WIDE)[2]  # before: nothing
    assert "and date nothing later; the latest they date: Ismail Haniyeh, haniyeh-" in err


# --- dates as stated and as matched, in every format -----------------------------------------------------


def test_dates_as_stated_and_as_matched_in_json_tsv_csv_and_sqlite(cli: CommandLine, tmp_path: Path) -> None:
    (sealed,) = [e for e in json_of(cli, "events") if e["id"] == "offices-sealed-2012"]
    assert sealed["date"] == "2012-10~/2012-12"
    assert (sealed["date_start"], sealed["date_stated_start"]) == ("2012-09-01", "2012-10-01")  # matched, stated
    assert (sealed["date_approximate_parts"], sealed["date_uncertain_parts"]) == (["year", "month"], [])
    (statement,) = [e for e in json_of(cli, "events") if e["id"] == "statement-restoring-relations"]
    assert statement["date_uncertain_parts"] == ["year"]  # before: date_uncertain alone could not say which
    tsv = list(csv.DictReader(cli("events", "--format", "tsv", env=WIDE)[1].splitlines(), delimiter="\t"))
    (row,) = [r for r in tsv if r["id"] == "offices-sealed-2012"]
    stated_and_matched = (row["date_stated_start"], row["date_start"], row["date_approximate"])
    assert stated_and_matched == ("2012-10-01", "2012-09-01", "true")
    folder = tmp_path / "csv"
    assert cli("export", "--format", "csv", "--output", str(folder), env=WIDE)[0] == 0
    roles = list(csv.DictReader((folder / "roles.csv").open(encoding="utf-8")))
    assert {"start_start", "first_attested_stated_start", "last_attested_end"} <= set(roles[0])  # before: none
    database = tmp_path / "facts.db"
    assert cli("export", "--format", "sqlite", "--output", str(database), env=WIDE)[0] == 0
    with sqlite3.connect(database) as db:
        query = "SELECT date_stated_start, date_precision, date_approximate, date_uncertain FROM events WHERE id = ?"
        assert db.execute(query, ["offices-sealed-2012"]).fetchone() == ("2012-10-01", "month", 1, 0)
        query = "SELECT date_approximate_parts, date_uncertain_parts FROM events WHERE id = ?"
        assert db.execute(query, ["statement-restoring-relations"]).fetchone() == ("", "year")  # lists joined by |
        assert db.execute(query, ["offices-sealed-2012"]).fetchone() == ("year|month", "")


def test_listings_follow_the_dates_as_stated(cli: CommandLine) -> None:
    events = json_of(cli, "events")
    ids = [event["id"] for event in events]
    assert ids.index("naji-conveys-greetings") < ids.index("hamdan-replies")  # the greeting, then the reply
    dated = [event for event in events if event["date"]]
    keys = [(e["date_stated_start"], e["date_stated_end"], e["id"]) for e in dated]
    assert keys == sorted(keys) and all(event["date"] is None for event in events[len(dated) :])
    backwards = [event["id"] for event in json_of(cli, "events", "--reverse")]
    assert backwards[: len(dated)] == [event["id"] for event in dated][::-1]  # undated last either way


def test_a_first_attestation_is_never_called_a_start(cli: CommandLine) -> None:
    out = cli("actor", "hayya", "--format", "table", env=WIDE)[1]
    assert "first attested 28 June 2022 (year" in out and "From" not in out  # before: "From 2022?-06-28"
    (member, *_) = json_of(cli, "actor", "hayya")["roles"]
    assert (member["start"], member["first_attested"]) == (None, "2022?-06-28")
    (assad,) = json_of(cli, "actor", "bashar-al-assad")["roles"][:1]
    assert assad["start"] is None and assad["first_attested"]  # before: roles.csv said "start 2011"


# --- attribution and hedges travel with every statement -------------------------------------------------


def test_an_epithet_is_kept_apart_from_the_names_with_who_uses_it(cli: CommandLine) -> None:
    mashaal = json_of(cli, "actor", "mashaal")
    assert "the blasphemous traitor" not in mashaal["aliases"]
    (epithet,) = [name for name in mashaal["names"] if name["name"] == "the blasphemous traitor"]
    assert epithet["kind"] == "epithet" and epithet["sources"][0]["attributed_to"] == "the Syrian regime's media"
    table = cli("actor", "mashaal", "--format", "table", env={"COLUMNS": "200"})[1]
    assert "also referred to as  “the blasphemous traitor” (epithet; per the Syrian regime's media; mena-2022" in table
    tsv = cli("actor", "mashaal", "--format", "tsv", env=WIDE)[1]
    assert "the blasphemous traitor\tepithet\t\tthe Syrian regime's media\tmena-2022\t" in tsv
    spreadsheet = cli("actors", "mashaal", "--format", "csv", env=WIDE)[1]
    assert "blasphemous" not in spreadsheet  # before: among his ordinary spellings


def test_an_identified_actor_is_found_and_marked_never_as_if_named(cli: CommandLine) -> None:
    found = {event["id"]: event for event in json_of(cli, "events", "--actor", "nasrallah")}
    declared = found["hezbollah-leader-declares-interest"]  # before: linked to Hezbollah only
    assert "hassan-nasrallah" not in declared["actors"]
    (identification,) = declared["identified"]
    assert identification["actor"] == "hassan-nasrallah" and identification["note"].startswith("Probable.")
    assert identification["described_as"] in declared["sources"][0]["excerpt"]
    page = cli("actor", "nasrallah", "--format", "table", env={"COLUMNS": "200"})[1]
    assert "(identified, not named)" in page
    shown = cli("event", "hezbollah-leader-declares-interest", "--format", "table", env={"COLUMNS": "200"})[1]
    described = declared["identified"][0]["described_as"]  # the document's own words, its apostrophes included
    assert f"Hassan Nasrallah, for “{described}” (the editors' reading: " in shown


def test_a_source_shows_everything_it_supports_of_every_kind(cli: CommandLine, tmp_path: Path) -> None:
    supports = json_of(cli, "source", "ben-menachem-2022")["supports"]
    assert {s["type"] for s in supports} == {"event", "actor", "phase", "dispute"}  # before: events alone
    parts = {s["part"].split(" ")[0] for s in supports}
    assert {"", "role", "alias", "claims[0]"} <= parts
    folder = tmp_path / "csv"
    assert cli("export", "--format", "csv", "--output", str(folder), env=WIDE)[0] == 0
    cited = [row for row in csv.DictReader((folder / "citations.csv").open()) if row["source"] == "ben-menachem-2022"]
    assert len(supports) == len(cited)  # every citation of the document, once
    table = cli("source", "ben-menachem-2022", "--format", "table", env=WIDE)[1]
    assert "role President of" in table and "label axis of evil" in table  # a label is no name


def test_quotes_and_sources_say_how_their_dates_were_read(cli: CommandLine) -> None:
    quotes = {quote["id"]: quote for quote in json_of(cli, "quotes", "--speaker", "haniyeh")}
    forget = quotes["haniyeh-cannot-forget"]
    assert forget["date"] == "2020-03-04?" and "Russian efforts" in forget["note"]  # before: 2020-03-04, plain
    sources = {source["id"]: source for source in json_of(cli, "sources")}
    assert sources["ben-menachem-2022"]["published"] == "2022%" and sources["ben-menachem-2022"]["note"]
    page = cli("quote", "haniyeh-cannot-forget", "--format", "table", env=WIDE)[1]
    assert "4 March 2020 (inferred)" in page and "note" in page


def test_a_dispute_mark_sits_only_on_records_whose_own_claim_is_disputed(cli: CommandLine) -> None:
    (sealed,) = [e for e in json_of(cli, "events") if e["id"] == "offices-sealed-2012"]
    assert sealed["disputes"] == []  # before: "⚑ disputed" though no document disputes the sealing
    disputed = [e for e in json_of(cli, "events") if e["disputes"]]
    out = cli("events", "--format", "table", env={"COLUMNS": "200"})[1]
    assert out.count("⚑ disputed: ") == len(disputed)
    for event in disputed:
        assert f"⚑ disputed: {', '.join(event['disputes'])}" in out  # says which


@pytest.mark.parametrize("typed", ["Al-yarmouk", "al yarmouk", "El-Yarmouk", "yarmouk"])
def test_search_folds_articles_and_hyphens_as_names_do(cli: CommandLine, typed: str) -> None:
    hits = json_of(cli, "search", typed)
    assert [hit["id"] for hit in hits] == [hit["id"] for hit in json_of(cli, "search", "yarmouk")] != []
    assert [e["id"] for e in json_of(cli, "events", "--text", typed)] != []


def test_older_formats_keep_loading(cli: CommandLine) -> None:
    assert "format = 2" in SMALL.read_text(encoding="utf-8")
    assert cli("validate", data=SMALL)[0] == 0
    roles = [role for actor in json_of(cli, "actors", data=SMALL) for role in actor["roles"]]
    assert roles and all(role["first_attested"] is None for role in roles)  # a format-2 start stays a start


# --- own facts beside the shipped ones ---------------------------------------------------------------------

OWN = 'format = 3\n[[sources]]\nid = "mine"\ntitle = "Mine"\n[[events]]\nid = "e1"\ntitle = "T"\nsummary = "S"\n'


def test_a_reference_the_shipped_base_would_answer_says_how_to_build_on_it(cli: CommandLine, tmp_path: Path) -> None:
    own = tmp_path / "mine.toml"
    own.write_text(OWN + 'actors = ["hamas"]\nsources = [{ source = "mine", excerpt = "x" }]\n', encoding="utf-8")
    code, out, _ = cli("validate", data=own)
    assert code == 3 and "unknown actor 'hamas'" in out
    assert "'hamas' is in the shipped base: to build on it, begin this file with builds_on = [\"@shipped\"]" in out
    assert cli("validate", "--data", "@shipped", "--data", str(own))[0] == 0


def test_the_problem_summary_names_only_the_files_with_problems(cli: CommandLine, tmp_path: Path) -> None:
    own = tmp_path / "mine.toml"
    own.write_text(OWN + 'actors = ["nobody"]\nsources = [{ source = "mine", excerpt = "x" }]\n', encoding="utf-8")
    code, out, err = cli("validate", "--data", "@shipped", "--data", str(own))
    assert code == 3 and err.splitlines()[-1] == f"hamsyr: 1 problem(s) in {own}"  # not the shipped file
    assert "is in the shipped base" not in out  # the shipped base is read: nothing to suggest
