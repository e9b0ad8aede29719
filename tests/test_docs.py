"""The README documents what the CLI offers."""

from __future__ import annotations

from pathlib import Path

import pytest

from hamsyr.cli.commands import app
from hamsyr.output.rows import COLUMNS

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module")
def readme() -> str:
    if not README.is_file():
        pytest.skip("README.md is not beside the tests")
    return README.read_text(encoding="utf-8")


def test_every_command_is_in_the_readme(readme: str) -> None:
    for command in app.registered_commands:
        name = command.name or command.callback.__name__  # type: ignore[union-attr]
        assert f"`{name}" in readme, name


def test_every_json_field_is_in_the_readme(readme: str) -> None:
    for kind in ("source", "actor", "event", "quote", "dispute"):
        for field in COLUMNS[kind]:
            assert f"`{field}`" in readme, (kind, field)


def test_exit_codes_are_in_the_readme(readme: str) -> None:
    from hamsyr import errors

    for code in (errors.OK, errors.NOT_FOUND, errors.USAGE, errors.BAD_DATA):
        assert f"| {code} |" in readme
