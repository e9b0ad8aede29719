from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, Protocol

import pytest

from hamsyr import FactBase, load

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small.toml"


def pytest_configure(config: pytest.Config) -> None:
    """Before any test module is imported (some load a base at import time), give the whole run a home and a
    cache folder of its own: no test reads or writes the developer's real ~/.cache or home."""
    session = Path(tempfile.mkdtemp(prefix="hamsyr-tests-"))
    (session / "home").mkdir()
    (session / "cache").mkdir(mode=0o700)
    os.environ["HOME"] = str(session / "home")
    os.environ["HAMSYR_CACHE_DIR"] = str(session / "cache")
    os.environ.pop("XDG_CACHE_HOME", None)
    os.environ.pop("HAMSYR_DATA", None)
    os.environ.pop("HAMSYR_NO_CACHE", None)


@pytest.fixture(scope="session")
def cache_folder() -> Path:
    return Path(os.environ["HAMSYR_CACHE_DIR"])


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, cache_folder: Path) -> None:
    """Tests see a plain 80-column terminal, never a HAMSYR_DATA from the developer's shell, and a
    cache folder of their own (shared by the session, so cached loads are exercised too)."""
    monkeypatch.delenv("HAMSYR_DATA", raising=False)
    monkeypatch.delenv("HAMSYR_NO_CACHE", raising=False)
    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(cache_folder))
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(scope="session")
def small() -> FactBase:
    return load(SMALL)


@pytest.fixture
def write_base(tmp_path: Path) -> Callable[[str], Path]:
    """Write TOML text to a fresh file and return its path."""

    def write(text: str, name: str = "facts.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


class Ran(NamedTuple):
    """What one run of the command line gave."""

    code: int
    out: str
    err: str


class CommandLine(Protocol):
    def __call__(
        self, *args: str | Path, data: Path | str | None = None, env: dict[str, str] | None = None, input: str = ""
    ) -> Ran: ...


@pytest.fixture(scope="session")
def cli() -> CommandLine:
    """`hamsyr ARGS` run in this process through Typer's runner: `cli("events", "--json", data=SMALL)` runs
    `hamsyr --data SMALL events --json`. A run that ends in anything but an exit fails the test: every error
    must leave as a message and an exit code."""
    from typer.testing import CliRunner

    from hamsyr.cli.commands import app

    runner = CliRunner()

    def run(
        *args: str | Path, data: Path | str | None = None, env: dict[str, str] | None = None, input: str = ""
    ) -> Ran:
        given = ["--data", str(data)] if data is not None else []
        result = runner.invoke(app, [*given, *map(str, args)], env=env, input=input or None)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        return Ran(result.exit_code, result.stdout, result.stderr)

    return run
