"""Hostile text and faults: a fact base, a cache, a path or an environment made to do harm gets one line and a
documented exit code, and never reaches a terminal as escape codes, a spreadsheet as a formula, a diagram as
a directive, or the user's files as a deletion."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsyr import load
from hamsyr._files import atomic_path, write_atomic
from hamsyr.errors import OutputRefused
from hamsyr.export.graph import to_dot, to_mermaid

from .conftest import SMALL, CommandLine
from .strategies import toml_string

# What must never reach a terminal raw: C0 controls but tab and newline, DEL, C1, bidi controls, separators,
# and the invisible format characters.
RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\u00ad\u180e\u200b\u2060-\u2064\ufeff\U000e0000-\U000e007f]"
)
OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x07"  # writes the clipboard
HOSTILE = f"Same Name{OSC52}\x1b[2J\x1b]0;title\x07\u202eevil\u200b\U000e0041"


def hostile_base(write_base: Callable[[str, str], Path], text: str = HOSTILE) -> Path:
    value = toml_string(text)
    return write_base(
        f"""
[[sources]]
id = "doc"
title = {value}

[[actors]]
id = "one"
name = "Same Name"
kind = "person"
description = {value}
aliases = [{value}]

[[actors]]
id = "two"
name = "Same Name"
kind = "person"
description = {value}

