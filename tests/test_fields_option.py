"""--fields: only the fields asked for, in that order, in every machine format; unknown ones are usage errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from hamsyr.cli.commands import app

from .conftest import SMALL

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--data", str(SMALL), *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_and_jsonl_keep_the_fields_in_the_order_given() -> None:
    records = json.loads(run("events", "--fields", "title,id", "--json", "--limit", "2")[1])
    assert records == [
        {"title": "Hamas founded", "id": "founded"},
        {"title": "Visit to Damascus", "id": "yassin-visit"},
    ]
    lines = [json.loads(line) for line in run("quotes", "--fields", "speaker,id", "-f", "jsonl")[1].splitlines()]
    assert [list(line) for line in lines] == [["speaker", "id"]] * 2


def test_tsv_is_the_default_and_csv_parses_back() -> None:
    code, out, _ = run("actors", "--fields", "id,kind")
    assert code == 0 and out.splitlines()[:2] == ["id\tkind", "bashar\tperson"]
    rows = list(csv.reader(io.StringIO(run("sources", "--fields", "title", "-f", "csv")[1])))
    assert rows == [["title"], ["Document A"], ["Document B, in Arabic"]]


def test_show_commands_and_nested_fields() -> None:
    actor = json.loads(run("actor", "mashaal", "--fields", "id,events", "--json")[1])
    assert list(actor) == ["id", "events"] and actor["events"][0]["id"] == "offices-sealed"
    groups = json.loads(run("timeline", "--fields", "id", "--json")[1])
    assert groups[0] == {"year": 1987, "events": [{"id": "founded"}]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["events", "--fields", "id,titel"],
            "unknown field 'titel' for --fields; did you mean 'title'? valid fields: id, date,",
        ),
        (["events", "--fields", " , "], "--fields needs field names"),
        (["events", "--fields", "id", "--format", "table"], "--fields works with --format json"),
        (["info", "--fields", "nothing"], "unknown field 'nothing'"),
    ],
)
def test_unknown_fields_are_usage_errors_that_list_the_valid_ones(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert message in err
