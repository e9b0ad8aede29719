"""Views of one thing with everything around it (an actor, a source, an event or quote), the phases, the
timeline, facts about the base and the problems of its files: each as JSON, as rows, as the titled sections
of a page (TSV) and as blocks for people.

Pages carry the names of the actors they show by id, so that nothing needs the fact base to write them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hamsyr._values import Value
from hamsyr.errors import Problem
from hamsyr.records.codec import date_details, date_keys, date_text, json_keys, to_dict
from hamsyr.records.dates import FuzzyDate
from hamsyr.records.model import (
    Actor,
    Alias,
    Citation,
    Dispute,
    Event,
    Phase,
    Quote,
    Role,
    Source,
    record_date,
    record_label,
    record_type,
)
from hamsyr.views.view import NO_NAMES, Section, View, chosen, record_columns

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from hamsyr.query.results import Support, YearGroup
    from hamsyr.views.blocks import Block


def _sections(*sections: Section) -> list[Section]:
    """The sections that have rows."""
    return [section for section in sections if section[2]]


class ActorView(View, Value):
    """One actor (with only the roles held `on` a date, when one was asked for), its events and quotes, and
    the people who hold roles in it (when it is an organization)."""

    actor: Actor
    events: Sequence[Event]
    quotes: Sequence[Quote]
    quotes_about: Sequence[Quote]
    members: Sequence[tuple[Actor, Role]] = ()
    on: FuzzyDate | None = None
    names: Mapping[str, str] = NO_NAMES
    undated_roles: int = 0  # with `on`: how many of its roles the sources do not place in time

    def data(self) -> dict[str, Any]:
        data = {
            **to_dict(self.actor),
            "events": [to_dict(event) for event in self.events],
            "quotes": [to_dict(quote) for quote in self.quotes],
            "quotes_about": [to_dict(quote) for quote in self.quotes_about],
            "members": [_member(actor, role) for actor, role in self.members],
        }
        return {**data, "on": self.on.text} if self.on else data

    def columns(self) -> Sequence[str]:
        return record_columns(Actor)

    def rows(self) -> list[dict[str, Any]]:
        return [to_dict(self.actor)]

    def sections(self) -> list[Section]:
        events, quotes = record_columns(Event), record_columns(Quote)
        return _sections(
            ("actor", self.columns(), self.rows()),
            ("names", NAME_COLUMNS, [_name(alias) for alias in self.actor.aliases]),
            ("roles", json_keys(Role), [to_dict(role) for role in self.actor.roles]),
            ("members", MEMBER_COLUMNS, [_member(actor, role) for actor, role in self.members]),
            ("events", events, [to_dict(event) for event in self.events]),
            ("quotes", quotes, [to_dict(quote) for quote in self.quotes]),
            ("quotes about", quotes, [to_dict(quote) for quote in self.quotes_about]),
        )

    def blocks(self) -> list[Block]:
        from hamsyr.views import tables, voice
        from hamsyr.views.blocks import Fields, Note

        actor, names = self.actor, self.names
        on = voice.at(self.on) if self.on else None
        aliases = ", ".join(alias.name for alias in actor.aliases if not alias.is_descriptor)
        referred = "; ".join(voice.referred(alias) for alias in actor.aliases if alias.is_descriptor)
        described = "; ".join(voice.cited(citation) for citation in actor.sources)
        blocks: list[Block] = [
            Fields(
                actor.name,
                [
                    ("id", actor.id),
                    ("kind", actor.kind.value),
                    ("aliases", aliases),
                    ("also referred to as", referred),
                    ("description", actor.description),
                    ("described in", described),
                ],
            )
        ]
        if self.on and not actor.roles and not self.members:
            blocks.append(Note(voice.no_dated_role(self.on, self.undated_roles)))
        if actor.roles:
            blocks += tables.roles(f"Roles held {on}" if on else "Roles", [(None, role) for role in actor.roles], names)
        if self.members:
            title = f"People with roles in it {on}" if on else "People with roles in it"
            members = [(member.name, role._replace(organization=None)) for member, role in self.members]
            blocks += tables.roles(title, members, names)  # the organization is the page's actor
        if self.events:
            blocks.append(tables.events(self.events, names, f"Events ({len(self.events)})"))
        if self.quotes:
            blocks.append(tables.quotes(self.quotes, names, f"Quotes by {actor.name} ({len(self.quotes)})"))
        if self.quotes_about:
            title = f"Quotes about {actor.name} ({len(self.quotes_about)})"
            blocks.append(tables.quotes(self.quotes_about, names, title))
        return blocks


MEMBER_COLUMNS = ("actor", "name", *Role._fields)
NAME_COLUMNS = ("name", "kind", "lang", "attributed_to", "sources", "note")


def _name(alias: Alias) -> dict[str, Any]:
    """A name of an actor, or a way of referring to it (a descriptor, label or epithet), with who uses it."""
    who = "; ".join(dict.fromkeys(c.attributed_to for c in alias.sources if c.attributed_to)) or None
    sources = [citation.source for citation in alias.sources]
    return {
        "name": alias.name,
        "kind": alias.kind,
        "lang": alias.lang,
        "attributed_to": who,
        "sources": sources,
        "note": alias.note,
    }


def _member(actor: Actor, role: Role) -> dict[str, Any]:
    """Someone holding a role in an organization."""
    return {"actor": actor.id, "name": actor.name, **to_dict(role)}


class SourceView(View, Value):
    """One source and every event and quote that cites it."""

    source: Source
    supports: Sequence[Support]

    def data(self) -> dict[str, Any]:
        return {**to_dict(self.source), "supports": [support_data(support) for support in self.supports]}

    def columns(self) -> Sequence[str]:
        return record_columns(Source)

    def rows(self) -> list[dict[str, Any]]:
        return [to_dict(self.source)]

    def sections(self) -> list[Section]:
        supports = [support_data(support) for support in self.supports]
        return _sections(("source", self.columns(), self.rows()), ("supports", SUPPORT_COLUMNS, supports))

    def blocks(self) -> list[Block]:
        from hamsyr.views import tables, voice
        from hamsyr.views.blocks import Fields, Note

        source = self.source
        pairs = [
            ("id", source.id),
            ("author", source.author),
            ("publisher", source.publisher),
            ("published", voice.date_words(source.published) if source.published else None),
            ("url", source.url),
            ("language", source.language),
            ("note", source.note),
        ]
        if not self.supports:
            return [Fields(source.title, pairs), Note("No record cites this source yet.")]
        title = f"What it supports ({len(self.supports)})"
        return [Fields(source.title, pairs), tables.supports(self.supports, title)]


_SUPPORT_FIELDS = ("type", "id", "date", "title", "part", "excerpt", "attributed_to")
SUPPORT_COLUMNS = (*_SUPPORT_FIELDS, *date_keys("date"))


def support_data(support: Support) -> dict[str, Any]:
    """A record a source supports (or a part of one: `part`), with the excerpt that ties them."""
    record, citation = support.record, support.citation
    when = record_date(record)
    values = (record_type(record), record.id, date_text(when), record_label(record), support.part)
    return {
        **dict(zip(_SUPPORT_FIELDS, (*values, citation.excerpt, citation.attributed_to), strict=True)),
        **date_details("date", when),
    }


class RecordView(View, Value):
    """One event or quote with everything around it: the disputes that name it, the phases it falls in, and
    the records nearest to it that share an actor (or, for a quote, its speaker)."""

    record: Event | Quote
    disputes: Sequence[Dispute] = ()
    phases: Sequence[Phase] = ()
    related: Sequence[Event | Quote] = ()
    names: Mapping[str, str] = NO_NAMES

    def data(self) -> dict[str, Any]:
        return {
            **to_dict(self.record),
            "dispute_details": [to_dict(dispute) for dispute in self.disputes],
            "phases": [to_dict(phase) for phase in self.phases],
            "related": [_related(record) for record in self.related],
        }

    def columns(self) -> Sequence[str]:
        return record_columns(type(self.record))

    def rows(self) -> list[dict[str, Any]]:
        return [to_dict(self.record)]

    def sections(self) -> list[Section]:
        return _sections(
            (record_type(self.record), self.columns(), self.rows()),
            ("citations", Citation._fields, [to_dict(citation) for citation in self.record.sources]),
            ("disputes", record_columns(Dispute), [to_dict(dispute) for dispute in self.disputes]),
            ("phases", record_columns(Phase), [to_dict(phase) for phase in self.phases]),
            ("related", RELATED_COLUMNS, [_related(record) for record in self.related]),
        )

    def blocks(self) -> list[Block]:
        """Its fields, every citation with who says so, its disputes, phases and relations."""
        from hamsyr.views import tables, voice
        from hamsyr.views.blocks import Column, Fields, plain, table, text

        record, names = self.record, self.names
        if isinstance(record, Event):
            title, pairs = (
                record.title,
                [
                    ("id", record.id),
                    ("kind", str(record.kind) if record.kind else None),
                    ("actors", plain(tables.names_cell(names, record.actors))),
                    ("identified", _identifications(record, names)),
                    ("places", ", ".join(record.places)),
                    ("tags", ", ".join(record.tags)),
                    ("summary", record.summary),
                ],
            )
        else:
            title, pairs = (
                voice.quoted(record.text),
                [
                    ("id", record.id),
                    ("speaker", plain(tables.names_cell(names, [record.speaker]))),
                    ("about", plain(tables.names_cell(names, record.about))),
                    ("identified", _identifications(record, names)),
                    ("context", record.context),
                ],
            )
        when = None
        if record.date or record.date_text:
            # The source's phrase on a line of its own, so that a narrow terminal never wraps inside it.
            when = voice.date_words(record.date) + (f"\n{voice.quoted(record.date_text)}" if record.date_text else "")
        note = record.note
        blocks: list[Block] = [Fields(title, [pairs[0], ("date", when), *pairs[1:], ("note", note)])]
        columns = (Column("Source"), Column("Who says so"), Column("Excerpt", 4))
        citations = table(f"Citations ({len(record.sources)})", *columns)
        for citation in record.sources:
            who = citation.attributed_to or voice.THE_DOCUMENT_ITSELF
            citations.add(text(citation.source), text(who), text(voice.quoted(citation.excerpt)))
        blocks.append(citations)
        if self.disputes:
            blocks.append(tables.disputes(self.disputes, f"The sources disagree on it ({len(self.disputes)})"))
        if self.phases:
            blocks.append(tables.phases(self.phases, f"The phases it falls in ({len(self.phases)})"))
        if self.related:
            title = "Related: the nearest records that share an actor"
            related = table(title, tables.TYPE, tables.ID, tables.DATE, tables.TITLE)
            for other in self.related:
                related.add(
                    text(record_type(other)),
                    text(other.id),
                    tables.date_cell(other.date),
                    text(record_label(other)),
                )
            blocks.append(related)
        return blocks


RELATED_COLUMNS = ("type", "id", "date", "title", *date_keys("date"))


def _identifications(record: Event | Quote, names: Mapping[str, str]) -> str:
    """The actors a record speaks of without naming, as the editors read them, with why."""
    from hamsyr.views import voice

    return "; ".join(
        voice.identification(names.get(found.actor, found.actor), found.described_as, found.note)
        for found in record.identified
    )


def _related(record: Event | Quote) -> dict[str, Any]:
    """A record named beside another: what it is, when, and its one line."""
    return {
        **{"type": record_type(record), "id": record.id, "date": date_text(record.date), "title": record_label(record)},
        **date_details("date", record.date),
    }


class PhasesView(View, Value):
    """Phases of the relationship, and, when asked as of a date, the events inside each."""

    phases: Sequence[Phase]
    events: Sequence[Sequence[Event]] | None = None
    on: FuzzyDate | None = None
    names: Mapping[str, str] = NO_NAMES

    def data(self) -> list[dict[str, Any]]:
        if self.events is None:
            return self.rows()
        return [
            {**to_dict(phase), "events": [to_dict(event) for event in events]}
            for phase, events in zip(self.phases, self.events, strict=True)
        ]

    def columns(self) -> Sequence[str]:
        return record_columns(Phase)

    def rows(self) -> list[dict[str, Any]]:
        return [to_dict(phase) for phase in self.phases]

    def sections(self) -> list[Section] | None:
        if self.events is None:
            return None
        events = record_columns(Event)
        return _sections(
            ("phases", self.columns(), self.rows()),
            *(
                (f"events of {phase.id}", events, [to_dict(event) for event in phase_events])
                for phase, phase_events in zip(self.phases, self.events, strict=True)
            ),
        )

    def blocks(self) -> list[Block]:
        from hamsyr.views import tables, voice
        from hamsyr.views.blocks import Note

        if not self.phases:
            return [Note(voice.NO_PHASE)]
        on = f"Phases in force {voice.at(self.on)}" if self.on else None
        blocks: list[Block] = [tables.phases(self.phases, on)]
        for phase, events in zip(self.phases, self.events or (), strict=False):
            if events:
                blocks.append(tables.events(events, self.names, f"Events of {phase.label} ({len(events)})"))
        return blocks


class Lane(Value):
    """One row of the timeline picture: a label and the events marked on it."""

    label: str
    events: Sequence[Event]


class TimelineView(View, Value):
    """Events by year; for the picture also the phases, one lane of events per actor asked for, and the
    span of days the axis covers (None when there is nothing dated to draw)."""

    groups: Sequence[YearGroup]
    phases: Sequence[Phase] = ()
    lanes: Sequence[Lane] = ()
    span: tuple[date, date] | None = None
    names: Mapping[str, str] = NO_NAMES
    places: Mapping[str, int] | None = None  # each phase's place among all those of the base: its colour

    @property
    def events(self) -> list[Event]:
        return [event for group in self.groups for event in group.events]

    def data(self) -> list[dict[str, Any]]:
        return [{"year": group.year, "events": [to_dict(event) for event in group.events]} for group in self.groups]

    def data_with(self, fields: Sequence[str]) -> list[dict[str, Any]]:
        """Only `fields` in each event; the year groups stay."""
        data = self.data()
        picked = chosen(fields, [*record_columns(Event), *(key for g in data for e in g["events"] for key in e)])
        return [{"year": g["year"], "events": [{f: e[f] for f in picked} for e in g["events"]]} for g in data]

    def columns(self) -> Sequence[str]:
        return ("year", *record_columns(Event))

    def rows(self) -> list[dict[str, Any]]:
        return [{"year": group.year, **to_dict(event)} for group in self.groups for event in group.events]

    def blocks(self) -> list[Block]:
        """The picture of hamsyr.views.chart (when there is anything dated), then the events by year."""
        from hamsyr.views import tables, voice
        from hamsyr.views.blocks import Cell, Column, Picture, table, text

        shown = table(None, Column("Year", least=4), tables.DATE, tables.EVENT, tables.ACTORS)
        for group in self.groups:
            for position, event in enumerate(group.events):
                year = text(str(group.year) if group.year else voice.UNDATED, "title") if position == 0 else Cell()
                shown.add(
                    year,
                    tables.date_cell(event.date, event.date_text),
                    tables.titled(event.title, said=voice.said(event.kind, event.sources)),
                    tables.names_cell(self.names, event.actors, tables.identified_in(event, event.actors)),
                    ends_section=position == len(group.events) - 1,
                )
        if self.span is None:
            return [shown]
        return [Picture(self._picture), shown]

    def _picture(self, width: int, ascii_only: bool) -> list[list[tuple[str, str]]]:
        from hamsyr.views.chart import ASCII, UNICODE, draw

        assert self.span is not None
        glyphs = ASCII if ascii_only else UNICODE
        return draw(self.phases, self.events, self.lanes, *self.span, width, glyphs, self.places)


class InfoView(View, Value):
    """Facts about the base in use: a small object of named values; its dates (`dates`: the keys of those)
    with their details after them all, as a record's are."""

    facts: dict[str, Any]
    dates: Sequence[str] = ()

    def items(self, details: bool = False) -> Iterator[tuple[str, Any]]:
        """(key, value) pairs with nested objects flattened to dotted keys, for tables and TSV."""
        for key, value in self.facts.items():
            if isinstance(value, dict):
                yield from ((f"{key}.{inner}", item) for inner, item in value.items())
            else:
                yield key, _plain(value) if details else value
        if details:
            for key in self.dates:
                yield from date_details(key, self.facts[key]).items()

    def data(self) -> dict[str, Any]:
        data = {key: _plain(value) for key, value in self.facts.items()}
        for key in self.dates:
            data.update(date_details(key, self.facts[key]))
        return data

    def columns(self) -> Sequence[str]:
        return ("field", "value")

    def rows(self) -> list[dict[str, Any]]:
        return [{"field": key, "value": value} for key, value in self.items(details=True)]

    def rows_with(self, fields: Sequence[str]) -> tuple[Sequence[str], list[dict[str, Any]]]:
        """Info is a list of field/value rows: --fields picks rows, not columns."""
        rows = self.rows()
        picked = set(chosen(fields, [row["field"] for row in rows]))
        return self.columns(), [row for row in rows if row["field"] in picked]

    def blocks(self) -> list[Block]:
        from hamsyr.views import voice
        from hamsyr.views.blocks import Fields

        def words(value: Any) -> str:
            if isinstance(value, FuzzyDate):
                return voice.date_words(value)
            return ", ".join(value) if isinstance(value, list) else str(value)

        return [Fields(None, [(key, words(value)) for key, value in self.items()])]


def _plain(value: Any) -> Any:
    """A fact for JSON and rows: a date as written."""
    return value.text if isinstance(value, FuzzyDate) else value


class ValidationView(View, Value):
    """The problems of a fact base's files (none: it is valid)."""

    files: Sequence[Path]
    problems: Sequence[Problem]

    def data(self) -> list[dict[str, Any]]:
        return [problem.to_dict() for problem in self.problems]

    def columns(self) -> Sequence[str]:
        return Problem._fields

    def rows(self) -> list[dict[str, Any]]:
        return self.data()

    def lines(self) -> list[str]:
        return [str(problem) for problem in self.problems]

    def blocks(self) -> list[Block]:
        from hamsyr.views.blocks import Note

        return [Note(line, "") for line in self.lines()]
