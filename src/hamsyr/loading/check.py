"""A file's records checked together: what a file defines and refers to, problems placed on their lines.

Made only when a file is read (`FileBuilder`), or when a problem found earlier is to be placed on its line
(`LinesOf`): a query on a base whose files have not changed needs none of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from hamsyr.errors import Problem
from hamsyr.loading.build import PLURALS, Place, Problems, an, build, listed_message, wrong_kind_message
from hamsyr.records.fields import id_pattern
from hamsyr.records.model import BUILDS_ON, FORMATS, Actor


class Reference(NamedTuple):
    """A reference a file leaves to another file: an id it does not define itself."""

    place: Place  # the record holding it
    field: str  # the field's path ("sources[0].source")
    target: str  # the plural(s) it must name ("actors", "events|quotes")
    value: str


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
