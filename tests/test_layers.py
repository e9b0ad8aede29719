"""Several files, one base: --data repeated, folders, @shipped, builds_on, one id namespace, errors that name
their file, and a cache that reads again only the file that was edited."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import hamsyr.loading.parse as toml_pieces
from hamsyr import FactBaseError, check, load
from hamsyr.cli.commands import app
from hamsyr.loading.files import shipped_path

from .conftest import SMALL

runner = CliRunner()

NOTES = """format = 2

[[sources]]
id = "my-notes"
title = "Notes taken at a briefing"
published = "2023-03"

[[events]]
id = "haniyeh-briefing-2023"
date = "2023-02"
title = "A briefing mentions Haniyeh"
summary = "A briefing mentions Ismail Haniyeh."
actors = ["ismail-haniyeh", "hamas"]
sources = [{ source = "my-notes", excerpt = "Haniyeh was mentioned" }]
"""


def line_of(start: str) -> int:
    """The line of NOTES that begins so, counted from 1."""
    return next(n for n, line in enumerate(NOTES.splitlines(), 1) if line.startswith(start))


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_shipped_and_my_notes_answer_as_one_base(tmp_path: Path) -> None:
    notes = tmp_path / "notes.toml"
    notes.write_text(NOTES, encoding="utf-8")
    code, out, err = invoke("--data", "@shipped", "--data", str(notes), "events", "--actor", "haniyeh", "--json")
    assert code == 0, err
    ids = [event["id"] for event in json.loads(out)]
    assert "haniyeh-briefing-2023" in ids and len(ids) > 1  # the shipped base's events too
    code, out, _ = invoke("--data", "@shipped", "--data", str(notes), "info", "--json")
    assert json.loads(out)["files"] == [str(shipped_path()), str(notes)]


def test_a_file_says_what_it_builds_on(tmp_path: Path) -> None:
    (tmp_path / "team").mkdir()
    notes = tmp_path / "team" / "notes.toml"
    notes.write_text('builds_on = ["@shipped", "../more.toml"]\n' + NOTES, encoding="utf-8")
    (tmp_path / "more.toml").write_text(
        'format = 2\n[[events]]\nid = "more-1"\ndate = "2023"\ntitle = "More"\nsummary = "More."\n'
        'actors = ["hamas"]\nsources = [{ source = "my-notes", excerpt = "more" }]\n',
        encoding="utf-8",
    )
    base = load(notes)
    # The bases it builds on come first; a reference may point into a later file.
    assert base.paths == (shipped_path(), tmp_path / "more.toml", notes)
    assert base.get("more-1") is not None and base.get("offices-sealed-2012") is not None


def test_a_folder_is_its_toml_files_in_name_order(tmp_path: Path) -> None:
    folder = tmp_path / "base"
    folder.mkdir()
    (folder / "b-notes.toml").write_text(NOTES, encoding="utf-8")
    (folder / "a-shipped.toml").write_text(shipped_path().read_text(encoding="utf-8"), encoding="utf-8")
    (folder / ".hidden.toml").write_text("not = [toml", encoding="utf-8")
    (folder / "readme.txt").write_text("ignored", encoding="utf-8")
    assert load(folder).paths == (folder / "a-shipped.toml", folder / "b-notes.toml")


def test_hamsyr_data_is_a_list_of_paths(tmp_path: Path) -> None:
    notes = tmp_path / "notes.toml"
    notes.write_text(NOTES, encoding="utf-8")
    code, out, err = invoke("info", "--json", env={"HAMSYR_DATA": f"@shipped{os.pathsep}{notes}"})
    assert code == 0, err
    assert json.loads(out)["files"] == [str(shipped_path()), str(notes)]


def test_an_id_defined_twice_names_both_places(tmp_path: Path) -> None:
    notes = tmp_path / "notes.toml"
    notes.write_text(NOTES.replace("haniyeh-briefing-2023", "offices-sealed-2012"), encoding="utf-8")
    with pytest.raises(FactBaseError) as caught:
        load(["@shipped", notes])
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.where) == (
        str(notes),
        line_of('id = "haniyeh'),
        "event 'offices-sealed-2012'",
    )
    shipped = shipped_path().read_text(encoding="utf-8").splitlines()
    header = shipped.index('id = "offices-sealed-2012"')  # the line before the id, counted from 1
    assert f"already used by an event at {shipped_path()}:{header}; ids must be unique" in problem.message


def test_a_reference_no_file_answers_is_an_error_of_its_file(tmp_path: Path) -> None:
    notes = tmp_path / "notes.toml"
    notes.write_text(NOTES.replace('"ismail-haniyeh"', '"ismail-haniye"'), encoding="utf-8")
    code, out, _ = invoke("--data", "@shipped", "--data", str(notes), "validate")
    assert code == 3
    at = f"{notes}:{line_of('actors = ')}"
    assert f"{at}: event 'haniyeh-briefing-2023': field 'actors': unknown actor 'ismail-haniye'" in out
    assert "did you mean 'ismail-haniyeh'?" in out
    # Alone, the notes cannot answer the shipped base's ids either.
    assert any("unknown actor 'hamas'" in str(p) for p in check(notes))


def test_builds_on_problems_name_the_file_that_says_it(tmp_path: Path) -> None:
    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    first.write_text('builds_on = ["second.toml", "absent.toml"]\n' + NOTES, encoding="utf-8")
    second.write_text('builds_on = ["first.toml", "@shipped"]\nformat = 2\n', encoding="utf-8")
    messages = [str(problem) for problem in check(first)]
    assert any(m.startswith(f"{first}: builds_on names 'absent.toml': no such file") for m in messages), messages
    assert any(m.startswith(f"{second}: builds_on leads back to {first}") for m in messages), messages
    first.write_text("builds_on = 3\n" + NOTES, encoding="utf-8")
    assert any("'builds_on' must be a list of paths" in str(p) for p in check(first))


def test_fields_derived_from_the_whole_base_see_every_file(tmp_path: Path) -> None:
    notes = tmp_path / "notes.toml"
    notes.write_text(
        NOTES + '\n[[disputes]]\nid = "my-doubt"\ntitle = "Doubt"\nsummary = "Doubt."\n'
        'records = ["offices-sealed-2012", "haniyeh-briefing-2023"]\n'
        '[[disputes.claims]]\nclaim = "A"\nsources = [{ source = "my-notes", excerpt = "a" }]\n'
        '[[disputes.claims]]\nclaim = "B"\nsources = [{ source = "my-notes", excerpt = "b" }]\n',
        encoding="utf-8",
    )
    base = load(["@shipped", notes])
    sealed = base.get("offices-sealed-2012")
    assert sealed is not None and "my-doubt" in sealed.disputes  # type: ignore[union-attr]
    assert base.get("haniyeh-briefing-2023").disputes == ("my-doubt",)  # type: ignore[union-attr]
    assert [e.disputes for e in base.find_events(actors=["hamas"], limit=1000) if e.id == "offices-sealed-2012"] == [
        sealed.disputes  # type: ignore[union-attr]
    ]


def test_the_command_line_data_after_the_command_wins(tmp_path: Path) -> None:
    code, out, _ = invoke("--data", "@shipped", "info", "--json", "--data", str(SMALL))
    assert code == 0 and json.loads(out)["files"] == [str(SMALL)]


def test_validate_and_errors_name_the_files(tmp_path: Path) -> None:
    notes = tmp_path / "notes.toml"
    notes.write_text(NOTES, encoding="utf-8")
    code, _, err = invoke("--data", "@shipped", "--data", str(notes), "validate")
    assert code == 0 and f"{shipped_path()}, {notes} (2 files) are valid" in err
    broken = tmp_path / "broken.toml"
    broken.write_text("format = 2\n[[events]\n", encoding="utf-8")
    code, _, err = invoke("--data", "@shipped", "--data", str(broken), "events")
    assert code == 3 and err.startswith(f"hamsyr: {broken}:2")


def test_editing_one_file_of_many_reads_only_that_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "base"
    folder.mkdir()
    (folder / "00-shipped.toml").write_text(shipped_path().read_text(encoding="utf-8"), encoding="utf-8")
    for n in range(1, 6):
        text = NOTES.replace("my-notes", f"notes-{n}").replace("haniyeh-briefing-2023", f"briefing-{n}")
        (folder / f"{n:02d}.toml").write_text(text, encoding="utf-8")
    shipped_events = len(load(shipped_path()).events)
    parsed: list[Path] = []
    real = toml_pieces.documents

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        parsed.append(path)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(toml_pieces, "documents", counting)
    assert len(load(folder).events) == shipped_events + 5
    assert len(parsed) == 6
    parsed.clear()
    assert len(load(folder).events) == shipped_events + 5
    assert parsed == []  # nothing changed: nothing read
    edited = folder / "03.toml"
    edited.write_text(edited.read_text(encoding="utf-8").replace('"2023-02"', '"2023-04"'), encoding="utf-8")
    base = load(folder)
    assert parsed == [edited]
    assert base.get("briefing-3").date.text == "2023-04"  # type: ignore[union-attr]
    (folder / "04.toml").unlink()
    parsed.clear()
    assert base.get("briefing-4") is not None and load(folder).get("briefing-4") is None
    assert parsed == []


# --- a large file is parsed in pieces, which must mean what the whole file means ---------------------

_KEYS = st.sampled_from(["id", "title", "x"])
_VALUES = st.one_of(st.text(max_size=8), st.integers(), st.booleans())
_LINES = st.one_of(
    st.builds(lambda plural: f"[[{plural}]]", st.sampled_from(["events", "sources", "events.sources"])),
    st.builds(lambda plural: f"[{plural}]", st.sampled_from(["events.extra", "sources", "other"])),
    st.builds(lambda k, v: f"{k} = {json.dumps(v)}", _KEYS, _VALUES),
    st.sampled_from(['s = """', '"""', "a = [", "]", "format = 2", "# [[events]]", "[[ events ]]"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINES, max_size=30), st.integers(min_value=1, max_value=60))
def test_pieces_mean_what_the_whole_file_means(lines: list[str], piece_chars: int) -> None:
    text = "\n".join(lines) + "\n"
    try:
        whole = toml_pieces.parse(Path("x"), text)
    except FactBaseError:
        whole = None
    try:
        merged: dict[str, object] = {}
        for document in toml_pieces.documents(Path("x"), text, piece_chars):
            for key, value in document.items():
                if key in merged:
                    merged[key] = [*merged[key], *value]  # type: ignore[misc]
                else:
                    merged[key] = value
    except toml_pieces.Unsplittable:
        return  # the caller parses the whole file instead
    except FactBaseError:
        assert whole is None
        return
    assert merged == whole


def test_a_line_that_cannot_begin_a_piece_makes_the_file_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A `[[events]]` line inside a multi-line string, far into a large file: the pieces read before it are
    let go and the file is read whole, with the same records as a file read whole from the start."""
    monkeypatch.setattr(toml_pieces, "PIECE_CHARS", 300)
    body = SMALL.read_text(encoding="utf-8")
    tricky = body + '\n[[events]]\nid = "tricky"\ntitle = "T"\nsummary = """\n[[events]]\n"""\n'
    tricky += 'actors = ["hamas"]\nsources = [{ source = "doc-a", excerpt = "x" }]\n'
    path = tmp_path / "tricky.toml"
    path.write_text(tricky, encoding="utf-8")
    with pytest.raises(toml_pieces.Unsplittable):
        list(toml_pieces.documents(path, tricky, 300))
    read = load(path)
    assert read.get("tricky").summary == "[[events]]\n"  # type: ignore[union-attr]
    monkeypatch.setattr(toml_pieces, "PIECE_CHARS", 1 << 20)
    monkeypatch.setenv("HAMSYR_NO_CACHE", "1")
    assert load(path).events == read.events


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_a_long_load_shows_its_progress_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terminal: bool
) -> None:
    from hamsyr.output import screen

    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(toml_pieces, "PIECE_CHARS", 200)
    monkeypatch.setattr(screen, "PROGRESS_AFTER", 0.0)  # as if it were slow
    stream = _Terminal() if terminal else io.StringIO()
    progress = screen.LoadProgress(stream, {"COLUMNS": "100"})
    load(SMALL, progress=progress)
    progress.close()
    shown = stream.getvalue()
    assert ("Reading file 1, small.toml" in shown and "Indexing the cache" in shown) is terminal
    assert shown == "" or terminal


