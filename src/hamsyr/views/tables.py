"""The tables of records that several views show (events, quotes, actors, sources, disputes, search hits,
citing records, role holders, phases), as blocks (hamsyr.views.blocks), and the cells they are made of.

Imported only when a view is drawn for people. Every phrase about certainty and provenance comes from
hamsyr.views.voice; actor ids are shown by the names the view carries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from hamsyr.query.results import Hit, Support
from hamsyr.records.dates import FuzzyDate
from hamsyr.records.model import (
    Actor,
    Citation,
    Dispute,
    Event,
    Phase,
    Quote,
    Record,
    Role,
    Source,
    record_date,
    record_label,
    record_type,
)
from hamsyr.views import voice
from hamsyr.views.blocks import Block, Cell, Column, Note, Table, kept_whole, lines, table, text

# Ids and codes stay whole; free text gets the larger share of the width, short values the least. The least
# widths decide from what width a table is drawn as columns (below it, stacked): an id of the shipped base
# fits in 34 cells, a source id in 17, a type in 7; a date in words ("October to December 2017") in 24.
ID, TYPE, SOURCES = kept_whole("ID", 30), kept_whole("Type", 7), kept_whole("Sources", 17)
DATE_UNIT = 24
DATE, ACTORS, NAME, KIND = Column("Date", 1, DATE_UNIT), Column("Actors", least=14), Column("Name"), Column("Kind")
EVENT, QUOTE, TITLE = Column("Event", 5, 30), Column("Quote", 5, 30), Column("Title", 4, 24)


def date_cell(value: FuzzyDate | None, phrase: str | None = None) -> Cell:
    """A date in words; under it its qualifiers, dimmed; under those the source's own phrase for it. A span
    too long for a line of the date column breaks between its ends, and qualifiers between the ends they
    qualify, so that the column never splits a date (the phrase wraps as words do)."""
    words, qualifiers = voice.date_parts(value)
    if value is not None and len(words) > DATE_UNIT:
        words = voice.when(value, to=" to\n")
    cell = text(words, "" if value else "dim")
    qualifiers = qualifiers.strip()
    if len(qualifiers) > DATE_UNIT:
        qualifiers = qualifiers.replace("; ", ";\n")
    if qualifiers:
        cell.append((f"\n{qualifiers}", "dim"))
    if phrase:
        cell += [("\n", ""), (voice.quoted(phrase), "phrase")]
    return cell


def names_cell(names: Mapping[str, str], actor_ids: Iterable[str], identified: Iterable[str] = ()) -> Cell:
    """Actors by name; those a record speaks of without naming them marked as identified by the editors."""
    named = [names.get(actor_id, actor_id) for actor_id in actor_ids]
    named += [voice.identified(names.get(actor_id, actor_id)) for actor_id in identified]
    return text(", ".join(named))


def identified_in(record: Event | Quote, named: Sequence[str]) -> list[str]:
    """The actors identified in a record that it does not also name."""
    return [found.actor for found in record.identified if found.actor not in named]


def sources_cell(citations: Sequence[Citation]) -> Cell:
    return text("\n".join(dict.fromkeys(c.source for c in citations)))


def titled(title: str, summary: str | None = None, said: str = "", disputes: Sequence[str] = ()) -> Cell:
    """A record's title, its summary, what it is and who says so, and whether the sources disagree on it."""
    cell = text(title, "title")
    if summary:
        cell += [("\n", ""), (summary, "")]
    return _provenance(cell, said, disputes)


def _provenance(cell: Cell, said: str, disputes: Sequence[str]) -> Cell:
    if said:
        cell.append((f"\n{said}", "said"))
    if disputes:
        # The sources disagree about this record: say so where it is read, and where to look.
        cell.append((f"\n{voice.disputed(disputes)}", "disputed"))
    return cell


def events(items: Sequence[Event], names: Mapping[str, str], title: str | None = None) -> Table:
    shown = table(title, DATE, EVENT, ACTORS, SOURCES)
    for event in items:
        shown.add(
            date_cell(event.date, event.date_text),
            titled(event.title, event.summary, voice.said(event.kind, event.sources), event.disputes),
            names_cell(names, event.actors, identified_in(event, event.actors)),
            sources_cell(event.sources),
        )
    return shown


def quotes(items: Sequence[Quote], names: Mapping[str, str], title: str | None = None) -> Table:
    shown = table(title, DATE, Column("Speaker"), QUOTE, Column("About"), SOURCES)
    for quote in items:
        words = text(voice.quoted(quote.text))
        if quote.context:
            words += [("\n", ""), (quote.context, "dim")]
        shown.add(
            date_cell(quote.date, quote.date_text),
            names_cell(names, [quote.speaker]),
            _provenance(words, voice.attribution(quote.sources), quote.disputes),
            names_cell(names, quote.about, identified_in(quote, quote.about)),
            sources_cell(quote.sources),
        )
    return shown


def actors(items: Sequence[Actor]) -> Table:
    shown = table(None, ID, NAME, KIND, Column("Aliases", 3, 18), Column("Description", 4, 24))
    for actor in items:
        shown.add(
            text(actor.id),
            text(actor.name, "title"),
            text(actor.kind.value),
            text(", ".join(alias.name for alias in actor.aliases if not alias.is_descriptor)),
            text(actor.description),
        )
    return shown


def sources(items: Sequence[Source], title: str | None = None) -> Table:
    published, lang = Column("Published", least=DATE_UNIT), Column("Lang", least=4)
    shown = table(title, ID, TITLE, Column("Author"), Column("Publisher"), published, lang)
    for source in items:
        shown.add(
            text(source.id),
            text(source.title, "title"),
            text(source.author),
            text(source.publisher),
            date_cell(source.published),
            text(source.language),
        )
    return shown


