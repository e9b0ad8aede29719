"""Several files, one base: the checks no single file can make, and the store that answers from all of them.

Each file is checked, and cached, on its own (hamsyr.loading.load); ids are one namespace across the files,
so what is left is checked here: an id defined in two files, and references a file leaves to the others.
The fields that depend on the whole base (which disputes name an event, up to when an open role is
attested) are derived here, when the records are read, so that a file's cache does not depend on the
other files.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hamsyr.errors import Problem
from hamsyr.records.dates import sort_key
from hamsyr.records.model import RECORD_TYPES, Actor, Event, Source
from hamsyr.records.store import ANY_EVENT, Narrowing, in_order

if TYPE_CHECKING:
    from hamsyr.loading._validate import Reference
    from hamsyr.loading.parts import Part
    from hamsyr.records.store import RecordStore

_PLURALS = {record_type.plural: record_type.singular for record_type in RECORD_TYPES}


def problems_between(parts: Sequence[Part]) -> list[Problem]:
    """Ids defined in more than one file, and references out of a file that no file answers (or that name
    the wrong kind of record, or cite a source that is only listed). Nothing to do for a single file that
    leaves no references open, as most are."""
    if len(parts) < 2 and not any(part.leaves_references() for part in parts):
        return []
    defined: dict[str, tuple[int, str, int]] = {}  # id -> (file number, plural, position)
    twice: list[tuple[str, tuple[int, str, int], tuple[int, str, int]]] = []
    for number, part in enumerate(parts):
        for record_id, (plural, index) in part.ids().items():
            first = defined.setdefault(record_id, (number, plural, index))
            if first[0] != number:
                twice.append((record_id, first, (number, plural, index)))
    problems = [_defined_twice(parts, record_id, first, again) for record_id, first, again in twice]
    references = [reference for part in parts if part.leaves_references() for reference in part.references()]
    if references:
        listed = {source: document for part in parts for source, document in part.listed_sources().items()}
        problems += _unanswered(references, defined, listed)
    return problems


def _defined_twice(
    parts: Sequence[Part], record_id: str, first: tuple[int, str, int], again: tuple[int, str, int]
) -> Problem:
    from hamsyr.loading._validate import an, line_in

    (first_file, first_plural, first_index), (file, plural, index) = first, again
    where = f"{_PLURALS[plural]} '{record_id}'"
    line = line_in(parts[file].path, plural, index, "id")
    first_line = line_in(parts[first_file].path, first_plural, first_index)
    at = f"{parts[first_file].path}:{first_line}" if first_line else str(parts[first_file].path)
    message = (
        f"field 'id': duplicate id, already used by {an(_PLURALS[first_plural])} at {at}; ids must be unique "
        "across the files of a base"
    )
    return Problem(str(parts[file].path), line, where, message)


def _unanswered(
    references: Iterable[Reference], defined: dict[str, tuple[int, str, int]], listed: dict[str, str]
) -> Iterator[Problem]:
    from hamsyr.loading._validate import an, listed_message, suggest, target_name

    for reference in references:
        found = defined.get(reference.value)
        wanted = target_name(reference.target)
        plurals = reference.target.split("|")
        message = None
        if reference.value in listed and reference.field.endswith(".source"):
            message = listed_message(reference.value, listed[reference.value])
        elif found is None:
            same_type = [known for known, (_, plural, _) in defined.items() if plural in plurals]
            message = (
                f"unknown {wanted} '{reference.value}'{suggest(reference.value, same_type)}: add {an(wanted)} with "
                "that id or fix the reference"
            )
        elif found[1] not in plurals:
            message = f"'{reference.value}' is {an(_PLURALS[found[1]])}, not {an(wanted)}"
        if message is not None:
            yield Problem(reference.file, reference.line, reference.where, f"field '{reference.field}': {message}")


class CombinedStore:
    """The records of every file of a base, in the order of the files, with the fields derived from the
    whole base. Each kind is read from the files' stores when first asked for, then kept."""

    def __init__(self, stores: Sequence[RecordStore]) -> None:
        self._stores = tuple(stores)
        self._kinds: dict[str, tuple[Any, ...]] = {}
        self._marks: dict[str, tuple[str, ...]] | None = None

    @property
    def path(self) -> Path | None:
        return self._stores[0].path if self._stores else None

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(path for store in self._stores for path in store.paths)

    @property
    def cached(self) -> bool:
        return all(store.cached for store in self._stores)

    def records(self, plural: str) -> tuple[Any, ...]:
        found = self._kinds.get(plural)
        if found is None:
            found = self._kinds[plural] = self._derived(plural, self._read(lambda store: store.records(plural)))
        return found

    def ids(self, plural: str) -> tuple[str, ...]:
        return self._read(lambda store: store.ids(plural))

    def event_count(self) -> int:
        return sum(store.event_count() for store in self._stores)

    def tags(self) -> list[str]:
        if len(self._stores) == 1:
            return self._stores[0].tags()
        return sorted({tag for store in self._stores for tag in store.tags()})

    def candidates(self, narrowing: Narrowing) -> Iterable[Event]:
        if "events" in self._kinds:
            return self._kinds["events"]
        return self._derived("events", self._read(lambda store: tuple(store.candidates(narrowing))))

    def ordered(self, dated: bool, reverse: bool, narrowing: Narrowing = ANY_EVENT) -> Iterator[Event]:
        if "events" in self._kinds:
            yield from in_order(self._kinds["events"], dated, reverse)
            return
        streams = [store.ordered(dated, reverse, narrowing) for store in self._stores]
        key = (lambda e: (sort_key(e.date), e.id)) if dated else (lambda e: e.id)
        merged = streams[0] if len(streams) == 1 else heapq.merge(*streams, key=key, reverse=reverse and dated)
        yield from marked(merged, self.marks)

    def iterate(self, plural: str) -> Iterator[Any]:
        if plural in self._kinds or plural not in ("events", "quotes"):
            yield from self.records(plural)
            return
        for store in self._stores:
            yield from marked(store.iterate(plural), self.marks)

    def _read(self, read: Any) -> tuple[Any, ...]:
        if len(self._stores) == 1:
            return tuple(read(self._stores[0]))
        return tuple(chain.from_iterable(read(store) for store in self._stores))

    def _derived(self, plural: str, records: tuple[Any, ...]) -> tuple[Any, ...]:
        if plural in ("events", "quotes"):
            return tuple(marked(records, self.marks)) if self.marks else records
        if plural == "actors":
            return attested(records, self.records("sources"))
        return records

    @property
    def marks(self) -> dict[str, tuple[str, ...]]:
        """The ids of the disputes that name each event or quote."""
        if self._marks is None:
            concerning: dict[str, list[str]] = {}
            for dispute in self.records("disputes"):
                for record_id in dispute.records:
                    concerning.setdefault(record_id, []).append(dispute.id)
            self._marks = {record_id: tuple(ids) for record_id, ids in concerning.items()}
        return self._marks


def marked(records: Iterable[Any], marks: dict[str, tuple[str, ...]]) -> Iterator[Any]:
    """Events or quotes, one at a time, with the ids of the disputes that name them."""
    for record in records:
        yield record._replace(disputes=marks[record.id]) if record.id in marks else record


def attested(actors: tuple[Actor, ...], sources: tuple[Source, ...]) -> tuple[Actor, ...]:
    """Actors whose open roles (no end, no last_attested written) are attested up to the latest publication
    of a source citing them: unknown is not ongoing."""
    published = {source.id: source.published for source in sources if source.published is not None}
    changed = []
    for actor in actors:
        roles = []
        for role in actor.roles:
            dates = [published[c.source] for c in role.sources if c.source in published]
            if role.end is None and role.last_attested is None and dates:
                role = role._replace(last_attested=max(dates, key=lambda d: d.last_day))
            roles.append(role)
        changed.append(actor._replace(roles=tuple(roles)))
    return tuple(changed)
