"""What both forms of the cache share: the stored layout's version, and a store that falls back to the
fact base file itself once its cache turns out damaged, so that the cache is never needed for a correct
answer."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from hamsyr.records.model import Event
    from hamsyr.records.store import MemoryStore

_T = TypeVar("_T")
FORMAT = "4"  # bump when the stored layout or the record fields change


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

    def mac(self, *parts: object) -> str:
        """A keyed digest of the parts, with the base they belong to."""
        text = "\0".join(str(part) for part in (self.source, *parts)).encode("utf-8", "surrogatepass")
        return blake2b(text, key=self.key, digest_size=16).hexdigest()


try:  # the module behind hashlib.blake2b, without hashlib's OpenSSL start-up cost
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b


class CachedStore:
    """Records read from a cache file on demand, each kind once. Subclasses read the file (`_read`,
    `_read_candidates`...) and raise one of `damage` when it is damaged: the cache is then removed and
    every answer from then on comes from the fact base file (`reread`)."""

    cached = True
    damage: tuple[type[BaseException], ...] = ()

    def __init__(self, path: Path, target: Path, reread: Callable[[], MemoryStore]) -> None:
        self._path = path
        self._target = target
        self._reread = reread
        self._file: MemoryStore | None = None
        self._kinds: dict[str, tuple[Any, ...]] = {}

    @property
    def path(self) -> Path:
        return self._path

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

    def _read_candidates(
        self, actors: Sequence[str], since: date | None, until: date | None, tags: Sequence[str], source: str | None
    ) -> Iterable[Event]:
        return self.records("events")

    def _read_undated(self, actors: Sequence[str], tags: Sequence[str], source: str | None) -> Iterable[Event]:
        return [event for event in self.records("events") if event.date is None]

    def undated(self, actors: Sequence[str], tags: Sequence[str], source: str | None) -> Iterable[Event]:
        if "events" in self._kinds:
            return [event for event in self._kinds["events"] if event.date is None]
        return self._guarded(
            lambda: self._read_undated(actors, tags, source),
            lambda file: [event for event in file.records("events") if event.date is None],
        )

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

    def candidates(
        self, actors: Sequence[str], since: date | None, until: date | None, tags: Sequence[str], source: str | None
    ) -> Iterable[Event]:
        if "events" in self._kinds:
            return self._kinds["events"]
        # A damaged cache gives every event of the file, which is a superset of any candidates.
        return self._guarded(
            lambda: self._read_candidates(actors, since, until, tags, source), lambda f: f.records("events")
        )

    def _guarded(self, read: Callable[[], _T], from_file: Callable[[MemoryStore], _T]) -> _T:
        if self._file is None:
            try:
                return read()
            except self.damage:
                pass
        return from_file(self._from_file())
