"""The records of a fact base, each declared once: its fields in order, their types, what each means and what
a file must give (see hamsyr.records.fields). Records are immutable; their field names are the names the
TOML file and the JSON output use.

Every field is given when a record is made (the loader and the codec always pass them all); only fields
derived at load time have a default.
"""

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, NamedTuple

from hamsyr.records.dates import FuzzyDate
from hamsyr.records.fields import Field, Kind


def _citations(doc: str) -> Field:
    """A field of citations, written inline: `sources = [{ source = "...", excerpt = "..." }]`."""
    return Field(
        Kind.TABLES,
        doc,
        required=True,
        min_items=1,
        shape="with source and excerpt",
        too_few="must cite at least one source",
    )


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
    """Ties a statement to the source that makes it, by a short verbatim excerpt of that source."""

    source: Annotated[str, Field(Kind.REF, "The id of the cited source.", required=True, target="sources")]
    excerpt: Annotated[
        str,
        Field(
            Kind.TEXT, "A short verbatim passage of the source (one sentence at most) that states it.", required=True
        ),
    ]
    attributed_to: Annotated[
        str | None, Field(Kind.TEXT, 'Who the source says makes the claim ("Syrian sources"), when it says so.')
    ] = None


class Source(NamedTuple):
    """A document the facts are drawn from."""

    id: Annotated[str, Field(Kind.ID, "A lower-case slug, unique across the base.", required=True)]
    title: Annotated[str, Field(Kind.TEXT, "The title, as printed.", required=True)]
    author: Annotated[str | None, Field(Kind.TEXT, "Who wrote it.")]
    publisher: Annotated[str | None, Field(Kind.TEXT, "Who published it.")]
    published: Annotated[FuzzyDate | None, Field(Kind.DATE, "When it was published.")]
    url: Annotated[str | None, Field(Kind.TEXT, "Where it can be read.")]
    language: Annotated[str | None, Field(Kind.TEXT, "Its language, as a code such as en or ar.")]


class Role(NamedTuple):
    """A position an actor holds; `start` and `end` bound the time the sources attest it (None: open)."""

    title: Annotated[str, Field(Kind.TEXT, 'The position, such as "Head of the Political Bureau".', required=True)]
    organization: Annotated[
        str | None, Field(Kind.REF, "The actor id of the organization it is held in.", target="actors")
    ]
    start: Annotated[FuzzyDate | None, Field(Kind.DATE, "The earliest time the sources attest it.")]
    end: Annotated[FuzzyDate | None, Field(Kind.DATE, "The latest time the sources attest it.")]

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def overlaps(self, since: date | None, until: date | None) -> bool:
        """True when the role may be held in [since, until]: its interval, open where undated, meets it."""
        return (until is None or self.start is None or self.start.start <= until) and (
            since is None or self.end is None or self.end.end >= since
        )


class Actor(NamedTuple):
    """A person, organization, state or other party to the relationship."""

    id: Annotated[str, Field(Kind.ID, "A lower-case slug, unique across the base.", required=True)]
    name: Annotated[str, Field(Kind.TEXT, "The name it is best known by.", required=True)]
    kind: Annotated[ActorKind, Field(Kind.CHOICE, "What the actor is.", required=True)]
    aliases: Annotated[tuple[str, ...], Field(Kind.TEXTS, "Other names and spellings, for lookup.")]
    description: Annotated[str | None, Field(Kind.TEXT, "One line, in our own words.")]
    roles: Annotated[tuple[Role, ...], Field(Kind.TABLES, "The positions it holds.", shape="([[actors.roles]] blocks)")]


class Claim(NamedTuple):
    """One side of a dispute, in our words, with the sources that make it."""

    claim: Annotated[str, Field(Kind.TEXT, "What this side says, in our words.", required=True)]
    sources: Annotated[tuple[Citation, ...], _citations("The sources that make the claim.")]


class Dispute(NamedTuple):
    """A point on which the sources disagree or frame the same thing differently."""

    id: Annotated[str, Field(Kind.ID, "A lower-case slug, unique across the base.", required=True)]
    title: Annotated[str, Field(Kind.TEXT, "The point of disagreement, in our words.", required=True)]
    summary: Annotated[str, Field(Kind.TEXT, "How the sources differ, in our words.", required=True)]
    records: Annotated[tuple[str, ...], Field(Kind.REFS, "The events and quotes it concerns.", target="events|quotes")]
    claims: Annotated[
        tuple[Claim, ...],
        Field(
            Kind.TABLES,
            "Each side, with its sources.",
            required=True,
            min_items=2,
            shape="([[disputes.claims]] blocks)",
            too_few="a dispute needs at least two claims",
        ),
    ]


