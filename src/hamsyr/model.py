"""The records of a fact base: immutable, with the field names the TOML file and the JSON output use."""

from datetime import date
from enum import StrEnum
from typing import NamedTuple

from hamsyr.dates import FuzzyDate


class ActorKind(StrEnum):
    """What an actor is. A closed list, so that `--kind` filters mean the same everywhere."""

    PERSON = "person"
    ORGANIZATION = "organization"
    MOVEMENT = "movement"
    STATE = "state"
    GOVERNMENT = "government"
    INSTITUTION = "institution"
    GROUP = "group"
    OUTLET = "outlet"
    OTHER = "other"


class Citation(NamedTuple):
    """Ties a fact to the source that states it, by a short verbatim excerpt of that source."""

    source: str
    excerpt: str
    attributed_to: str | None = None


class Source(NamedTuple):
    id: str
    title: str
    author: str | None = None
    publisher: str | None = None
    published: FuzzyDate | None = None
    url: str | None = None
    language: str | None = None


class Role(NamedTuple):
    """A position an actor holds; `start` and `end` bound the time the sources attest it (None: open)."""

    title: str
    organization: str | None = None
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def overlaps(self, since: date | None, until: date | None) -> bool:
        """True when the role may be held in [since, until]: its interval, open where undated, meets it."""
        return (until is None or self.start is None or self.start.start <= until) and (
            since is None or self.end is None or self.end.end >= since
        )


class Actor(NamedTuple):
    id: str
    name: str
    kind: ActorKind
    aliases: tuple[str, ...] = ()
    description: str | None = None
    roles: tuple[Role, ...] = ()


class Claim(NamedTuple):
    """One side of a dispute, in our words, with the sources that make it."""

    claim: str
    sources: tuple[Citation, ...]


class Dispute(NamedTuple):
    id: str
    title: str
    summary: str
    claims: tuple[Claim, ...]
    records: tuple[str, ...] = ()


class Phase(NamedTuple):
    """A period of the relationship; `end` None means it was still going on when the sources were written."""

    id: str
    label: str
    start: FuzzyDate
    end: FuzzyDate | None
    summary: str
    sources: tuple[Citation, ...]

    def overlaps(self, since: date | None, until: date | None) -> bool:
        return (until is None or self.start.start <= until) and (
            since is None or self.end is None or self.end.end >= since
        )


class Event(NamedTuple):
    id: str
    date: FuzzyDate | None
    title: str
    summary: str
    sources: tuple[Citation, ...]
    date_text: str | None = None
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    disputes: tuple[str, ...] = ()  # derived at load time from the disputes that name this event


class Quote(NamedTuple):
    id: str
    speaker: str
    text: str
    sources: tuple[Citation, ...]
    date: FuzzyDate | None = None
    date_text: str | None = None
    context: str | None = None
    about: tuple[str, ...] = ()
    disputes: tuple[str, ...] = ()  # derived at load time from the disputes that name this quote


Record = Source | Actor | Event | Quote | Dispute | Phase
