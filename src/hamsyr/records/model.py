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


def _citations(doc: str, required: bool = True) -> Field:
    """A field of citations, written inline: `sources = [{ source = "...", excerpt = "..." }]`."""
    return Field(
        Kind.TABLES,
        doc,
        required=required,
        min_items=1 if required else 0,
        shape="tables with source and excerpt",
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


class EventKind(StrEnum):
    """What an event is, as the source tells it: something that happened, something an actor declared, what
    a source relays from others, or an analyst's judgment."""

    OCCURRENCE = "occurrence"
    STATEMENT = "statement"
    REPORT = "report"
    ASSESSMENT = "assessment"


class AliasKind(StrEnum):
    """What kind of name an alias is. A descriptor ("the Syrian leadership"), a document's own label ("axis of
    evil") or an epithet someone uses ("the blasphemous traitor", by those its citation names) is not a name:
    it is listed apart from the names, with who uses it, and ranks below real names in lookups."""

    OFFICIAL = "official"
    TRANSLITERATION = "transliteration"
    KUNYA = "kunya"
    NICKNAME = "nickname"
    FORMER = "former"
    DESCRIPTOR = "descriptor"
    LABEL = "label"
    EPITHET = "epithet"


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
    listed_in: Annotated[
        str | None,
        Field(
            Kind.REF,
            "The document that only lists it (as further reading): known by its title, never read, so never "
            "cited as evidence.",
            target="sources",
        ),
    ] = None
    retrieved: Annotated[FuzzyDate | None, Field(Kind.DATE, "When it was read at its url.")] = None
    note: Annotated[str | None, Field(Kind.TEXT, "How its date was read, or any other caveat.")] = None


class Role(NamedTuple):
    """A position an actor holds, as the sources attest it: `start` and `end` when they say when it began and
    ended; else `first_attested`, the earliest they show it held (it may have begun before), and
    `last_attested`, the latest (unknown is not ongoing)."""

    title: Annotated[str, Field(Kind.TEXT, 'The position, such as "Head of the Political Bureau".', required=True)]
    organization: Annotated[
        str | None, Field(Kind.REF, "The actor id of the organization it is held in.", target="actors")
    ] = None
    start: Annotated[FuzzyDate | None, Field(Kind.DATE, "When it began, where the sources say so.")] = None
    end: Annotated[FuzzyDate | None, Field(Kind.DATE, "When it ended, where the sources say so.")] = None
    last_attested: Annotated[
        FuzzyDate | None,
        Field(
            Kind.DATE,
            "With no end, the latest time the sources attest it: held no later than this, as far as the base "
            "knows. When not given, the publication date of the latest source citing the role.",
        ),
    ] = None
    sources: Annotated[tuple[Citation, ...], _citations("The sources that attest the role.", required=False)] = ()
    note: Annotated[str | None, Field(Kind.TEXT, "How the dates were inferred, or any other caveat.")] = None
    # Format 3, after the fields of earlier formats so that their columns keep their places.
    first_attested: Annotated[
        FuzzyDate | None,
        Field(
            Kind.DATE,
            "With no start, the earliest time the sources show it held: it may have begun before, as far as the "
            "base knows.",
        ),
    ] = None

    @property
    def since(self) -> FuzzyDate | None:
        """From when the sources show it held: its start, else its first attestation."""
        return self.start or self.first_attested

    @property
    def dated(self) -> bool:
        """Whether the sources place the role in time (a start, an end, or a first attestation)."""
        return self.since is not None or self.end is not None

    @property
    def horizon(self) -> FuzzyDate | None:
        """The date after which the base cannot say the role was held: its end, else the latest date it is
        attested, else the earliest."""
        return self.end or self.last_attested or self.since

    @property
    def known_from(self) -> date | None:
        """The first day the sources may show it held (None: open)."""
        return _first_known(self.start, self.first_attested)

    @property
    def known_until(self) -> date | None:
        """The last day the sources may show it held: to its end or latest attestation, else its start."""
        known = _last_known(self.end, self.last_attested or self.first_attested)
        return known if known is not None or self.start is None else self.start.last_day

    def overlaps(self, since: date | None, until: date | None) -> bool:
        """True when the sources show the role held at some point of [since, until]: a role is never held past
        what the sources attest."""
        return _within(self.known_from, self.known_until, since, until)


class Alias(NamedTuple):
    """Another name for an actor. In a file, a plain string is an alias with just its name."""

    name: Annotated[str, Field(Kind.TEXT, "The name or spelling.", required=True)]
    lang: Annotated[str | None, Field(Kind.TEXT, "Its language, as a code such as en or ar.")] = None
    kind: Annotated[AliasKind | None, Field(Kind.CHOICE, "What kind of name it is.")] = None
    sources: Annotated[
        tuple[Citation, ...], _citations("The documents that use this name or spelling.", required=False)
    ] = ()
    note: Annotated[
        str | None, Field(Kind.TEXT, 'A hedge the document puts on it ("so-called"), or any other caveat.')
    ] = None

    @property
    def is_descriptor(self) -> bool:
        """A way of referring to the actor rather than a name ("also referred to as")."""
        return self.kind in (AliasKind.DESCRIPTOR, AliasKind.LABEL, AliasKind.EPITHET)


class Actor(NamedTuple):
    """A person, organization, state or other party to the relationship."""

    id: Annotated[str, Field(Kind.ID, "A lower-case slug, unique across the base.", required=True)]
    name: Annotated[str, Field(Kind.TEXT, "The name it is best known by.", required=True)]
    kind: Annotated[ActorKind, Field(Kind.CHOICE, "What the actor is.", required=True)]
    aliases: Annotated[
        tuple[Alias, ...],
        Field(
            Kind.TABLES,
            "Other names and spellings, for lookup: strings, or tables with name, lang, kind and sources. The "
            "JSON gives their names here and the tables under `names`.",
            shape="strings (or tables with a name)",
            shorthand="name",
            expanded="names",
        ),
    ]
    description: Annotated[str | None, Field(Kind.TEXT, "One line, in our own words.")]
    roles: Annotated[
        tuple[Role, ...], Field(Kind.TABLES, "The positions it holds.", shape="tables ([[actors.roles]] blocks)")
    ]
    sources: Annotated[
        tuple[Citation, ...], _citations("The sources that state what the description says.", required=False)
    ] = ()


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
            shape="tables ([[disputes.claims]] blocks)",
            too_few="a dispute needs at least two claims",
        ),
    ]


