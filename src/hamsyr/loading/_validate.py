"""Checking a parsed fact base against the record declarations and building its records, collecting every
problem on the way. Only loaded when a base has to be parsed: a cached base needs none of this."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from hamsyr.errors import Problem
from hamsyr.records.dates import DateError, FuzzyDate, parse_date
from hamsyr.records.fields import Declared, Kind, file_fields, id_pattern
from hamsyr.records.model import FORMATS, RECORD_TYPES, Dispute, RecordType
from hamsyr.records.store import MemoryStore

_PLURALS = {record_type.plural: record_type for record_type in RECORD_TYPES}
_TARGET_NAMES = {**{t.plural: t.singular for t in RECORD_TYPES}, "events|quotes": "event or quote"}


class _Lines:
    """Finds the line of a record (by type and position) and of a field inside it, for error messages.

    Only built when there is a problem to report, so a valid base pays nothing for it.
    """

    _HEADER = re.compile(r"\s*\[\[\s*([\w.]+)\s*\]\]")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.starts: dict[str, list[int]] = {}
        for number, line in enumerate(self.lines, start=1):
            header = self._HEADER.match(line)
            if header and "." not in header[1]:
                self.starts.setdefault(header[1], []).append(number)

    def record(self, plural: str, index: int) -> int | None:
        starts = self.starts.get(plural, [])
        return starts[index] if index < len(starts) else None

    def field(self, plural: str, index: int, name: str) -> int | None:
        """The line of `name` inside the record; `roles[1].end` is looked up in the second roles table."""
        first = self.record(plural, index)
        if first is None:
            return None
        head, _, rest = name.partition("[")
        if rest and "." in rest and self._is_subtable(plural, head, first):
            number, _, inner = rest.partition("].")
            tables = [n for n in self._block(plural, first) if self._header(n) == f"{plural}.{head}"]
            if number.isdigit() and int(number) < len(tables):
                return self._find(tables[int(number)], inner) or tables[int(number)]
        return self._find(first, head) or first

    def _header(self, number: int) -> str | None:
        match = self._HEADER.match(self.lines[number - 1])
        return match[1] if match else None

    def _block(self, plural: str, first: int) -> range:
        """Lines of a record: up to the next header that is not one of its own sub-tables."""
        end = first + 1
        while end <= len(self.lines):
            header = self._header(end)
            if header is not None and not header.startswith(f"{plural}."):
                break
            end += 1
        return range(first, end)

    def _is_subtable(self, plural: str, head: str, first: int) -> bool:
        return any(self._header(n) == f"{plural}.{head}" for n in self._block(plural, first))

    def _find(self, start: int, name: str) -> int | None:
        """The first `name = ...` line from `start` until the next table header."""
        name = name.partition("[")[0].partition(".")[0]
        pattern = re.compile(rf"\s*{re.escape(name)}\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            if self._header(number) is not None:
                return None
            if pattern.match(self.lines[number - 1]):
                return number
        return None


class _Place:
    """Where a value being checked is: its record (type, position, name for messages) and field path."""

    __slots__ = ("index", "path", "plural", "where")

    def __init__(self, plural: str, index: int, where: str, path: str = "") -> None:
        self.plural, self.index, self.where, self.path = plural, index, where, path

    def inside(self, path: str) -> _Place:
        return _Place(self.plural, self.index, self.where, path)


class _Validator:
    """Checks the parsed document and builds records, collecting every problem on the way."""

    def __init__(self, path: Path, text: str) -> None:
        self.file = str(path)
        self.text = text
        self.problems: list[Problem] = []
        self._lines: _Lines | None = None
        # (place, field name, target type, id) for references checked once all ids are known
        self._refs: list[tuple[_Place, str, str, str]] = []

    def line_of(self, plural: str, index: int, field: str | None = None) -> int | None:
        if self._lines is None:
            self._lines = _Lines(self.text)
        if field is None:
            return self._lines.record(plural, index)
        return self._lines.field(plural, index, field)

    def report(self, place: _Place, field: str | None, message: str, severity: str = "error") -> None:
        prefix = f"field '{field}': " if field else ""
        line = self.line_of(place.plural, place.index, field)
        self.problems.append(Problem(self.file, line, place.where, prefix + message, severity=severity))

    def check_document(self, document: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
        """Each record type's tables, after checking the top level has only known arrays of tables."""
        tables: dict[str, list[dict[str, Any]]] = {}
        for key, value in document.items():
            if key == "format":
                if value not in FORMATS:
                    message = f"format = {value!r} is not a fact base format hamsyr reads (it reads {FORMATS})"
                    self.problems.append(Problem(self.file, None, "", message))
            elif key not in _PLURALS:
                expected = ", ".join(("format", *_PLURALS))
                self.problems.append(
                    Problem(self.file, None, "", f"unknown top-level key '{key}' (expected {expected})")
                )
            elif not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                self.problems.append(
                    Problem(self.file, None, "", f"'{key}' must be an array of tables ([[{key}]] blocks)")
                )
            else:
                tables[key] = value
        return tables

    def record(self, record_class: type, table: Mapping[str, Any], place: _Place) -> Any | None:
        """Check one table against the class's declared fields; the record, or None when a required field is
        missing or invalid (the problem is reported)."""
        declared = file_fields(record_class)
        known = {d.name for d in declared}
        for name in table:
            if name not in known:
                expected = ", ".join(d.name for d in declared)
                self.report(
                    place, place.path + name, f"unknown field{_suggest(name, known)} (expected one of: {expected})"
                )
        values: dict[str, Any] = {}
        complete = True
        for field in declared:
            if field.name not in table:
                if field.field.required:
                    self.report(place, None, f"missing required field '{place.path + field.name}'")
                    complete = False
                values[field.name] = _EMPTY[field.field.kind]
                continue
            value = self.value(field, table[field.name], place)
            if value is None:
                complete = complete and not field.field.required
                value = _EMPTY[field.field.kind]
            values[field.name] = value
        start, end = values.get("start"), values.get("end")
        if isinstance(start, FuzzyDate) and isinstance(end, FuzzyDate) and end.end < start.start:
            self.report(place, place.path + "end", f"ends before the {record_class.__name__.lower()} starts")
        return record_class(**values) if complete else None

    def value(self, declared: Declared, raw: Any, place: _Place) -> Any:
        """The value converted to its declared type, or None when it is invalid (the problem is reported)."""
        name = place.path + declared.name
        field = declared.field
        kind = field.kind

        def bad(message: str) -> None:
            self.report(place, name, message)

        if kind in (Kind.TEXT, Kind.ID, Kind.REF, Kind.DATE, Kind.CHOICE):
            if not isinstance(raw, str):
                return bad(f"must be a string, not {_type_name(raw)}")
            if not raw.strip():
                return bad("must not be empty")
            if kind is Kind.ID and not id_pattern().fullmatch(raw):
                return bad(f"{raw!r} is not a lower-case slug (letters a-z, digits and single hyphens)")
            if kind is Kind.DATE:
                try:
                    return parse_date(raw)
                except DateError as error:
                    return bad(str(error))
            if kind is Kind.CHOICE:
                try:
                    return declared.of(raw)
                except ValueError:
                    choices = ", ".join(member.value for member in declared.of)
                    return bad(f"unknown {declared.name} {raw!r} (expected one of: {choices})")
            if kind is Kind.REF:
                assert field.target is not None
                self._refs.append((place, name, field.target, raw))
            return raw
        if kind in (Kind.TEXTS, Kind.SLUGS, Kind.REFS):
            if not isinstance(raw, list):
                return bad(f"must be a list of strings, not {_type_name(raw)}")
            odd = next((item for item in raw if not isinstance(item, str)), None)
            if odd is not None:
                return bad(f"must be a list of strings, but holds {_type_name(odd)}")
            if any(not item.strip() for item in raw):
                return bad("must not contain empty strings")
            if kind is Kind.SLUGS:
                for item in raw:
                    if not id_pattern().fullmatch(item):
                        bad(f"{item!r} is not a lower-case slug (letters a-z, digits and single hyphens)")
            if kind is Kind.REFS:
                assert field.target is not None
                self._refs.extend((place, name, field.target, item) for item in raw)
            return tuple(raw)
        # Kind.TABLES; with a shorthand, a string stands for a table with just that field (an alias's name)
        if field.shorthand and isinstance(raw, list):
            raw = [{field.shorthand: item} if isinstance(item, str) else item for item in raw]
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            return bad(f"must be a list of {field.shape}, not {_type_name(raw)}")
        if len(raw) < field.min_items:
            return bad(field.too_few or f"needs at least {field.min_items} tables")
        built = (self.record(declared.of, item, place.inside(f"{name}[{n}].")) for n, item in enumerate(raw))
        return tuple(item for item in built if item is not None)

    def check_references(self, ids: Mapping[str, str], listed: Mapping[str, str]) -> None:
        """Every reference names a record of the right type; no citation cites a source that is only listed
        (`listed` maps such sources to the document that lists them)."""
        for place, name, target, value in self._refs:
            found = ids.get(value)
            wanted = _TARGET_NAMES[target]
            if value in listed and name.endswith(".source"):
                self.report(
                    place,
                    name,
                    f"'{value}' is only listed in '{listed[value]}' as further reading: a title nobody here has "
                    "read is no evidence; cite the document the fact was read in",
                )
            if found is None:
                same_type = [known for known, plural in ids.items() if plural in target.split("|")]
                self.report(
                    place,
                    name,
                    f"unknown {wanted} '{value}'{_suggest(value, same_type)}: add {_a(wanted)} with that id or fix "
                    "the reference",
                )
            elif found not in target.split("|"):
                self.report(place, name, f"'{value}' is {_a(_TARGET_NAMES[found])}, not {_a(wanted)}")


