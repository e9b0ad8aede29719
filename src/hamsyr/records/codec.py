"""Records as plain data and back: JSON-ready dicts with the declared field order (hamsyr.records.fields).

`to_dict` is the JSON form every output and export starts from; `from_dict` reverses it, for the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import cache
from typing import Any

from hamsyr.records.dates import FuzzyDate, parse_date
from hamsyr.records.fields import Kind, fields_of


def to_dict(record: Any) -> dict[str, Any]:
    """A record (or a citation, role or claim inside one) as JSON-ready data, keys in declared order."""
    return {name: _plain(value) for name, value in zip(record._fields, record, strict=True)}


def _plain(value: Any) -> Any:
    if value is None or type(value) is str:
        return value
    if isinstance(value, FuzzyDate):
        return value.text
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return to_dict(value) if hasattr(value, "_fields") else [_plain(item) for item in value]
    return value


def date_text(value: FuzzyDate | None) -> str | None:
    return value.text if value is not None else None


def from_dict(record_class: type, data: dict[str, Any]) -> Any:
    """The record of `record_class` that `to_dict` made `data` from; KeyError, TypeError or ValueError
    when `data` is not such a dict."""
    return record_class(*[decode(data[name]) for name, decode in _decoders(record_class)])


@cache
def _decoders(record_class: type) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    decoders = []
    for declared in fields_of(record_class):
        kind = declared.field.kind
        decode: Callable[[Any], Any]
        if kind is Kind.DATE:
            decode = _date
        elif kind is Kind.CHOICE:
            decode = declared.of
        elif kind is Kind.TABLES:
            decode = _tables(declared.of)
        elif kind in (Kind.TEXTS, Kind.SLUGS, Kind.REFS):
            decode = tuple
        else:
            decode = _same
        decoders.append((declared.name, decode))
    return tuple(decoders)


def _date(value: str | None) -> FuzzyDate | None:
    return parse_date(value) if value is not None else None


def _same(value: Any) -> Any:
    return value


def _tables(item_class: type) -> Callable[[Any], tuple[Any, ...]]:
    def decode(items: list[dict[str, Any]]) -> tuple[Any, ...]:
        return tuple(from_dict(item_class, item) for item in items)

    return decode
