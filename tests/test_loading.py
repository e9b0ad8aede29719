from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from hamsyr import FactBaseError, check, load
from hamsyr.loading.files import resolve_paths, shipped_path

from .conftest import SMALL

WriteBase = Callable[[str], Path]

GOOD_SOURCE = '[[sources]]\nid = "doc"\ntitle = "A document"\n'
GOOD_ACTOR = '[[actors]]\nid = "hamas"\nname = "Hamas"\nkind = "movement"\n'


def event(extra: str = "", *, event_id: str = "e1", date: str = "2012") -> str:
    return (
        f'[[events]]\nid = "{event_id}"\ndate = "{date}"\ntitle = "T"\nsummary = "S"\nactors = ["hamas"]\n'
        f'sources = [{{ source = "doc", excerpt = "x" }}]\n{extra}'
    )


def test_the_fixture_loads_with_every_record(small_path: Path = SMALL) -> None:
    base = load(small_path)
    assert base.counts() == {"sources": 2, "actors": 6, "events": 5, "quotes": 2, "disputes": 1, "phases": 3}
    assert base.get("offices-sealed").disputes == ("why-the-break",)  # type: ignore[union-attr]
    assert base.get("founded").disputes == ()  # type: ignore[union-attr]
    assert check(small_path) == []


def test_toml_syntax_error_names_file_line_and_column(write_base: WriteBase) -> None:
    path = write_base(GOOD_SOURCE + '\n[[actors]]\nid = "x\n')
    with pytest.raises(FactBaseError) as error:
        load(path)
    assert error.value.message.startswith(f"{path}:6:")
    assert "invalid TOML" in error.value.message


@pytest.mark.parametrize(
    ("body", "line", "expected"),
    [
        (
            GOOD_SOURCE + GOOD_ACTOR + event().replace('title = "T"\n', ""),
            8,
            "event 'e1': missing required field 'title'",
        ),
        (
            GOOD_SOURCE + GOOD_ACTOR + event(date="2022-02-30"),
            10,
            "event 'e1': field 'date': impossible date '2022-02-30'",
        ),
        (
            GOOD_SOURCE + GOOD_ACTOR + event(date="2013/2012"),
            10,
            "field 'date': span '2013/2012' ends before it starts",
        ),
        (GOOD_SOURCE + GOOD_ACTOR + event(date="late 2012"), 10, "field 'date': malformed date 'late 2012'"),
        (
            GOOD_SOURCE + GOOD_ACTOR + event('tags = "visit"\n'),
            15,
            "field 'tags': must be a list of strings, not a string",
        ),
        (GOOD_SOURCE + GOOD_ACTOR + event("summery = 'x'\n"), 15, "field 'summery': unknown field"),
        (
            GOOD_SOURCE + GOOD_ACTOR + event().replace('["hamas"]', '["nobody"]'),
            13,
            "field 'actors': unknown actor 'nobody'",
        ),
        (
            GOOD_SOURCE + GOOD_ACTOR + event().replace('source = "doc"', 'source = "nodoc"'),
            14,
            "unknown source 'nodoc'",
        ),
        (
            GOOD_SOURCE + GOOD_ACTOR + event().replace('source = "doc"', 'source = "hamas"'),
            14,
            "'hamas' is an actor, not a source",
        ),
        (GOOD_SOURCE + GOOD_ACTOR.replace("movement", "party"), 7, "field 'kind': unknown kind 'party'"),
        (GOOD_SOURCE + GOOD_ACTOR.replace('"hamas"', '"Hamas Movement"'), 5, "is not a lower-case slug"),
        (
            GOOD_SOURCE + GOOD_ACTOR + event(event_id="doc"),
            9,
            "duplicate id, already used by a source at line 1",
        ),
        (
            GOOD_SOURCE + GOOD_ACTOR + event() + event(),
            16,
            "event 'e1': field 'id': duplicate id, already used by an event",
        ),
        (
            GOOD_SOURCE + GOOD_ACTOR + event().replace('sources = [{ source = "doc", excerpt = "x" }]', "sources = []"),
            14,
            "must cite at least one source",
        ),
    ],
)
def test_schema_errors_name_line_record_and_field(write_base: WriteBase, body: str, line: int, expected: str) -> None:
    path = write_base(body)
    problems = check(path)
    assert problems, "expected a problem"
    assert any(expected in str(p) for p in problems), [str(p) for p in problems]
    assert any(p.line == line for p in problems if expected in str(p)), [(p.line, str(p)) for p in problems]
    with pytest.raises(FactBaseError, match="validate|" + expected.split(":")[0]):
        load(path)


