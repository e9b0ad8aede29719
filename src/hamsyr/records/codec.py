"""Records as plain data and back.

- `to_dict`: the JSON form every output and export starts from, keys in the declared order; `from_dict`
  reverses it (the SQLite cache stores records as their JSON).
- `to_row` and `RowDecoder`: a record as a tuple of plain values in field order, for the snapshot cache,
  with a `plan` of how to rebuild each field. The plan is derived from the declarations when the cache is
  written and stored with it, so that reading the cache needs neither the declarations nor their typing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from enum import Enum
from functools import cache
from typing import Any

from hamsyr.records.dates import FuzzyDate, Precision, parse_date


def to_dict(record: Any) -> dict[str, Any]:
    """A record (or a citation, role or claim inside one) as JSON-ready data: the fields in declared order,
    then, for a list of tables written by a shorthand (aliases), the tables under their own key, and for
    every date field X the days and qualifiers it stands for (see `date_details`)."""
    data = dict(zip(record._fields, map(_plain, record), strict=True))
    record_class: type = type(record)
    dates, shorthands = _json_extras(record_class)
    for name, shorthand, expanded in shorthands:
        tables = data[name]
        data[name] = [table[shorthand] for table in tables]
        data[expanded] = tables
    for name in dates:
        data.update(date_details(name, getattr(record, name)))
    return data


def date_details(name: str, value: FuzzyDate | None) -> dict[str, Any]:
    """For a date field `name`: the first and last day it may mean (ISO days, inclusive; an approximate date
    widened), its precision, and whether it is approximate or uncertain; all null when there is no date."""
    if value is None:
        return dict.fromkeys(f"{name}_{detail}" for detail in _DETAILS)
    return {
        f"{name}_start": value.first_day.isoformat(),
        f"{name}_end": value.last_day.isoformat(),
        f"{name}_precision": value.precision.value,
        f"{name}_approximate": value.approximate,
        f"{name}_uncertain": value.uncertain,
    }


_DETAILS = ("start", "end", "precision", "approximate", "uncertain")


def json_keys(record_class: type) -> tuple[str, ...]:
    """The keys of `to_dict` for a record class, in order."""
    dates, shorthands = _json_extras(record_class)
    expanded = tuple(name for _, _, name in shorthands)
    return (*record_class._fields, *expanded, *(f"{name}_{detail}" for name in dates for detail in _DETAILS))  # type: ignore[attr-defined]


@cache
def _json_extras(record_class: type) -> tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]:
    from hamsyr.records.fields import Kind, fields_of

    declared = fields_of(record_class)
    dates = tuple(d.name for d in declared if d.field.kind is Kind.DATE)
    shorthands = tuple((d.name, d.field.shorthand, d.field.expanded) for d in declared if d.field.shorthand)
    return dates, shorthands


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind is str or value is None:
        return value
    if kind is tuple:  # a list of strings, or of tables (citations, roles, claims)
        return list(value) if not value or type(value[0]) is str else list(map(to_dict, value))
    if kind is FuzzyDate:
        return value.text
    if isinstance(value, Enum):
        return value.value
    return value


def date_text(value: FuzzyDate | None) -> str | None:
    return value.text if value is not None else None


# --- from JSON ---------------------------------------------------------------------------------------------


def from_dict(record_class: type, data: dict[str, Any]) -> Any:
    """The record of `record_class` that `to_dict` made `data` from; KeyError, TypeError or ValueError
    when `data` is not such a dict."""
    values = []
    for name, decode in _decoders(record_class):
        value = data[name]
        values.append(value if value is None else decode(value))
    return record_class(*values)


@cache
def _decoders(record_class: Any) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    import hamsyr.records.model as model

    def tables(item_class: type) -> Callable[[Any], tuple[Any, ...]]:
        return lambda items: tuple(from_dict(item_class, item) for item in items)

    _, shorthands = _json_extras(record_class)
    expanded = {name: key for name, _, key in shorthands}
    decoders: list[tuple[str, Callable[[Any], Any]]] = []
    for name, (how, inner) in zip(record_class._fields, plans_of(record_class)[record_class.__name__], strict=True):
        decode: Callable[[Any], Any]
        if name in expanded:  # the tables are under their own key
            decoders.append((expanded[name], tables(getattr(model, inner))))
            continue
        if how == "records":
            decode = tables(getattr(model, inner))
        elif how == "choice":
            decode = getattr(model, inner)
        else:
            decode = _SIMPLE[how]
        decoders.append((name, decode))
    return tuple(decoders)


# --- rows and plans, for the snapshot cache ----------------------------------------------------------------

Plan = tuple[tuple[str, str], ...]  # for each field: how to rebuild it ("", "date", "tuple", "choice",
# "records") and the class it is made of (an enum or a record class, by name)


def plans_of(record_class: type) -> dict[str, Plan]:
    """The plans of a record class and of the classes of the tables inside it, by class name."""
    from hamsyr.records.fields import Kind, fields_of

    how = {Kind.DATE: "date", Kind.CHOICE: "choice", Kind.TABLES: "records"}
    how |= {Kind.TEXTS: "tuple", Kind.SLUGS: "tuple", Kind.REFS: "tuple"}
    plans: dict[str, Plan] = {}
    pending = [record_class]
    while pending:
        current = pending.pop()
        declared = fields_of(current)
        plans[current.__name__] = tuple(
            (how.get(d.field.kind, ""), d.of.__name__ if d.of is not None else "") for d in declared
        )
        pending += [d.of for d in declared if d.field.kind is Kind.TABLES and d.of.__name__ not in plans]
    return plans


@cache
def every_plan() -> dict[str, Plan]:
    """The plans of every record kind and of the tables inside them, by class name: what a cache stores
    beside its rows."""
    from hamsyr.records.model import RECORD_TYPES

    return {name: plan for t in RECORD_TYPES for name, plan in plans_of(t.record_class).items()}


def current_decoder() -> RowDecoder:
    """A decoder of rows made by this hamsyr (rows held in memory, not read from a cache)."""
    from hamsyr.records import model

    return RowDecoder(every_plan(), vars(model))


def to_row(record: Any) -> tuple[Any, ...]:
    """A record as a tuple of plain values in field order: dates as written, enums as their values, the
    tables inside it as rows."""
    return tuple(value if value is None or type(value) is str else _row_value(value) for value in record)


def event_index(event: Any) -> tuple[Any, ...]:
    """What a cache indexes an event by: the first and last day a date filter matches (an approximate date
    widened) and the days it sorts by (hamsyr.records.dates.sort_key), as ordinals (None when undated), then
    its actors, tags and cited sources, each once."""
    when: FuzzyDate | None = event.date
    days = (when.first_day, when.last_day, when.start, when.end) if when is not None else (None,) * 4
    return (
        *(day.toordinal() if day is not None else None for day in days),
        tuple(dict.fromkeys(event.actors)),
        tuple(dict.fromkeys(event.tags)),
        tuple(dict.fromkeys(citation.source for citation in event.sources)),
    )


def date_row(value: FuzzyDate) -> tuple[Any, ...]:
    """A date as a row: parsed, with its days as ordinals, so that rebuilding it needs no parsing (and no
    regular expression)."""
    days = [day.toordinal() if day is not None else None for day in (value.start, value.end, *value[7:9])]
    return (value.text, value.precision.value, *value[4:7], *days, value.qualified)


def _row_value(value: Any) -> Any:
    if isinstance(value, FuzzyDate):
        return date_row(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple) and value and type(value[0]) is not str:
        return tuple(to_row(item) for item in value)
    return value


class RowDecoder:
    """Rebuilds records from rows with stored plans, finding classes by name in `classes`; KeyError,
    TypeError, IndexError or ValueError when a row does not fit its plan."""

    def __init__(self, plans: Mapping[str, Plan], classes: Mapping[str, Any]) -> None:
        self._plans = plans
        self._classes = classes
        self._made: dict[str, tuple[tuple[Callable[[Any], Any], str], ...]] = {}

    def _steps(self, class_name: str) -> tuple[tuple[Callable[[Any], Any], str], ...]:
        made = self._made.get(class_name)
        if made is not None:
            return made
        steps = []
        for how, inner in self._plans[class_name]:
            decode: Callable[[Any], Any]
            if how == "date":
                decode = _date_from_row
            elif how == "choice":
                decode = self._classes[inner]
            elif how == "records":
                decode = self._tables(inner)
            else:
                decode = _CHECKED[how]
            steps.append((decode, how))
        made = self._made[class_name] = tuple(steps)
        return made

    def _tables(self, class_name: str) -> Callable[[Any], tuple[Any, ...]]:
        def decode(rows: Any) -> tuple[Any, ...]:
            return tuple(self.record(class_name, row) for row in rows)

        return decode

    def record(self, class_name: str, row: Any) -> Any:
        steps = self._steps(class_name)
        if len(row) != len(steps):
            raise ValueError(f"a {class_name} row has {len(row)} values, not {len(steps)}")
        values = [value if value is None else decode(value) for (decode, _), value in zip(steps, row, strict=True)]
        return self._classes[class_name]._make(values)


def _same(value: Any) -> Any:
    return value


_SIMPLE: dict[str, Callable[[Any], Any]] = {"date": parse_date, "tuple": tuple, "": _same}


def _text(value: Any) -> str:
    """A text field of a cache row: a string, or the row is damaged (TypeError)."""
    if type(value) is not str:
        raise TypeError(f"a text field holds {type(value).__name__}")
    return value


def _texts(value: Any) -> tuple[str, ...]:
    if type(value) is not tuple or not all(type(item) is str for item in value):
        raise TypeError("a list of texts holds something else")
    return value


# What rebuilding a row checks: a cache that holds a value of the wrong type is damaged, never believed.
_CHECKED: dict[str, Callable[[Any], Any]] = {"tuple": _texts, "": _text}


def _date(value: str) -> FuzzyDate:
    return parse_date(value)


def _date_from_row(row: Any) -> FuzzyDate:
    text, precision, approximate, uncertain, is_span, start, end, earliest, latest, qualified = row
    day = date.fromordinal
    return FuzzyDate(
        text,
        day(start),
        day(end),
        Precision(precision),
        approximate,
        uncertain,
        is_span,
        day(earliest) if earliest is not None else None,
        day(latest) if latest is not None else None,
        qualified,
    )
