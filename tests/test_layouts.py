"""Tables read well at every width: the exact text of some pages and listings at 60, 80 and 120 columns,
kept beside this file as tests/layouts/COMMAND-WIDTH.expected (stacked, one record a block, where columns
stop making sense). To accept a deliberate change of layout, regenerate them with
`COLUMNS=W hamsyr --data tests/fixtures/small.toml COMMAND --format table > tests/layouts/NAME-W.expected`."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SMALL, CommandLine

LAYOUTS = Path(__file__).parent / "layouts"
CASES = sorted(path.stem for path in LAYOUTS.glob("*.expected"))


def test_each_command_has_its_three_widths() -> None:
    names = {case.rsplit("-", 1)[0] for case in CASES}
    assert {case for name in names for case in (f"{name}-60", f"{name}-80", f"{name}-120")} == set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_the_exact_layout(cli: CommandLine, case: str) -> None:
    name, width = case.rsplit("-", 1)
    command = name.split("-", 1) if name.startswith(("actor-", "event-")) else [name]
    result = cli(*command, "--format", "table", data=SMALL, env={"COLUMNS": width, "TERM": "xterm"})
    assert result.code == 0, result.err
    expected = (LAYOUTS / f"{case}.expected").read_text(encoding="utf-8")
    assert result.out == expected
    assert all(len(line) <= int(width) for line in result.out.splitlines())
