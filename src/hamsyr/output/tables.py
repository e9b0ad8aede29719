"""Tables for people, drawn by Rich (`rich.table`), styled through one theme.

Every piece of fact base text enters a table as a `rich.text.Text` made visible-safe first (hamsyr._inert),
never as markup, so `[bold]` or an escape sequence in the data stays inert. Imported only for tables:
JSON, JSON Lines, TSV and CSV never import Rich.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from hamsyr._inert import visible
from hamsyr.output._widths import column_widths, too_narrow
from hamsyr.output.screen import console_for, show
from hamsyr.query.factbase import FactBase
from hamsyr.query.results import Hit, Support
from hamsyr.query.views import (
    ActorView,
    InfoView,
    Listing,
    PhasesView,
    RecordView,
    SourceView,
    TimelineView,
    View,
)
from hamsyr.records.dates import FuzzyDate
from hamsyr.records.model import (
    Actor,
    Alias,
    Citation,
    Dispute,
    Event,
    Quote,
    Role,
    Source,
    record_date,
    record_label,
)
from hamsyr.records.model import record_type as type_of

if TYPE_CHECKING:
    from hamsyr.output.chart import Glyphs

_PHASE_COLOURS = ("cyan", "magenta", "yellow", "green", "blue", "red")
THEME = Theme(
    {
        "hamsyr.title": "bold",
        "hamsyr.dim": "dim",
        "hamsyr.phrase": "italic dim",
        "hamsyr.match": "bold reverse",
        "hamsyr.disputed": "yellow",
        "hamsyr.said": "italic",
        "hamsyr.axis": "dim",
        "hamsyr.label": "bold",
        "hamsyr.event": "bold",
        "hamsyr.lane": "bold cyan",
        **{f"hamsyr.phase-{n}": colour for n, colour in enumerate(_PHASE_COLOURS)},
    }
)
_TITLE, _DIM, _PHRASE, _MATCH = "hamsyr.title", "hamsyr.dim", "hamsyr.phrase", "hamsyr.match"
_DISPUTED, _SAID = "hamsyr.disputed", "hamsyr.said"
# Columns that hold ids and codes: kept on one line, as they are what one types next.
_IDS = {"ID", "Sources", "Type"}
# Share of the width each other column may take: free text gets the most, short codes the least.
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


def safe(text: str | None, style: str = "") -> Text:
    """Fact base text as a cell: control characters made visible, never read as markup. The style is the
    text's own, not the cell's: what is appended after it keeps its own style."""
    return _add(Text(), text, style)


def _add(cell: Text, text: str | None, style: str = "") -> Text:
    cell.append(visible(text or ""), style)
    return cell


def _table(title: str | None, *columns: str) -> Table:
    """A table in the manner of Rich's SIMPLE_HEAD box without edges: a bold header with a rule under it,
    columns two spaces apart, and a blank line between sections."""
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),  # with the box's blank divider, two spaces between columns
        title=visible(title) if title else None,
        title_justify="left",
        title_style=_TITLE,
        header_style=_TITLE,
    )
    for name in columns:
        table.add_column(
            name, no_wrap=name in _IDS, overflow="fold", ratio=None if name in _IDS else _RATIOS.get(name, 2)
        )
    return table


def _fit(table: Table, width: int) -> Table:
    """The table with every column given its width (hamsyr.output._widths), so that Rich only wraps text into
    them; or, where columns stop making sense at this width, the same rows stacked, one record a block."""
    columns = table.columns
    gaps = (2 if table.box else table.padding[1] + table.padding[3]) * (len(columns) - 1)
    cells = [[*([column.header] if table.show_header else []), *column.cells] for column in columns]
    plains = [[cell.plain if isinstance(cell, Text) else str(cell) for cell in column] for column in cells]
    ratios = [None if column.no_wrap else (column.ratio or 1) for column in columns]
    widths = column_widths(plains, ratios, width - gaps)
    if table.show_header and len(columns) > 2 and too_narrow(plains, ratios, widths):
        return _fit(_stacked(table), width)
    for column, size in zip(columns, widths, strict=True):
        column.width, column.ratio = max(size, 1), None
    return table


def _stacked(table: Table) -> Table:
    """The rows of a table as blocks of header/value lines, a blank line between records."""
    stacked = Table.grid(padding=(0, 2, 0, 0))
    stacked.title, stacked.title_justify, stacked.title_style = table.title, "left", _TITLE
    stacked.add_column(style=_DIM, no_wrap=True)
    stacked.add_column(overflow="fold", ratio=1)
    rows = zip(*(list(column.cells) for column in table.columns), strict=True)
    for number, row in enumerate(rows):
        if number:
            stacked.add_row("", "")
        for column, cell in zip(table.columns, row, strict=True):
            if not isinstance(cell, Text) or cell.plain:
                stacked.add_row(str(column.header), cell)
    return stacked


def _date_cell(value: FuzzyDate | None, date_text: str | None = None) -> Text:
    cell = safe(value.text if value else "undated", "" if value else _DIM)
    if value is not None and value.qualifiers():
        cell.append(f" ({value.qualifiers()})", style=_DIM)
    if date_text:
        cell.append("\n")
        _add(cell, f"“{date_text}”", _PHRASE)
    return cell


def _names(base: FactBase | None, ids: Iterable[str]) -> Text:
    return safe(", ".join(base.name_of(actor_id) if base else actor_id for actor_id in ids))


def _sources(citations: Sequence[Citation]) -> Text:
    return safe("\n".join(dict.fromkeys(c.source for c in citations)))


def attribution(citations: Iterable[Citation]) -> str:
    """Who the sources say makes a claim: "per Syrian sources; per Hamas officials", or ""."""
    return "; ".join(f"per {who}" for who in dict.fromkeys(c.attributed_to for c in citations if c.attributed_to))


def _titled(
    title: str, summary: str | None = None, disputes: Sequence[str] = (), said: str = "", kind: str | None = None
) -> Text:
    """A record's title, its summary, what it is and who says so, and whether the sources disagree on it."""
    cell = safe(title, _TITLE)
    if summary:
        _add(cell.append("\n"), summary)
    provenance = " · ".join(part for part in (kind if kind and kind != "occurrence" else "", said) if part)
    if provenance:
        _add(cell, f"\n{provenance}", _SAID)
    if disputes:
        # The sources disagree about this record: say so where it is read, and where to look.
        _add(cell, f"\n⚑ disputed: {', '.join(disputes)}", _DISPUTED)
    return cell


