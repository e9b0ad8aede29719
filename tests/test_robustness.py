"""No input crashes hamsyr: arbitrary queries and option values give an answer or a usage error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import SMALL, CommandLine
from .strategies import typed

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
def test_any_value_gives_an_answer_or_a_clear_error(cli: CommandLine, command: list[str], value: str) -> None:
    result = cli(*command, value, "--format", "json", data=SMALL)
    assert result.code in (0, 1, 2), (command, value)
    if result.code != 0:
        assert result.out == "", (command, value)  # nothing half-written on stdout
        assert "Traceback" not in result.err
