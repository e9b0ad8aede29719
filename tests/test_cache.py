"""The derived cache: same answers as the file, rebuilt when stale or corrupt, safe to race."""

from __future__ import annotations

import contextlib
import marshal
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamsyr import DateRange, FactBase, load, parse_date
from hamsyr.loading.cache import store as cache
from hamsyr.loading.cache._common import Seal
from hamsyr.loading.cache.store import cache_file, digest_file, open_cached
from hamsyr.loading.load import shipped_path
from hamsyr.records.store import MemoryStore

from .conftest import SMALL


def records(base: FactBase) -> tuple[object, ...]:
    return (base.sources, base.actors, base.events, base.quotes, base.disputes)


@pytest.fixture(params=["snapshot", "sqlite"])
def private_cache(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own, in each of the two forms (small bases become SQLite files too when
    the snapshot limit is set to nothing)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(folder))
    if request.param == "sqlite":
        monkeypatch.setattr(cache, "SNAPSHOT_MAX_EVENTS", -1)
    return folder


def test_the_cache_gives_the_same_records(private_cache: Path) -> None:
    fresh = load(SMALL)  # parses the file and writes the cache (an SQLite one while parsing)
    cached = load(SMALL)
    assert cached.store.cached, "the second load should come from the cache"
    assert records(cached) == records(fresh)
    assert cached.counts() == fresh.counts()
    assert cached.tag("Rupture") == "rupture"
    assert cached.get("offices-sealed") == fresh.get("offices-sealed")


def test_an_edited_base_is_read_again_and_the_old_cache_removed(private_cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "facts.toml"
    path.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    load(path)
    old = cache_file(path, digest_file(path))
    assert old is not None and old.is_file()
    path.write_text(SMALL.read_text(encoding="utf-8").replace("Hamas founded", "Hamas is founded"), encoding="utf-8")
    assert load(path).get("founded").title == "Hamas is founded"  # type: ignore[union-attr]
    assert load(path).store.cached
    assert not old.exists()


def test_a_corrupt_cache_is_ignored_and_rewritten(private_cache: Path) -> None:
    load(SMALL)
    target = cache_file(SMALL, digest_file(SMALL))
    assert target is not None
    target.write_bytes(b"this is not a database" * 100)
    assert records(load(SMALL)) == records(load(SMALL))
    assert open_cached(SMALL, digest_file(SMALL), never) is not None  # rewritten whole


def never() -> MemoryStore:
    raise AssertionError("the cache was read as damaged")


@pytest.mark.parametrize(
    "damage",
    [
        # A row's own seal is checked when it is read: the cache opens, and is found out mid-query.
        "UPDATE records SET row = x'00' WHERE kind = 'actors'",
        "UPDATE records SET row = x'' WHERE kind = 'quotes'",
        "UPDATE events SET row = substr(row, 1, 5) WHERE position = 2",
        "UPDATE events SET row = CAST(replace(CAST(row AS TEXT), 'Hamas', 'Forge') AS BLOB) WHERE position = 0",
        # Rows removed (from an index, to hide events) or a table dropped: the cache does not even open.
        "DROP TABLE event_tags",
        "DELETE FROM event_actors WHERE actor = 'hamas'",
    ],
)
def test_an_sqlite_cache_found_damaged_answers_from_the_file_and_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cache, "SNAPSHOT_MAX_EVENTS", -1)
    expected = records(load(SMALL))
    target = cache_file(SMALL, digest_file(SMALL))
    assert target is not None and target.suffix == ".sqlite"
    with contextlib.closing(sqlite3.connect(target)) as connection, connection:
        connection.execute(damage)
    answers_from_the_file(expected)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("actors", [{}]),
        ("quotes", [{"id": 1}]),
        ("events", [[1, 2]]),
        ("events", [{"id": "x", "date": "2012-13"}]),
        ("events", [("x", None, None, 1, "T", (), (), (), (), (), None, None)]),  # a title of the wrong type
        ("events", [("x", None, None, "T", "S", (None,), (), (), (), (), None, None)]),
    ],
)
@pytest.mark.parametrize("resealed", [False, True])
def test_a_damaged_snapshot_answers_from_the_file_and_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, value: object, resealed: bool
) -> None:
    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(tmp_path))
    expected = records(load(SMALL))
    target = cache_file(SMALL, digest_file(SMALL))
    assert target is not None and target.suffix == ".marshal"
    header, _, payload = target.read_bytes().partition(b"\n")
    data = marshal.loads(payload)
    data[kind] = value
    payload = marshal.dumps(data)
    if resealed:  # as if by a bug in hamsyr itself: the seal holds, the contents do not
        seal = Seal((tmp_path / "key").read_bytes(), digest_file(SMALL))
        header = b"hamsyr snapshot " + seal.mac(payload).encode()
    target.write_bytes(header + b"\n" + payload)
    answers_from_the_file(expected, opened=resealed)


