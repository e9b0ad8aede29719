"""What a person typed, resolved against a base: names in any spelling, source ids, tags and dates.

A name matched only approximately still answers, and a note saying which actor was used goes to `notes`,
so that a typo never silently answers another question. What cannot be resolved raises LookupFailed or
QueryError with a message for people.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hamsyr._values import Value
from hamsyr.errors import QueryError
from hamsyr.query.results import DateRange
from hamsyr.records.dates import FuzzyDate
from hamsyr.records.model import Actor, EventKind

if TYPE_CHECKING:
    from hamsyr.query.factbase import FactBase


def actor(base: FactBase, notes: list[str], name: str) -> Actor:
    """The actor `name` stands for; a note when it was matched only approximately."""
    match = base.resolve_actor(name)
    if match.how == "fuzzy":
        found = match.actor
        notes.append(f"no actor is called {name!r}; using the closest, {found.name} ({found.id})")
    return match.actor


def source_id(base: FactBase, wanted: str | None) -> str | None:
    return base.source(wanted).id if wanted else None


def dates_of(since: FuzzyDate | None = None, until: FuzzyDate | None = None, on: FuzzyDate | None = None) -> DateRange:
    """The range asked for: --on a date, or --since/--until (not both ways at once)."""
    if on is not None:
        if since is not None or until is not None:
            raise QueryError("--on cannot be combined with --since or --until; give one or the other")
        return DateRange.on(on)
    return DateRange.of(since, until)


class EventFilters(Value):
    """The events filters as typed, shared by `events` and `export`."""

    actors: Sequence[str] = ()
    since: FuzzyDate | None = None
    until: FuzzyDate | None = None
    on: FuzzyDate | None = None
    tags: Sequence[str] = ()
    source: str | None = None
    text: str | None = None
    kinds: Sequence[EventKind] = ()

    def resolved(self, base: FactBase, notes: list[str]) -> dict[str, Any]:
        """The keyword arguments of FactBase.find_events: names as ids, tags and the source checked."""
        return {
            "actors": [actor(base, notes, name).id for name in self.actors],
            "dates": dates_of(self.since, self.until, self.on),
            "tags": [base.tag(name) for name in self.tags],
            "source": source_id(base, self.source),
            "text": self.text,
            "kinds": tuple(self.kinds),
        }