class Phase(NamedTuple):
    """A period of the relationship as the documents tell it; periods may overlap where datings compete."""

    id: Annotated[str, Field(Kind.ID, "A lower-case slug, unique across the base.", required=True)]
    label: Annotated[str, Field(Kind.TEXT, "A short name for the period.", required=True)]
    start: Annotated[FuzzyDate, Field(Kind.DATE, "When it began.", required=True)]
    end: Annotated[FuzzyDate | None, Field(Kind.DATE, "When it ended; none: still going on when the sources wrote.")]
    summary: Annotated[str, Field(Kind.TEXT, "What marked it, in our words.", required=True)]
    sources: Annotated[tuple[Citation, ...], _citations("The sources that describe it.")]

    def overlaps(self, since: date | None, until: date | None) -> bool:
        return (until is None or self.start.start <= until) and (
            since is None or self.end is None or self.end.end >= since
        )


_DISPUTES = Field(Kind.REFS, "The disputes that name this record (derived, not written).", derived=True)


class Event(NamedTuple):
    """Something that happened or was said, dated as the sources date it."""

    id: Annotated[str, Field(Kind.ID, "A lower-case slug, unique across the base.", required=True)]
    date: Annotated[FuzzyDate | None, Field(Kind.DATE, "When it happened; none: undated.")]
    date_text: Annotated[str | None, Field(Kind.TEXT, 'The source\'s own phrase for the date ("late 2012").')]
    title: Annotated[str, Field(Kind.TEXT, "One line, in our words.", required=True)]
    summary: Annotated[
        str, Field(Kind.TEXT, "What happened, in our words, no stronger than the excerpt.", required=True)
    ]
    actors: Annotated[tuple[str, ...], Field(Kind.REFS, "The actors involved.", target="actors")]
    places: Annotated[tuple[str, ...], Field(Kind.TEXTS, "Where it happened.")]
    tags: Annotated[tuple[str, ...], Field(Kind.SLUGS, "Lower-case slugs for grouping.")]
    sources: Annotated[tuple[Citation, ...], _citations("The sources that state it.")]
    disputes: Annotated[tuple[str, ...], _DISPUTES] = ()


class Quote(NamedTuple):
    """Words someone said or wrote, verbatim, with the source that reports them."""

    id: Annotated[str, Field(Kind.ID, "A lower-case slug, unique across the base.", required=True)]
    speaker: Annotated[
        str,
        Field(Kind.REF, "Who said it (an organization for an official statement).", required=True, target="actors"),
    ]
    text: Annotated[str, Field(Kind.TEXT, "The words, verbatim.", required=True)]
    date: Annotated[FuzzyDate | None, Field(Kind.DATE, "When it was said; none: undated.")]
    date_text: Annotated[str | None, Field(Kind.TEXT, "The source's own phrase for the date.")]
    context: Annotated[str | None, Field(Kind.TEXT, "One line of context, in our words.")]
    about: Annotated[tuple[str, ...], Field(Kind.REFS, "The actors it is about.", target="actors")]
    sources: Annotated[tuple[Citation, ...], _citations("The sources that report it.")]
    disputes: Annotated[tuple[str, ...], _DISPUTES] = ()


Record = Source | Actor | Event | Quote | Dispute | Phase


class RecordType(NamedTuple):
    """One kind of record: the TOML array of tables (and JSON key) it is written under, and its class."""

    plural: str
    singular: str
    record_class: type[Any]


# In the order every listing, export and the file format take them.
RECORD_TYPES = (
    RecordType("sources", "source", Source),
    RecordType("actors", "actor", Actor),
    RecordType("events", "event", Event),
    RecordType("quotes", "quote", Quote),
    RecordType("disputes", "dispute", Dispute),
    RecordType("phases", "phase", Phase),
)
TYPE_OF: dict[type, RecordType] = {record_type.record_class: record_type for record_type in RECORD_TYPES}


def record_type(record: Record) -> str:
    """The singular name of a record's type: "event", "quote", ..."""
    return TYPE_OF[type(record)].singular


def record_date(record: Record) -> FuzzyDate | None:
    """The date a record is listed by: an event's or quote's date, a source's publication, a phase's start."""
    if isinstance(record, Event | Quote):
        return record.date
    if isinstance(record, Source):
        return record.published
    if isinstance(record, Phase):
        return record.start
    return None


def record_label(record: Record) -> str:
    """The one line that names a record in listings: a title, a name, or the words of a quote."""
    if isinstance(record, Source | Event | Dispute):
        return record.title
    if isinstance(record, Phase):
        return record.label
    if isinstance(record, Actor):
        return record.name
    return record.text
