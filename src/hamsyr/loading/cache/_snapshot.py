"""The cache of a small fact base file: one marshal snapshot of its records' plain data, read whole in well
under a millisecond (opening SQLite alone costs more); records are made kind by kind when a query needs them."""

from __future__ import annotations

import marshal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hamsyr.loading.cache._common import (
    FORMAT,
    CachedStore,
    Manifest,
    Seal,
    checked_builds_on,
    checked_outbound,
    remove,
)
from hamsyr.records import model
from hamsyr.records.codec import RowDecoder, every_plan, to_row

if TYPE_CHECKING:
    from hamsyr.records.store import MemoryStore, RecordStore

_CLASSES = {record_type.plural: record_type.record_class for record_type in model.RECORD_TYPES}
# What reading a damaged snapshot can raise: marshal's errors, and records missing a field or of a wrong type.
_DAMAGE = (ValueError, EOFError, KeyError, TypeError, AttributeError, IndexError, UnicodeError)


_MAGIC = b"hamsyr snapshot "  # then the MAC of the payload, a newline, and the payload (marshal)


def open_snapshot(path: Path, target: Path, reread: Callable[[], MemoryStore], seal: Seal) -> SnapshotStore | None:
    try:
        raw = target.read_bytes()
        header, _, payload = raw.partition(b"\n")
        if not header.startswith(_MAGIC) or header[len(_MAGIC) :].decode() != seal.mac(payload):
            raise ValueError("not a snapshot sealed for this base")
        data = marshal.loads(payload)
        expected = ("format", "source", "plans", "builds_on", "outbound", *_CLASSES)
        if not (isinstance(data, dict) and all(key in data for key in expected)):
            raise ValueError("not a snapshot of this format")
        if data["format"] != FORMAT or data["source"] != seal.source:
            raise ValueError("a snapshot of another base or format")
        builds_on = checked_builds_on(data["builds_on"])
        if type(data["outbound"]) is not bytes:
            raise TypeError("the references are not marshalled")
    except (OSError, *_DAMAGE):
        # Corrupt, truncated, forged or from an incompatible hamsyr: read the file instead, and cache it anew.
        remove(target)
        return None
    return SnapshotStore(path, target, reread, data, builds_on)


def write_snapshot(target: Path, store: RecordStore, seal: Seal, manifest: Manifest) -> None:
    """The records as rows, with the plans to rebuild them (hamsyr.records.codec), sealed."""
    plans = every_plan()
    data = {plural: [to_row(record) for record in store.records(plural)] for plural in _CLASSES}
    # The references are marshalled apart, so that reading the snapshot does not make them.
    references = marshal.dumps(manifest.outbound) if manifest.outbound else b""
    header: dict[str, Any] = {"format": FORMAT, "source": seal.source, "plans": plans, "builds_on": manifest.builds_on}
    header["outbound"] = references
    payload = marshal.dumps({**header, **data})
    target.write_bytes(_MAGIC + seal.mac(payload).encode() + b"\n" + payload)


class SnapshotStore(CachedStore):
    """The records of a small cached file, from its snapshot."""

    damage = _DAMAGE

    def __init__(
        self,
        path: Path,
        target: Path,
        reread: Callable[[], MemoryStore],
        data: dict[str, Any],
        builds_on: tuple[str, ...],
    ) -> None:
        super().__init__(path, target, reread, builds_on, bool(data["outbound"]))
        self._data = data
        self._decoder = RowDecoder(data["plans"], vars(model))

    def _read(self, plural: str) -> tuple[Any, ...]:
        name = _CLASSES[plural].__name__
        return tuple(self._decoder.record(name, row) for row in self._data[plural])

    def outbound(self) -> tuple[tuple[str, int | None, str, str, str, str], ...]:
        data = self._data["outbound"]
        return checked_outbound(marshal.loads(data)) if data else ()

    def _read_ids(self, plural: str) -> tuple[str, ...]:
        ids = tuple(row[0] for row in self._data[plural])  # the id is every record's first field
        if not all(type(value) is str for value in ids):
            raise TypeError("an id is not a string")
        return ids
