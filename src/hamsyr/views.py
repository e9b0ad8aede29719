"""What a command hands to the renderer: query results, not yet formatted."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from hamsyr.factbase import Hit, Support, YearGroup
from hamsyr.model import Actor, Event, Quote, Record, Source


@dataclass(frozen=True)
class Listing:
    """Records of one kind: "source", "actor", "event", "quote", "dispute", "hit" or "support"."""

    kind: str
    items: Sequence[Record | Hit | Support]


@dataclass(frozen=True)
class ActorView:
    actor: Actor
    events: Sequence[Event]
    quotes: Sequence[Quote]
    quotes_about: Sequence[Quote]


@dataclass(frozen=True)
class SourceView:
    source: Source
    supports: Sequence[Support]


@dataclass(frozen=True)
class TimelineView:
    groups: Sequence[YearGroup]


@dataclass(frozen=True)
class InfoView:
    data: dict[str, Any] = field(default_factory=dict)

    def items(self) -> Iterator[tuple[str, Any]]:
        """(key, value) pairs with nested objects flattened to dotted keys, for tables and TSV."""
        for key, value in self.data.items():
            if isinstance(value, dict):
                yield from ((f"{key}.{inner}", item) for inner, item in value.items())
            else:
                yield key, value


View = Listing | ActorView | SourceView | TimelineView | InfoView
