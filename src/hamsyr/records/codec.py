"""Records as JSON-ready data, the form every output and export starts from: keys in the declared order,
with what each date stands for beside it. (Records are made from data in one place only: hamsyr.loading.build.)
"""

from __future__ import annotations

from enum import Enum
from functools import cache
from typing import Any

from hamsyr.records.dates import FuzzyDate


def to_dict(record: Any) -> dict[str, Any]:
    """A record (or a citation, role or claim inside one) as JSON-ready data: the fields in declared order,
    then, for a list of tables written by a shorthand (aliases), the tables under their own key, and for
    every date field X the days and qualifiers it stands for (see `date_details`)."""
    data = dict(zip(record._fields, map(_plain, record), strict=True))
    record_class: type = type(record)
    dates, shorthands = _json_extras(record_class)
    for name, shorthand, expanded in shorthands:
        # Under the field's own name only what the shorthand means (an alias's name) of the items that are
        # that (names, not the descriptors, labels and epithets, which are no names); every table under
        # `expanded`.
        items, tables = getattr(record, name), data[name]
        data[name] = [table[shorthand] for item, table in zip(items, tables, strict=True) if not _aside(item)]
        data[expanded] = tables
    for name in dates:
        data.update(date_details(name, getattr(record, name)))
    return data


def date_details(name: str, value: FuzzyDate | None) -> dict[str, Any]:
    """For a date field `name`, what it stands for (all null when there is no date):
    - `NAME_start`, `NAME_end`: the first and last day it may mean, an approximate date widened by one unit of
      the part it qualifies on each side: what a date filter matches (ISO days, inclusive);
    - `NAME_stated_start`, `NAME_stated_end`: the first and last day of the date as the source states it;
    - `NAME_precision`: "year", "month" or "day" (for a span of mixed precisions, "day");
    - `NAME_approximate`, `NAME_uncertain`: whether a part of it is approximate (`~`), or inferred by the
      editors (`?`);
    - `NAME_approximate_parts`, `NAME_uncertain_parts`: which parts ("year", "month", "day") are."""
    if value is None:
        return dict.fromkeys(date_keys(name))
    return {
        f"{name}_start": value.first_day.isoformat(),
        f"{name}_end": value.last_day.isoformat(),
        f"{name}_stated_start": value.start.isoformat(),
        f"{name}_stated_end": value.end.isoformat(),
        f"{name}_precision": value.precision.value,
        f"{name}_approximate": value.approximate,
        f"{name}_uncertain": value.uncertain,
        f"{name}_approximate_parts": list(value.parts(uncertain=False)),
        f"{name}_uncertain_parts": list(value.parts(uncertain=True)),
    }


# What `date_details` gives of every date, in order, and what each means (for the exports' descriptions).
DATE_DETAILS = {
    "start": "The first day it may mean, an approximate date widened: what a date filter matches (ISO date).",
    "end": "The last day it may mean, an approximate date widened: what a date filter matches (ISO date).",
    "stated_start": "The first day of the date as the source states it (ISO date).",
    "stated_end": "The last day of the date as the source states it (ISO date).",
    "precision": "year, month or day (day for a span of mixed precisions).",
    "approximate": "Whether a part of it is approximate (`~`).",
    "uncertain": "Whether a part of it is inferred by the editors, not stated (`?`).",
    "approximate_parts": "Which parts (year, month, day) are approximate.",
    "uncertain_parts": "Which parts (year, month, day) are inferred.",
}


def date_keys(name: str) -> tuple[str, ...]:
    """The keys `date_details` gives of a date field `name`, in order."""
    return tuple(f"{name}_{detail}" for detail in DATE_DETAILS)


def json_keys(record_class: type) -> tuple[str, ...]:
    """The keys of `to_dict` for a record class, in order."""
    dates, shorthands = _json_extras(record_class)
    expanded = tuple(name for _, _, name in shorthands)
    return (*record_class._fields, *expanded, *(f"{name}_{detail}" for name in dates for detail in DATE_DETAILS))  # type: ignore[attr-defined]


@cache
def _json_extras(record_class: type) -> tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]:
    from hamsyr.records.fields import Kind, fields_of

    declared = fields_of(record_class)
    dates = tuple(d.name for d in declared if d.field.kind is Kind.DATE)
    shorthands = tuple((d.name, d.field.shorthand, d.field.expanded) for d in declared if d.field.shorthand)
    return dates, shorthands


def _aside(item: Any) -> bool:
    """Whether an item of a list is kept apart from the others (an alias that is no name)."""
    return bool(getattr(item, "is_descriptor", False))


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
