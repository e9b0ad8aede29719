"""The CLI through its real entry point: Typer's runner for most cases, a subprocess for the installed command."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hamsyr.cli.commands import app

from .conftest import SMALL, CommandLine


@pytest.mark.parametrize(
    "command",
    [
        ["events"],
        [
            "events",
            "--actor",
            "hamas",
            "--actor",
            "syria",
            "--since",
            "1990",
            "--until",
            "2020",
            "--tag",
            "visit",
        ],
        ["events", "--source", "doc-b", "--text", "wax", "--limit", "1", "--reverse"],
        ["actors"],
        ["actors", "assad", "--kind", "person"],
        ["actor", "Mishal"],
        [
            "quotes",
            "--speaker",
            "mashaal",
            "--about",
            "bashar",
            "--since",
            "2019",
            "--until",
            "2019",
            "--text",
            "world",
        ],
        ["sources"],
        ["source", "doc-a"],
        ["search", "red", "wax"],
        ["search", "hamas", "--type", "quote", "--limit", "1"],
        ["timeline"],
        ["timeline", "--actor", "bashar"],
        ["info"],
        ["disputes"],
        ["disputes", "--record", "offices-sealed", "--source", "doc-a"],
    ],
)
@pytest.mark.parametrize("fmt", ["table", "tsv", "json", "jsonl", "csv"])
def test_every_command_in_every_format(cli: CommandLine, command: list[str], fmt: str) -> None:
    code, out, err = cli(*command, "--format", fmt, data=SMALL)
    assert code == 0, err
    assert out.strip()
    if fmt == "json":
        json.loads(out)
    if fmt == "jsonl":
        for line in out.splitlines():
            json.loads(line)


def test_json_shorthand_and_default_tsv_when_not_a_terminal(cli: CommandLine) -> None:
    code, out, _ = cli("events", "--json", "--limit", "1", data=SMALL)
    assert code == 0 and [e["id"] for e in json.loads(out)] == ["founded"]
    code, out, _ = cli("events", "--limit", "1", data=SMALL)
    assert out.splitlines()[0].startswith("id\tdate\tdate_text\ttitle")


def test_actor_json_is_one_object_with_its_events_and_quotes(cli: CommandLine) -> None:
    code, out, _ = cli("actor", "khaled meshaal", "--json", data=SMALL)
    data = json.loads(out)
    assert code == 0 and data["id"] == "mashaal"
    assert [e["id"] for e in data["events"]] == ["offices-sealed"]
    assert [q["id"] for q in data["quotes"]] == ["opened-the-world"]


def test_source_json_lists_what_it_supports(cli: CommandLine) -> None:
    data = json.loads(cli("source", "doc-b", "--json", data=SMALL)[1])
    assert [(s["type"], s["id"], s["part"], s["attributed_to"]) for s in data["supports"]] == [
        ("phase", "break", "", None),
        ("event", "offices-sealed", "", "Syrian sources"),
        ("event", "mediation", "", None),
        ("dispute", "why-the-break", "claims[1]", "Hamas officials"),
        ("actor", "haniyeh", "role Guest speaker", None),
    ]


def test_data_option_before_or_after_the_command_and_from_the_environment(cli: CommandLine, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text('[[sources]]\nid = "only"\ntitle = "Only source"\n', encoding="utf-8")
    assert json.loads(cli("sources", "--json", data=SMALL)[1])[0]["id"] == "doc-a"
    assert json.loads(cli("sources", "--data", str(SMALL), "--json")[1])[0]["id"] == "doc-a"
    assert json.loads(cli("sources", "--json", env={"HAMSYR_DATA": str(other)})[1])[0]["id"] == "only"
    # After the command name wins over before it, which wins over the environment.
    assert json.loads(cli("sources", "--data", str(SMALL), "--json", data=other)[1])[0]["id"] == "doc-a"
    assert json.loads(cli("sources", "--json", data=SMALL, env={"HAMSYR_DATA": str(other)})[1])[0]["id"] == "doc-a"


def test_exit_1_for_unknown_or_ambiguous_names(cli: CommandLine) -> None:
    code, out, err = cli("actor", "assad", data=SMALL)
    assert (code, out) == (1, "")
    assert "could be 2 actors" in err and "bashar (Bashar al-Assad, person)" in err and "hafez" in err
    code, _, err = cli("events", "--actor", "Mashrak", data=SMALL)
    assert code == 1 and "did you mean" in err and "mashaal" in err
    assert cli("source", "nope", data=SMALL)[0] == 1
    assert cli("events", "--source", "nope", data=SMALL)[0] == 1
    assert cli("events", "--tag", "nope", data=SMALL)[0] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["events", "--since", "2022-02-30"], "February 2022 has 28 days"),
        (["events", "--since", "2013", "--until", "2012"], "--since 2013 is after --until 2012"),
        (["events", "--format", "xml"], "'xml' is not one of"),
        (["events", "--json", "--format", "csv"], "ask for different formats"),
        (["events", "--limit", "-1"], "--limit"),
        (["search", "x", "--type", "person"], "unknown type 'person'"),
        (["nosuchcommand"], "No such command"),
    ],
)
def test_exit_2_for_usage_errors(cli: CommandLine, args: list[str], message: str) -> None:
    code, out, err = cli(*args, data=SMALL)
    assert code == 2 and out == ""
    assert message in err
    assert "Traceback" not in err


def test_exit_3_for_a_broken_or_missing_base(cli: CommandLine, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[[events]]\nid = "e"\ndate = "2022-02-30"\ntitle = "t"\nsummary = "s"\n', encoding="utf-8")
    code, out, err = cli("events", data=broken)
    assert code == 3 and out == ""
    assert err.count("\n") == 1
    # The hint repeats the --data in use, so that it can be run as it is.
    assert (
        f"{broken}:1: event 'e': missing required field 'sources' (and 1 more; run `hamsyr --data {broken} validate`"
        in err
    )
    code, out, err = cli("validate", data=broken)
    assert code == 3
    assert [line.split(": ", 1)[1] for line in out.splitlines()] == [
        "event 'e': missing required field 'sources'",
        "event 'e': field 'date': impossible date '2022-02-30': February 2022 has 28 days",
    ]
    problems = json.loads(cli("validate", "--json", data=broken)[1])
    assert [p["line"] for p in problems] == [1, 3]
    code, _, err = cli("info", data=tmp_path / "absent.toml")
    assert code == 3 and "no such file" in err and "Traceback" not in err


def test_validate_passes_on_a_good_base(cli: CommandLine) -> None:
    code, out, err = cli("validate", data=SMALL)
    assert (code, out) == (0, "") and "is valid" in err


def test_version_comes_from_package_metadata(cli: CommandLine) -> None:
    from importlib.metadata import version

    code, out, _ = cli("--version")
    assert (code, out) == (0, f"hamsyr {version('hamsyr')}\n")


def test_no_color_and_dumb_terminal_give_plain_tables(cli: CommandLine) -> None:
    for env in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
        code, out, _ = cli("events", "--format", "table", data=SMALL, env=env)
        assert code == 0 and "\x1b" not in out


# --- the installed command, in real processes ------------------------------------------------------


def installed() -> str:
    found = shutil.which("hamsyr", path=str(Path(sys.executable).parent)) or shutil.which("hamsyr")
    if found is None:
        pytest.skip("the hamsyr command is not installed in this environment")
    return found


def test_installed_command_piped_into_head_ends_quietly() -> None:
    result = subprocess.run(
        f"'{installed()}' events --format table | head -n 1; '{installed()}' events --json | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "120"},
        check=False,
        cwd="/",
    )
    assert result.stderr == ""
    first_table_line, json_start = result.stdout.split("\n", 1)
    assert first_table_line.split() == ["Date", "Event", "Actors", "Sources"]
    assert json_start == '[\n{"id": "'  # ten characters: an array written one record a line


def test_python_dash_m_and_shipped_base_from_another_directory(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hamsyr", "info", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["data"].endswith("facts.toml") and info["counts"]["events"] > 0


def modules_imported(*args: str, prefix: str = "rich") -> list[str]:
    """The modules starting with `prefix` that a whole `hamsyr ARGS` process has imported when it ends."""
    code = (
        f"import sys; from hamsyr.cli import main; sys.argv = ['hamsyr', *{list(args)!r}];\n"
        "import atexit\n"
        f"names = lambda: sorted(m for m in sys.modules if m.startswith({prefix!r}))\n"
        "atexit.register(lambda: print(names(), file=sys.stderr))\n"
        "main()"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stderr.strip().splitlines()[-1])


def test_json_query_does_not_import_rich() -> None:
    assert modules_imported("events", "--json") == []


def test_a_table_is_drawn_by_rich_table_and_json_needs_no_rich() -> None:
    assert "rich.table" in modules_imported("events", "--format", "table")
    assert modules_imported("events", "--format", "tsv") == modules_imported("events", "--format", "csv") == []


# --- the options every command shares -----------------------------------------------------------------

ANSWERING = ["events", "event", "actors", "actor", "quotes", "quote", "sources", "source", "phases", "disputes"]
ANSWERING += ["search", "timeline", "info"]


def test_the_shared_options_reach_typer_as_real_annotations() -> None:
    # commands.py postpones its annotations: the signature Typer reads must hold the objects themselves.
    import inspect

    for info in app.registered_commands:
        params = inspect.signature(info.callback).parameters.values()  # type: ignore[arg-type]
        assert not [param.name for param in params if isinstance(param.annotation, str)], info.callback


@pytest.mark.parametrize("command", [*ANSWERING, "export", "validate", "schema"])
def test_every_command_declares_each_shared_option_once_after_its_own(cli: CommandLine, command: str) -> None:
    declared = re.findall(r"^  (?:-\w, )?(--[\w-]+)", cli(command, "--help")[1], re.MULTILINE)
    shared = ["--fields", "--format", "--json", "--no-pager", "--data"] if command in ANSWERING else ["--data"]
    if command == "schema":
        shared = []
    assert declared[len(declared) - len(shared) - 1 :] == [*shared, "--help"], command
    assert len(declared) == len(set(declared)), command
