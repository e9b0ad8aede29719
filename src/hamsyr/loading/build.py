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

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from hamsyr.errors import Problem
from hamsyr.records.dates import DateError, FuzzyDate, parse_date
from hamsyr.records.fields import Declared, Kind, fields_of, file_fields, id_pattern
from hamsyr.records.model import BUILDS_ON, FORMATS, RECORD_TYPES, Actor

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


class Reference(NamedTuple):
    """A reference a file leaves to another file: an id it does not define itself."""

    place: Place  # the record holding it
    field: str  # the field's path ("sources[0].source")
    target: str  # the plural(s) it must name ("actors", "events|quotes")
    value: str


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


# --- one file ---------------------------------------------------------------------------------------------

_BUILDS_ON_SHAPE = f'\'{BUILDS_ON}\' must be a list of paths (or "@shipped"), like ["@shipped"]'

Keep = Callable[[str, int, Any, dict[str, Any]], None]  # (plural, position, record, its table)


class FileReport(NamedTuple):
    """What reading one file found: its problems (placed on their lines, at most PROBLEM_LIMIT), how many
    more there were, the bases it builds on, every id it defines (-> its array and position), the sources it
    only lists (-> the document listing them) and the references it leaves to other files."""

    path: Path
    problems: list[Problem]
    more: int
    builds_on: tuple[str, ...]
    defined: dict[str, tuple[str, int]]
    listed: dict[str, str]
    outbound: list[Reference]

    @property
    def valid(self) -> bool:
        return not any(problem.severity == "error" for problem in self.problems)


class FileBuilder:
    """Builds the records of one file, a parsed document (or piece of one) at a time, handing each record to
    `keep` as it is made."""

    def __init__(self, path: Path, keep: Keep, warnings: bool = False) -> None:
        self.path = path
        self.keep = keep
        self.warnings = warnings
        self.problems = Problems()
        self.defined: dict[str, tuple[str, int]] = {}
        self.listed: dict[str, str] = {}
        self.builds_on: tuple[str, ...] = ()
        self.counts: dict[str, int] = {}  # tables seen so far, by array
        # References not yet known to be good: (place, field path, target, id)
        self.deferred: list[tuple[Place, str, str, str]] = []

    def take(self, document: Mapping[str, Any]) -> None:
        """The top-level keys of one parsed document, and every record in it."""
        for key, value in document.items():
            if key == "format":
                if value not in FORMATS:
                    message = f"format = {value!r} is not a fact base format hamsyr reads (it reads {FORMATS})"
                    self.problems.add(None, "", message)
            elif key == BUILDS_ON:
                if not isinstance(value, list) or not all(isinstance(i, str) and i.strip() for i in value):
                    self.problems.add(None, "", _BUILDS_ON_SHAPE)
                else:
                    self.builds_on = tuple(value)
            elif key not in PLURALS:
                expected = ", ".join(("format", BUILDS_ON, *PLURALS))
                self.problems.add(None, "", f"unknown top-level key '{key}' (expected {expected})")
            elif not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                self.problems.add(None, "", f"'{key}' must be an array of tables ([[{key}]] blocks)")
            else:
                self._tables(key, value)

    def _tables(self, plural: str, tables: list[dict[str, Any]]) -> None:
        record_type = PLURALS[plural]
        index = self.counts.get(plural, 0)
        for table in tables:
            raw_id = table.get("id")
            named = type(raw_id) is str and bool(id_pattern().fullmatch(raw_id))
            where = f"{record_type.singular} '{raw_id}'" if named else f"{record_type.singular} #{index + 1}"
            place = Place(plural, index, where)
            refs: list[tuple[str, str, str]] = []
            record = build(record_type.record_class, table, place, self.problems, refs)
            if named:
                self._define(str(raw_id), place)
            for field, target, value in refs:
                self._refer(place, field, target, value)
            if record is not None:
                if plural == "sources" and record.listed_in:
                    self.listed[record.id] = record.listed_in
                elif plural == "actors" and self.warnings:
                    self._uncited(record, place)
                self.keep(plural, index, record, table)
            index += 1
        self.counts[plural] = index

    def _define(self, record_id: str, place: Place) -> None:
        first = self.defined.setdefault(record_id, (place.plural, place.position))
        if first != (place.plural, place.position):
            message = f"duplicate id, already used by {an(PLURALS[first[0]].singular)}"
            self.problems.add(place, "id", message, first=Place(*first, ""))

    def _refer(self, place: Place, field: str, target: str, value: str) -> None:
        found = self.defined.get(value)
        if found is not None and found[0] in target.split("|") and value not in self.listed:
            return  # good at once: a record already seen, of the right kind
        self.deferred.append((place, field, target, value))

    def _uncited(self, actor: Actor, place: Place) -> None:
        """Warnings about statements that cite nothing: an actor's description, its roles."""
        if actor.description and not actor.sources:
            message = "cites no source; add sources = [...] with an excerpt that states it"
            self.problems.add(place, "description", message, "warning")
        for number, role in enumerate(actor.roles):
            if not role.sources:
                message = f"the role {role.title!r} cites no source; add sources = [...] to it"
                self.problems.add(place, f"roles[{number}].title", message, "warning")

    def finish(self, text: str | None) -> FileReport:
        """Check the references the records left open, and place every problem on its line (`text` is the
        file's text, or None when it is gone: problems are then placed on no line)."""
        outbound: list[Reference] = []
        for place, field, target, value in self.deferred:
            if value in self.listed and field.endswith(".source"):
                self.problems.add(place, field, listed_message(value, self.listed[value]))
            found = self.defined.get(value)
            if found is None:
                outbound.append(Reference(place, field, target, value))
            elif found[0] not in target.split("|"):
                self.problems.add(place, field, wrong_kind_message(value, found[0], target))
        # Lines are found only for problems: those of references to other files, when one turns out broken.
        lines = Lines(text) if text is not None and self.problems.found else None
        file = str(self.path)
        problems = []
        for problem in self.problems.found:
            message = f"field '{problem.field}': {problem.message}" if problem.field else problem.message
            if problem.first is not None:
                first_line = lines.line(problem.first, "") if lines is not None else None
                message += f" at line {first_line}; ids must be unique" if first_line else "; ids must be unique"
            line = lines.line(problem.place, problem.field) if lines is not None else None
            where = problem.place.where if problem.place is not None else ""
            problems.append(Problem(file, line, where, message, severity=problem.severity))
        problems.sort(key=lambda problem: problem.line or 0)
        return FileReport(self.path, problems, self.problems.more, self.builds_on, self.defined, self.listed, outbound)


