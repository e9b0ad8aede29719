"""Checking a fact base file against hamsyr.schema and building its records, collecting every problem.

Only loaded when a base has to be parsed: a cached base (hamsyr.cache) needs none of this.
"""

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from hamsyr.dates import DateError, FuzzyDate, parse_date
from hamsyr.errors import FactBaseError
from hamsyr.factbase import FactBase
from hamsyr.model import Actor, ActorKind, Citation, Claim, Dispute, Event, Phase, Quote, Role, Source
from hamsyr.schema import (
    CITATION_FIELDS,
    CLAIM_FIELDS,
    ID_PATTERN,
    RECORD_FIELDS,
    RECORD_TYPES,
    ROLE_FIELDS,
    SINGULAR,
    Field,
    Kind,
)

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


class Problem(NamedTuple):
    """One thing wrong with a fact base, located as precisely as the file allows."""

    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        location = f"{self.file}:{self.line}" if self.line else self.file
        return f"{location}: {self.where}: {self.message}" if self.where else f"{location}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "where": self.where, "message": self.message}


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

    def record(self, record_type: str, index: int) -> int | None:
        starts = self.starts.get(record_type, [])
        return starts[index] if index < len(starts) else None

    def field(self, record_type: str, index: int, name: str) -> int | None:
        """The line of `name` inside the record; `roles[1].end` is looked up in the second roles table."""
        first = self.record(record_type, index)
        if first is None:
            return None
        head, _, rest = name.partition("[")
        if rest and "." in rest and self._is_subtable(record_type, head, first):
            number, _, inner = rest.partition("].")
            tables = [n for n in self._block(record_type, first) if self._header(n) == f"{record_type}.{head}"]
            if number.isdigit() and int(number) < len(tables):
                return self._find(tables[int(number)], inner) or tables[int(number)]
        return self._find(first, head) or first

    def _header(self, number: int) -> str | None:
        match = self._HEADER.match(self.lines[number - 1])
        return match[1] if match else None

    def _block(self, record_type: str, first: int) -> range:
        """Lines of a record: up to the next header that is not one of its own sub-tables."""
        end = first + 1
        while end <= len(self.lines):
            header = self._header(end)
            if header is not None and not header.startswith(f"{record_type}."):
                break
            end += 1
        return range(first, end)

    def _is_subtable(self, record_type: str, head: str, first: int) -> bool:
        return any(self._header(n) == f"{record_type}.{head}" for n in self._block(record_type, first))

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


