"""Long tables go through a pager only on a terminal, and never with --no-pager."""

from __future__ import annotations

import io

import pytest
from typer.testing import CliRunner

from hamsyr import FactBase
from hamsyr.cli.commands import app
from hamsyr.output.formats import Format, render
from hamsyr.query.views import Listing

from .conftest import SMALL


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def paged(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    pages: list[str] = []
    monkeypatch.setattr("pydoc.pager", pages.append)
    monkeypatch.setenv("LINES", "12")
    return pages


def test_a_table_taller_than_the_terminal_is_paged(small: FactBase, paged: list[str]) -> None:
    out = Terminal()
    render(Listing("event", small.find_events()), Format.TABLE, out, small, page=True)
    assert out.getvalue() == "" and len(paged) == 1 and "Hamas founded" in paged[0]


def test_a_short_table_is_printed(small: FactBase, paged: list[str]) -> None:
    out = Terminal()
    render(Listing("source", small.sources), Format.TABLE, out, small, page=True)
    assert paged == [] and "Document A" in out.getvalue()


def test_no_pager_when_not_a_terminal_or_when_asked(small: FactBase, paged: list[str]) -> None:
    out = io.StringIO()
    render(Listing("event", small.find_events()), Format.TABLE, out, small, page=True)
    render(Listing("event", small.find_events()), Format.TABLE, Terminal(), small, page=False)
    assert paged == [] and "Hamas founded" in out.getvalue()


def test_the_cli_passes_no_pager(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    monkeypatch.setattr("hamsyr.cli.commands.render", lambda *args, page, **kw: calls.append(page))
    runner = CliRunner()
    runner.invoke(app, ["--data", str(SMALL), "events"])
    runner.invoke(app, ["--no-pager", "--data", str(SMALL), "events"])
    runner.invoke(app, ["--data", str(SMALL), "events"], env={"HAMSYR_NO_PAGER": "1"})
    assert calls == [True, False, False]