def events_table(events: Sequence[Event], base: FactBase | None, title: str | None = None) -> Table:
    table = _table(title, "Date", "Event", "Actors", "Sources")
    for event in events:
        table.add_row(
            _date_cell(event.date, event.date_text),
            _titled(event.title, event.summary, event.disputes, attribution(event.sources), event.kind),
            _names(base, event.actors),
            _sources(event.sources),
        )
    return table


def quotes_table(quotes: Sequence[Quote], base: FactBase | None, title: str | None = None) -> Table:
    table = _table(title, "Date", "Speaker", "Quote", "About", "Sources")
    for quote in quotes:
        text = safe(f"“{quote.text}”")
        if quote.context:
            _add(text.append("\n"), quote.context, _DIM)
        if attribution(quote.sources):
            _add(text, f"\n{attribution(quote.sources)}", _SAID)
        if quote.disputes:
            _add(text, f"\n⚑ disputed: {', '.join(quote.disputes)}", _DISPUTED)
        table.add_row(
            _date_cell(quote.date, quote.date_text),
            _names(base, [quote.speaker]),
            text,
            _names(base, quote.about),
            _sources(quote.sources),
        )
    return table


def actors_table(actors: Sequence[Actor], base: FactBase | None = None) -> Table:
    table = _table(None, "ID", "Name", "Kind", "Aliases", "Description")
    for actor in actors:
        table.add_row(
            safe(actor.id),
            safe(actor.name, _TITLE),
            safe(actor.kind.value),
            safe(", ".join(alias.name for alias in actor.aliases if not alias.is_descriptor)),
            safe(actor.description),
        )
    return table


def sources_table(sources: Sequence[Source], base: FactBase | None = None) -> Table:
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


def disputes_table(disputes: Sequence[Dispute], base: FactBase | None = None) -> Table:
    table = _table(None, "ID", "Point of disagreement", "Claims")
    for dispute in disputes:
        claims = Text()
        for number, claim in enumerate(dispute.claims):
            if number:
                claims.append("\n\n")
            _add(claims, f"• {claim.claim}")
            for citation in claim.sources:
                who = f" ({attribution([citation])})" if citation.attributed_to else ""
                _add(claims, f"\n  {citation.source}{who}: “{citation.excerpt}”", _DIM)
        point = _titled(dispute.title, dispute.summary)
        if dispute.records:
            _add(point, f"\nconcerns: {', '.join(dispute.records)}", _DIM)
        table.add_row(safe(dispute.id), point, claims, end_section=True)
    return table


