"""The one family of hamsyr errors, each carrying the exit code the CLI turns it into, and the structured
problems a fact base can have."""

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from hamsyr._values import Value


class ExitCode(IntEnum):
    """What the `hamsyr` command exits with (documented in the README under "Exit codes")."""

    OK = 0
    NOT_FOUND = 1  # a name or id asked for is unknown or ambiguous
    USAGE = 2  # the command line cannot be run as written
    BAD_DATA = 3  # the fact base cannot be read or is invalid
    CANNOT_WRITE = 4  # the output cannot be written


class Problem(Value):
    """One thing wrong with a fact base, located as precisely as the file allows."""

    file: str
    line: int | None
    where: str  # the record ("event 'offices-sealed'"), or "" for the file as a whole
    message: str
    column: int | None = None
    severity: str = "error"  # or "warning": worth fixing, but the base still loads

    def __str__(self) -> str:
        location = ":".join(str(part) for part in (self.file, self.line, self.column) if part)
        message = f"warning: {self.message}" if self.severity == "warning" else self.message
        return f"{location}: {self.where}: {message}" if self.where else f"{location}: {message}"

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


class HamsyrError(Exception):
    """Base class: a message meant for a person, and the exit code that goes with it."""

    exit_code = ExitCode.BAD_DATA

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProblemsFound(HamsyrError):
    """`hamsyr validate` found problems: they are the command's output, and this is its exit."""

    exit_code = ExitCode.BAD_DATA


class FactBaseError(HamsyrError):
    """The fact base cannot be read or is invalid; `problems` says where and what, in file order."""

    exit_code = ExitCode.BAD_DATA

    def __init__(self, problems: Sequence[Problem], more: int = 0) -> None:
        """`more`: how many problems beyond those given were counted but not kept."""
        first, others = problems[0], len(problems) - 1 + more
        suffix = f" (and {others} more; run `hamsyr validate` to list them)" if others else ""
        super().__init__(f"{first}{suffix}")
        self.problems = tuple(problems)
        self.more = more

    @classmethod
    def at(cls, file: object, message: str, line: int | None = None, column: int | None = None) -> "FactBaseError":
        """An error about a file as a whole (or one place in it)."""
        return cls([Problem(str(file), line, "", message, column)])


class LookupFailed(HamsyrError):
    """A name or id asked for is unknown or ambiguous; `candidates` says what might have been meant."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, message: str, candidates: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.candidates = tuple(candidates)


class QueryError(HamsyrError):
    """A query the user typed cannot be run as written (a bad date, an inverted range, clashing options)."""

    exit_code = ExitCode.USAGE


class OutputRefused(HamsyrError):
    """An output path that hamsyr will not write: it exists and --force was not given, or it is something
    --force does not replace (a folder hamsyr did not write, a symbolic link)."""

    exit_code = ExitCode.USAGE


class WriteFailed(HamsyrError):
    """Output cannot be written: a full disk, a closed or broken stream, a folder that refuses files."""

    exit_code = ExitCode.CANNOT_WRITE
