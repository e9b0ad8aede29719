"""The README documents what the CLI offers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hamsyr.cli.commands import app
from hamsyr.records.codec import DATE_DETAILS
from hamsyr.records.model import RECORD_TYPES, Alias, Identification, Role
from hamsyr.views.view import record_columns

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module")
def readme() -> str:
    if not README.is_file():
        pytest.skip("README.md is not beside the tests")
    return README.read_text(encoding="utf-8")


def test_the_readme_table_of_commands_has_every_command_and_no_other(readme: str) -> None:
    table = readme.split("| command | what it answers |", 1)[1].split("\n\n", 1)[0]
    first_cells = [row.split(" | ", 1)[0] for row in table.splitlines()[2:]]
    # A command is written as its name, then its arguments: `event ID`, `actors [NAME]`, `search WORDS...`.
    documented = re.findall(r"`([a-z]+)(?: [^`]*)?`", " ".join(first_cells))
    commands = [command.name or command.callback.__name__ for command in app.registered_commands]  # type: ignore[union-attr]
    assert sorted(documented) == sorted(commands)


def test_every_json_field_is_in_the_readme(readme: str) -> None:
    assert "**Every date field `X` comes with** `X_start` and `X_end`" in readme
    for detail in DATE_DETAILS:
        assert f"`X_{detail}`" in readme
    for record_type in RECORD_TYPES:
        columns = record_columns(record_type.record_class)
        dated = [field for field in columns if any(f"{field}_{detail}" in columns for detail in DATE_DETAILS)]
        details = {f"{field}_{detail}" for field in dated for detail in DATE_DETAILS}
        for field in columns:
            if field in details:
                continue  # one of the details every date field comes with, documented once above
            assert f"`{field}`" in readme, (record_type.singular, field)
    for record_class in (Role, Alias, Identification):
        for field in record_class._fields:
            assert f"`{field}`" in readme, (record_class.__name__, field)


def test_exit_codes_are_in_the_readme(readme: str) -> None:
    from hamsyr.errors import ExitCode

    for code in ExitCode:
        assert f"| {code.value} |" in readme, code


def test_every_export_table_and_column_is_in_the_readme(readme: str) -> None:
    from hamsyr import load
    from hamsyr.export.tabular import sqlite_tables

    from .conftest import SMALL

    for table in sqlite_tables(load(SMALL)):
        names = {column.name for column in table.columns}
        dated = [name for name in names if any(f"{name}_{detail}" in names for detail in DATE_DETAILS)]
        details = {f"{name}_{detail}" for name in dated for detail in DATE_DETAILS}
        shown = ", ".join(f"`{column.name}`" for column in table.columns if column.name not in details)
        row = f"| `{table.name}`{'' if table.csv else ' (SQLite only)'} | {shown}"
        assert row in readme, row
