"""Several files, one base: --data repeated, folders, @shipped, builds_on, one id namespace, errors that name
their file, and a cache per file so that editing one file re-reads only that one."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import hamsyr.loading._toml as toml_pieces
import hamsyr.loading.load as loading
from hamsyr import FactBaseError, check, load
from hamsyr.cli.commands import app
from hamsyr.loading.load import shipped_path

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
    real = loading._parse

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        parsed.append(path)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "_parse", counting)
    assert len(load(folder).events) == shipped_events + 5
    assert len(parsed) == 6
    parsed.clear()
    edited = folder / "03.toml"
    edited.write_text(edited.read_text(encoding="utf-8").replace('"2023-02"', '"2023-04"'), encoding="utf-8")
    base = load(folder)
    assert parsed == [edited]
    assert base.get("briefing-3").date.text == "2023-04"  # type: ignore[union-attr]


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


def test_helper_processes_parse_the_pieces_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(toml_pieces, "HELPERS_FROM_CHARS", 0)
    text = "".join(
        f'[[events]]\nid = "e{n}"\nwhen = 2012-05-0{n % 9 + 1}\n' if n % 7 == 0 else f'[[events]]\nid = "e{n}"\n'
        for n in range(500)
    )
    documents = list(toml_pieces.documents(Path("x"), text, 300))
    assert len(documents) > 10  # TOML dates come back pickled, the rest marshalled
    assert [event for document in documents for event in document["events"]] == toml_pieces.parse(Path("x"), text)[
        "events"
    ]
    with pytest.raises(toml_pieces.Unsplittable):
        list(toml_pieces.documents(Path("x"), text + '[[events]]\nx = """\n[[events]]\n"""\n', 300))


def test_a_base_too_large_for_a_snapshot_is_cached_while_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_base: Callable[[str, str], Path]
) -> None:
    from hamsyr.loading.cache import store as cache

    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "SNAPSHOT_MAX_EVENTS", 2)
    monkeypatch.setattr(toml_pieces, "PIECE_CHARS", 200)
    in_memory = load(SMALL)  # small: a snapshot
    path = write_base(SMALL.read_text(encoding="utf-8"), "copy.toml")
    first, again = load(path), load(path)
    assert first.store.cached and again.store.cached
    for base in (first, again):
        assert base.events == in_memory.events and base.actors == in_memory.actors
        assert base.find_events(limit=3, reverse=True) == in_memory.find_events(reverse=True)[:3]
        assert base.search("hamas", limit=2) == in_memory.search("hamas", limit=2)
        assert base.date_span() == in_memory.date_span()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_a_long_load_shows_its_progress_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terminal: bool
) -> None:
    from hamsyr.loading.cache import store as cache
    from hamsyr.output import screen

    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "SNAPSHOT_MAX_EVENTS", 2)
    monkeypatch.setattr(toml_pieces, "PIECE_CHARS", 200)
    monkeypatch.setattr(screen, "PROGRESS_AFTER", 0.0)  # as if it were slow
    stream = _Terminal() if terminal else io.StringIO()
    progress = screen.LoadProgress(stream, {"COLUMNS": "100"})
    load(SMALL, progress=progress)
    progress.close()
    shown = stream.getvalue()
    assert ("Reading file 1, small.toml" in shown and "Indexing the cache of small.toml" in shown) is terminal
    assert shown == "" or terminal


def test_a_quick_load_shows_nothing() -> None:
    from hamsyr.output import screen

    stream = _Terminal()
    progress = screen.LoadProgress(stream, {})
    load(SMALL, progress=progress)
    progress.close()
    assert stream.getvalue() == ""


def test_the_checks_between_files_are_made_once_for_a_set_of_contents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hamsyr.loading.combine as combine
    from hamsyr.loading.cache import store as cache

    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(tmp_path / "cache"))
    notes = tmp_path / "notes.toml"
    notes.write_text(NOTES, encoding="utf-8")
    checks: list[int] = []
    real = combine.problems_between
    monkeypatch.setattr(combine, "problems_between", lambda parts: checks.append(len(parts)) or real(parts))
    load(["@shipped", notes])
    load(["@shipped", notes])
    assert checks == [2]
    for verdict in (tmp_path / "cache").glob("together-*.ok"):
        verdict.write_text("forged", encoding="ascii")  # not sealed by this user's key: checked again
    load(["@shipped", notes])
    assert checks == [2, 2]
    notes.write_text(NOTES.replace('"hamas"', '"hamass"'), encoding="utf-8")
    with pytest.raises(FactBaseError, match="unknown actor 'hamass'"):
        load(["@shipped", notes])
    assert cache.combination_key([("a", "1")]) is None  # one file: nothing between files


def test_the_files_of_a_large_base_are_cached_with_indexes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(loading, "LARGE_BASE_BYTES", 1000)
    monkeypatch.setattr(loading, "PART_SNAPSHOT_MAX_EVENTS", 2)
    folder = tmp_path / "base"
    folder.mkdir()
    (folder / "a.toml").write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b.toml").write_text(NOTES.replace('"ismail-haniyeh", ', ""), encoding="utf-8")
    load(folder)
    assert sorted(path.suffix for path in (tmp_path / "cache").glob("*-*.*") if path.suffix != ".ok") == [
        ".marshal",  # b.toml has one event: too small to index
        ".sqlite",
    ]
    assert load(folder).find_events(limit=2) == load([SMALL, folder / "b.toml"]).find_events(limit=2)


def test_helpers_prepare_the_pieces_they_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same records whether pieces are checked here or in forked helpers, with or without a cache, and
    whatever the TOML holds (a TOML date, which only pickle carries, goes to the careful path)."""
    monkeypatch.setattr(toml_pieces, "HELPERS_FROM_CHARS", 0)
    monkeypatch.setattr(toml_pieces, "PIECE_CHARS", 300)
    monkeypatch.setenv("HAMSYR_NO_CACHE", "1")
    expected = load(SMALL)
    path = tmp_path / "copy.toml"
    path.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    helped = load(path)
    assert helped.events == expected.events and helped.actors == expected.actors
    path.write_text(
        SMALL.read_text(encoding="utf-8") + '\n[[events]]\nid = "odd"\ndate = 2012-05-01\n', encoding="utf-8"
    )
    with pytest.raises(FactBaseError) as caught:
        load(path)
    assert any("field 'date': must be a string, not date" in problem.message for problem in caught.value.problems)


def test_references_are_read_from_a_cache_only_when_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from hamsyr.loading.cache import store as cache

    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "SNAPSHOT_MAX_EVENTS", -1)
    notes = tmp_path / "notes.toml"
    notes.write_text(NOTES, encoding="utf-8")
    expected = load(["@shipped", notes]).events
    target = cache.cache_file(notes, cache.digest_file(notes))
    assert target is not None and target.suffix == ".sqlite"
    with sqlite3.connect(target) as connection:
        connection.execute("UPDATE meta SET value = x'00' WHERE key = 'outbound'")
    for verdict in (tmp_path / "cache").glob("together-*.ok"):
        verdict.unlink()  # so that the checks between files are made again, and need the references
    assert load(["@shipped", notes]).events == expected  # the references read from the file instead
    with pytest.raises(FactBaseError, match="unknown actor 'ismail-haniyeh'"):
        load(notes)  # alone, the cached notes still refer to what they do not define