def _highlighted(passage: str, spans: Sequence[tuple[int, int]], style: str = "") -> Text:
    """The passage with its matches styled; each piece is made safe on its own so spans stay aligned."""
    text, position = Text(style=style), 0
    for start, end in spans:
        _add(text, passage[position:start])
        _add(text, passage[start:end], _MATCH)
        position = end
    return _add(text, passage[position:])


def hits_table(hits: Sequence[Hit], base: FactBase | None = None) -> Table:
    table = _table(None, "Type", "ID", "Date", "Match")
    for hit in hits:
        if hit.field in ("title", "name", "text"):
            label = _highlighted(hit.passage, hit.spans, _TITLE)
        else:
            label = safe(record_label(hit.record), _TITLE)
            _add(label.append("\n"), f"{hit.field}: ", _DIM)
            label.append_text(_highlighted(hit.passage, hit.spans))
        if isinstance(hit.record, Event | Quote) and attribution(hit.record.sources):
            _add(label, f"\n{attribution(hit.record.sources)}", _SAID)
        when = record_date(hit.record)
        # Actors and disputes have no date of their own: leave the cell empty rather than say "undated".
        if isinstance(hit.record, Event | Quote):
            date_cell = _date_cell(when, hit.record.date_text)
        else:
            date_cell = _date_cell(when) if when else Text()
        table.add_row(safe(type_of(hit.record)), safe(hit.record.id), date_cell, label)
    return table


def supports_table(supports: Sequence[Support], base: FactBase | None = None, title: str | None = None) -> Table:
    table = _table(title, "Type", "ID", "Date", "Fact", "Excerpt")
    for support in supports:
        excerpt = safe(f"“{support.citation.excerpt}”")
        if support.citation.attributed_to:
            _add(excerpt, f"\n{attribution([support.citation])}", _SAID)
        table.add_row(
            safe(type_of(support.record)),
            safe(support.record.id),
            _date_cell(support.record.date, support.record.date_text),
            safe(record_label(support.record), _TITLE),
            excerpt,
        )
    return table


def _fields(pairs: Iterable[tuple[str, str | None]], title: str | None = None) -> Table:
    """Label/value pairs, without a header: the top of a show command."""
    table = Table.grid(padding=(0, 2, 0, 0))
    if title:
        table.title, table.title_justify, table.title_style = visible(title), "left", _TITLE
    table.add_column(style=_DIM, no_wrap=True)
    table.add_column(overflow="fold", ratio=1)
    for key, value in pairs:
        if value:
            table.add_row(key, safe(value))
    return table


def _until_cell(role: Role) -> Text:
    """A role's end, or, when the sources give none, the latest date they attest it: unknown is not ongoing."""
    if role.end is not None:
        return _date_cell(role.end)
    if role.last_attested is not None:
        return _add(Text("last attested ", _DIM), role.last_attested.text)
    return Text()


def _referred(alias: Alias) -> str:
    """A descriptor or a document's label, with who uses it."""
    users = ", ".join(dict.fromkeys(c.source for c in alias.sources))
    return f"“{alias.name}”" + (f" ({users})" if users else "")


def _cited(citations: Sequence[Citation]) -> str:
    return "; ".join(
        f"{c.source}" + (f" (per {c.attributed_to})" if c.attributed_to else "") + f": “{c.excerpt}”" for c in citations
    )


def _period(start: FuzzyDate | None, end: FuzzyDate | None) -> str:
    """From one date to another; an open end is shown as an ellipsis."""
    return f"{start.text if start else '…'} → {end.text if end else '…'}"


def role_text(role: Role, base: FactBase | None) -> Text:
    """A role on one line: title, organization, and the time the sources attest it."""
    text = safe(role.title)
    if role.organization:
        text.append(", ").append_text(_names(base, [role.organization]))
    if role.dated:
        end = role.end or role.last_attested
        _add(text, f" ({_period(role.start, end)}{'' if role.end or not end else ', last attested'})", _DIM)
    else:
        text.append(" (dates unknown)", _DIM)
    return text


def role_holders_table(actors: Sequence[Actor], base: FactBase | None, title: str | None = None) -> Table:
    table = _table(title, "ID", "Name", "Kind", "Roles")
    for actor in actors:
        roles = Text("\n").join(role_text(role, base) for role in actor.roles)
        table.add_row(safe(actor.id), safe(actor.name, _TITLE), safe(actor.kind.value), roles)
    return table


