"""What both forms of the cache share: the stored layout's version, and a store that falls back to the
fact base file itself once its cache turns out damaged, so that the cache is never needed for a correct
answer."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from hamsyr.records.store import ANY_EVENT, Narrowing

if TYPE_CHECKING:
    from hamsyr.records.model import Event
    from hamsyr.records.store import MemoryStore

_T = TypeVar("_T")
FORMAT = "5"  # bump when the stored layout or the record fields change


def remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


class Seal:
    """What binds a cache to the fact base it came from: a digest of the base's bytes (`source`), and keyed
    digests (MACs) of the cache's contents under a key that only this user's cache folder holds. A cache
    copied from another base, edited, or with rows removed fails its checks and is rebuilt from the file."""

    def __init__(self, key: bytes, source: str) -> None:
        self.key = key
        self.source = source
        # Keyed once: each digest starts from a copy (keying costs a whole block of hashing).
        self._keyed = blake2b(source.encode("utf-8", "surrogatepass") + b"\0", key=key, digest_size=16)

    def mac(self, *parts: object) -> str:
        """A keyed digest of the parts (bytes as they are, anything else as text), with the base they belong to."""
        hasher = self._keyed.copy()
        for part in parts:
            hasher.update(part if type(part) is bytes else str(part).encode("utf-8", "surrogatepass"))
            hasher.update(b"\0")
        return hasher.hexdigest()


try:  # the module behind hashlib.blake2b, without hashlib's OpenSSL start-up cost
    from _blake2 import blake2b as blake2b  # also for store.py
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b as blake2b


class Manifest(NamedTuple):
    """What a cache keeps of its file besides the records: the bases it builds on, and its references to
    ids other files define (hamsyr.loading._validate.Reference, as plain tuples). The references are read back
    only when the checks between files need them (there can be one for every event)."""

    builds_on: tuple[str, ...] = ()
    outbound: tuple[tuple[str, int | None, str, str, str, str], ...] = ()


def checked_builds_on(value: Any) -> tuple[str, ...]:
    """The bases a cache says its file builds on; TypeError when it is not a tuple of strings."""
    if type(value) is not tuple or not all(type(item) is str for item in value):
        raise TypeError("builds_on is not a tuple of strings")
    return value


def checked_outbound(value: Any) -> tuple[tuple[str, int | None, str, str, str, str], ...]:
    """References read back from a cache; TypeError when they are not references."""
    for item in value if type(value) is tuple else (None,):
        if type(item) is not tuple or len(item) != 6 or not all(type(v) is str for n, v in enumerate(item) if n != 1):
            raise TypeError("not a tuple of references")
        if item[1] is not None and type(item[1]) is not int:  # the line
            raise TypeError("not a tuple of references")
    return value  # type: ignore[no-any-return]


class _Resume(Exception):
    """A cache stream found damaged after `given` records, the last of them `last`."""

    def __init__(self, given: int, last: Any) -> None:
        super().__init__(given)
        self.given, self.last = given, last


class CachedStore:
    """Records read from a cache file on demand, each kind once. Subclasses read the file (`_read`,
    `_read_candidates`...) and raise one of `damage` when it is damaged: the cache is then removed and
    every answer from then on comes from the fact base file (`reread`)."""

    cached = True
    damage: tuple[type[BaseException], ...] = ()

    def __init__(
        self, path: Path, target: Path, reread: Callable[[], MemoryStore], builds_on: tuple[str, ...], refers_out: bool
    ) -> None:
        self._path = path
        self._target = target
        self._reread = reread
        self._file: MemoryStore | None = None
        self._kinds: dict[str, tuple[Any, ...]] = {}
        self.builds_on = builds_on  # as its file says
        self.refers_out = refers_out  # whether its file refers to ids it does not define

    def outbound(self) -> tuple[tuple[str, int | None, str, str, str, str], ...]:
        """The references its file leaves to other files (see Manifest), read now."""
        raise NotImplementedError

    @property
    def path(self) -> Path:
        return self._path

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self._path,)

    def ids(self, plural: str) -> tuple[str, ...]:
        if plural in self._kinds:
            return tuple(record.id for record in self._kinds[plural])
        return self._guarded(lambda: self._read_ids(plural), lambda file: file.ids(plural))

    def _read_ids(self, plural: str) -> tuple[str, ...]:
        return tuple(record.id for record in self._read(plural))

    def _from_file(self) -> MemoryStore:
        if self._file is None:
            self._close()
            remove(self._target)
            self._file = self._reread()
        return self._file

    def _close(self) -> None:
        """Let go of the cache file before it is removed."""

    def _read(self, plural: str) -> tuple[Any, ...]:
        raise NotImplementedError

    def _read_count(self) -> int:
        return len(self._read("events"))

    def _read_tags(self) -> list[str]:
        return sorted({tag for event in self.records("events") for tag in event.tags})

    def _read_candidates(self, narrowing: Narrowing) -> Iterable[Event]:
        return self.records("events")

    def records(self, plural: str) -> tuple[Any, ...]:
        found = self._kinds.get(plural)
        if found is None:
            found = self._kinds[plural] = self._guarded(lambda: self._read(plural), lambda f: f.records(plural))
        return found

    def event_count(self) -> int:
        if "events" in self._kinds:
            return len(self._kinds["events"])
        return self._guarded(self._read_count, lambda file: file.event_count())

    def tags(self) -> list[str]:
        return self._guarded(self._read_tags, lambda file: file.tags())

    def ordered(self, dated: bool, reverse: bool, narrowing: Narrowing = ANY_EVENT) -> Iterator[Event]:
        from hamsyr.records.store import in_order

        if self._file is None and "events" not in self._kinds:
            try:
                # Checked a row at a time as it is read: damage found after some events were given is
                # answered by giving the rest from the file, in the same order, after the last one given.
                yield from self._guarded_stream(self._read_ordered(dated, reverse, narrowing))
                return
            except _Resume as resume:
                last = resume.last
            found = in_order(self._from_file().records("events"), dated, reverse)
            if last is not None:
                found = itertools.dropwhile(lambda event: event.id != last.id, found)
                next(found, None)
            yield from found
            return
        events = self._kinds.get("events") or self._from_file().records("events")
        yield from in_order(events, dated, reverse)

    def _read_ordered(self, dated: bool, reverse: bool, narrowing: Narrowing) -> Iterator[Event]:
        from hamsyr.records.store import in_order

        return in_order(self._read_candidates(narrowing), dated, reverse)

    def iterate(self, plural: str) -> Iterator[Any]:
        if self._file is None and plural not in self._kinds:
            try:
                yield from self._guarded_stream(self._read_iterate(plural))
                return
            except _Resume as resume:
                given = resume.given
            yield from itertools.islice(self._from_file().records(plural), given, None)
            return
        yield from self.records(plural)

    def _read_iterate(self, plural: str) -> Iterator[Any]:
        return iter(self._read(plural))

    def _guarded_stream(self, stream: Iterator[_T]) -> Iterator[_T]:
        """The records of a stream read from the cache; damage found part-way raises _Resume, saying how
        many were given and the last (the caller gives the rest from the file)."""
        given, last = 0, None
        try:
            for item in stream:
                yield item
                given, last = given + 1, item
        except self.damage:
            raise _Resume(given, last) from None

    def candidates(self, narrowing: Narrowing) -> Iterable[Event]:
        if "events" in self._kinds:
            return self._kinds["events"]
        # A damaged cache gives every event of the file, which is a superset of any candidates.
        return self._guarded(lambda: self._read_candidates(narrowing), lambda file: file.records("events"))

    def _guarded(self, read: Callable[[], _T], from_file: Callable[[MemoryStore], _T]) -> _T:
        if self._file is None:
            try:
                return read()
            except self.damage:
                pass
        return from_file(self._from_file())
