"""Building records from their TOML tables: the one way a record is made, with every problem found on the way.

`build` turns one table into its record, checking each field against its declaration (hamsyr.records.fields);
`FileBuilder` does it for every table of one file, checks what can be checked inside the file (duplicate ids,
references to the file's own records) and keeps the references it leaves to other files. The same code
reads a file for the first time, reads a record back from the cache (which keeps the tables as parsed) and
validates a base, so a record can only ever be made one way.

Problems are collected as found, at most PROBLEM_LIMIT of them (the rest are counted), and placed on their
lines only at the end, in one pass over the text (`Lines`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache, lru_cache
from typing import Any, NamedTuple

from hamsyr.records.dates import DateError, FuzzyDate, parse_date
from hamsyr.records.fields import Declared, Kind, fields_of, file_fields, id_pattern
from hamsyr.records.model import RECORD_TYPES

PLURALS = {record_type.plural: record_type for record_type in RECORD_TYPES}
_TARGET_NAMES = {**{t.plural: t.singular for t in RECORD_TYPES}, "events|quotes": "event or quote"}
# Enough to show what is wrong with a file, however broken: the rest are counted, not kept.
PROBLEM_LIMIT = 200


class Place(NamedTuple):
    """The record a problem is in: its array, its position in the file, and its name for messages."""

    plural: str
    position: int  # among the file's records of its array
    where: str  # "event 'offices-sealed'", or "event #3" when it has no usable id


class Found(NamedTuple):
    """A problem as found, before its line is known."""

    place: Place | None  # None: the file as a whole
    field: str  # the field's path ("sources[0].source"), or "" for the record as a whole
    message: str
    severity: str = "error"
    first: Place | None = None  # for a duplicate id: the record that used it first, whose line is named


class Problems:
    """The problems of one file, as found: the first PROBLEM_LIMIT kept, every one counted."""

    def __init__(self) -> None:
        self.found: list[Found] = []
        self.errors = 0
        self.total = 0

    def add(
        self, place: Place | None, field: str, message: str, severity: str = "error", first: Place | None = None
    ) -> None:
        self.total += 1
        self.errors += severity == "error"
        if len(self.found) < PROBLEM_LIMIT:
            self.found.append(Found(place, field, message, severity, first))

    @property
    def room(self) -> bool:
        """Whether another problem would be kept."""
        return len(self.found) < PROBLEM_LIMIT

    @property
    def more(self) -> int:
        """How many problems were counted but not kept."""
        return self.total - len(self.found)


# --- one record -----------------------------------------------------------------------------------------

_BAD = object()  # a field's value that is wrong (its problem is already reported)
Refs = list[tuple[str, str, str]]  # (field path, target plural, id) of each reference to another record


def build(record_class: type, table: Mapping[str, Any], place: Place, problems: Problems, refs: Refs) -> Any | None:
    """The record `table` declares, or None when a required field is missing or wrong; every problem is added
    to `problems`, and every reference to another record to `refs`."""
    return _build(record_class, table, place, problems, refs, "")


def _build(
    record_class: type, table: Mapping[str, Any], place: Place, problems: Problems, refs: Refs, prefix: str
) -> Any | None:
    steps, known, span = _plan(record_class)
    if not known.issuperset(table):
        expected = ", ".join(step.name for step in steps if step.name in known)
        for name in table:
            if name not in known:
                # The closest known name is looked for only while problems are still being kept.
                close = suggest(name, known) if problems.room else ""
                problems.add(place, prefix + name, f"unknown field{close} (expected one of: {expected})")
    values = []
    complete = True
    for name, read, required, empty in steps:
        raw = table.get(name)  # TOML has no null: None is a field not written
        if read is None:  # derived from the whole base when it is read
            values.append(empty)
            continue
        if raw is None:
            if required:
                problems.add(place, "", f"missing required field '{prefix + name}'")
                complete = False
            values.append(empty)
            continue
        value = read(raw, prefix, place, problems, refs)
        if value is _BAD:
            complete = complete and not required
            value = empty
        values.append(value)
    if not complete:
        return None
    record = record_class(*values)
    if span and record.start is not None and record.end is not None and record.end.end < record.start.start:
        problems.add(place, prefix + "end", f"ends before the {record_class.__name__.lower()} starts")
    return record


Reader = Callable[[Any, str, Place, Problems, Refs], Any]


class _Step(NamedTuple):
    """How one field of a record class is read from a table."""

    name: str
    read: Reader | None  # None for a field derived from the whole base, never written in a file
    required: bool
    empty: Any  # the value of a field not written (a derived field's default)


@cache
def _plan(record_class: type) -> tuple[tuple[_Step, ...], frozenset[str], bool]:
    """How each field of a record class is read, the names a file may write, and whether the record is a
    span whose end must not come before its start."""
    steps = []
    for declared in fields_of(record_class):
        if declared.field.derived:
            default = record_class._field_defaults[declared.name]  # type: ignore[attr-defined]
            steps.append(_Step(declared.name, None, False, default))
        else:
            steps.append(_Step(declared.name, _reader(declared), declared.field.required, _EMPTY[declared.field.kind]))
    known = frozenset(d.name for d in file_fields(record_class))
    return tuple(steps), known, {"start", "end"} <= known


def _reader(declared: Declared) -> Reader:
    """The function that reads one declared field: the value as the record holds it when it is plainly right
    (the usual case, made quick), else _BAD with its problem reported."""
    name, field, holds = declared.name, declared.field, declared.field.kind
    target = field.target or ""

    if holds is Kind.TEXT:

        def read(raw: Any, prefix: str, place: Place, problems: Problems, refs: Refs) -> Any:
            if type(raw) is str and raw and not raw.isspace():
                return raw
            return _report(_string_fault(raw), prefix + name, place, problems)

    elif holds is Kind.DATE:

        def read(raw: Any, prefix: str, place: Place, problems: Problems, refs: Refs) -> Any:
            if type(raw) is str and raw and not raw.isspace():
                try:
                    return _date(raw)
                except DateError as error:
                    return _report(str(error), prefix + name, place, problems)
            return _report(_string_fault(raw), prefix + name, place, problems)

    elif holds is Kind.CHOICE:
        members = declared.of._value2member_map_
        choices = ", ".join(member.value for member in declared.of)

        def read(raw: Any, prefix: str, place: Place, problems: Problems, refs: Refs) -> Any:
            member = members.get(raw) if type(raw) is str else None
            if member is not None:
                return member
            fault = _string_fault(raw) or f"unknown {name} {raw!r} (expected one of: {choices})"
            return _report(fault, prefix + name, place, problems)

    elif holds in (Kind.ID, Kind.REF):
        refer = holds is Kind.REF

        def read(raw: Any, prefix: str, place: Place, problems: Problems, refs: Refs) -> Any:
            if type(raw) is str and id_pattern().fullmatch(raw):
                if refer:
                    refs.append((prefix + name, target, raw))
                return raw
            return _report(_string_fault(raw) or _slug_fault(raw), prefix + name, place, problems)

    elif holds in _STRINGS:
        slugs, refer = holds is not Kind.TEXTS, holds is Kind.REFS

        def read(raw: Any, prefix: str, place: Place, problems: Problems, refs: Refs) -> Any:
            fault = _strings_fault(raw, slugs)
            if fault:
                return _report(fault, prefix + name, place, problems)
            if refer:
                refs.extend((prefix + name, target, item) for item in raw)
            return tuple(raw)

    else:  # Kind.TABLES; with a shorthand, a string stands for a table with just that field (an alias's name)
        item_class, shorthand = declared.of, field.shorthand

        def read(raw: Any, prefix: str, place: Place, problems: Problems, refs: Refs) -> Any:
            if type(raw) is list and shorthand:
                raw = [{shorthand: item} if type(item) is str else item for item in raw]
            if type(raw) is not list or not all(type(item) is dict for item in raw):
                return _report(
                    f"must be a list of {field.shape}, not {_type_name(raw)}", prefix + name, place, problems
                )
            if len(raw) < field.min_items:
                fault = field.too_few or f"needs at least {field.min_items} tables"
                return _report(fault, prefix + name, place, problems)
            inner = f"{prefix}{name}["
            built = [_build(item_class, item, place, problems, refs, f"{inner}{n}].") for n, item in enumerate(raw)]
            return tuple(item for item in built if item is not None)

    return read


def _report(message: str, path: str, place: Place, problems: Problems) -> Any:
    problems.add(place, path, message)
    return _BAD


def _string_fault(raw: Any) -> str:
    """What is wrong with a value that should be a string ("" when it is a non-empty one)."""
    if type(raw) is not str:
        return f"must be a string, not {_type_name(raw)}"
    return "must not be empty" if not raw or raw.isspace() else ""


def _slug_fault(raw: str) -> str:
    return f"{raw!r} is not a lower-case slug (letters a-z, digits and single hyphens)"


def _strings_fault(raw: Any, slugs: bool) -> str:
    """What is wrong with a value that should be a list of strings (of slugs), or ""."""
    if type(raw) is not list:
        return f"must be a list of strings, not {_type_name(raw)}"
    for item in raw:
        if type(item) is not str:
            return f"must be a list of strings, but holds {_type_name(item)}"
        if not item or item.isspace():
            return "must not contain empty strings"
    if slugs:
        match = id_pattern().fullmatch
        for item in raw:
            if not match(item):
                return _slug_fault(item)
    return ""


_STRINGS = frozenset({Kind.TEXTS, Kind.SLUGS, Kind.REFS})
_EMPTY: dict[Kind, Any] = {holds: () if holds in _STRINGS or holds is Kind.TABLES else None for holds in Kind}


@lru_cache(maxsize=1 << 12)
def _date(text: str) -> FuzzyDate:
    return parse_date(text)  # dates repeat across a base: each is parsed once


def _type_name(value: Any) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "a boolean", list: "a list", dict: "a table"}
    return names.get(type(value), "a date or time" if hasattr(value, "isoformat") else type(value).__name__)


def suggest(name: str, known: Iterable[str]) -> str:
    """ " (did you mean 'x'?)", or "" when nothing is close."""
    from difflib import get_close_matches

    close = get_close_matches(name, list(known), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def an(singular: str) -> str:
    return f"an {singular}" if singular[0] in "aeiou" else f"a {singular}"


def target_name(target: str) -> str:
    """What a reference must name, for messages: "actor", "event or quote"."""
    return _TARGET_NAMES[target]


def listed_message(value: str, listed_in: str) -> str:
    return (
        f"'{value}' is only listed in '{listed_in}' as further reading: a title nobody here has read is no "
        "evidence; cite the document the fact was read in"
    )


def unknown_message(value: str, target: str, known: Iterable[str]) -> str:
    wanted = target_name(target)
    return f"unknown {wanted} '{value}'{suggest(value, known)}: add {an(wanted)} with that id or fix the reference"


def wrong_kind_message(value: str, found_plural: str, target: str) -> str:
    return f"'{value}' is {an(PLURALS[found_plural].singular)}, not {an(target_name(target))}"