# --- where things are written ----------------------------------------------------------------------------


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A table header line, and the key a line begins with (compiled only when there is a problem to place)."""
    header = re.compile(r"[ \t]*(\[\[?)[ \t]*([A-Za-z0-9_.\-]+)[ \t]*\]\]?[ \t]*(?:#.*)?")
    key = re.compile(r"[ \t]*(?:\"([^\"\\]*)\"|'([^']*)'|([A-Za-z0-9_\-]+))[ \t]*[.=]")
    return header, key


class Lines:
    """The line of each record, and of each field inside it, found in one pass over a file's text.

    Lines inside multi-line strings are skipped, so that a `[[events]]` written in a summary is not taken
    for a record. A field of a table inside a record (`roles[1].end`) is found in that table when it is
    written as a `[[actors.roles]]` block, else at the line of the list that holds it.
    """

    def __init__(self, text: str) -> None:
        self.records: dict[str, list[int]] = {}  # array -> the header line of each of its records
        self.fields: dict[tuple[str, int], dict[str, int]] = {}  # (array, position) -> field path -> line
        current: tuple[str, int] | None = None
        inner = ""  # the path prefix of keys in a sub-table block ("roles[1].")
        subtables: dict[str, int] = {}
        closing = ""  # the delimiter of the multi-line string being skipped
        header_line, key_line = _patterns()
        for number, line in enumerate(text.split("\n"), start=1):
            if closing:
                closing = _still_open(line, closing)
                continue
            header = header_line.fullmatch(line)
            if header is not None:
                plural, _, sub = header[2].partition(".")
                if header[1] == "[[" and not sub:
                    starts = self.records.setdefault(plural, [])
                    current, inner, subtables = (plural, len(starts)), "", {}
                    starts.append(number)
                    self.fields[current] = {}
                elif current is not None and plural == current[0] and sub:
                    position = subtables.get(sub, -1) + 1 if header[1] == "[[" else 0
                    subtables[sub] = position
                    inner = f"{sub}[{position}]." if header[1] == "[[" else f"{sub}."
                    self.fields[current].setdefault(inner[:-1], number)
                else:
                    current = None
                continue
            key = key_line.match(line)
            if key is not None and current is not None:
                name = key[1] if key[1] is not None else key[2] if key[2] is not None else key[3]
                self.fields[current].setdefault(inner + name, number)
            closing = _opens(line[key.end() :] if key is not None else line)

    def line(self, place: Place | None, field: str) -> int | None:
        """The line of a field of a record (the record's own line when the field cannot be found)."""
        if place is None:
            return None
        starts = self.records.get(place.plural, [])
        if place.position >= len(starts):
            return None
        fields = self.fields.get((place.plural, place.position), {})
        path = field
        while path:
            if path in fields:
                return fields[path]
            path = path.rpartition(".")[0] if "." in path else path.partition("[")[0] if "[" in path else ""
        return starts[place.position]


def _opens(rest: str) -> str:
    """The delimiter of a multi-line string opened and left open on this part of a line, else "" (strings
    on one line and a comment are skipped)."""
    position, size = 0, len(rest)
    while position < size:
        char = rest[position]
        if char == "#":
            return ""
        if char in "\"'":
            if rest.startswith(char * 3, position):
                end = _closing(rest, char * 3, position + 3)
                if end == -1:
                    return char * 3
                position = end + 3
                continue
            position += 1
            while position < size and rest[position] != char:
                position += 2 if char == '"' and rest[position] == "\\" else 1
        position += 1
    return ""


def _closing(text: str, mark: str, start: int) -> int:
    """Where the multi-line string delimited by `mark` closes from `start` (-1: not on this line); a basic
    string's closing quotes cannot be escaped."""
    end = text.find(mark, start)
    while end > 0 and mark == '"""' and text[end - 1] == "\\":
        end = text.find(mark, end + 1)
    return end


def _still_open(line: str, closing: str) -> str:
    """The delimiter still open after this line of a multi-line string ("" once it closes)."""
    end = _closing(line, closing, 0)
    return closing if end == -1 else _opens(line[end + 3 :])


class LinesOf:
    """The lines of records in files read earlier, for messages about them: each file read again once, when
    the first problem in it is placed (no line for standard input, or a file that can no longer be read)."""

    def __init__(self) -> None:
        self._files: dict[Path, Lines | None] = {}

    def line(self, path: Path, place: Place, field: str = "") -> int | None:
        if path not in self._files:
            self._files[path] = _lines_of(path)
        lines = self._files[path]
        return lines.line(place, field) if lines is not None else None


def _lines_of(path: Path) -> Lines | None:
    if path == Path("-"):
        return None
    try:
        return Lines(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, RuntimeError):
        return None
