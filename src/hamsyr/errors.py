"""The one family of hamsyr errors, each carrying the exit code the CLI turns it into."""

from __future__ import annotations

from collections.abc import Sequence

# Exit codes (documented in the README under "Exit codes").
OK = 0
NOT_FOUND = 1
USAGE = 2
BAD_DATA = 3


class HamsyrError(Exception):
    """Base class: a message meant for a person, and the exit code that goes with it."""

    exit_code = BAD_DATA

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FactBaseError(HamsyrError):
    """The fact base cannot be read or is invalid."""

    exit_code = BAD_DATA


class LookupFailed(HamsyrError):
    """A name or id asked for is unknown or ambiguous; `candidates` says what might have been meant."""

    exit_code = NOT_FOUND

    def __init__(self, message: str, candidates: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.candidates = tuple(candidates)


class QueryError(HamsyrError):
    """A query the user typed cannot be run as written (a bad date, an inverted range)."""

    exit_code = USAGE
