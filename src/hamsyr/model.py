"""The records of a fact base: immutable, with the field names the TOML file and the JSON output use."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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


@dataclass(frozen=True, slots=True)
class Citation:
    """Ties a fact to the source that states it, by a short verbatim excerpt of that source."""

    source: str
    excerpt: str
    attributed_to: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    author: str | None = None
    publisher: str | None = None
    published: FuzzyDate | None = None
    url: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Role:
    title: str
    organization: str | None = None
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    kind: ActorKind
    aliases: tuple[str, ...] = ()
    description: str | None = None
    roles: tuple[Role, ...] = ()


@dataclass(frozen=True, slots=True)
class Claim:
    """One side of a dispute, in our words, with the sources that make it."""

    claim: str
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Dispute:
    id: str
    title: str
    summary: str
    claims: tuple[Claim, ...]
    records: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
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


@dataclass(frozen=True, slots=True)
class Quote:
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