def test_references_of_every_kind_are_checked(write_base: WriteBase) -> None:
    body = (
        GOOD_SOURCE
        + GOOD_ACTOR
        + '[[actors.roles]]\ntitle = "Head"\norganization = "ghost-org"\nstart = "2017"\nend = "2016"\n'
        + '[[quotes]]\nid = "q"\nspeaker = "ghost"\ntext = "t"\nabout = ["ghost2"]\n'
        + 'sources = [{ source = "ghost-doc", excerpt = "x" }]\n'
    )
    messages = [str(p) for p in check(write_base(body))]
    assert any("unknown actor 'ghost-org'" in m for m in messages)
    assert any("roles[0].end" in m and "ends before the role starts" in m for m in messages)
    lines = {str(p).split(": ", 2)[2]: p.line for p in check(write_base(body))}
    assert lines["field 'roles[0].end': ends before the role starts"] == 12
    assert (
        lines[
            "field 'roles[0].organization': unknown actor 'ghost-org': add an actor with that id or fix the reference"
        ]
        == 10
    )
    assert any("field 'speaker': unknown actor 'ghost'" in m for m in messages)
    assert any("field 'about': unknown actor 'ghost2'" in m for m in messages)
    assert any("unknown source 'ghost-doc'" in m for m in messages)


def test_validate_lists_every_problem_in_file_order(write_base: WriteBase) -> None:
    body = GOOD_SOURCE + GOOD_ACTOR + event(date="2022-02-30") + event(event_id="e2").replace('["hamas"]', '["x"]')
    problems = check(write_base(body))
    assert len(problems) == 2
    assert [p.line for p in problems] == sorted(p.line or 0 for p in problems)
    with pytest.raises(FactBaseError, match=r"and 1 more; run `hamsyr validate`"):
        load(write_base(body))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe[[sources]]", "not valid UTF-8"),
        (b'[[sources]]\nid = "a"\ntitle = "\xe9"\n', ":3: not valid UTF-8"),
        (b"sources = 3\n", "'sources' must be an array of tables"),
        (b"meta = 1\n", "unknown top-level key 'meta'"),
    ],
)
def test_unreadable_files_give_one_clear_error(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(FactBaseError, match=expected):
        load(path)


def test_an_empty_file_is_an_empty_base(write_base: WriteBase) -> None:
    assert set(load(write_base("")).counts().values()) == {0}


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_SOURCE.encode())
    assert load(path).counts()["sources"] == 1


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(FactBaseError, match="no such file; pass --data PATH or set HAMSYR_DATA"):
        load(tmp_path / "absent.toml")
    with pytest.raises(FactBaseError, match=r"is a folder with no \.toml files in it"):
        load(tmp_path)


def test_path_resolution_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert resolve_paths() == [shipped_path()]
    monkeypatch.setenv("HAMSYR_DATA", f"{tmp_path / 'env.toml'}{os.pathsep}{tmp_path / 'more.toml'}")
    assert resolve_paths() == [tmp_path / "env.toml", tmp_path / "more.toml"]
    assert resolve_paths(tmp_path / "explicit.toml") == [tmp_path / "explicit.toml"]
    assert resolve_paths(["a.toml", "@shipped"]) == [Path("a.toml"), Path("@shipped")]


def test_disputes_need_two_claims_and_real_records(write_base: WriteBase) -> None:
    body = (
        GOOD_SOURCE
        + GOOD_ACTOR
        + event()
        + '[[disputes]]\nid = "d"\ntitle = "T"\nsummary = "S"\nrecords = ["e1", "hamas", "ghost"]\n'
        + '[[disputes.claims]]\nclaim = "c"\nsources = [{ source = "nodoc", excerpt = "x" }]\n'
    )
    messages = [str(p) for p in check(write_base(body))]
    assert any("field 'claims': a dispute needs at least two claims" in m for m in messages), messages
    assert any("'hamas' is an actor, not an event or quote" in m for m in messages), messages
    assert any("unknown event or quote 'ghost'" in m for m in messages), messages
