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
