"""Hostile input, third round (issue 24): work and memory bounded by the size of the input, no hangs, no
tracebacks, and input faults reported as faults of the input. Work is counted in function calls, which are
deterministic (time is not); memory is measured in a process of its own."""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hamsyr import FactBaseError, check, load
from hamsyr.loading.build import PROBLEM_LIMIT

from .conftest import SMALL, CommandLine

SOURCE = '[[sources]]\nid = "doc"\ntitle = "Doc"\n'


def calls(action: Callable[[], object]) -> int:
    profile = cProfile.Profile()
    profile.runcall(action)
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined,no-any-return]


def failing(path: Path) -> Callable[[], object]:
    def attempt() -> object:
        with pytest.raises(FactBaseError) as caught:
            load(path)
        return caught.value

    return attempt


def test_problems_are_placed_on_their_lines_in_time_linear_in_the_file(tmp_path: Path) -> None:
    """One table with thousands of unknown keys: each problem used to rescan the record from its start."""

    def unknown_keys(count: int) -> Path:
        path = tmp_path / f"keys-{count}.toml"
        path.write_text('[[events]]\nid = "e"\n' + "".join(f"k{n} = 1\n" for n in range(count)), encoding="utf-8")
        return path

    small, large = unknown_keys(1000), unknown_keys(4000)
    growth = calls(failing(large)) / calls(failing(small))
    assert growth < 4 * 1.5, f"4x the keys took {growth:.1f}x the work"
    error = failing(large)()
    assert isinstance(error, FactBaseError)
    assert len(error.problems) == PROBLEM_LIMIT and error.more > 3000
    assert [p.line for p in error.problems] == list(range(3, PROBLEM_LIMIT + 3))  # the first keys, on their lines
    assert f"and {len(error.problems) - 1 + error.more} more" in str(error)


def test_validate_lists_the_first_problems_and_says_how_many_more(tmp_path: Path) -> None:
    path = tmp_path / "bare.toml"
    path.write_text("format = 2\n" + "[[events]]\n" * 3000, encoding="utf-8")
    problems = check(path)
    assert len(problems) == PROBLEM_LIMIT + 1
    assert problems[-1].message.startswith(f"and {4 * 3000 - PROBLEM_LIMIT} more problems, not listed")