def test_another_base_s_snapshot_copied_over_a_cache_is_not_believed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(tmp_path))
    other = tmp_path / "other.toml"
    other.write_text('[[sources]]\nid = "only"\ntitle = "Only"\n', encoding="utf-8")
    load(SMALL), load(other)
    target, forged = cache_file(SMALL, digest_file(SMALL)), cache_file(other, digest_file(other))
    assert target is not None and forged is not None
    target.write_bytes(forged.read_bytes())
    assert [source.id for source in load(SMALL).sources] == ["doc-a", "doc-b"]
    assert load(SMALL).store.cached  # rebuilt from the file


def test_a_cache_folder_others_may_write_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(folder))
    load(SMALL)
    assert load(SMALL).store.cached
    folder.chmod(0o777)
    assert not load(SMALL).store.cached
    folder.chmod(0o700)
    (folder / "key").chmod(0o644)
    assert not load(SMALL).store.cached


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"XDG_CACHE_HOME": "relative/cache", "HOME": "/home/someone"}, Path("/home/someone/.cache/hamsyr")),
        ({"HAMSYR_CACHE_DIR": "relative", "XDG_CACHE_HOME": "/x"}, Path("/x/hamsyr")),
    ],
)
def test_relative_cache_folders_are_ignored(environ: dict[str, str], expected: Path) -> None:
    assert cache.cache_dir(environ) == expected


def test_an_empty_home_is_no_home() -> None:
    found = cache.cache_dir({"HOME": ""})
    assert found is None or (found.is_absolute() and found != Path("/.cache/hamsyr"))


def test_temporary_files_of_killed_runs_are_removed_after_a_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(tmp_path))
    load(SMALL)
    left, fresh = tmp_path / ".abc-def.marshal.999.tmp", tmp_path / ".abc-ghi.marshal.998.tmp"
    left.write_bytes(b"x" * 100)
    fresh.write_bytes(b"x")
    os.utime(left, (0, 0))
    edited = tmp_path / "edited.toml"
    edited.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    load(edited)  # writing a cache prunes
    assert not left.exists() and fresh.exists()


def answers_from_the_file(expected: tuple[object, ...], opened: bool | None = None) -> None:
    damaged = load(SMALL)
    if opened is not None:  # the damage is found when the cache opens, or mid-query
        assert damaged.store.cached is opened
    assert damaged.tag("Visit") == "visit"
    assert damaged.counts()["events"] == 5
    assert records(damaged) == expected
    assert [e.id for e in damaged.find_events(actors=["hamas"])] == [
        e.id for e in load(SMALL).find_events(actors=["hamas"])
    ]
    assert open_cached(SMALL, digest_file(SMALL), never) is not None  # written again from the file


def test_a_query_reads_only_the_kinds_of_record_it_needs(private_cache: Path) -> None:
    load(SMALL)
    base = load(SMALL)
    base.find_events()
    assert not {"sources", "actors", "quotes", "disputes", "phases"} & set(vars(base))
    base.actor("mashaal")
    assert "actors" in vars(base) and "quotes" not in vars(base)


def test_a_truncated_cache_is_ignored(private_cache: Path) -> None:
    load(SMALL)
    target = cache_file(SMALL, digest_file(SMALL))
    assert target is not None
    target.write_bytes(target.read_bytes()[:2048])
    assert load(SMALL).counts()["events"] == 5


def test_an_unwritable_cache_folder_is_harmless(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(blocker / "cache"))
    assert load(SMALL).counts()["events"] == 5
    assert not load(SMALL).store.cached


