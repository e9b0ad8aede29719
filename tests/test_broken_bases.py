"""A corpus of broken fact bases (tests/broken): each gives its exit code and messages that name the
place and the problem, in file order, and never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hamsyr.errors import Problem

from .conftest import CommandLine

BROKEN = Path(__file__).parent / "broken"

# Each case is two files: NAME.toml, and NAME.expected with what `hamsyr validate` prints for it, one
# problem a line with the file's path left out (an empty NAME.expected: the file is valid).
CASES = sorted(path.stem for path in BROKEN.glob("*.toml"))


def expected(name: str) -> list[str]:
    return (BROKEN / f"{name}.expected").read_text(encoding="utf-8").splitlines()


def test_every_case_has_its_expectation() -> None:
    assert sorted(path.stem for path in BROKEN.glob("*.expected")) == CASES


@pytest.mark.parametrize("name", CASES)
def test_validate_reports_every_problem_in_file_order(cli: CommandLine, name: str) -> None:
    path = BROKEN / f"{name}.toml"
    result = cli("validate", data=path)
    assert "Traceback" not in result.err
    if not expected(name):
        assert (result.code, result.out) == (0, "")
        return
    assert result.code == 3
    assert [line.replace(str(path), "", 1) for line in result.out.splitlines()] == expected(name)
    warnings = sum(1 for line in expected(name) if ": warning: " in line)
    of_them = f", {warnings} of them warnings" if warnings else ""
    assert result.err == f"hamsyr: {len(expected(name))} problem(s) in {path}{of_them}\n"


@pytest.mark.parametrize("name", CASES)
def test_validate_json_is_a_report_on_stdout_even_for_a_file_that_cannot_be_parsed(cli: CommandLine, name: str) -> None:
    path = BROKEN / f"{name}.toml"
    result = cli("validate", "--json", data=path)
    problems = json.loads(result.out)
    assert result.code == (3 if problems else 0)
    assert [str(Problem(**problem)).replace(str(path), "", 1) for problem in problems] == expected(name)
    assert all(list(problem) == ["file", "line", "where", "message", "column", "severity"] for problem in problems)


@pytest.mark.parametrize("name", [name for name in CASES if expected(name)])
def test_other_commands_refuse_with_the_first_problem_in_one_line(cli: CommandLine, name: str) -> None:
    path = BROKEN / f"{name}.toml"
    result = cli("events", "--json", data=path)
    assert (result.code, result.out) == (3, "")
    assert result.err.count("\n") == 1 and str(path) in result.err and "Traceback" not in result.err
    first_error = next(line for line in expected(name) if ": warning: " not in line)
    assert result.err.startswith(f"hamsyr: {path}{first_error}")


def test_a_one_megabyte_string_is_read_and_shown(cli: CommandLine, tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    path.write_text(f'[[sources]]\nid = "doc"\ntitle = "{"x" * 1_000_000}"\n', encoding="utf-8")
    result = cli("sources", "--json", data=path)
    assert result.code == 0 and len(result.out) > 1_000_000


def test_a_fifty_megabyte_file_is_read_or_refused_with_a_limit(
    cli: CommandLine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.toml"
    with path.open("w", encoding="utf-8") as out:
        out.write('[[sources]]\nid = "doc"\ntitle = "A document"\n')
        line = "# " + "x" * 97 + "\n"
        out.writelines(line for _ in range(500_000))
    assert cli("info", "--json", data=path).code == 0
    monkeypatch.setenv("HAMSYR_MAX_MB", "10")
    result = cli("validate", data=path)  # (a cached base would need no parsing)
    assert result.code == 3
    expected = "50 MB is more than hamsyr parses (10 MB); split the base into several files, or set HAMSYR_MAX_MB"
    assert expected in result.out
