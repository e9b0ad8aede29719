"""No input crashes hamsyr: arbitrary queries and option values give an answer or a usage error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from hamsyr.cli.commands import app

from .conftest import SMALL
from .strategies import typed

runner = CliRunner()

COMMANDS = [
    ["events", "--actor"],
    ["events", "--text"],
    ["events", "--since"],
    ["events", "--until"],
    ["events", "--on"],
    ["events", "--tag"],
    ["events", "--source"],
    ["events", "--limit"],
    ["events", "--format"],
    ["actors"],
    ["actors", "--kind"],
    ["actors", "--role"],
    ["actor"],
    ["quotes", "--speaker"],
    ["quotes", "--about"],
    ["source"],
    ["search"],
    ["search", "x", "--type"],
    ["timeline", "--actor"],
    ["phases", "--on"],
    ["disputes", "--record"],
]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(COMMANDS), typed)
def test_any_value_gives_an_answer_or_a_clear_error(command: list[str], value: str) -> None:
    result = runner.invoke(app, ["--data", str(SMALL), *command, value, "--format", "json"])
    assert result.exit_code in (0, 1, 2), (command, value, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), (command, value, result.exception)
    if result.exit_code != 0:
        assert result.stdout == "", (command, value)  # nothing half-written on stdout
        assert "Traceback" not in result.stderr
