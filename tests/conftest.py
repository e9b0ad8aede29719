from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hamsyr import FactBase, load

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small.toml"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see a plain 80-column terminal and never a HAMSYR_DATA from the developer's shell."""
    monkeypatch.delenv("HAMSYR_DATA", raising=False)
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
