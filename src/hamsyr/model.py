"""The records of a fact base: immutable, with the field names the TOML file and the JSON output use."""

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
    title: str
    organization: str | None = None
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None


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


Record = Source | Actor | Event | Quote | Dispute