def disputes(items: Sequence[Dispute], title: str | None = None) -> Table:
    shown = table(title, ID, Column("Point of disagreement", 3, 24), Column("Claims", 6, 36))
    for dispute in items:
        claims = Cell()
        for number, claim in enumerate(dispute.claims):
            if number:
                claims.append(("\n\n", ""))
            claims.append((f"• {claim.claim}", ""))
            claims += [(f"\n  {voice.cited(citation)}", "dim") for citation in claim.sources]
        point = titled(dispute.title, dispute.summary)
        if dispute.records:
            point.append((f"\nconcerns: {', '.join(dispute.records)}", "dim"))
        shown.add(text(dispute.id), point, claims, ends_section=True)
    return shown


def _highlighted(passage: str, spans: Sequence[tuple[int, int]], style: str = "") -> Cell:
    """The passage with its matches styled, in a cell of `style`."""
    cell, position = Cell(style=style), 0
    for start, end in spans:
        cell += [(passage[position:start], ""), (passage[start:end], "match")]
        position = end
    cell.append((passage[position:], ""))
    return cell


def hits(items: Sequence[Hit]) -> Table:
    shown = table(None, TYPE, ID, DATE, Column("Match", 5, 30))
    for hit in items:
        record = hit.record
        if hit.field in ("title", "name", "text"):
            label = _highlighted(hit.passage, hit.spans, "title")
        else:
            label = Cell([(record_label(record), "title"), ("\n", ""), (f"{hit.field}: ", "dim")])
            label += _highlighted(hit.passage, hit.spans)
        if isinstance(record, Actor):  # found by a way of referring that is no name: who uses it
            referred = [a for a in record.aliases if a.is_descriptor and a.name == hit.passage and hit.field == a.kind]
            for alias in referred[:1]:
                label.append((f"\n{voice.referred(alias)}", "said"))
        if isinstance(record, Event | Quote):
            _provenance(label, voice.attribution(record.sources), ())
        shown.add(text(record_type(record)), text(record.id), when_cell(record), label)
    return shown


def supports(items: Sequence[Support], title: str | None = None) -> Table:
    shown = table(title, TYPE, ID, DATE, Column("Fact", 3, 18), Column("Excerpt", 4, 24))
    for support in items:
        record, citation = support.record, support.citation
        excerpt = text(voice.quoted(citation.excerpt))
        if citation.attributed_to:
            excerpt.append((f"\n{voice.attribution([citation])}", "said"))
        fact = text(record_label(record), "title")
        if support.part:
            fact.append((f"\n{support.part}", "dim"))
        shown.add(text(record_type(record)), text(record.id), when_cell(record, support.part), fact, excerpt)
    return shown


def when_cell(record: Record, part: str = "") -> Cell:
    """When a record (or the part of it named: "role TITLE") is placed in time: an event's or quote's date, a
    phase's period, a role's dates; nothing for what has no date of its own (an actor, a dispute)."""
    if isinstance(record, Event | Quote):
        return date_cell(record.date, record.date_text)
    if isinstance(record, Phase):
        return text(voice.phase_dates(record))
    if isinstance(record, Actor) and part.startswith("role "):
        held = [role for role in record.roles if f"role {role.title}" == part]
        return text(voice.role_dates(held[0], "\n"), "dim") if held else Cell()
    dated = record_date(record)
    return date_cell(dated) if dated else Cell()


def roles(title: str, held: Sequence[tuple[str | None, Role]], names: Mapping[str, str]) -> list[Block]:
    """Roles, each with who holds it (a name, or None for the actor the page is about), its organization,
    when the sources place it and its sources; the notes under the table at full width, numbered from their
    roles, as a note is a paragraph, not a cell."""
    holders = [Column("Name", least=14)] if any(name for name, _ in held) else []
    organizations = [Column("Organization", least=14)] if any(role.organization for _, role in held) else []
    shown = table(title, *holders, Column("Role", 3, 16), *organizations, Column("Held", 3, DATE_UNIT), SOURCES)
    notes = list(dict.fromkeys(role.note for _, role in held if role.note))
    for name, role in held:
        mark = f" [{notes.index(role.note) + 1}]" if role.note else ""
        shown.add(
            *([text(name, "title")] if holders else []),
            Cell([(role.title, ""), (mark, "dim")]),
            *([names_cell(names, [role.organization]) if role.organization else Cell()] if organizations else []),
            text(voice.role_dates(role, "\n"), "" if role.dated else "dim"),
            sources_cell(role.sources),
        )
    numbered = "\n".join(f"[{number}] {note}" for number, note in enumerate(notes, 1))
    return [shown, Note(numbered)] if notes else [shown]


def role_cell(role: Role, names: Mapping[str, str]) -> Cell:
    """A role on one line: title, organization, and the time the sources attest it."""
    cell = text(role.title)
    if role.organization:
        cell += [(", ", ""), *names_cell(names, [role.organization])]
    cell.append((f" ({voice.role_dates(role)})", "dim"))
    return cell


def role_holders(items: Sequence[Actor], names: Mapping[str, str], title: str | None = None) -> Table:
    shown = table(title, ID, NAME, KIND, Column("Roles", 3, 30))
    for actor in items:
        roles = lines(role_cell(role, names) for role in actor.roles)
        shown.add(text(actor.id), text(actor.name, "title"), text(actor.kind.value), roles)
    return shown


def phases(items: Sequence[Phase], title: str | None = None) -> Table:
    shown = table(title, Column("Period", least=20), Column("Phase", 3, 30), SOURCES)
    for phase in items:
        shown.add(
            text(voice.phase_dates(phase)),
            titled(phase.label, phase.summary),
            sources_cell(phase.sources),
        )
    return shown
