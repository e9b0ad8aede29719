"""Long tables go through a pager only on a terminal, never with --no-pager, and a pager that cannot run or
fails gives way to writing straight to the terminal, with a warning: nothing is lost."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from hamsyr import FactBase
from hamsyr.output.render import Format, render
from hamsyr.views.listings import EventList, SourceList

from .conftest import SMALL, CommandLine


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def pager_into(path: Path) -> dict[str, str]:
    """An environment whose pager writes what it is given into `path`, on a terminal of 12 lines."""
    return {"PAGER": f"sh -c 'cat > {path}'", "LINES": "12", "COLUMNS": "80", "TERM": "xterm"}


def test_a_table_taller_than_the_terminal_is_paged(small: FactBase, tmp_path: Path) -> None:
    out, paged = Terminal(), tmp_path / "paged.txt"
    render(EventList(small.find_events()), Format.TABLE, out, page=True, environ=pager_into(paged))
    assert out.getvalue() == "" and "Hamas founded" in paged.read_text()


def test_a_short_table_is_printed(small: FactBase, tmp_path: Path) -> None:
    out, paged = Terminal(), tmp_path / "paged.txt"
    render(SourceList(small.sources), Format.TABLE, out, page=True, environ=pager_into(paged))
    assert not paged.exists() and "Document A" in out.getvalue()


def test_no_pager_when_not_a_terminal_or_when_asked(small: FactBase, tmp_path: Path) -> None:
    out, paged = io.StringIO(), tmp_path / "paged.txt"
    render(EventList(small.find_events()), Format.TABLE, out, page=True, environ=pager_into(paged))
    render(EventList(small.find_events()), Format.TABLE, Terminal(), page=False, environ=pager_into(paged))
    assert not paged.exists() and "Hamas founded" in out.getvalue()


@pytest.mark.parametrize(("pager", "why"), [("nosuchpager", "cannot run"), ("false", "ended with status 1")])
def test_a_pager_that_fails_gives_way_to_the_terminal(
    small: FactBase, capsys: pytest.CaptureFixture[str], pager: str, why: str
) -> None:
    out = Terminal()
    environ = {"PAGER": pager, "LINES": "12", "COLUMNS": "80"}
    render(EventList(small.find_events()), Format.TABLE, out, page=True, environ=environ)
    assert "Hamas founded" in out.getvalue()
    assert f"hamsyr: the pager '{pager}' {why}" in capsys.readouterr().err


def test_the_cli_passes_no_pager(cli: CommandLine, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    monkeypatch.setattr("hamsyr.cli.answer.render", lambda *args, page, **kw: calls.append(page))
    cli("events", data=SMALL)
    cli("--no-pager", "--data", str(SMALL), "events")
    cli("events", "--no-pager", data=SMALL)
    cli("events", data=SMALL, env={"HAMSYR_NO_PAGER": "1"})
    assert calls == [True, False, False, False]
