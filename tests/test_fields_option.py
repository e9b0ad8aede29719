"""--fields: only the fields asked for, in that order, in every machine format; unknown ones are usage errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from .conftest import SMALL, CommandLine


def test_json_and_jsonl_keep_the_fields_in_the_order_given(cli: CommandLine) -> None:
    records = json.loads(cli("events", "--fields", "title,id", "--json", "--limit", "2", data=SMALL)[1])
    assert records == [
        {"title": "Hamas founded", "id": "founded"},
        {"title": "Visit to Damascus", "id": "yassin-visit"},
    ]
    lines = [
        json.loads(line) for line in cli("quotes", "--fields", "speaker,id", "-f", "jsonl", data=SMALL)[1].splitlines()
    ]
    assert [list(line) for line in lines] == [["speaker", "id"]] * 2


def test_tsv_is_the_default_and_csv_parses_back(cli: CommandLine) -> None:
    code, out, _ = cli("actors", "--fields", "id,kind", data=SMALL)
    assert code == 0 and out.splitlines()[:2] == ["id\tkind", "bashar\tperson"]
    rows = list(csv.reader(io.StringIO(cli("sources", "--fields", "title", "-f", "csv", data=SMALL)[1])))
    assert rows == [["title"], ["Document A"], ["Document B, in Arabic"]]


def test_show_commands_and_nested_fields(cli: CommandLine) -> None:
    actor = json.loads(cli("actor", "mashaal", "--fields", "id,events", "--json", data=SMALL)[1])
    assert list(actor) == ["id", "events"] and actor["events"][0]["id"] == "offices-sealed"
    groups = json.loads(cli("timeline", "--fields", "id", "--json", data=SMALL)[1])
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
def test_unknown_fields_are_usage_errors_that_list_the_valid_ones(
    cli: CommandLine, args: list[str], message: str
) -> None:
    code, out, err = cli(*args, data=SMALL)
    assert (code, out) == (2, "")
    assert message in err
