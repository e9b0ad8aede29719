"""The cache of a small fact base: one marshal snapshot of its records' plain data, read whole in well under
a millisecond (opening SQLite alone costs more); records are made kind by kind when a query needs them."""

from __future__ import annotations

import marshal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hamsyr.loading.cache._common import FORMAT, CachedStore, remove
from hamsyr.records import model
from hamsyr.records.codec import RowDecoder, plans_of, to_row

if TYPE_CHECKING:
    from hamsyr.records.store import MemoryStore, RecordStore

_CLASSES = {record_type.plural: record_type.record_class for record_type in model.RECORD_TYPES}
# What reading a damaged snapshot can raise: marshal's errors, and records missing a field or of a wrong type.
_DAMAGE = (ValueError, EOFError, KeyError, TypeError, AttributeError, IndexError)


def open_snapshot(path: Path, target: Path, reread: Callable[[], MemoryStore]) -> SnapshotStore | None:
    try:
        data = marshal.loads(target.read_bytes())
        expected = ("format", "plans", *_CLASSES)
        if not (isinstance(data, dict) and data.get("format") == FORMAT and all(key in data for key in expected)):
            raise ValueError("not a snapshot of this format")
    except (OSError, *_DAMAGE):
        # Corrupt, truncated or from an incompatible hamsyr: read the file instead, and write a new cache.
        remove(target)
        return None
    return SnapshotStore(path, target, reread, data)


def write_snapshot(target: Path, store: RecordStore) -> None:
    """The records as rows, with the plans to rebuild them (hamsyr.records.codec)."""
    plans = {name: plan for record_class in _CLASSES.values() for name, plan in plans_of(record_class).items()}
    data = {plural: [to_row(record) for record in store.records(plural)] for plural in _CLASSES}
    target.write_bytes(marshal.dumps({"format": FORMAT, "plans": plans, **data}))


class SnapshotStore(CachedStore):
    """The records of a small cached base, from its snapshot."""

    damage = _DAMAGE

    def __init__(self, path: Path, target: Path, reread: Callable[[], MemoryStore], data: dict[str, Any]) -> None:
        super().__init__(path, target, reread)
        self._data = data
        self._decoder = RowDecoder(data["plans"], vars(model))

    def _read(self, plural: str) -> tuple[Any, ...]:
        name = _CLASSES[plural].__name__
        return tuple(self._decoder.record(name, row) for row in self._data[plural])
