"""Views that list records of one type (events, quotes, actors, role holders, sources, disputes, search hits),
each as JSON, as rows and as a table. A listing carries the names of the actors it shows by id, so that
nothing needs the fact base to write it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from hamsyr.records.codec import date_details, date_keys, date_text, to_dict
from hamsyr.records.model import Actor, Dispute, Event, Quote, Source, record_date, record_label, record_type
from hamsyr.views.view import NO_NAMES, View, record_columns

if TYPE_CHECKING:
    from hamsyr.query.results import Hit
    from hamsyr.views.blocks import Block, Table

Item = TypeVar("Item")


class Listing(View, Generic[Item]):
    """Items of one type, in order, and the names of the actors they refer to by id (an id missing from
    `names` is shown as it is)."""

    record_class: type = object  # the record a row is, for the columns

    def __init__(self, items: Sequence[Item], names: Mapping[str, str] = NO_NAMES) -> None:
        self.items = items
        self.names = names

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.items)} items)"

    def item_data(self, item: Item) -> dict[str, Any]:
        return to_dict(item)

    def data(self) -> list[dict[str, Any]]:
        return [self.item_data(item) for item in self.items]

    def columns(self) -> Sequence[str]:
        return record_columns(self.record_class)

    def rows(self) -> list[dict[str, Any]]:
        return self.data()

    def blocks(self) -> list[Block]:
        return [self.table()] if self.items else []

    def table(self) -> Table:
        raise NotImplementedError


class EventList(Listing[Event]):
    record_class = Event

    def table(self) -> Table:
        from hamsyr.views import tables

        return tables.events(self.items, self.names)


class QuoteList(Listing[Quote]):
    record_class = Quote

    def table(self) -> Table:
        from hamsyr.views import tables

        return tables.quotes(self.items, self.names)


class ActorList(Listing[Actor]):
    record_class = Actor

    def table(self) -> Table:
        from hamsyr.views import tables

        return tables.actors(self.items)


class RoleHolderList(Listing[Actor]):
    """Actors with only the roles they held at the time asked about."""

    record_class = Actor

    def table(self) -> Table:
        from hamsyr.views import tables

        return tables.role_holders(self.items, self.names)


class DisputeList(Listing[Dispute]):
    record_class = Dispute

    def table(self) -> Table:
        from hamsyr.views import tables

        return tables.disputes(self.items)


class SourceList(Listing[Source]):
    record_class = Source

    def blocks(self) -> list[Block]:
        """The documents the facts are drawn from; apart, the titles they only list, which are no evidence."""
        from hamsyr.views import tables

        read = [source for source in self.items if not source.listed_in]
        listed = [source for source in self.items if source.listed_in]
        blocks: list[Block] = [tables.sources(read)] if read else []
        for lister in dict.fromkeys(source.listed_in for source in listed):
            title = f"Listed as further reading in {lister}: titles only, not read, never cited"
            blocks.append(tables.sources([source for source in listed if source.listed_in == lister], title))
        return blocks


HIT_COLUMNS = ("type", "id", "date", "title", "score", "field", "passage", *date_keys("date"))


class HitList(Listing["Hit"]):
    """Search hits, best first: what was found, its rank, and the passage that matched."""

    def item_data(self, hit: Hit) -> dict[str, Any]:
        record = hit.record
        return {
            "type": record_type(record),
            "id": record.id,
            "date": date_text(record_date(record)),
            "title": record_label(record),
            "score": hit.score,
            "field": hit.field,  # where the best match is
            "passage": hit.passage,
            "spans": [list(span) for span in hit.spans],  # [start, end] of the matches inside `passage`
            **date_details("date", record_date(record)),
        }

    def columns(self) -> Sequence[str]:
        return HIT_COLUMNS

    def table(self) -> Table:
        from hamsyr.views import tables

        return tables.hits(self.items)
