"""Checking one fact base file against the record declarations and building its records, collecting every
problem on the way. Only loaded when a file has to be parsed: a cached base needs none of this.

The file is checked one parsed piece at a time (hamsyr.loading._toml.documents), and each record is handed
to a sink as soon as it is built (kept in memory, or written straight into a cache), so that neither the
whole parsed document nor, for a large base, all its records need be in memory at once. A record is first
tried on a fast path that only builds it; anything unusual sends it down the path that says what is wrong.

References to ids the file does not define are returned, not reported: another file of the base may
define them (hamsyr.loading.combine checks them once every file is known).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from hamsyr.errors import Problem
from hamsyr.records.codec import RowDecoder, current_decoder, date_row, event_index
from hamsyr.records.dates import DateError, FuzzyDate, parse_date
from hamsyr.records.fields import Declared, Kind, fields_of, file_fields, id_pattern
from hamsyr.records.model import BUILDS_ON, FORMATS, RECORD_TYPES, Actor

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


class Reference(NamedTuple):
    """A reference to an id its file does not define (hamsyr.loading.parts.Part.references)."""

    file: str
    line: int | None
    where: str  # the record holding it ("event 'x'")
    field: str  # the field path ("sources[0].source")
    target: str  # the plural(s) it must name ("actors", "events|quotes")
    value: str


class Sink(Protocol):
    """Where built records go, one at a time, in file order within each kind: as records, or as what
    `prepare` makes of those that pass the fast path."""

    def add(self, plural: str, record: Any) -> None:
        """Take a record."""

    def add_row(self, plural: str, record_id: str, row: bytes, index: Any) -> None:
        """Take a record as its marshalled cache row (hamsyr.records.codec.to_row), with, for an event, what
        a cache indexes it by (hamsyr.records.codec.event_index)."""


class Checked(NamedTuple):
    """What checking one file found: every problem (sorted by line), the references it leaves to other
    files, the bases it says it builds on, every id it defines (-> kind and position) and the sources it
    only lists."""

    problems: list[Problem]
    outbound: list[Reference]
    builds_on: tuple[str, ...]
    defined: dict[str, tuple[str, int]]
    listed: dict[str, str]

    @property
    def valid(self) -> bool:
        return not any(problem.severity == "error" for problem in self.problems)


class _Step(NamedTuple):
    """How the fast path reads one field of a record class."""

    name: str
    group: int  # _DERIVED, _STRING, _LIST or _TABLES: which branch reads it
    kind: Kind
    required: bool
    of: Any  # the enum of a CHOICE, the record class of TABLES, the default of a derived field
    targets: frozenset[str]  # REF, REFS: the plurals it may name
    target: str
    shorthand: str
    min_items: int
    empty: Any  # the value of a field not written


_DERIVED, _STRING, _LIST, _TABLES = range(4)


class _Plan(NamedTuple):
    record_class: type
    known: frozenset[str]
    steps: tuple[_Step, ...]
    span: bool  # has `start` and `end`, which must be in order


def _plan(record_class: type) -> _Plan:
    plan = _PLANS.get(record_class)
    if plan is None:
        plan = _PLANS[record_class] = _make_plan(record_class)
    return plan


_PLANS: dict[type, _Plan] = {}


def _make_plan(record_class: type) -> _Plan:
    steps = []
    for declared in fields_of(record_class):
        field = declared.field
        if field.derived:
            group, of = _DERIVED, record_class._field_defaults.get(declared.name)  # type: ignore[attr-defined]
        else:
            group = _STRING if field.kind in _STRINGS else _LIST if field.kind in _LISTS else _TABLES
            of = declared.of
        targets = frozenset((field.target or "").split("|"))
        step = _Step(
            declared.name,
            group,
            field.kind,
            field.required,
            of,
            targets,
            field.target or "",
            field.shorthand,
            field.min_items,
            _EMPTY[field.kind],
        )
        steps.append(step)
    known = frozenset(step.name for step in steps if step.group != _DERIVED)
    return _Plan(record_class, known, tuple(steps), {"start", "end"} <= known)


_STRINGS = (Kind.TEXT, Kind.ID, Kind.REF, Kind.DATE, Kind.CHOICE)
_LISTS = (Kind.TEXTS, Kind.SLUGS, Kind.REFS)

_DATES: dict[str, tuple[FuzzyDate, tuple[Any, ...]]] = {}  # dates as written -> parsed, and as a row
_PREPARED = "\0prepared"  # marks a document already prepared (no TOML key can hold a NUL)


def prepare(document: Mapping[str, Any]) -> dict[str, Any]:
    """What can be made of one parsed piece alone, where it was parsed (a helper process, perhaps): each table
    of records that passes the fast path becomes (its id, its marshalled cache row, its references, and for
    an event its index, for a source the document that only lists it); any other table, for the careful path
    to report on, becomes (None, the table). Keys other than arrays of tables are kept as they are."""
    import marshal

    prepared: dict[str, Any] = {_PREPARED: True}
    for key, value in document.items():
        record_type = _PLURALS.get(key)
        if record_type is None or not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            prepared[key] = value
            continue
        plan = _plan(record_type.record_class)
        items: list[tuple[Any, ...]] = []
        for table in value:
            refs: list[tuple[str, str, frozenset[str], str]] = []
            record, row = _quick(plan, table, refs, "")
            if record is None:
                items.append((None, table))
                continue
            extra = event_index(record) if key == "events" else record.listed_in if key == "sources" else None
            items.append((record.id, marshal.dumps(row), tuple(refs), extra))
        prepared[key] = items
    return prepared


def _quick(plan: _Plan, table: Mapping[str, Any], refs: list[Any], prefix: str) -> tuple[Any, tuple[Any, ...] | None]:
    """The record and its cache row (hamsyr.records.codec.to_row, made on the way), when every field is
    plainly right; (None, None) at the first thing that is not (then the careful path checks the table
    again and reports). Adds its references to `refs`."""
    failed = None, None
    if not plan.known.issuperset(table):
        return failed
    id_match = id_pattern().fullmatch
    values: list[Any] = []
    row: list[Any] = []
    for name, group, kind, required, of, targets, target, shorthand, min_items, empty in plan.steps:
        if group == _DERIVED:
            values.append(of)
            row.append(of)
            continue
        raw = table.get(name)  # TOML has no null: None is a field not written
        if raw is None:
            if required:
                return failed
            values.append(empty)
            row.append(empty)
        elif group == _STRING:
            if type(raw) is not str or not raw or raw.isspace():
                return failed
            if kind is Kind.DATE:
                known = _DATES.get(raw)
                if known is None:
                    try:
                        value = parse_date(raw)
                    except DateError:
                        return failed
                    known = _DATES[raw] = (value, date_row(value))
                values.append(known[0])
                row.append(known[1])
                continue
            if kind is Kind.ID:
                if not id_match(raw):
                    return failed
            elif kind is Kind.CHOICE:
                member = of._value2member_map_.get(raw)
                if member is None:
                    return failed
                values.append(member)
                row.append(raw)  # the enum's value
                continue
            elif kind is Kind.REF:
                refs.append((prefix + name, target, targets, raw))
            values.append(raw)
            row.append(raw)
        elif group == _LIST:
            if type(raw) is not list:
                return failed
            for item in raw:
                if type(item) is not str or not item or item.isspace():
                    return failed
            if kind is Kind.SLUGS:
                if not all(id_match(item) for item in raw):
                    return failed
            elif kind is Kind.REFS:
                refs.extend((prefix + name, target, targets, item) for item in raw)
            items = tuple(raw)
            values.append(items)
            row.append(items)
        else:  # Kind.TABLES
            if type(raw) is not list or len(raw) < min_items:
                return failed
            inner = _plan(of)
            built, rows = [], []
            for number, item in enumerate(raw):
                if shorthand and type(item) is str:
                    item = {shorthand: item}
                elif type(item) is not dict:
                    return failed
                record, inner_row = _quick(inner, item, refs, f"{prefix}{name}[{number}].")
                if record is None:
                    return failed
                built.append(record)
                rows.append(inner_row)
            values.append(tuple(built))
            row.append(tuple(rows))
    record = plan.record_class(*values)
    if plan.span and record.start is not None and record.end is not None and record.end.end < record.start.start:
        return failed
    return record, tuple(row)


class _Validator:
    """Checks the parsed pieces of one file and builds its records, collecting every problem on the way."""

    def __init__(self, path: Path, text: str, sink: Sink, warnings: bool) -> None:
        self.file = str(path)
        self.text = text
        self.sink = sink
        self.warnings = warnings
        self.problems: list[Problem] = []
        self._lines: _Lines | None = None
        self.first_use: dict[str, tuple[str, int]] = {}  # id -> (plural, index) of the record defining it
        self.counts: dict[str, int] = {}  # tables seen so far, by plural
        self.listed: dict[str, str] = {}  # sources only listed as further reading -> the document listing them
        # References not yet known to be good: (plural, index, where or None, record id, field, target, value)
        self.deferred: list[tuple[str, int, str | None, str, str, str, str]] = []
        self.builds_on: tuple[str, ...] = ()
        self.actors: list[tuple[int, Actor]] = []  # for the warnings about uncited statements
        self._id_match = id_pattern().fullmatch
        self._decoder: RowDecoder | None = None  # for an actor's row, when its warnings are wanted

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

    # --- the file's pieces, table by table ------------------------------------------------------------

    def take(self, document: Mapping[str, Any]) -> None:
        """Check one parsed piece of the file: its top-level keys and every record in it."""
        if _PREPARED not in document:
            document = prepare(document)
        for key, value in document.items():
            if key == _PREPARED:
                continue
            if key == "format":
                if value not in FORMATS:
                    message = f"format = {value!r} is not a fact base format hamsyr reads (it reads {FORMATS})"
                    self.problems.append(Problem(self.file, None, "", message))
            elif key == BUILDS_ON:
                if not isinstance(value, list) or not all(isinstance(i, str) and i.strip() for i in value):
                    message = f'\'{BUILDS_ON}\' must be a list of paths (or "@shipped"), like ["@shipped"]'
                    self.problems.append(Problem(self.file, None, "", message))
                else:
                    self.builds_on = tuple(value)
            elif key not in _PLURALS:
                expected = ", ".join(("format", BUILDS_ON, *_PLURALS))
                self.problems.append(
                    Problem(self.file, None, "", f"unknown top-level key '{key}' (expected {expected})")
                )
            elif not isinstance(value, list) or not all(isinstance(item, tuple) for item in value):
                self.problems.append(
                    Problem(self.file, None, "", f"'{key}' must be an array of tables ([[{key}]] blocks)")
                )
            else:
                self._tables(key, value)

    def _tables(self, plural: str, items: list[tuple[Any, ...]]) -> None:
        """The records of one array, as `prepare` left them."""
        singular = _PLURALS[plural].singular
        record_class = _PLURALS[plural].record_class
        index = self.counts.get(plural, 0)
        for item in items:
            if item[0] is not None:  # passed the fast path
                record_id, row, refs, extra = item
                for field, target, targets, value in refs:
                    self._refer(plural, index, None, record_id, field, target, targets, value)
                self._define(record_id, plural, index, None)
                if plural == "sources" and extra:
                    self.listed[record_id] = extra
                elif plural == "actors" and self.warnings:
                    self.actors.append((index, self._actor(row)))
                self.sink.add_row(plural, record_id, row, extra)
            else:  # something is wrong: the careful path says what
                table = item[1]
                raw_id = table.get("id")
                where = f"{singular} '{raw_id}'" if isinstance(raw_id, str) and raw_id else f"{singular} #{index + 1}"
                record = self.record(record_class, table, _Place(plural, index, where))
                if isinstance(raw_id, str) and self._id_match(raw_id):
                    self._define(raw_id, plural, index, where)
                if record is not None:
                    if plural == "sources" and record.listed_in:
                        self.listed[record.id] = record.listed_in
                    elif plural == "actors" and self.warnings:
                        self.actors.append((index, record))
                    self.sink.add(plural, record)
            index += 1
        self.counts[plural] = index

    def _actor(self, row: bytes) -> Actor:
        import marshal

        if self._decoder is None:
            self._decoder = current_decoder()
        actor: Actor = self._decoder.record("Actor", marshal.loads(row))
        return actor

    def _define(self, record_id: str, plural: str, index: int, where: str | None) -> None:
        first = self.first_use.get(record_id)
        if first is None:
            self.first_use[record_id] = (plural, index)
            return
        other_plural, other_index = first
        other_line = self.line_of(other_plural, other_index)
        at = f" at line {other_line}" if other_line else ""
        place = _Place(plural, index, where or f"{_PLURALS[plural].singular} '{record_id}'")
        message = f"duplicate id, already used by {an(_PLURALS[other_plural].singular)}{at}; ids must be unique"
        self.report(place, "id", message)

    def _refer(
        self,
        plural: str,
        index: int,
        where: str | None,
        record_id: str,
        field: str,
        target: str,
        targets: frozenset[str],
        value: str,
    ) -> None:
        """Note a reference: good at once when it names a record already seen of the right type."""
        found = self.first_use.get(value)
        if found is not None and found[0] in targets and not (self.listed and value in self.listed):
            return
        self.deferred.append((plural, index, where, record_id, field, target, value))

    # --- the careful path: every problem of a record, located -------------------------------------------
    def record(self, record_class: type, table: Mapping[str, Any], place: _Place) -> Any | None:
        """Check one table against the class's declared fields; the record, or None when a required field is
        missing or invalid (the problem is reported)."""
        declared = file_fields(record_class)
        known = {d.name for d in declared}
        for name in table:
            if name not in known:
                expected = ", ".join(d.name for d in declared)
                self.report(
                    place, place.path + name, f"unknown field{suggest(name, known)} (expected one of: {expected})"
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
                self._careful_refer(place, name, field.target, raw)
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
                for item in raw:
                    self._careful_refer(place, name, field.target, item)
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

    def _careful_refer(self, place: _Place, name: str, target: str, value: str) -> None:
        self._refer(place.plural, place.index, place.where, "", name, target, frozenset(target.split("|")), value)

    # --- once the whole file is read -------------------------------------------------------------------

    def finish(self) -> Checked:
        """Check the references the records left open, and list the problems by line."""
        outbound = []
        for plural, index, where, record_id, field, target, value in self.deferred:
            place = _Place(plural, index, where or f"{_PLURALS[plural].singular} '{record_id}'")
            if value in self.listed and field.endswith(".source"):
                self.report(place, field, listed_message(value, self.listed[value]))
            found = self.first_use.get(value)
            if found is None:
                line = self.line_of(plural, index, field)
                outbound.append(Reference(self.file, line, place.where, field, target, value))
            elif found[0] not in target.split("|"):
                message = f"'{value}' is {an(_PLURALS[found[0]].singular)}, not {an(target_name(target))}"
                self.report(place, field, message)
        if self.warnings:
            self._check_citations()
        problems = sorted(self.problems, key=lambda p: p.line or 0)
        return Checked(problems, outbound, self.builds_on, self.first_use, self.listed)

    def _check_citations(self) -> None:
        """Warn about statements that cite nothing: roles, and actor descriptions."""
        for index, actor in self.actors:
            place = _Place("actors", index, f"actor '{actor.id}'")
            if actor.description and not actor.sources:
                message = "cites no source; add sources = [...] with an excerpt that states it"
                self.report(place, "description", message, "warning")
            for number, role in enumerate(actor.roles):
                if not role.sources:
                    message = f"the role {role.title!r} cites no source; add sources = [...] to it"
                    self.report(place, f"roles[{number}].title", message, "warning")


def check_file(
    path: Path, text: str, documents: Iterable[Mapping[str, Any]], sink: Sink, warnings: bool = False
) -> Checked:
    """Check a file's parsed pieces, handing each record built to `sink`; with `warnings`, also list the
    statements that cite nothing."""
    validator = _Validator(path, text, sink, warnings)
    try:
        for document in documents:
            validator.take(document)
    finally:
        _DATES.clear()
    return validator.finish()


def target_name(target: str) -> str:
    """What a reference must name, for messages: "actor", "event or quote"."""
    return _TARGET_NAMES[target]


def listed_message(value: str, listed_in: str) -> str:
    return (
        f"'{value}' is only listed in '{listed_in}' as further reading: a title nobody here has read is no "
        "evidence; cite the document the fact was read in"
    )


_EMPTY: dict[Kind, Any] = {
    kind: () if kind in (Kind.TEXTS, Kind.SLUGS, Kind.REFS, Kind.TABLES) else None for kind in Kind
}


def suggest(name: str, known: Iterable[str]) -> str:
    """ " (did you mean 'x'?)", or "" when nothing is close."""
    from difflib import get_close_matches

    close = get_close_matches(name, list(known), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def an(singular: str) -> str:
    return f"an {singular}" if singular[0] in "aeiou" else f"a {singular}"


def _type_name(value: Any) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "a boolean", list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)


def line_in(path: Path, plural: str, index: int, field: str | None = None) -> int | None:
    """The line of a record (or of a field in it) in a file read again: for messages about a file checked
    earlier, or cached (None for standard input, or a file that can no longer be read)."""
    if path == Path("-"):
        return None
    try:
        lines = _Lines(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return None
    return lines.record(plural, index) if field is None else lines.field(plural, index, field)