[[events]]
id = "e"
date = "2012"
title = {value}
summary = {value}
actors = ["one"]
kind = "report"
sources = [{{ source = "doc", excerpt = {value}, attributed_to = {value} }}]
""",
        "hostile.toml",
    )


# --- 1. one gate for untrusted text to a terminal ------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["actor", "Same Name"],  # ambiguous: the candidates are listed with their descriptions
        ["actor", "Same Nmae"],  # did you mean
        ["events", "--actor", HOSTILE],
        ["events", "--tag", HOSTILE],
        ["events", "--source", HOSTILE],
        ["events", "--fields", HOSTILE],
        ["event", HOSTILE],
        ["disputes", "--record", HOSTILE],
        ["search", HOSTILE],
        ["events", "--format", "table"],
        ["actor", "one", "--format", "table"],
        ["events", "--format", "tsv"],
        ["events", "--format", "csv"],
        ["validate"],
    ],
)
def test_every_path_to_the_terminal_shows_controls_escaped(
    cli: CommandLine, write_base: Callable[[str, str], Path], args: list[str]
) -> None:
    path = hostile_base(write_base)
    _, out, err = cli(*args, data=path, env={"COLUMNS": "200"})
    assert not RAW.search(out) and not RAW.search(err), (out, err)


def test_validate_reports_hostile_keys_ids_and_references_escaped(
    cli: CommandLine, write_base: Callable[[str, str], Path]
) -> None:
    evil = toml_string(HOSTILE)
    path = write_base(
        f'{evil} = 1\n[[sources]]\nid = {evil}\ntitle = "T"\n{evil} = "x"\n'
        f'[[events]]\nid = "e"\ntitle = "T"\nsummary = "S"\nactors = [{evil}]\n'
        f'sources = [{{ source = {evil}, excerpt = "x" }}]\n',
        "keys.toml",
    )
    for args in (["validate"], ["validate", "--json"], ["events"]):
        code, out, err = cli(*args, data=path)
        assert code == 3 and not RAW.search(out) and not RAW.search(err)
        assert "\\x1b" in out + err


def test_a_file_name_is_shown_escaped(cli: CommandLine, tmp_path: Path) -> None:
    evil = tmp_path / "a\x1b]0;x\x07.toml"
    code, _, err = cli("events", data=evil)
    assert code == 3 and "\\x1b]0;x\\x07" in err and not RAW.search(err)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(str.strip))
def test_generated_hostile_text_is_inert_in_every_format_and_error(
    cli: CommandLine, write_base: Callable[[str, str], Path], text: str
) -> None:
    path = hostile_base(write_base, f"{text}\x1b[31m{text}")
    for args in (
        ["events", "--format", "table"],
        ["events", "--format", "tsv"],
        ["events", "--format", "csv"],
        ["actor", "one", "--format", "table"],
        ["actor", "one", "--format", "tsv"],
        ["source", "doc", "--format", "table"],
        ["actor", text],
        ["events", "--tag", text],
    ):
        _, out, err = cli(*args, data=path, env={"COLUMNS": "120"})
        assert not RAW.search(out) and not RAW.search(err), args
    for fmt in ("json", "jsonl"):
        out = cli("events", "--format", fmt, data=path)[1]
        assert not RAW.search(out)


# --- 2, 3. overwrites that cannot destroy --------------------------------------------------------------------


def test_force_replaces_neither_a_users_folder_nor_a_link(cli: CommandLine, tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "main.py").write_text("print()")
    for fmt in ("csv", "sqlite"):
        code, _, err = cli("export", "--format", fmt, "--output", str(folder), "--force", data=SMALL)
        assert code == 2 and "hamsyr did not write" in err
    assert (folder / "main.py").read_text() == "print()"
    link = tmp_path / "link.json"
    link.symlink_to(folder / "main.py")
    code, _, err = cli("export", "--output", str(link), "--force", data=SMALL)
    assert code == 2 and "symbolic link" in err and link.is_symlink()
    code, _, err = cli("export", "--format", "csv", "--output", ".", "--force", data=SMALL)
    assert code == 2


def test_a_device_is_written_through_never_replaced(cli: CommandLine) -> None:
    code, _, err = cli("export", "--output", os.devnull, "--force", data=SMALL)
    assert code == 0, err
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    with pytest.raises(OutputRefused), atomic_path(Path(os.devnull), folder=True):
        pass


def test_an_interruption_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    with pytest.raises(SystemExit), atomic_path(target) as temporary:
        temporary.write_text("half")
        raise SystemExit(143)  # what SIGTERM now raises
    assert list(tmp_path.iterdir()) == []


def test_outputs_follow_the_umask_and_long_names(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        write_atomic(tmp_path / "private.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "private.json").stat().st_mode) == 0o600
    long_name = tmp_path / ("x" * 250 + ".json")
    write_atomic(long_name, "{}")
    assert long_name.read_text() == "{}"


def test_a_write_failure_is_its_own_exit_code(cli: CommandLine, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.access(locked, os.W_OK):
        pytest.skip("running as a user who can write anywhere")
    code, _, err = cli("export", "--output", str(locked / "out.json"), data=SMALL)
    assert code == 4 and "cannot write" in err and "None" not in err


# --- 5, 6, 7. exports neutralised for their own syntax -------------------------------------------------------


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)"])
def test_csv_cells_that_would_be_formulas_are_written_as_text(
    cli: CommandLine, write_base: Callable[[str, str], Path], cell: str
) -> None:
    path = write_base(f'[[sources]]\nid = "doc"\ntitle = {toml_string(cell)}\n', "formula.toml")
    printed = cli("sources", "--format", "csv", data=path)[1]
    assert f"'{cell}" in printed.replace('""', '"')
    raw = cli("sources", "--format", "csv", data=path, env={"HAMSYR_RAW_CSV": "1"})[1]
    assert f"'{cell}" not in raw.replace('""', '"')
    switched_off = cli("sources", "--format", "csv", data=path, env={"HAMSYR_RAW_CSV": "0"})[1]
    assert f"'{cell}" in switched_off.replace('""', '"')
    folder = path.parent / f"export-{abs(hash(cell))}"
    cli("export", "-f", "csv", "-o", str(folder), data=path, env={"HAMSYR_RAW_CSV": "0"})
    assert f"'{cell}" in (folder / "sources.csv").read_text(encoding="utf-8").replace('""', '"')


def test_the_actor_graph_is_inert_in_dot_and_mermaid(write_base: Callable[[str, str], Path]) -> None:
    name = "x%%{init: {'theme': 'dark'}}%%\x1b[31m\x07\"]) click a0 call evil()"
    path = write_base(
        f'[[actors]]\nid = "a"\nname = {toml_string(name)}\nkind = "person"\n'
        '[[actors]]\nid = "b"\nname = "B"\nkind = "person"\n'
        '[[actors.roles]]\ntitle = "T"\norganization = "a"\n',
        "graph.toml",
    )
    base = load(path)
    mermaid, dot = to_mermaid(base), to_dot(base)
    assert "%%" not in mermaid and '"]' not in mermaid.replace('"]\n', "\n") and not RAW.search(mermaid)
    assert not RAW.search(dot) and "\\x1b" in dot
    if shutil.which("dot"):
        svg = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, check=True).stdout
        import xml.dom.minidom

        xml.dom.minidom.parseString(svg)  # well-formed


def test_timelinejs_text_is_escaped_html_and_years_are_ascii(
    cli: CommandLine, write_base: Callable[[str, str], Path]
) -> None:
    path = write_base(
        '[[sources]]\nid = "d"\ntitle = "D"\n[[events]]\nid = "e"\ndate = "2012"\n'
        'title = "</script><script>alert(1)</script>"\nsummary = "S"\nsources = [{ source = "d", excerpt = "x" }]\n',
        "tl.toml",
    )
    document = json.loads(cli("export", "--format", "timelinejs", data=path)[1])
    assert "<script>" not in json.dumps(document) and document["events"][0]["start_date"]["year"] == "2012"
    code, _, err = cli("events", "--since", "٢٠١٢", data=SMALL)  # Arabic-Indic digits are no date
    assert code == 2 and "malformed date" in err


# --- 8. inputs ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_only_regular_files_are_read_by_path(cli: CommandLine, device: str) -> None:
    for command in (["events"], ["validate"]):
        code, _, err = cli(*command, data=Path(device))
        assert code == 3 and "is not a regular file" in err + cli(*command, data=Path(device))[1]


def test_a_named_pipe_is_refused_without_waiting(cli: CommandLine, tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    code, _, err = cli("events", data=pipe)
    assert code == 3 and "is not a regular file" in err


def test_standard_input_is_read_once_when_asked_for(cli: CommandLine) -> None:
    result = cli("events", "--json", data="-", input=SMALL.read_text(encoding="utf-8"))
    assert result.code == 0 and len(json.loads(result.out)) == 5


@pytest.mark.parametrize("value", ["-1", "0", "ten"])
def test_the_size_limit_must_be_a_positive_number(cli: CommandLine, value: str) -> None:
    code, _, err = cli("events", data=SMALL, env={"HAMSYR_MAX_MB": value, "HAMSYR_NO_CACHE": "1"})
    assert code == 3 and "whole, positive number" in err


# --- 9. no traceback, ever -------------------------------------------------------------------------------------


def installed_run(*args: str, stdout: int | None = subprocess.PIPE, **env: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from hamsyr.cli import main; sys.argv = ['hamsyr', *sys.argv[1:]]; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
        check=False,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("args", [["events"], ["info"], ["timeline"], ["validate", "--json"], ["--version"]])
def test_a_full_device_is_one_line_and_exit_4(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = installed_run(*args, stdout=full.fileno())
    assert result.returncode == 4 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "hamsyr: cannot write the output (No space left on device)"


def test_an_output_that_cannot_encode_gets_escapes_not_a_traceback() -> None:
    result = installed_run("actor", "haniyeh", "-f", "tsv", PYTHONIOENCODING="latin-1")
    assert result.returncode == 0 and "Traceback" not in result.stderr and "\\u0625" in result.stdout
    as_json = installed_run("actor", "haniyeh", "--json", PYTHONIOENCODING="ascii")
    assert as_json.returncode == 0 and json.loads(as_json.stdout)["id"] == "ismail-haniyeh"


def test_a_closed_standard_output_is_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from hamsyr.cli import main; sys.argv = ['hamsyr', 'events']; main()"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        preexec_fn=lambda: os.close(1),
    )
    assert result.returncode == 4 and "standard output is closed" in result.stderr and "Traceback" not in result.stderr


# --- 11. completion ----------------------------------------------------------------------------------------------


def test_completion_never_offers_shell_syntax_or_controls(write_base: Callable[[str, str], Path]) -> None:
    from hamsyr.cli.options import _matching

    offered = _matching(
        "mash",
        [("mashaal", "Khaled\x1b]0;x\x07 Mashaal", ("mash;touch${IFS}/tmp/PWNED;#", "Mash\x1b[2Jaal"))],
    )
    assert offered == [("mashaal", "Khaled\\x1b]0;x\\x07 Mashaal")]


# --- 14. bounded work ---------------------------------------------------------------------------------------------


def test_laying_out_a_long_title_grows_linearly(write_base: Callable[[str, str], Path]) -> None:
    import cProfile
    import io
    import pstats

    from hamsyr.output.render import Format, render
    from hamsyr.views.listings import SourceList

    def calls(words: int) -> int:
        path = write_base(f'[[sources]]\nid = "doc"\ntitle = "{"word " * words}"\n', f"long-{words}.toml")
        base = load(path)
        profile = cProfile.Profile()
        profile.runcall(render, SourceList(base.sources), Format.TABLE, io.StringIO(), environ={})
        return pstats.Stats(profile).total_calls  # type: ignore[attr-defined,no-any-return]

    assert calls(40_000) / calls(10_000) < 4 * 1.5


@pytest.mark.parametrize("columns", ["abc", "-5", "0", "99999999"])
def test_any_columns_value_gives_a_bounded_table(cli: CommandLine, columns: str) -> None:
    from hamsyr.output.screen import MAX_WIDTH

    result = cli("timeline", "--format", "table", data=SMALL, env={"COLUMNS": columns})
    assert result.code == 0, result.out + result.err
    assert max(len(line) for line in result.out.splitlines()) <= MAX_WIDTH
