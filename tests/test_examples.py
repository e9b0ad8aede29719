"""Every example a person is shown runs and answers something: the examples at the end of each command's
--help, the commands in the README's shell blocks, and the messages the README quotes (each run by the
command that gives it). Run on the shipped base, in a folder of their own, with the files they name."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from hamsyr.cli.commands import app

from .conftest import CommandLine

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = [command.name or command.callback.__name__ for command in app.registered_commands if command.callback]
# What the README names as the reader's own files, made for the examples that read them.
OWN_FILES = {
    "my-facts.toml": 'format = 3\n[[sources]]\nid = "my-notes"\ntitle = "My notes"\n',
    "my-notes.toml": 'format = 3\n[[sources]]\nid = "my-notes"\ntitle = "My notes"\n',
    "team-facts/notes.toml": 'format = 3\n[[sources]]\nid = "team-notes"\ntitle = "Team notes"\n',
}


def help_examples() -> list[str]:
    from typer.testing import CliRunner

    examples = []
    for name in COMMANDS:
        shown = CliRunner().invoke(app, [name, "--help"], env={"COLUMNS": "200"}).stdout
        examples += [line.strip() for line in shown.split("Examples:")[-1].splitlines() if "hamsyr " in line]
    return examples


def readme_examples() -> list[str]:
    lines = [line for block in re.findall(r"```sh\n(.*?)```", README, re.S) for line in block.splitlines()]
    return [line.split("#")[0].strip() for line in lines if re.match(r"(\w+=\S+ )?hamsyr ", line)]


def _command(line: str) -> tuple[dict[str, str], list[str]]:
    """The environment and arguments of an example's hamsyr command: what comes before a pipe, `&&` or a
    redirection."""
    words = shlex.split(re.split(r" \| | && | > ", line)[0])
    env = {}
    while "=" in words[0]:
        name, value = words.pop(0).split("=", 1)
        env[name] = value.replace("~", str(Path.home()))
    assert words.pop(0) == "hamsyr", line
    return env, words


@pytest.fixture
def own_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "docs").mkdir()
    for name, text in OWN_FILES.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("line", help_examples() + readme_examples())
def test_each_example_answers_something(cli: CommandLine, own_folder: Path, line: str) -> None:
    env, args = _command(line)
    before = set(own_folder.rglob("*"))
    code, out, err = cli(*args, env={"COLUMNS": "120", **env})
    assert code == 0, (line, err)
    if args[0] == "mcp":  # a server: with no client on its standard input it ends at once (tests/test_mcp.py)
        return
    written = set(own_folder.rglob("*")) - before
    lines = out.strip().splitlines()
    answered = bool(lines) and lines != ["[]"] and not (len(lines) == 1 and "\t" in lines[0])  # not a bare header
    assert answered or written or "is valid" in err, (line, err)


def test_the_help_examples_are_in_every_command() -> None:
    examples = help_examples()
    assert {shlex.split(line)[1] for line in examples} == set(COMMANDS)


# Each message the README quotes, and the command that gives it.
MESSAGES = [
    ("quotes --speaker mashaal", "Khaled Mashaal (khaled-mashaal) is the speaker of no quote in the base"),
    ("quotes --speaker mashaal", "9 events involve Khaled Mashaal: hamsyr events --actor khaled-mashaal"),
    ("actor Hanieyh", "no actor is called 'Hanieyh'; using the closest, Ismail Haniyeh"),
    ("events --since 2020", "the date filter left out 36 undated events, which the sources do not place in time"),
    (
        "actors --on 2025-06-01 --role head of the political bureau",
        "no attested holder on 1 June 2025; last attested: Ismail Haniyeh (Head of the Political Bureau), "
        "September 2022 (inferred)",
    ),
    (
        "phases --on 2024",
        "the documents end between 15 September 2022 and December 2022 (year inferred) and date nothing later",
    ),
]


def _words(text: str) -> str:
    return " ".join(text.replace("`", "").split())


@pytest.mark.parametrize(("command", "message"), MESSAGES)
def test_each_message_the_readme_quotes_is_what_the_command_says(cli: CommandLine, command: str, message: str) -> None:
    assert message in _words(README)
    assert message in _words(cli(*shlex.split(command), env={"COLUMNS": "120"})[2])


@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize("name", ["", *COMMANDS])
def test_help_fits_the_terminal_and_never_splits_a_choice(name: str, width: int) -> None:
    from typer.testing import CliRunner

    out = CliRunner().invoke(app, [*([name] if name else []), "--help"], terminal_width=width).stdout
    assert all(len(line) <= width for line in out.splitlines()), [
        line for line in out.splitlines() if len(line) > width
    ]
    if name == "actors":  # a long list of choices is said in words, which wrap between words
        assert "person, organization, movement, state, government," in " ".join(out.split())