_EMPTY: dict[Kind, Any] = {
    kind: () if kind in (Kind.TEXTS, Kind.SLUGS, Kind.REFS, Kind.TABLES) else None for kind in Kind
}


def _suggest(name: str, known: Iterable[str]) -> str:
    """ " (did you mean 'x'?)", or "" when nothing is close."""
    from difflib import get_close_matches

    close = get_close_matches(name, list(known), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _a(singular: str) -> str:
    return f"an {singular}" if singular[0] in "aeiou" else f"a {singular}"


def _type_name(value: Any) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "a boolean", list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)


def _records(
    validator: _Validator, tables: Mapping[str, list[dict[str, Any]]], ids: dict[str, str]
) -> Iterator[tuple[RecordType, Any]]:
    """Check every record's fields and ids (noting each id's record type in `ids`); yield (type, record) for
    each record that could be built."""
    first_use: dict[str, tuple[str, int]] = {}
    for record_type in RECORD_TYPES:
        plural, singular = record_type.plural, record_type.singular
        for index, table in enumerate(tables.get(plural, [])):
            raw_id = table.get("id")
            where = f"{singular} '{raw_id}'" if isinstance(raw_id, str) and raw_id else f"{singular} #{index + 1}"
            place = _Place(plural, index, where)
            record = validator.record(record_type.record_class, table, place)
            record_id = raw_id if isinstance(raw_id, str) and id_pattern().fullmatch(raw_id) else None
            if record_id is not None:
                if record_id in first_use:
                    other_plural, other_index = first_use[record_id]
                    other_line = validator.line_of(other_plural, other_index)
                    at = f" at line {other_line}" if other_line else ""
                    other = _PLURALS[other_plural].singular
                    validator.report(place, "id", f"duplicate id, already used by {_a(other)}{at}; ids must be unique")
                else:
                    first_use[record_id] = (plural, index)
                    ids[record_id] = plural
            if record is not None:
                yield record_type, record


