"""What a command hands to the renderer: query results, not yet formatted."""

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any, NamedTuple

from hamsyr.factbase import Hit, Support, YearGroup
from hamsyr.model import Actor, Event, Phase, Quote, Record, Role, Source


class Listing(NamedTuple):
    """Records of one kind: "source", "actor", "event", "quote", "dispute", "hit" or "support"."""

    kind: str
    items: Sequence[Record | Hit | Support]


class Lane(NamedTuple):
    """One row of the timeline picture: a label and the events marked on it."""

    label: str
    events: Sequence[Event]


class ActorView(NamedTuple):
    """One actor (with only the roles held `on` a date, when one was asked for), its events and quotes, and
    the people who hold roles in it (when it is an organization)."""

    actor: Actor
    events: Sequence[Event]
    quotes: Sequence[Quote]
    quotes_about: Sequence[Quote]
    members: Sequence[tuple[Actor, Role]] = ()
    on: str | None = None


class PhasesView(NamedTuple):
    """Phases of the relationship, and, when asked as of a date, the events inside each."""

    phases: Sequence[Phase]
    events: Sequence[Sequence[Event]] | None = None
    on: str | None = None


class SourceView(NamedTuple):
    source: Source
    supports: Sequence[Support]


class TimelineView(NamedTuple):
    """Events by year; for the picture also the phases, one lane of events per actor asked for, and the
    span of days the axis covers (None when there is nothing dated to draw)."""

    groups: Sequence[YearGroup]
    phases: Sequence[Phase] = ()
    lanes: Sequence[Lane] = ()
    span: tuple[date, date] | None = None


class InfoView(NamedTuple):
    data: dict[str, Any]

    def items(self) -> Iterator[tuple[str, Any]]:
        """(key, value) pairs with nested objects flattened to dotted keys, for tables and TSV."""
        for key, value in self.data.items():
            if isinstance(value, dict):
                yield from ((f"{key}.{inner}", item) for inner, item in value.items())
            else:
                yield key, value


View = Listing | ActorView | SourceView | TimelineView | InfoView | PhasesView