def test_no_cache_when_switched_off(private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAMSYR_NO_CACHE", "1")
    load(SMALL)
    assert not private_cache.exists()


def test_two_processes_writing_at_once_leave_one_valid_cache(private_cache: Path, tmp_path: Path) -> None:
    # A base big enough that the processes are parsing and writing at the same time, in either form (the
    # processes do not see this test's snapshot limit, so the size decides).
    snapshot = cache.SNAPSHOT_MAX_EVENTS >= 0
    count = 1500 if snapshot else 3000
    body = SMALL.read_text(encoding="utf-8")
    extra = "".join(
        f'\n[[events]]\nid = "extra-{n}"\ndate = "2000-01-{n % 28 + 1:02d}"\ntitle = "Extra {n}"\n'
        f'summary = "Generated event number {n}."\nactors = ["hamas"]\n'
        'sources = [{ source = "doc-a", excerpt = "x" }]\n'
        for n in range(count)
    )
    path = tmp_path / "big.toml"
    path.write_text(body + extra, encoding="utf-8")
    code = "import sys; from hamsyr import load; load(sys.argv[1])"
    env = {**os.environ, "HAMSYR_CACHE_DIR": str(private_cache)}
    runs = [subprocess.Popen([sys.executable, "-c", code, str(path)], env=env) for _ in range(3)]
    assert [run.wait(timeout=120) for run in runs] == [0, 0, 0]
    files = sorted(p.name for p in private_cache.iterdir() if p.name != "key")
    suffix = ".marshal" if snapshot else ".sqlite"
    assert len(files) == 1 and files[0].endswith(suffix), files  # no temporary file left behind
    cached = open_cached(path, digest_file(path), never)
    assert cached is not None and cached.event_count() == count + 5


def test_a_cached_json_query_imports_neither_tomllib_nor_rich(private_cache: Path) -> None:
    load(SMALL)
    code = (
        "import sys, atexit\n"
        "atexit.register(lambda: print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'tomllib')),"
        " file=sys.stderr))\n"
        f"sys.argv = ['hamsyr', '--data', {str(SMALL)!r}, 'events', '--json']\n"
        "from hamsyr.cli import main\nmain()\n"
    )
    env = {**os.environ, "HAMSYR_CACHE_DIR": str(private_cache)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "[]"


# --- the indexed path answers exactly like the in-memory one ------------------------------------------

actor_ids = st.lists(st.sampled_from(["hamas", "syria", "bashar", "hafez", "mashaal"]), max_size=2, unique=True)
tag_names = st.lists(st.sampled_from(["founding", "visit", "offices", "rupture", "statement", "mediation"]), max_size=2)
days = st.one_of(st.none(), st.sampled_from(["1987", "1998-05-15", "2000", "2012-11", "2012-12-31", "2022-09-15"]))


@settings(max_examples=150, deadline=None)
@given(actor_ids, tag_names, days, days, st.one_of(st.none(), st.sampled_from(["doc-a", "doc-b"])), st.booleans())
def test_indexed_queries_match_in_memory_queries(
    actors: list[str], tags: list[str], since: str | None, until: str | None, source: str | None, reverse: bool
) -> None:
    memory, cached = _bases()
    if since and until and parse_date(until).end < parse_date(since).start:
        since, until = until, since
    dates = DateRange.of(parse_date(since) if since else None, parse_date(until) if until else None)
    arguments = {"actors": actors, "dates": dates, "tags": tags, "source": source, "reverse": reverse}
    assert cached.find_events(**arguments) == memory.find_events(**arguments)  # type: ignore[arg-type]


_BASES: list[FactBase] = []


def _bases() -> tuple[FactBase, FactBase]:
    if not _BASES:
        memory = load(SMALL)
        cached = load(SMALL)
        if not cached.store.cached:  # the first load above may itself have come from the cache
            memory, cached = cached, load(SMALL)
        _BASES.extend(
            [FactBase.from_records(sources=memory.sources, actors=memory.actors, events=memory.events), cached]
        )
    assert _BASES[1].store.cached
    return _BASES[0], _BASES[1]


def test_file_and_memory_digests_agree(tmp_path: Path) -> None:
    from hamsyr.loading.cache.store import digest_bytes

    path = tmp_path / "big.bin"
    path.write_bytes(bytes(range(256)) * 10_000)  # several read chunks
    assert digest_file(path) == digest_bytes(path.read_bytes())


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("position", [0, 2, 4])
def test_a_row_found_damaged_while_reading_in_order_gives_the_rest_from_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reverse: bool, position: int
) -> None:
    monkeypatch.setenv("HAMSYR_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cache, "SNAPSHOT_MAX_EVENTS", -1)
    expected = load(SMALL).find_events(reverse=reverse)
    target = cache_file(SMALL, digest_file(SMALL))
    assert target is not None
    with contextlib.closing(sqlite3.connect(target)) as connection, connection:
        connection.execute("UPDATE events SET row = substr(row, 1, 5) WHERE position = ?", (position,))
    assert load(SMALL).find_events(limit=4, reverse=reverse) == expected[:4]


@pytest.mark.parametrize("path", [SMALL, shipped_path()])
def test_the_fast_path_makes_what_the_careful_path_makes(path: Path) -> None:
    """Each record that `prepare` passes is the record the careful checks build from the same table, as
    its cache row, with the index an SQLite cache keeps of it."""
    from hamsyr.loading._toml import parse
    from hamsyr.loading._validate import _Place, _Validator, prepare
    from hamsyr.records.codec import event_index, to_row
    from hamsyr.records.model import RECORD_TYPES

    text = path.read_text(encoding="utf-8")
    document = parse(path, text)
    prepared = prepare(document)
    careful = _Validator(path, text, sink=None, warnings=False)  # type: ignore[arg-type]
    compared = 0
    for record_type in RECORD_TYPES:
        for n, (table, item) in enumerate(
            zip(document.get(record_type.plural, []), prepared.get(record_type.plural, []), strict=True)
        ):
            record = careful.record(record_type.record_class, table, _Place(record_type.plural, n, ""))
            record_id, row, _, extra = item
            assert (record_id, marshal.loads(row)) == (record.id, to_row(record))
            if record_type.plural == "events":
                assert extra == event_index(record)
            compared += 1
    assert compared == sum(len(v) for k, v in document.items() if isinstance(v, list)) and not careful.problems
