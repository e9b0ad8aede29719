"""The cache: the same answers as the files, kept up to date file by file, and optional by construction (any
failure to make, read or write it answers from the files, and it removes nothing it did not make)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hamsyr.loading.files as files
import hamsyr.loading.parse as parse
from hamsyr import DateRange, FactBase, load, parse_date
from hamsyr._version import __version__
from hamsyr.loading import cache

from .conftest import SMALL


def records(base: FactBase) -> tuple[object, ...]:
    return (base.sources, base.actors, base.events, base.quotes, base.disputes, base.phases)


def database_of(folder: Path, *named: Path) -> Path:
    return cache.database_path(folder, list(named), __version__)


def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files parsed from now on."""
    parsed: list[Path] = []
    real = parse.documents

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        parsed.append(path)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parse, "documents", counting)
    return parsed


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own."""
    place = tmp_path / "cache"
    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(place))
    return place


@pytest.fixture
def uncached(monkeypatch: pytest.MonkeyPatch) -> tuple[object, ...]:
    with monkeypatch.context() as environment:
        environment.setenv("HAMSYR_NO_CACHE", "1")
        return records(load(SMALL))


def test_the_cache_gives_the_same_records(folder: Path, uncached: tuple[object, ...]) -> None:
    first = load(SMALL)  # parses the file and fills the cache
    cached = load(SMALL)
    assert first.store.cached and cached.store.cached  # type: ignore[attr-defined]
    assert records(cached) == records(first) == uncached
    assert cached.tag("Rupture") == "rupture"
    assert cached.get("offices-sealed") == first.get("offices-sealed")


def test_an_unchanged_file_is_not_read_again(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "facts.toml"
    path.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    load(path)
    os.utime(path, ns=(0, 0))  # as if written long ago: no digest needed to be sure of it
    load(path)
    monkeypatch.setattr(files, "read_bytes", lambda *args: pytest.fail("the file was read"))
    assert load(path).counts()["events"] == 5


def test_an_edited_file_is_read_again_in_place(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "facts.toml"
    path.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    load(path)
    parsed = reads(monkeypatch)
    path.write_text(SMALL.read_text(encoding="utf-8").replace("Hamas founded", "Hamas is founded"), encoding="utf-8")
    base = load(path)
    assert base.get("founded").title == "Hamas is founded"  # type: ignore[union-attr]
    assert base.store.cached and parsed == [path]  # type: ignore[attr-defined]
    path.touch()  # the identity changes, not the content: digested, not parsed
    assert load(path).get("founded").title == "Hamas is founded"  # type: ignore[union-attr]
    assert parsed == [path]
    assert [p.name for p in folder.iterdir()] == [database_of(folder, path).name]


def test_a_change_that_keeps_the_identity_is_seen_while_the_file_is_recent(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a clock too coarse to tell two writes apart, a file keeps its identity through an edit: a file
    that recent is digested every time."""
    path = tmp_path / "facts.toml"
    path.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    frozen = files.identity(path)
    monkeypatch.setattr("hamsyr.loading.load.identity", lambda _: frozen)
    load(path)
    path.write_text(SMALL.read_text(encoding="utf-8").replace("Hamas founded", "Hamas was formed"), encoding="utf-8")
    assert load(path).get("founded").title == "Hamas was formed"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "damage",
    [
        lambda target: target.write_bytes(b"this is not a database" * 100),
        lambda target: target.write_bytes(target.read_bytes()[:2048]),
        lambda target: target.write_bytes(b""),
    ],
)
def test_a_cache_file_that_is_not_a_database_is_made_again(folder: Path, damage: object) -> None:
    expected = records(load(SMALL))
    damage(database_of(folder, SMALL))  # type: ignore[operator]
    assert records(load(SMALL)) == expected
    assert load(SMALL).store.cached  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE records SET body = x'00' WHERE kind = 'actors'",
        "UPDATE records SET body = x'' WHERE kind = 'quotes'",
        "UPDATE records SET body = substr(body, 1, 5) WHERE kind = 'events' AND position = 2",
        "DROP TABLE event_links",
        "DROP TABLE records",
    ],
)
def test_a_database_found_damaged_answers_from_the_file_and_is_made_again(folder: Path, damage: str) -> None:
    first = load(SMALL)
    expected, involving = records(first), first.find_events(actors=["hamas"])
    with contextlib.closing(sqlite3.connect(database_of(folder, SMALL))) as connection, connection:
        connection.execute(damage)
    damaged = load(SMALL)
    assert damaged.tag("Visit") == "visit"
    assert damaged.counts()["events"] == 5
    assert records(damaged) == expected
    assert damaged.find_events(actors=["hamas"]) == involving
    assert load(SMALL).store.cached  # type: ignore[attr-defined]  # made again from the file


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("position", [0, 2, 4])
def test_a_row_found_damaged_while_reading_in_order_gives_the_rest_from_the_file(
    folder: Path, reverse: bool, position: int
) -> None:
    expected = load(SMALL).find_events(reverse=reverse)
    with contextlib.closing(sqlite3.connect(database_of(folder, SMALL))) as connection, connection:
        connection.execute(
            "UPDATE records SET body = substr(body, 1, 5) WHERE kind = 'events' AND position = ?", (position,)
        )
    assert load(SMALL).find_events(limit=4, reverse=reverse) == expected[:4]