def test_a_quick_load_shows_nothing() -> None:
    from hamsyr.output import screen

    stream = _Terminal()
    progress = screen.LoadProgress(stream, {})
    load(SMALL, progress=progress)
    progress.close()
    assert stream.getvalue() == ""


def test_the_checks_between_files_concern_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reference left broken by an edit to another file is found, though only that file is read again."""
    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(tmp_path / "cache"))
    actors = tmp_path / "actors.toml"
    someone = '[[actors]]\nid = "someone"\nname = "Someone"\nkind = "person"\n'
    actors.write_text(someone, encoding="utf-8")
    notes = tmp_path / "notes.toml"
    notes.write_text(NOTES.replace('"ismail-haniyeh", "hamas"', '"someone"'), encoding="utf-8")
    assert load([actors, notes]).get("haniyeh-briefing-2023") is not None
    actors.write_text(someone.replace('"someone"', '"someone-else"'), encoding="utf-8")
    with pytest.raises(FactBaseError, match="unknown actor 'someone'") as caught:
        load([actors, notes])
    assert caught.value.problems[0].file == str(notes)
    actors.write_text('[[sources]]\nid = "someone"\ntitle = "A source"\n', encoding="utf-8")
    with pytest.raises(FactBaseError, match="'someone' is a source, not an actor"):
        load([actors, notes])
    actors.write_text(someone, encoding="utf-8")
    assert load([actors, notes]).get("haniyeh-briefing-2023") is not None  # the failed loads stored nothing
    actors.write_text(someone + '[[sources]]\nid = "my-notes"\ntitle = "Twice"\n', encoding="utf-8")
    with pytest.raises(FactBaseError, match=r"duplicate id, already used by a source at .*actors\.toml:5"):
        load([actors, notes])


def test_a_long_chain_of_files_is_read_without_recursion(tmp_path: Path) -> None:
    for n in range(1200):
        builds_on = f'builds_on = ["{n + 1}.toml"]\n' if n < 1199 else ""
        text = f'{builds_on}[[sources]]\nid = "s{n}"\ntitle = "Source {n}"\n'
        (tmp_path / f"{n}.toml").write_text(text, encoding="utf-8")
    base = load(tmp_path / "0.toml")
    assert len(base.sources) == 1200 and base.sources[0].id == "s1199"  # each file after those it builds on