class _Validator:
    """Checks the parsed document and builds records, collecting every problem on the way."""

    def __init__(self, path: Path, text: str) -> None:
        self.file = str(path)
        self.text = text
        self.problems: list[Problem] = []
        self._lines: _Lines | None = None
        # (record type, index, where, field, target type, id) for references checked once all ids are known
        self._refs: list[tuple[str, int, str, str, str, str]] = []

    def line_of(self, record_type: str, index: int, field: str | None = None) -> int | None:
        if self._lines is None:
            self._lines = _Lines(self.text)
        if field is None:
            return self._lines.record(record_type, index)
        return self._lines.field(record_type, index, field)

    def report(self, record_type: str, index: int, where: str, field: str | None, message: str) -> None:
        prefix = f"field '{field}': " if field else ""
        self.problems.append(Problem(self.file, self.line_of(record_type, index, field), where, prefix + message))

    def check_document(self, document: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
        """Each record type's tables, after checking the top level has only known arrays of tables."""
        tables: dict[str, list[dict[str, Any]]] = {}
        for key, value in document.items():
            if key not in RECORD_FIELDS:
                self.problems.append(
                    Problem(
                        self.file,
                        None,
                        "",
                        f"unknown top-level key '{key}' (expected {', '.join(RECORD_TYPES)})",
                    )
                )
            elif not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                self.problems.append(
                    Problem(self.file, None, "", f"'{key}' must be an array of tables ([[{key}]] blocks)")
                )
            else:
                tables[key] = value
        return tables

    def fields(
        self,
        record_type: str,
        index: int,
        where: str,
        table: Mapping[str, Any],
        spec: tuple[Field, ...],
        path: str = "",
    ) -> dict[str, Any]:
        """Check one table against its field declarations; return the converted values of the valid fields."""
        known = {field.name for field in spec}
        for name in table:
            if name not in known:
                expected = ", ".join(field.name for field in spec)
                self.report(record_type, index, where, path + name, f"unknown field (expected one of: {expected})")
        values: dict[str, Any] = {}
        for field in spec:
            if field.name not in table:
                if field.required:
                    self.report(record_type, index, where, None, f"missing required field '{path + field.name}'")
                continue
            value = self.value(record_type, index, where, field, table[field.name], path)
            if value is not None:
                values[field.name] = value
        return values

    def value(self, record_type: str, index: int, where: str, field: Field, raw: Any, path: str) -> Any:
        name = path + field.name

        def bad(message: str) -> None:
            self.report(record_type, index, where, name, message)

        kind = field.kind
        if kind in (Kind.TEXT, Kind.ID, Kind.REF, Kind.DATE, Kind.ACTOR_KIND):
            if not isinstance(raw, str):
                return bad(f"must be a string, not {_type_name(raw)}")
            if not raw.strip():
                return bad("must not be empty")
            if kind is Kind.ID and not ID_PATTERN.fullmatch(raw):
                return bad(f"{raw!r} is not a lower-case slug (letters a-z, digits and single hyphens)")
            if kind is Kind.DATE:
                try:
                    return parse_date(raw)
                except DateError as error:
                    return bad(str(error))
            if kind is Kind.ACTOR_KIND:
                try:
                    return ActorKind(raw)
                except ValueError:
                    return bad(f"unknown kind {raw!r} (expected one of: {', '.join(k.value for k in ActorKind)})")
            if kind is Kind.REF:
                assert field.target is not None
                self._refs.append((record_type, index, where, name, field.target, raw))
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
                    if not ID_PATTERN.fullmatch(item):
                        bad(f"{item!r} is not a lower-case slug (letters a-z, digits and single hyphens)")
            if kind is Kind.REFS:
                assert field.target is not None
                for item in raw:
                    self._refs.append((record_type, index, where, name, field.target, item))
            return tuple(raw)
        if kind is Kind.CITATIONS:
            if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
                return bad(f"must be a list of tables with source and excerpt, not {_type_name(raw)}")
            if not raw:
                return bad("must cite at least one source")
            citations = []
            for number, item in enumerate(raw):
                got = self.fields(record_type, index, where, item, CITATION_FIELDS, f"{name}[{number}].")
                if "source" in got and "excerpt" in got:
                    citations.append(Citation(got["source"], got["excerpt"], got.get("attributed_to")))
            return tuple(citations)
        if kind is Kind.ROLES:
            if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
                return bad(f"must be a list of tables ([[actors.roles]] blocks), not {_type_name(raw)}")
            roles = []
            for number, item in enumerate(raw):
                got = self.fields(record_type, index, where, item, ROLE_FIELDS, f"{name}[{number}].")
                start, end = got.get("start"), got.get("end")
                if isinstance(start, FuzzyDate) and isinstance(end, FuzzyDate) and end.end < start.start:
                    self.report(record_type, index, where, f"{name}[{number}].end", "ends before the role starts")
                if "title" in got:
                    roles.append(Role(got["title"], got.get("organization"), start, end))
            return tuple(roles)
        if kind is Kind.CLAIMS:
            if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
                return bad(f"must be a list of tables ([[disputes.claims]] blocks), not {_type_name(raw)}")
            if len(raw) < 2:
                return bad("a dispute needs at least two claims")
            claims = []
            for number, item in enumerate(raw):
                got = self.fields(record_type, index, where, item, CLAIM_FIELDS, f"{name}[{number}].")
                if "claim" in got and "sources" in got:
                    claims.append(Claim(got["claim"], got["sources"]))
            return tuple(claims)
        raise AssertionError(f"unhandled field kind {kind}")  # pragma: no cover

    def check_references(self, ids: Mapping[str, str]) -> None:
        for record_type, index, where, name, target, value in self._refs:
            found = ids.get(value)
            if found is None:
                singular = SINGULAR[target]
                self.report(
                    record_type,
                    index,
                    where,
                    name,
                    f"unknown {singular} '{value}': add {_a(singular)} with that id or fix the reference",
                )
            elif found not in target.split("|"):
                self.report(
                    record_type,
                    index,
                    where,
                    name,
                    f"'{value}' is {_a(SINGULAR[found])}, not {_a(SINGULAR[target])}",
                )


def _a(singular: str) -> str:
    return f"an {singular}" if singular[0] in "aeiou" else f"a {singular}"


def _type_name(value: Any) -> str:
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def _decode(path: Path, data: bytes) -> str:
    try:
        # utf-8-sig: a byte-order mark some editors add is not an error worth stopping for.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FactBaseError(
            f"{path}:{line}: not valid UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8"
        ) from None