def test_a_database_changed_by_another_process_mid_query_is_left_for_the_files(folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "facts.toml"
    path.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    base = load(path)
    path.write_text(SMALL.read_text(encoding="utf-8").replace("Hamas founded", "Hamas was formed"), encoding="utf-8")
    assert load(path).get("founded").title == "Hamas was formed"  # type: ignore[union-attr]  # another load wrote
    assert base.get("founded").title == "Hamas was formed"  # type: ignore[union-attr]  # one state: the files'


def test_a_cache_folder_others_may_write_is_not_used(folder: Path) -> None:
    load(SMALL)
    assert load(SMALL).store.cached  # type: ignore[attr-defined]
    folder.chmod(0o777)
    try:
        assert not load(SMALL).store.cached  # type: ignore[attr-defined]
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"XDG_CACHE_HOME": "relative/cache", "HOME": "/home/someone"}, Path("/home/someone/.cache/hamsyr")),
        ({"HAMSYR_CACHE_DIR": "relative", "XDG_CACHE_HOME": "/x"}, Path("/x/hamsyr")),
        ({"HAMSYR_NO_CACHE": "1", "HAMSYR_CACHE_DIR": "/x"}, None),
        ({"HAMSYR_NO_CACHE": "0", "HAMSYR_CACHE_DIR": "/x"}, Path("/x")),
    ],
)
def test_where_the_cache_lives(environ: dict[str, str], expected: Path | None) -> None:
    assert cache.cache_dir(environ) == expected


def test_an_empty_home_is_no_home() -> None:
    found = cache.cache_dir({"HOME": ""})
    assert found is None or (found.is_absolute() and found != Path("/.cache/hamsyr"))


def test_a_cache_that_cannot_be_made_is_no_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(blocker / "cache"))
    assert load(SMALL).counts()["events"] == 5
    assert not load(SMALL).store.cached  # type: ignore[attr-defined]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_cache_folder_is_no_failure(folder: Path) -> None:
    folder.mkdir(mode=0o500)
    try:
        assert load(SMALL).counts()["events"] == 5
    finally:
        folder.chmod(0o700)