def peak_megabytes(code: str, *args: str) -> float:
    """The peak resident memory of a fresh Python running `code`, in megabytes."""
    measure = f"import resource, sys\n{code}\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    env = {**os.environ, "HAMSYR_NO_CACHE": "1"}
    result = subprocess.run([sys.executable, "-c", measure, *args], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return float(result.stdout.split()[-1])


@pytest.mark.parametrize("query", ["search zzz", "events --text zzz"])
def test_folding_a_text_that_expands_takes_memory_in_proportion_to_it(tmp_path: Path, query: str) -> None:
    """U+FDFA decomposes into 18 characters: a summary of 200,000 of them took gigabytes to search."""
    path = tmp_path / "wide.toml"
    summary = "\ufdfa" * 200_000
    text = SOURCE + f'[[events]]\nid = "e"\ntitle = "T"\nsummary = "{summary}"\n'
    path.write_text(text + 'sources = [{ source = "doc", excerpt = "x" }]\n', encoding="utf-8")
    code = (
        "sys.argv = ['hamsyr', '--data', sys.argv[1], *sys.argv[2].split(), '--json']\n"
        "from hamsyr.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
    )
    baseline = peak_megabytes(code, str(SMALL), query)
    assert peak_megabytes(code, str(path), query) - baseline < 200  # it was about 300 MB for this text


def test_a_file_of_bare_tables_keeps_few_of_its_problems(tmp_path: Path) -> None:
    path = tmp_path / "bare.toml"
    path.write_text("format = 2\n" + "[[events]]\n" * 100_000, encoding="utf-8")
    code = (
        "from hamsyr import load, FactBaseError\n"
        "try:\n    load(sys.argv[1])\nexcept FactBaseError as error:\n    print(len(error.problems), error.more)\n"
    )
    assert peak_megabytes(code, str(path)) < 150  # it was 670 MB for three times as many


def test_only_the_command_line_may_name_standard_input(tmp_path: Path) -> None:
    path = tmp_path / "reads-stdin.toml"
    path.write_text('builds_on = ["-"]\n' + SOURCE, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "hamsyr", "--data", str(path), "info"],
        stdin=subprocess.PIPE,  # left open: reading it would wait for ever
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 3
    assert "standard input can only be named on the command line" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_loop_of_links_is_a_fault_of_the_input(tmp_path: Path) -> None:
    folder = tmp_path / "base"
    folder.mkdir()
    (folder / "a.toml").write_text(SOURCE, encoding="utf-8")
    (folder / "loop.toml").symlink_to(folder / "loop.toml")
    with pytest.raises(FactBaseError) as caught:
        load(folder)
    assert "loop.toml: cannot be read" in str(caught.value)


def test_a_path_too_long_to_open_is_a_fault_of_the_file_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    path.write_text(f'builds_on = ["{"x" * 5000}.toml"]\n' + SOURCE, encoding="utf-8")
    with pytest.raises(FactBaseError) as caught:
        load(path)
    problem = caught.value.problems[0]
    assert problem.file == str(path) and "File name too long" in problem.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("\u00b2", "is not a whole, positive number"), ("0", "is not a whole, positive number"), ("9" * 30, None)],
)
def test_any_size_limit_is_an_answer_or_one_line(
    value: str, expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMSYR_MAX_MB", value)
    monkeypatch.setenv("HAMSYR_NO_CACHE", "1")
    if expected is None:
        assert load(SMALL).counts()["events"] == 5
    else:
        with pytest.raises(FactBaseError, match=expected):
            load(SMALL)


def test_an_events_line_inside_a_multi_line_string_does_not_move_the_lines_after_it(tmp_path: Path) -> None:
    path = tmp_path / "strings.toml"
    text = SOURCE + '[[events]]\nid = "a"\ntitle = "A"\nsummary = """\n[[events]]\nid = "no"\n"""\n'
    text += 'sources = [{ source = "doc", excerpt = "x" }]\n\n[[events]]\nid = "b"\ntitle = 1\n'
    path.write_text(text, encoding="utf-8")
    problems = check(path)
    line = next(n for n, content in enumerate(text.splitlines(), 1) if content == "title = 1")
    assert [(p.line, p.where) for p in problems if "title" in p.message] == [(line, "event 'b'")]


def test_a_chain_of_a_thousand_files_reports_a_cycle_without_recursion(tmp_path: Path) -> None:
    for n in range(1000):
        (tmp_path / f"{n}.toml").write_text(f'builds_on = ["{(n + 1) % 1000}.toml"]\n', encoding="utf-8")
    with pytest.raises(FactBaseError, match="builds_on leads back to"):
        load(tmp_path / "0.toml")


def test_the_json_of_validate_stays_json_with_the_count_of_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "bare.toml"
    path.write_text("format = 2\n" + "[[events]]\n" * 1000, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "hamsyr", "--data", str(path), "validate", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 3
    problems = json.loads(result.stdout)
    assert len(problems) == PROBLEM_LIMIT + 1 and "more problems, not listed" in problems[-1]["message"]


INVISIBLE = [0x034F, 0xFE0F, 0xE0100, 0x206A, 0x180B, 0x17B4, 0x1D173, 0x1BCA0, 0x3164, 0xFFA0]


@pytest.mark.parametrize("code", INVISIBLE)
@pytest.mark.parametrize("fmt", ["table", "tsv", "csv"])
def test_an_invisible_character_in_a_name_is_shown_escaped(
    tmp_path: Path, code: int, fmt: str, cli: CommandLine
) -> None:
    """A second "Hamas" with an invisible character in it must not look exactly like the first."""
    path = tmp_path / "lookalike.toml"
    path.write_text(f'[[actors]]\nid = "fake"\nname = "Ha{chr(code)}mas"\nkind = "movement"\n', encoding="utf-8")
    result = cli("--data", str(path), "actors", "--format", fmt)
    assert result.code == 0
    assert chr(code) not in result.out
    assert ("\\u" in result.out or "\\U" in result.out) and "mas" in result.out


@pytest.mark.parametrize("code", INVISIBLE)
def test_an_invisible_character_is_escaped_in_json_and_comes_back_exact(
    tmp_path: Path, code: int, cli: CommandLine
) -> None:
    path = tmp_path / "lookalike.toml"
    path.write_text(f'[[actors]]\nid = "fake"\nname = "Ha{chr(code)}mas"\nkind = "movement"\n', encoding="utf-8")
    result = cli("--data", str(path), "actors", "--json")
    assert chr(code) not in result.out
    assert json.loads(result.out)[0]["name"] == f"Ha{chr(code)}mas"


def test_an_output_name_too_long_says_so(tmp_path: Path, cli: CommandLine) -> None:
    result = cli("export", "--format", "csv", "--output", str(tmp_path / ("x" * 300)))
    assert result.code == 4
    assert "File name too long" in result.err and "not a regular file" not in result.err