def _parse(path: Path, text: str) -> dict[str, Any]:
    import tomllib  # only when there is TOML to parse: a cached base never needs it

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        reason = _TOML_POSITION.sub("", message).strip()
        where = f"{path}:{position[1]}:{position[2]}" if position else str(path)
        raise FactBaseError(f"{where}: invalid TOML: {reason}; fix the syntax at that place") from None
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively; no fact base nests that deep.
        raise FactBaseError(
            f"{path}: values are nested too deeply to read; a fact base needs only a few levels of nesting"
        ) from None


def _records(
    validator: _Validator, tables: Mapping[str, list[dict[str, Any]]]
) -> Iterator[tuple[str, int, str, dict[str, Any]]]:
    """Check every record's fields and ids; yield (type, index, where, values) for each."""
    first_use: dict[str, tuple[str, int]] = {}
    for record_type in RECORD_TYPES:
        for index, table in enumerate(tables.get(record_type, [])):
            raw_id = table.get("id")
            singular = SINGULAR[record_type]
            where = f"{singular} '{raw_id}'" if isinstance(raw_id, str) and raw_id else f"{singular} #{index + 1}"
            values = validator.fields(record_type, index, where, table, RECORD_FIELDS[record_type])
            record_id = values.get("id")
            if record_id is not None:
                if record_id in first_use:
                    other_type, other_index = first_use[record_id]
                    other_line = validator.line_of(other_type, other_index)
                    at = f" at line {other_line}" if other_line else ""
                    validator.report(
                        record_type,
                        index,
                        where,
                        "id",
                        f"duplicate id, already used by {_a(SINGULAR[other_type])}{at}; ids must be unique",
                    )
                else:
                    first_use[record_id] = (record_type, index)
            start, end = values.get("start"), values.get("end")
            if record_type == "phases" and start is not None and end is not None and end.end < start.start:
                validator.report(record_type, index, where, "end", "ends before the phase starts")
            yield record_type, index, where, values


def _build(record_type: str, v: dict[str, Any]) -> Source | Actor | Event | Quote | Dispute | Phase:
    if record_type == "sources":
        return Source(
            v["id"],
            v["title"],
            v.get("author"),
            v.get("publisher"),
            v.get("published"),
            v.get("url"),
            v.get("language"),
        )
    if record_type == "actors":
        return Actor(v["id"], v["name"], v["kind"], v.get("aliases", ()), v.get("description"), v.get("roles", ()))
    if record_type == "events":
        return Event(
            v["id"],
            v.get("date"),
            v["title"],
            v["summary"],
            v["sources"],
            v.get("date_text"),
            v.get("actors", ()),
            v.get("places", ()),
            v.get("tags", ()),
        )
    if record_type == "phases":
        return Phase(v["id"], v["label"], v["start"], v.get("end"), v["summary"], v["sources"])
    if record_type == "disputes":
        return Dispute(v["id"], v["title"], v["summary"], v["claims"], v.get("records", ()))
    return Quote(
        v["id"],
        v["speaker"],
        v["text"],
        v["sources"],
        v.get("date"),
        v.get("date_text"),
        v.get("context"),
        v.get("about", ()),
    )


def _mark_disputed(records: list[Any], disputes: list[Dispute]) -> list[Any]:
    """Events and quotes with the ids of the disputes that concern them."""
    concerning: dict[str, list[str]] = {}
    for dispute in disputes:
        for record_id in dispute.records:
            concerning.setdefault(record_id, []).append(dispute.id)
    return [r._replace(disputes=tuple(concerning[r.id])) if r.id in concerning else r for r in records]


def validate(path: Path, data: bytes) -> tuple[FactBase | None, list[Problem]]:
    text = _decode(path, data)
    document = _parse(path, text)
    validator = _Validator(path, text)
    tables = validator.check_document(document)
    ids: dict[str, str] = {}
    built: dict[str, list[Any]] = {record_type: [] for record_type in RECORD_TYPES}
    complete = True
    for record_type, _index, _where, values in _records(validator, tables):
        if "id" in values:
            ids.setdefault(values["id"], record_type)
        required = {field.name for field in RECORD_FIELDS[record_type] if field.required}
        if required <= values.keys():
            built[record_type].append(_build(record_type, values))
        else:
            complete = False
    validator.check_references(ids)
    problems = sorted(validator.problems, key=lambda p: p.line or 0)
    if problems or not complete:
        return None, problems
    disputes = built["disputes"]
    base = FactBase(
        path,
        tuple(built["sources"]),
        tuple(built["actors"]),
        tuple(_mark_disputed(built["events"], disputes)),
        tuple(_mark_disputed(built["quotes"], disputes)),
        tuple(disputes),
        tuple(built["phases"]),
    )
    return base, []