def test_a_database_that_cannot_be_written_answers_from_the_files(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fills up, or another process holding the database too long: the write fails part-way,
    nothing half-done is kept, and the answer comes from the files."""
    path = tmp_path / "facts.toml"
    path.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    before = records(load(path))
    from hamsyr.loading.database import Database

    real = Database.add_record

    def full(self: Database, *args: object) -> None:
        if self.path is not None:
            raise sqlite3.OperationalError("database or disk is full")
        real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Database, "add_record", full)
    path.write_text(SMALL.read_text(encoding="utf-8").replace("Hamas founded", "Hamas was formed"), encoding="utf-8")
    edited = load(path)
    assert edited.get("founded").title == "Hamas was formed"  # type: ignore[union-attr]
    assert not edited.store.cached  # type: ignore[attr-defined]
    monkeypatch.undo()
    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(folder))
    assert records(load(path)) != before and load(path).store.cached  # type: ignore[attr-defined]


def test_no_cache_when_switched_off(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAMSYR_NO_CACHE", "1")
    load(SMALL)
    assert not folder.exists()


def test_only_what_hamsyr_made_is_ever_removed(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "KEEP", 3)
    folder.mkdir(mode=0o700)
    mine = [folder / ".draft.tmp", folder / "notes.sqlite", folder / "key", folder / "hamsyr-notes.txt"]
    for path in mine:
        path.write_text("mine")
        os.utime(path, (0, 0))
    bases = []
    for n in range(5):
        base = tmp_path / f"base-{n}.toml"
        base.write_text(f'[[sources]]\nid = "s{n}"\ntitle = "Source {n}"\n', encoding="utf-8")
        load(base)
        bases.append(base)
    made = sorted(path.name for path in folder.glob("hamsyr-*.sqlite"))
    assert made == sorted(database_of(folder, base).name for base in bases[-3:])  # the oldest went
    assert all(path.read_text() == "mine" for path in mine)


def test_two_processes_filling_the_cache_at_once_leave_one_whole_database(folder: Path, tmp_path: Path) -> None:
    body = SMALL.read_text(encoding="utf-8")
    extra = "".join(
        f'\n[[events]]\nid = "extra-{n}"\ndate = "2000-01-{n % 28 + 1:02d}"\ntitle = "Extra {n}"\n'
        f'summary = "Generated event number {n}."\nactors = ["hamas"]\n'
        'sources = [{ source = "doc-a", excerpt = "x" }]\n'
        for n in range(3000)
    )
    path = tmp_path / "big.toml"
    path.write_text(body + extra, encoding="utf-8")
    code = "import sys; from hamsyr import load; print(len(load(sys.argv[1]).events))"
    env = {**os.environ, "HAMSYR_CACHE_DIR": str(folder)}
    runs = [
        subprocess.Popen([sys.executable, "-c", code, str(path)], env=env, stdout=subprocess.PIPE) for _ in range(3)
    ]
    assert [run.communicate(timeout=120)[0].strip() for run in runs] == [b"3005"] * 3
    assert [p.name for p in folder.iterdir()] == [database_of(folder, path).name]  # no journal left
    assert load(path).store.cached and load(path).counts()["events"] == 3005  # type: ignore[attr-defined]


def test_a_load_killed_while_filling_the_cache_leaves_nothing_half_done(folder: Path, tmp_path: Path) -> None:
    path = tmp_path / "facts.toml"
    path.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    code = (
        "import os, sys\n"
        "from hamsyr.loading.database import Database\n"
        "real = Database.add_record\n"
        "def killed(self, file, plural, position, record, table):\n"
        "    real(self, file, plural, position, record, table)\n"
        "    if plural == 'events': os.kill(os.getpid(), 9)\n"
        "Database.add_record = killed\n"
        "from hamsyr import load\n"
        "load(sys.argv[1])\n"
    )
    env = {**os.environ, "HAMSYR_CACHE_DIR": str(folder)}
    assert subprocess.run([sys.executable, "-c", code, str(path)], env=env, check=False).returncode == -9
    assert len(load(path).events) == 5 and load(path).store.cached  # type: ignore[attr-defined]


def test_a_cached_json_query_imports_neither_the_toml_parser_nor_rich(folder: Path) -> None:
    load(SMALL)
    code = (
        "import sys, atexit\n"
        "atexit.register(lambda: print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'tomli')),"
        " file=sys.stderr))\n"
        f"sys.argv = ['hamsyr', '--data', {str(SMALL)!r}, 'events', '--json']\n"
        "from hamsyr.cli import main\nmain()\n"
    )
    env = {**os.environ, "HAMSYR_CACHE_DIR": str(folder)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "[]"


def test_a_query_reads_only_the_kinds_of_record_it_needs(folder: Path) -> None:
    load(SMALL)
    base = load(SMALL)
    base.find_events()
    assert not {"sources", "actors", "quotes", "phases"} & set(vars(base))
    base.actor("mashaal")
    assert "actors" in vars(base) and "quotes" not in vars(base)


def test_a_base_of_many_files_needs_few_file_handles(folder: Path, tmp_path: Path) -> None:
    base = tmp_path / "many"
    base.mkdir()
    for n in range(300):
        (base / f"{n:03d}.toml").write_text(f'[[sources]]\nid = "s{n}"\ntitle = "Source {n}"\n', encoding="utf-8")
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))\n"
        "from hamsyr import load\n"
        "print(len(load(sys.argv[1]).sources), len(load(sys.argv[1]).sources))\n"
    )
    env = {**os.environ, "HAMSYR_CACHE_DIR": str(folder)}
    result = subprocess.run([sys.executable, "-c", code, str(base)], env=env, capture_output=True, check=False)
    assert result.stdout.split() == [b"300", b"300"], result.stderr


# --- what a database narrows is exactly what the records say ----------------------------------------------

actor_ids = st.lists(st.sampled_from(["hamas", "syria", "bashar", "hafez", "mashaal"]), max_size=2, unique=True)
tag_names = st.lists(st.sampled_from(["founding", "visit", "offices", "rupture", "statement", "mediation"]), max_size=2)
days = st.one_of(st.none(), st.sampled_from(["1987", "1998-05-15", "2000", "2012-11", "2012-12-31", "2022-09-15"]))
words = st.one_of(
    st.none(),
    st.lists(
        st.sampled_from(["hamas", "Meshal", "syria", "damas", "offices", "red", "wax", "al-assad", "&", "x", "bashar"]),
        min_size=1,
        max_size=2,
    ).map(" ".join),
)


@settings(max_examples=150, deadline=None)
@given(
    actor_ids,
    tag_names,
    days,
    days,
    st.one_of(st.none(), st.sampled_from(["doc-a", "doc-b"])),
    words,
    st.booleans(),
    st.one_of(st.none(), st.integers(0, 6)),
)
def test_narrowed_queries_match_queries_of_every_record(
    actors: list[str],
    tags: list[str],
    since: str | None,
    until: str | None,
    source: str | None,
    text: str | None,
    reverse: bool,
    limit: int | None,
) -> None:
    memory, database = _bases()
    if since and until and parse_date(until).end < parse_date(since).start:
        since, until = until, since
    dates = DateRange.of(parse_date(since) if since else None, parse_date(until) if until else None)
    arguments = {"actors": actors, "dates": dates, "tags": tags, "source": source, "text": text}
    arguments |= {"reverse": reverse, "limit": limit}
    assert database.find_events(**arguments) == memory.find_events(**arguments)  # type: ignore[arg-type]
    if text:
        assert database.search(text, limit=limit) == memory.search(text, limit=limit)
        assert database.find_quotes(text=text) == memory.find_quotes(text=text)


_BASES: list[FactBase] = []


def _bases() -> tuple[FactBase, FactBase]:
    """The small base in a database, and the same records held in memory, where nothing is narrowed."""
    if not _BASES:
        database = load(SMALL)
        memory = FactBase.from_records(
            sources=database.sources,
            actors=database.actors,
            events=database.events,
            quotes=database.quotes,
            disputes=database.disputes,
            phases=database.phases,
        )
        _BASES.extend([memory, database])
    return _BASES[0], _BASES[1]
