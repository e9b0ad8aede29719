"""Shell completion of actor names, source ids and tags from the fact base in use, through the installed
command the way a shell calls it."""

from __future__ import annotations

import os
import subprocess

import pytest

from .conftest import SMALL
from .test_cli import installed


def complete(words: str) -> list[str]:
    line = f"hamsyr --data {SMALL} {words}"
    # What bash hands over: the words of the line, and the index of the one being completed (the last).
    env = {
        **os.environ,
        "_HAMSYR_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(line.split()) - 1),
    }
    result = subprocess.run([installed()], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("actor ha", ["hamas", "hafez", "haniyeh"]),
        ("actor Mish", ["Mishal"]),  # an alias, completed in the case it was typed in
        ("events --actor kha", ["khaled-Mashaal"]),  # the name, one word, starting as typed
        ("quotes --speaker Bash", ["Bashar"]),
        ("events --tag ru", ["rupture"]),
        ("events --source doc", ["doc-a", "doc-b"]),
        ("source doc-", ["doc-a", "doc-b"]),
        ("actor zz", []),
    ],
)
def test_completion(words: str, expected: list[str]) -> None:
    assert complete(words) == expected


def test_completion_of_an_unreadable_base_offers_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "_HAMSYR_COMPLETE": "complete_bash",
        "COMP_WORDS": f"hamsyr --data {tmp_path / 'absent.toml'} actor ha",
        "COMP_CWORD": "4",
    }
    result = subprocess.run([installed()], capture_output=True, text=True, env=env, check=False)
    assert (result.returncode, result.stdout.split()) == (0, [])
