"""Tables for people. Every piece of fact base text enters a table as `Styled` text made visible-safe and
is never read as markup, so `[bold]` or an escape sequence in the data stays inert."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any

from hamsyr.chart import ASCII, UNICODE, Glyphs, draw
from hamsyr.dates import FuzzyDate
from hamsyr.factbase import FactBase, Hit, Support, record_date, record_label, record_type
from hamsyr.grid import Column, Grid
from hamsyr.inert import visible
from hamsyr.model import Actor, Citation, Dispute, Event, Quote, Role, Source
from hamsyr.styled import Line, Styled, wrap
from hamsyr.terminal import screen_for, show
from hamsyr.views import ActorView, Listing, PhasesView, SourceView, TimelineView, View

Block = Grid | Styled | list[Line]  # a table, a paragraph, or lines already laid out (the timeline picture)

_TITLE = "bold"
_DIM = "dim"
_MATCH = "bold reverse"
_DISPUTED = "yellow"


def safe(text: str | None, style: str = "") -> Styled:
    return Styled(visible(text or ""), style)


def _date_cell(value: FuzzyDate | None, date_text: str | None = None) -> Styled:
    cell = safe(value.text if value else "undated", "" if value else _DIM)
    if value is not None and (value.approximate or value.uncertain):
        flags = ", ".join(word for word, on in (("approx.", value.approximate), ("uncertain", value.uncertain)) if on)
        cell.append(f" ({flags})", style=_DIM)
    if date_text:
        cell.append("\n")
        cell.extend(safe(f"“{date_text}”", "italic " + _DIM))
    return cell


def _names(base: FactBase | None, ids: Iterable[str]) -> Styled:
    return safe(", ".join(base.name_of(actor_id) if base else actor_id for actor_id in ids))


def _sources(citations: Sequence[Citation]) -> Styled:
    return safe("\n".join(dict.fromkeys(c.source for c in citations)))


# Share of the width each column may take: free text gets the most, short codes the least.
_IDS = {"ID", "Sources", "Type"}
_RATIOS = {
    "Point of disagreement": 3,
    "Claims": 6,
    "Event": 5,
    "Quote": 5,
    "Match": 5,
    "Fact": 3,
    "Excerpt": 4,
    "Description": 4,
    "Title": 4,
    "Aliases": 3,
}


def _table(title: str | None, *columns: str) -> Grid:
    # Ids are kept on one line when they fit; everything else wraps to fit.
    return Grid(*(Column(name, None if name in _IDS else _RATIOS.get(name, 2)) for name in columns), title=title)


def _titled(title: str, summary: str | None = None, disputes: Sequence[str] = ()) -> Styled:
    cell = safe(title, _TITLE)
    if summary:
        cell.append("\n")
        cell.extend(safe(summary))
    if disputes:
        # The sources disagree about this record: say so where it is read, and where to look.
        cell.extend(safe(f"\n⚑ disputed: {', '.join(disputes)}", _DISPUTED))
    return cell


def events_table(events: Sequence[Event], base: FactBase | None, title: str | None = None) -> Grid:
    table = _table(title, "Date", "Event", "Actors", "Sources")
    for event in events:
        table.add_row(
            _date_cell(event.date, event.date_text),
            _titled(event.title, event.summary, event.disputes),
            _names(base, event.actors),
            _sources(event.sources),
        )
    return table


def quotes_table(quotes: Sequence[Quote], base: FactBase | None, title: str | None = None) -> Grid:
    table = _table(title, "Date", "Speaker", "Quote", "About", "Sources")
    for quote in quotes:
        text = safe(f"“{quote.text}”")
        if quote.context:
            text.append("\n")
            text.extend(safe(quote.context, _DIM))
        if quote.disputes:
            text.extend(safe(f"\n⚑ disputed: {', '.join(quote.disputes)}", _DISPUTED))
        table.add_row(
            _date_cell(quote.date, quote.date_text),
            _names(base, [quote.speaker]),
            text,
            _names(base, quote.about),
            _sources(quote.sources),
        )
    return table


def actors_table(actors: Sequence[Actor]) -> Grid:
    table = _table(None, "ID", "Name", "Kind", "Aliases", "Description")
    for actor in actors:
        table.add_row(
            safe(actor.id),
            safe(actor.name, _TITLE),
            safe(actor.kind.value),
            safe(", ".join(actor.aliases)),
            safe(actor.description),
        )
    return table


def sources_table(sources: Sequence[Source]) -> Grid:
    table = _table(None, "ID", "Title", "Author", "Publisher", "Published", "Lang")
    for source in sources:
        table.add_row(
            safe(source.id),
            safe(source.title, _TITLE),
            safe(source.author),
            safe(source.publisher),
            _date_cell(source.published),
            safe(source.language),
        )
    return table


def disputes_table(disputes: Sequence[Dispute]) -> Grid:
    table = _table(None, "ID", "Point of disagreement", "Claims")
    for dispute in disputes:
        claims = Styled()
        for number, claim in enumerate(dispute.claims):
            if number:
                claims.append("\n\n")
            claims.extend(safe(f"• {claim.claim}"))
            for citation in claim.sources:
                who = f" (attributed to {citation.attributed_to})" if citation.attributed_to else ""
                claims.extend(safe(f"\n  {citation.source}{who}: “{citation.excerpt}”", _DIM))
        point = _titled(dispute.title, dispute.summary)
        if dispute.records:
            point.extend(safe(f"\nconcerns: {', '.join(dispute.records)}", _DIM))
        table.add_row(safe(dispute.id), point, claims, end_section=True)
    return table


def _highlighted(passage: str, spans: Sequence[tuple[int, int]]) -> Styled:
    """The passage with its matches styled; each piece is escaped on its own so spans stay aligned."""
    text, position = Styled(), 0
    for start, end in spans:
        text.extend(safe(passage[position:start]))
        text.extend(safe(passage[start:end], _MATCH))
        position = end
    text.extend(safe(passage[position:]))
    return text


def hits_table(hits: Sequence[Hit]) -> Grid:
    table = _table(None, "Type", "ID", "Date", "Match")
    for hit in hits:
        label = safe(record_label(hit.record), _TITLE)
        if hit.field not in ("title", "name", "text"):
            label.append("\n")
            label.extend(safe(f"{hit.field}: ", _DIM))
            label.extend(_highlighted(hit.passage, hit.spans))
        else:
            label = _highlighted(hit.passage, hit.spans)
            label = label.restyled(_TITLE)
        when = record_date(hit.record)
        # Actors and disputes have no date of their own: leave the cell empty rather than say "undated".
        if isinstance(hit.record, Event | Quote):
            date_cell = _date_cell(when, hit.record.date_text)
        else:
            date_cell = _date_cell(when) if when else Styled()
        table.add_row(safe(record_type(hit.record)), safe(hit.record.id), date_cell, label)
    return table


def supports_table(supports: Sequence[Support], title: str | None = None) -> Grid:
    table = _table(title, "Type", "ID", "Date", "Fact", "Excerpt")
    for support in supports:
        excerpt = safe(f"“{support.citation.excerpt}”")
        if support.citation.attributed_to:
            excerpt.extend(safe(f"\n(attributed to {support.citation.attributed_to})", _DIM))
        table.add_row(
            safe(record_type(support.record)),
            safe(support.record.id),
            _date_cell(support.record.date, support.record.date_text),
            safe(record_label(support.record), _TITLE),
            excerpt,
        )
    return table


def _fields(pairs: Iterable[tuple[str, str | None]], title: str | None = None) -> Grid:
    table = Grid(Column("", None), Column("", 1), title=title, header=False)
    for key, value in pairs:
        if value:
            table.add_row(Styled(key, _DIM), safe(value))
    return table


def _period(start: FuzzyDate | None, end: FuzzyDate | None) -> str:
    """From one date to another; an open end is shown as an ellipsis."""
    return f"{start.text if start else '…'} → {end.text if end else '…'}"


def role_text(role: Role, base: FactBase | None) -> Styled:
    """A role on one line: title, organization, and the time the sources attest it."""
    text = safe(role.title)
    if role.organization:
        text.append(", ").extend(_names(base, [role.organization]))
    if role.dated:
        text.extend(safe(f" ({_period(role.start, role.end)})", _DIM))
    else:
        text.extend(safe(" (dates unknown)", _DIM))
    return text


def role_holders_table(actors: Sequence[Actor], base: FactBase | None, title: str | None = None) -> Grid:
    table = _table(title, "ID", "Name", "Kind", "Roles")
    for actor in actors:
        roles = Styled.joined("\n", (role_text(role, base) for role in actor.roles))
        table.add_row(safe(actor.id), safe(actor.name, _TITLE), safe(actor.kind.value), roles)
    return table


def phases_view(view: PhasesView, base: FactBase | None) -> list[Block]:
    table = _table(f"Phases in force on {view.on}" if view.on else None, "Period", "Phase", "Sources")
    for phase in view.phases:
        period = safe(_period(phase.start, phase.end))
        table.add_row(period, _titled(phase.label, phase.summary), _sources(phase.sources))
    if view.events is None:
        return [table]
    parts: list[Block] = [table]
    for phase, events in zip(view.phases, view.events, strict=True):
        if events:
            parts.append(events_table(events, base, f"Events of {visible(phase.label)} ({len(events)})"))
    return parts


def actor_view(view: ActorView, base: FactBase | None) -> list[Block]:
    actor = view.actor
    parts: list[Block] = [
        _fields(
            [
                ("id", actor.id),
                ("kind", actor.kind.value),
                ("aliases", ", ".join(actor.aliases)),
                ("description", actor.description),
            ],
            title=visible(actor.name),
        )
    ]
    if view.on and not actor.roles and not view.members:
        parts.append(Styled(f"No role the sources date is known to have been held on {view.on}.", _DIM))
    if actor.roles:
        roles = _table(f"Roles on {view.on}" if view.on else "Roles", "Role", "Organization", "From", "Until")
        for role in actor.roles:
            organization = _names(base, [role.organization]) if role.organization else Styled()
            roles.add_row(
                safe(role.title),
                organization,
                _date_cell(role.start) if role.start else Styled(),
                _date_cell(role.end) if role.end else Styled(),
            )
        parts.append(roles)
    if view.members:
        members = _table(
            f"People with roles in it on {view.on}" if view.on else "People with roles in it", "Name", "Role"
        )
        for member, role in view.members:
            members.add_row(safe(member.name, _TITLE), role_text(role._replace(organization=None), base))
        parts.append(members)
    if view.events:
        parts.append(events_table(view.events, base, f"Events ({len(view.events)})"))
    if view.quotes:
        parts.append(quotes_table(view.quotes, base, f"Quotes by {visible(actor.name)} ({len(view.quotes)})"))
    if view.quotes_about:
        parts.append(
            quotes_table(view.quotes_about, base, f"Quotes about {visible(actor.name)} ({len(view.quotes_about)})")
        )
    return parts


def source_view(view: SourceView) -> list[Block]:
    source = view.source
    header = _fields(
        [
            ("id", source.id),
            ("author", source.author),
            ("publisher", source.publisher),
            ("published", source.published.text if source.published else None),
            ("url", source.url),
            ("language", source.language),
        ],
        title=visible(source.title),
    )
    if not view.supports:
        return [header, Styled("No event or quote cites this source yet.", _DIM)]
    return [header, supports_table(view.supports, f"What it supports ({len(view.supports)})")]


_PHASE_COLOURS = ("cyan", "magenta", "yellow", "green", "blue", "red")
_CHART_STYLES = {"axis": _DIM, "label": "bold", "event": "bold", "lane": "bold cyan", "": ""}


def chart_text(view: TimelineView, width: int, glyphs: Glyphs) -> list[Line] | None:
    """The timeline picture, each line from hamsyr.chart: phases in colour, labels in bold."""
    if view.span is None:
        return None
    events = [event for group in view.groups for event in group.events]
    return [
        [
            (visible(text), _PHASE_COLOURS[int(kind[6:])] if kind.startswith("phase-") else _CHART_STYLES[kind])
            for text, kind in line
        ]
        for line in draw(view.phases, events, view.lanes, view.span[0], view.span[1], width, glyphs)
    ]


def timeline_view(view: TimelineView, base: FactBase | None, width: int = 80, glyphs: Glyphs = UNICODE) -> list[Block]:
    picture = chart_text(view, width, glyphs)
    table = _table(None, "Year", "Date", "Event", "Actors")
    for group in view.groups:
        for position, event in enumerate(group.events):
            year = safe(str(group.year) if group.year else "undated", _TITLE) if position == 0 else Styled()
            table.add_row(
                year,
                _date_cell(event.date, event.date_text),
                _titled(event.title),
                _names(base, event.actors),
                end_section=position == len(group.events) - 1,
            )
    return [picture, table] if picture is not None else [table]


def render_table(view: View, out: IO[str], base: FactBase | None = None, page: bool = False) -> None:
    """Print the view as tables; with `page`, output taller than a terminal goes through a pager."""
    screen = screen_for(out)
    blocks: list[Block]
    if isinstance(view, Listing):
        items = list(view.items)
        if not items:
            sys.stderr.write("No matches.\n")
            return
        blocks = [_listing_table(view.kind, items, base)]
    elif isinstance(view, ActorView):
        blocks = actor_view(view, base)
    elif isinstance(view, SourceView):
        blocks = source_view(view)
    elif isinstance(view, TimelineView):
        blocks = timeline_view(view, base, screen.width, UNICODE if screen.unicode else ASCII)
    elif isinstance(view, PhasesView):
        blocks = phases_view(view, base)
    else:
        blocks = [_fields((key, str(value)) for key, value in view.items())]
    show(laid_out(blocks, screen.width), out, screen, page)


def _listing_table(kind: str, items: list[Any], base: FactBase | None) -> Grid:
    if kind == "event":
        return events_table(items, base)
    if kind == "quote":
        return quotes_table(items, base)
    if kind == "actor":
        return actors_table(items)
    if kind == "source":
        return sources_table(items)
    if kind == "dispute":
        return disputes_table(items)
    if kind == "role-holder":
        return role_holders_table(items, base)
    if kind == "hit":
        return hits_table(items)
    return supports_table(items)


def laid_out(blocks: Sequence[Block], width: int) -> list[Line]:
    """The blocks one under another, a blank line between them, in lines of at most `width` cells."""
    lines: list[Line] = []
    for number, block in enumerate(blocks):
        if number:
            lines.append([])
        if isinstance(block, Grid):
            lines.extend(block.lines(width))
        elif isinstance(block, Styled):
            lines.extend(wrap(block, width))
        else:
            lines.extend(block)
    return lines


def export_timeline(view: TimelineView, base: FactBase | None, width: int, kind: str) -> str:
    """The timeline as it shows in a terminal, as an SVG picture or an HTML page ("svg" or "html")."""
    from rich.console import Console
    from rich.text import Text

    text = Text()
    for line in laid_out(timeline_view(view, base, width), width):
        for piece, style in line:
            text.append(piece, style)
        text.append("\n")
    console = Console(record=True, width=width, file=io.StringIO(), markup=False, emoji=False, highlight=False)
    console.print(text, end="")
    if kind == "svg":
        return console.export_svg(title="hamsyr timeline")
    return console.export_html(inline_styles=True)
