"""What a command hands to the renderer: query results, not yet formatted."""

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from hamsyr.factbase import Hit, Support, YearGroup
from hamsyr.model import Actor, Event, Quote, Record, Source


class Listing(NamedTuple):
    """Records of one kind: "source", "actor", "event", "quote", "dispute", "hit" or "support"."""

    kind: str
    items: Sequence[Record | Hit | Support]


class ActorView(NamedTuple):
    actor: Actor
    events: Sequence[Event]
    quotes: Sequence[Quote]
    quotes_about: Sequence[Quote]


class SourceView(NamedTuple):
    source: Source
    supports: Sequence[Support]


class TimelineView(NamedTuple):
    groups: Sequence[YearGroup]


class InfoView(NamedTuple):
    data: dict[str, Any]

    def items(self) -> Iterator[tuple[str, Any]]:
        """(key, value) pairs with nested objects flattened to dotted keys, for tables and TSV."""
        for key, value in self.data.items():
            if isinstance(value, dict):
                yield from ((f"{key}.{inner}", item) for inner, item in value.items())
            else:
                yield key, value


View = Listing | ActorView | SourceView | TimelineView | InfoView
