"""A corpus of broken fact bases (tests/broken): each gives its exit code and messages that name the
place and the problem, in file order, and never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamsyr.cli.commands import app

BROKEN = Path(__file__).parent / "broken"
runner = CliRunner()

# What `hamsyr validate` prints for each file (the folder left out), in order; None: the file is valid.
EXPECTED: dict[str, list[str] | None] = {
    "syntax-unclosed-string.toml": [":3:20: invalid TOML: Illegal character '\\n'; fix the syntax at that place"],
    "syntax-bad-header.toml": [
        ":5:9: invalid TOML: Expected ']]' at the end of an array declaration; fix the syntax at that place"
    ],
    "syntax-duplicate-key.toml": [":4:24: invalid TOML: Cannot overwrite a value; fix the syntax at that place"],
    "not-utf8.toml": [":3: not valid UTF-8 (byte 0xe9); save the file as UTF-8"],
    "deeply-nested.toml": [": values are nested too deeply to read; a fact base needs only a few levels of nesting"],
    "wrong-types.toml": [
        ":3: source 'doc': field 'title': must be a string, not an integer",
        ":7: actor 'hamas': field 'name': must be a string, not a list",
        ":9: actor 'hamas': field 'aliases': must be a list of strings, not a string",
        ":10: actor 'hamas': field 'roles': must be a list of tables ([[actors.roles]] blocks), not a string",
        ":14: event 'e': field 'date': must be a string, not an integer",
        ":15: event 'e': field 'title': must be a string, not a boolean",
        ":17: event 'e': field 'actors': must be a list of strings, not a string",
        ":18: event 'e': field 'places': must be a list of strings, but holds an integer",
        ":19: event 'e': field 'tags': 'Not A Slug' is not a lower-case slug (letters a-z, digits and single hyphens)",
        ":20: event 'e': field 'sources': must be a list of tables with source and excerpt, not a string",
    ],
    "missing-required.toml": [
        ":1: source 'doc': missing required field 'title'",
        ":4: actor 'hamas': missing required field 'kind'",
        ":8: event 'e': missing required field 'summary'",
        ":8: event 'e': missing required field 'sources'",
    ],
    "unknown-references.toml": [
        ":12: actor 'hamas': field 'roles[0].organization': unknown actor 'no-such-organization': "
        "add an actor with that id or fix the reference",
        ":18: event 'e': field 'actors': unknown actor 'no-such-actor': add an actor with that id or fix the reference",
        ":19: event 'e': field 'sources[0].source': unknown source 'no-such-source': "
        "add a source with that id or fix the reference",
        ":23: quote 'q': field 'speaker': unknown actor 'no-such-speaker': "
        "add an actor with that id or fix the reference",
        ":25: quote 'q': field 'about': unknown actor 'no-such-subject': "
        "add an actor with that id or fix the reference",
        ":32: dispute 'd': field 'records': unknown event or quote 'no-such-record': "
        "add an event or quote with that id or fix the reference",
    ],
    "duplicate-ids.toml": [
        ":6: actor 'hamas': field 'id': duplicate id, already used by a source at line 1; ids must be unique",
        ":16: actor 'syria': field 'id': duplicate id, already used by an actor at line 10; ids must be unique",
    ],
    "bad-dates.toml": [
        ":4: source 'doc': field 'published': impossible date '2022-13': month must be 01 to 12",
        ":14: actor 'hamas': field 'roles[0].end': ends before the role starts",
        ":18: event 'impossible': field 'date': impossible date '2022-02-30': February 2022 has 28 days",
        ":25: event 'reversed': field 'date': span '2013/2012' ends before it starts",
        ":32: event 'malformed': field 'date': malformed date 'late 2012': use YYYY, YYYY-MM or YYYY-MM-DD, "
        "optionally followed by ~ or ?, or a span START/END",
        ":41: phase 'p': field 'end': ends before the phase starts",
    ],
    "empty.toml": None,
    "byte-order-mark.toml": None,
}


def test_every_file_of_the_corpus_has_an_expectation() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.toml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_reports_every_problem_in_file_order(name: str) -> None:
    path = BROKEN / name
    result = runner.invoke(app, ["--data", str(path), "validate"])
    expected = EXPECTED[name]
    assert "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if expected is None:
        assert (result.exit_code, result.stdout) == (0, "")
        return
    assert result.exit_code == 3
    # Problems inside the file are listed on stdout; a file that cannot be read at all is one line on stderr.
    lines = result.stdout.splitlines() or result.stderr.removeprefix("hamsyr: ").splitlines()
    assert [line.replace(str(path), "", 1) for line in lines] == expected


@pytest.mark.parametrize("name", sorted(name for name, lines in EXPECTED.items() if lines))
def test_other_commands_refuse_with_the_first_problem_in_one_line(name: str) -> None:
    path = BROKEN / name
    result = runner.invoke(app, ["--data", str(path), "events", "--json"])
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr.count("\n") == 1 and str(path) in result.stderr and "Traceback" not in result.stderr


def test_a_one_megabyte_string_is_read_and_shown(tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    path.write_text(f'[[sources]]\nid = "doc"\ntitle = "{"x" * 1_000_000}"\n', encoding="utf-8")
    result = runner.invoke(app, ["--data", str(path), "sources", "--json"])
    assert result.exit_code == 0 and len(result.stdout) > 1_000_000


def test_a_fifty_megabyte_file_is_read_or_refused_with_a_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.toml"
    with path.open("w", encoding="utf-8") as out:
        out.write('[[sources]]\nid = "doc"\ntitle = "A document"\n')
        line = "# " + "x" * 97 + "\n"
        out.writelines(line for _ in range(500_000))
    assert runner.invoke(app, ["--data", str(path), "info", "--json"]).exit_code == 0
    monkeypatch.setenv("HAMSYR_MAX_MB", "10")
    result = runner.invoke(app, ["--data", str(path), "validate"])  # (a cached base would need no parsing)
    assert result.exit_code == 3
    assert "50 MB is more than hamsyr parses (10 MB); split the base, or set HAMSYR_MAX_MB" in result.stdout
