"""What every view can be written as: JSON data, flat rows (TSV, CSV), the titled sections of a page (TSV),
blocks for people (tables), or lines. Each view type says how; hamsyr.output only writes what it is given.

Records become data through hamsyr.records.codec, so keys and columns follow the record declarations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hamsyr.errors import QueryError

if TYPE_CHECKING:
    from hamsyr.views.blocks import Block

# A section of a page written as TSV: its title, its columns and its rows.
Section = tuple[str, Sequence[str], list[dict[str, Any]]]
NO_NAMES: Mapping[str, str] = {}  # a view that shows no actor's name, or shows their ids


class View:
    """A view: what one command answers. A subclass gives `data`, `columns`, `rows` and `blocks`; a page
    also gives its `sections`."""

    def data(self) -> Any:
        """The JSON document: an array for a listing, an object for one record."""
        raise NotImplementedError

    def columns(self) -> Sequence[str]:
        """The columns of `rows`."""
        raise NotImplementedError

    def rows(self) -> list[dict[str, Any]]:
        """Records as rows of data, for TSV and CSV; a page gives its one record as one row."""
        raise NotImplementedError

    def blocks(self) -> list[Block]:
        """What a person sees, one block under another; none when nothing matched."""
        raise NotImplementedError

    def sections(self) -> list[Section] | None:
        """A page as titled sections of rows, so that a pipe gets everything its tables show; None for a
        view that is one listing."""
        return None

    def lines(self) -> list[str] | None:
        """The view as lines of text in every format but JSON (a problem a line, as compilers list theirs);
        None for a view written as rows."""
        return None

    def data_with(self, fields: Sequence[str]) -> Any:
        """The JSON document with only `fields` (in that order) in each record."""
        data = self.data()
        records = data if isinstance(data, list) else [data]
        picked = chosen(fields, [*self.columns(), *(key for record in records for key in record)])
        kept = [{name: record[name] for name in picked} for record in records]
        return kept if isinstance(data, list) else kept[0]

    def rows_with(self, fields: Sequence[str]) -> tuple[Sequence[str], list[dict[str, Any]]]:
        """Only the columns `fields`, in that order, and the rows."""
        return chosen(fields, self.columns()), self.rows()


def chosen(fields: Sequence[str], available: Iterable[str]) -> list[str]:
    """The fields asked for, in that order; QueryError naming the valid ones when one is unknown."""
    valid = list(dict.fromkeys(available))
    unknown = [name for name in fields if name not in valid]
    if unknown:
        hint = _did_you_mean(unknown[0], valid)
        raise QueryError(f"unknown field {unknown[0]!r} for --fields;{hint} valid fields: {', '.join(valid)}")
    return list(fields)


def _did_you_mean(name: str, valid: Sequence[str]) -> str:
    from difflib import get_close_matches

    close = get_close_matches(name, valid, n=1, cutoff=0.6)
    return f" did you mean {close[0]!r}?" if close else ""


def record_columns(record_class: type) -> tuple[str, ...]:
    """The columns of a record: its JSON keys but the tables a cell cannot hold (the names of an actor's
    aliases are in `aliases`)."""
    from hamsyr.records.codec import json_keys

    return tuple(key for key in json_keys(record_class) if key != "names")