def phases_blocks(view: PhasesView, base: FactBase | None) -> list[RenderableType]:
    table = _table(f"Phases in force on {view.on}" if view.on else None, "Period", "Phase", "Sources")
    for phase in view.phases:
        table.add_row(
            safe(_period(phase.start, phase.end)), _titled(phase.label, phase.summary), _sources(phase.sources)
        )
    if view.events is None:
        return [table]
    blocks: list[RenderableType] = [table]
    for phase, events in zip(view.phases, view.events, strict=True):
        if events:
            blocks.append(events_table(events, base, f"Events of {phase.label} ({len(events)})"))
    return blocks


def actor_blocks(view: ActorView, base: FactBase | None) -> list[RenderableType]:
    actor = view.actor
    referred = [alias for alias in actor.aliases if alias.is_descriptor]
    blocks: list[RenderableType] = [
        _fields(
            [
                ("id", actor.id),
                ("kind", actor.kind.value),
                ("aliases", ", ".join(alias.name for alias in actor.aliases if not alias.is_descriptor)),
                ("also referred to as", "; ".join(_referred(alias) for alias in referred)),
                ("description", actor.description),
                ("described in", _cited(actor.sources)),
            ],
            title=actor.name,
        )
    ]
    if view.on and not actor.roles and not view.members:
        blocks.append(Text(f"No role the sources date is known to have been held on {view.on}.", _DIM))
    if actor.roles:
        title = f"Roles on {view.on}" if view.on else "Roles"
        roles = _table(title, "Role", "Organization", "From", "Until", "Sources")
        for role in actor.roles:
            roles.add_row(
                _add(safe(role.title), f"\n{role.note}" if role.note else "", _DIM),
                _names(base, [role.organization]) if role.organization else Text(),
                _date_cell(role.start) if role.start else Text(),
                _until_cell(role),
                _sources(role.sources),
            )
        blocks.append(roles)
    if view.members:
        title = f"People with roles in it on {view.on}" if view.on else "People with roles in it"
        members = _table(title, "Name", "Role")
        for member, role in view.members:
            members.add_row(safe(member.name, _TITLE), role_text(role._replace(organization=None), base))
        blocks.append(members)
    if view.events:
        blocks.append(events_table(view.events, base, f"Events ({len(view.events)})"))
    if view.quotes:
        blocks.append(quotes_table(view.quotes, base, f"Quotes by {actor.name} ({len(view.quotes)})"))
    if view.quotes_about:
        blocks.append(quotes_table(view.quotes_about, base, f"Quotes about {actor.name} ({len(view.quotes_about)})"))
    return blocks


def source_blocks(view: SourceView, base: FactBase | None) -> list[RenderableType]:
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
        title=source.title,
    )
    if not view.supports:
        return [header, Text("No event or quote cites this source yet.", _DIM)]
    return [header, supports_table(view.supports, base, f"What it supports ({len(view.supports)})")]


def record_blocks(view: RecordView, base: FactBase | None) -> list[RenderableType]:
    """One event or quote: its fields, every citation with who says so, its disputes, phases and relations."""
    record = view.record
    if isinstance(record, Event):
        title, pairs = (
            record.title,
            [
                ("id", record.id),
                ("kind", record.kind),
                ("actors", _names(base, record.actors).plain),
                ("places", ", ".join(record.places)),
                ("tags", ", ".join(record.tags)),
                ("summary", record.summary),
            ],
        )
    else:
        title, pairs = (
            f"“{record.text}”",
            [
                ("id", record.id),
                ("speaker", _names(base, [record.speaker]).plain),
                ("about", _names(base, record.about).plain),
                ("context", record.context),
            ],
        )
    date = (
        _date_cell(record.date, record.date_text).plain.replace("\n", "  ") if record.date or record.date_text else None
    )
    fields = _fields([pairs[0], ("date", date), *pairs[1:], ("note", getattr(record, "note", None))], title=title)
    citations = _table(f"Citations ({len(record.sources)})", "Source", "Who says so", "Excerpt")
    for citation in record.sources:
        citations.add_row(
            safe(citation.source), safe(citation.attributed_to or "the document itself"), safe(f"“{citation.excerpt}”")
        )
    blocks: list[RenderableType] = [fields, citations]
    if view.disputes:
        table = disputes_table(view.disputes)
        table.title = visible(f"The sources disagree on it ({len(view.disputes)})")
        blocks.append(table)
    if view.phases:
        (phases,) = phases_blocks(PhasesView(view.phases), base)
        assert isinstance(phases, Table)
        phases.title = f"The phases it falls in ({len(view.phases)})"
        blocks.append(phases)
    if view.related:
        related = _table("Related: the nearest records that share an actor", "Type", "ID", "Date", "Title")
        for other in view.related:
            related.add_row(safe(type_of(other)), safe(other.id), _date_cell(other.date), safe(record_label(other)))
        blocks.append(related)
    return blocks