def _mark_disputed(records: list[Any], disputes: list[Dispute]) -> tuple[Any, ...]:
    """Events and quotes with the ids of the disputes that concern them."""
    concerning: dict[str, list[str]] = {}
    for dispute in disputes:
        for record_id in dispute.records:
            concerning.setdefault(record_id, []).append(dispute.id)
    return tuple(r._replace(disputes=tuple(concerning[r.id])) if r.id in concerning else r for r in records)


def validate(path: Path, document: Mapping[str, Any], text: str) -> tuple[MemoryStore | None, list[Problem]]:
    """The records of a parsed document, or None with every problem in file order."""
    validator = _Validator(path, text)
    tables = validator.check_document(document)
    built: dict[str, list[Any]] = {record_type.plural: [] for record_type in RECORD_TYPES}
    ids: dict[str, str] = {}
    for record_type, record in _records(validator, tables, ids):
        built[record_type.plural].append(record)
    listed = {source.id: source.listed_in for source in built["sources"] if source.listed_in}
    validator.check_references(ids, listed)
    _check_citations(validator, tables, built)
    problems = sorted(validator.problems, key=lambda p: p.line or 0)
    if any(problem.severity == "error" for problem in problems):
        return None, problems
    disputes = built["disputes"]
    records = {plural: tuple(items) for plural, items in built.items()}
    records["events"] = _mark_disputed(built["events"], disputes)
    records["quotes"] = _mark_disputed(built["quotes"], disputes)
    records["actors"] = _with_last_attested(built["actors"], built["sources"])
    return MemoryStore(path, records), problems


def _check_citations(
    validator: _Validator, tables: Mapping[str, list[dict[str, Any]]], built: Mapping[str, list[Any]]
) -> None:
    """Warn about statements that cite nothing: roles, and actor descriptions."""
    for index, actor in enumerate(built["actors"]):
        place = _Place("actors", index, f"actor '{actor.id}'")
        if actor.description and not actor.sources:
            validator.report(
                place, "description", "cites no source; add sources = [...] with an excerpt that states it", "warning"
            )
        for number, role in enumerate(actor.roles):
            if not role.sources:
                validator.report(
                    place,
                    f"roles[{number}].title",
                    f"the role {role.title!r} cites no source; add sources = [...] to it",
                    "warning",
                )


def _with_last_attested(actors: list[Any], sources: list[Any]) -> tuple[Any, ...]:
    """Actors whose open roles (no end, no last_attested) are attested up to the latest citing source."""
    published = {source.id: source.published for source in sources if source.published is not None}
    changed = []
    for actor in actors:
        roles = []
        for role in actor.roles:
            dates = [published[c.source] for c in role.sources if c.source in published]
            if role.end is None and role.last_attested is None and dates:
                role = role._replace(last_attested=max(dates, key=lambda d: d.last_day))
            roles.append(role)
        changed.append(actor._replace(roles=tuple(roles)))
    return tuple(changed)