class Phase(NamedTuple):
    """A period of the relationship as the documents tell it; periods may overlap where datings compete."""

    id: Annotated[str, Field(Kind.ID, "A lower-case slug, unique across the base.", required=True)]
    label: Annotated[str, Field(Kind.TEXT, "A short name for the period.", required=True)]
    start: Annotated[FuzzyDate, Field(Kind.DATE, "When it began.", required=True)]
    end: Annotated[
        FuzzyDate | None,
        Field(Kind.DATE, "When it ended, where the sources say so; with none, it went on as far as they attest it."),
    ]
    summary: Annotated[str, Field(Kind.TEXT, "What marked it, in our words.", required=True)]
    sources: Annotated[tuple[Citation, ...], _citations("The sources that describe it and date its turns.")]
    note: Annotated[str | None, Field(Kind.TEXT, "How its boundaries were dated, or any other caveat.")] = None
    last_attested: Annotated[
        FuzzyDate | None,
        Field(
            Kind.DATE,
            "With no end, the latest time the sources attest it: going on no later than this, as far as the base "
            "knows. When not given, the publication date of the latest source citing it.",
        ),
    ] = None

    @property
    def horizon(self) -> FuzzyDate | None:
        """The date after which the base cannot say the phase went on: its end, else its last attestation."""
        return self.end or self.last_attested

    @property
    def known_until(self) -> date | None:
        """The last day the sources may show it going on (None: neither an end nor an attestation)."""
        return _last_known(self.end, self.last_attested)

    def overlaps(self, since: date | None, until: date | None) -> bool:
        """True when the phase went on at some point of [since, until], as far as the sources attest it."""
        return _within(self.start.first_day, self.known_until, since, until)


def _first_known(began: FuzzyDate | None, attested: FuzzyDate | None) -> date | None:
    """The first day the sources may show something going on: when it began, matched as any date is (an
    approximate one widened); else the first day of its first attestation as stated, never widened."""
    if began is not None:
        return began.first_day
    return attested.start if attested is not None else None


def _last_known(ended: FuzzyDate | None, attested: FuzzyDate | None) -> date | None:
    """The last day the sources may show something going on: when it ended, matched as any date is; else the
    last day of its latest attestation as stated, never widened (unknown is not ongoing)."""
    if ended is not None:
        return ended.last_day
    return attested.end if attested is not None else None


def _within(first: date | None, last: date | None, since: date | None, until: date | None) -> bool:
    """Whether [first, last] (None: open) meets [since, until] (None: open)."""
    return (until is None or first is None or first <= until) and (since is None or last is None or last >= since)


class Identification(NamedTuple):
    """An actor a record speaks of without naming, identified by the editors: marked as theirs, never as if
    the source named it."""

    actor: Annotated[str, Field(Kind.REF, "The actor id the editors read it as.", required=True, target="actors")]
    described_as: Annotated[
        str, Field(Kind.TEXT, "The source's own words for it, verbatim (the excerpt holds them).", required=True)
    ]
    note: Annotated[str, Field(Kind.TEXT, "Why the editors read it so, and how sure that is.", required=True)]


def _identified(what: str) -> Field:
    return Field(
        Kind.TABLES,
        f"Actors the {what} speaks of without naming them, as the editors identify them (marked so everywhere).",
        shape="tables with actor, described_as and note",
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
    kind: Annotated[
        EventKind | None,
        Field(
            Kind.CHOICE,
            "What it is: an occurrence, a statement (an actor's own declaration), a report (a source relaying "
            "what others say) or an assessment (an analyst's judgment).",
        ),
    ] = None
    note: Annotated[str | None, Field(Kind.TEXT, "How its date was inferred, or any other caveat.")] = None
    identified: Annotated[tuple[Identification, ...], _identified("event")] = ()

    @property
    def involved(self) -> tuple[str, ...]:
        """The actors it involves: those it names, then those identified in it."""
        return (*self.actors, *(found.actor for found in self.identified if found.actor not in self.actors))


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
    note: Annotated[str | None, Field(Kind.TEXT, "How its date or speaker was read, or any other caveat.")] = None
    identified: Annotated[tuple[Identification, ...], _identified("quotation")] = ()

    @property
    def subjects(self) -> tuple[str, ...]:
        """The actors it is about: those it names, then those identified in it."""
        return (*self.about, *(found.actor for found in self.identified if found.actor not in self.about))


Record = Source | Actor | Event | Quote | Dispute | Phase


class RecordType(NamedTuple):
    """One kind of record: the TOML array of tables (and JSON key) it is written under, and its class."""

    plural: str
    singular: str
    record_class: type[Any]


# The versions of the file format, written at the top of a file (`format = 2`); a file without it is format 1,
# which has none of the fields added since and reads the same way.
FORMATS = (1, 2, 3)
# The top-level key naming the bases a file builds on, read before it: paths taken from the file's folder,
# folders (their *.toml files), or "@shipped".
BUILDS_ON = "builds_on"
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