def chart_text(view: TimelineView, width: int, glyphs: Glyphs) -> Text | None:
    """The timeline picture from hamsyr.output.chart: phases in colour, labels in bold."""
    from hamsyr.output.chart import draw

    if view.span is None:
        return None
    events = [event for group in view.groups for event in group.events]
    lines = draw(view.phases, events, view.lanes, view.span[0], view.span[1], width, glyphs)
    return Text("\n", no_wrap=True, overflow="crop").join(lines)


def timeline_blocks(view: TimelineView, base: FactBase | None, width: int, glyphs: Glyphs | None = None) -> list[Any]:
    from hamsyr.output.chart import UNICODE

    picture = chart_text(view, width, glyphs or UNICODE)
    table = _table(None, "Year", "Date", "Event", "Actors")
    for group in view.groups:
        for position, event in enumerate(group.events):
            year = safe(str(group.year) if group.year else "undated", _TITLE) if position == 0 else Text()
            table.add_row(
                year,
                _date_cell(event.date, event.date_text),
                _titled(event.title, said=attribution(event.sources), kind=event.kind),
                _names(base, event.actors),
                end_section=position == len(group.events) - 1,
            )
    return [picture, table] if picture is not None else [table]


_LISTINGS: dict[str, Callable[[Any, FactBase | None], Table]] = {
    "event": events_table,
    "quote": quotes_table,
    "actor": actors_table,
    "source": sources_table,
    "dispute": disputes_table,
    "role-holder": role_holders_table,
    "hit": hits_table,
    "support": supports_table,
}


def sources_blocks(sources: Sequence[Source], base: FactBase | None = None) -> list[RenderableType]:
    """The documents the facts are drawn from; apart, the titles they only list, which are no evidence."""
    read = [source for source in sources if not source.listed_in]
    listed = [source for source in sources if source.listed_in]
    blocks: list[RenderableType] = [sources_table(read)] if read else []
    for lister in dict.fromkeys(source.listed_in for source in listed):
        table = sources_table([source for source in listed if source.listed_in == lister])
        table.title = visible(f"Listed as further reading in {lister}: titles only, not read, never cited")
        blocks.append(table)
    return blocks


def blocks_for(view: View, base: FactBase | None, width: int, ascii_only: bool = False) -> list[RenderableType]:
    """What the view shows, one renderable under another."""
    if isinstance(view, Listing) and view.kind == "source":
        return sources_blocks(list(view.items))  # type: ignore[arg-type]
    if isinstance(view, Listing):
        return [_LISTINGS[view.kind](list(view.items), base)]
    if isinstance(view, ActorView):
        return actor_blocks(view, base)
    if isinstance(view, SourceView):
        return source_blocks(view, base)
    if isinstance(view, RecordView):
        return record_blocks(view, base)
    if isinstance(view, TimelineView):
        from hamsyr.output.chart import ASCII, UNICODE

        return timeline_blocks(view, base, width, ASCII if ascii_only else UNICODE)
    if isinstance(view, PhasesView):
        return phases_blocks(view, base)
    assert isinstance(view, InfoView)
    return [_fields((key, str(value)) for key, value in view.items())]


def _print(console: Console, blocks: Sequence[RenderableType]) -> None:
    """The blocks one under another, a blank line between them, tables fitted to the console's width."""
    for number, block in enumerate(blocks):
        if number:
            console.print()
        if isinstance(block, Table):
            block = _fit(block, console.width)
        console.print(block)


def render_table(
    view: View, out: IO[str], base: FactBase | None, environ: Mapping[str, str], page: bool = False
) -> None:
    """Print the view as tables; with `page`, output taller than a terminal goes through a pager."""
    if isinstance(view, Listing) and not view.items:
        sys.stderr.write("No matches.\n")
        return
    console = console_for(out, environ, THEME)
    show(
        console,
        lambda: _print(console, blocks_for(view, base, console.width, console.options.ascii_only)),
        page,
        environ,
    )
