"""`hamsyr mcp`: the fact base for assistants, as a Model Context Protocol server over standard input and
output, started by the client.

Each tool is a command: the same parameters, checked the same way, the same builder (hamsyr.views.build) and
the same JSON as `--json`, written by the same renderer; what the command would say on stderr (the documents'
horizon, a name matched only approximately, what a filter left out) comes as a second text. A bad input is a
tool error carrying the command's one-line message. The server only reads the base. Imported only by
`hamsyr mcp`: no other command pays for the SDK.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ContentBlock, TextContent, ToolAnnotations
from pydantic import Field

from hamsyr import load, version
from hamsyr._inert import visible
from hamsyr.errors import HamsyrError, LookupFailed
from hamsyr.output.render import Format, render
from hamsyr.records.dates import DateError, FuzzyDate, parse_date
from hamsyr.records.model import ActorKind, EventKind
from hamsyr.views import build
from hamsyr.views.build import EventFilters
from hamsyr.views.view import View

# What the client is told once: the contract of every answer. Fixed text: nothing from a fact base enters the
# instructions or a tool's description, so no record can rewrite them.
INSTRUCTIONS = """\
hamsyr answers questions about the relationship between Hamas and the Syrian regime (1987 to the 2022
restoration of ties) from a curated fact base drawn from two analysis articles. Every answer is JSON, the same as
the command line's --json; a second text, when present, holds notes a person would be told (lines beginning
"hamsyr:"): keep them in mind, they often say what the answer cannot.

When you quote or summarise:
- Every statement is tied to a source by a verbatim excerpt (`sources`: each `source`, `excerpt`,
  `attributed_to`). Quote excerpts and quotations verbatim and name the source id.
- Keep attribution: `attributed_to` says who the document says makes the claim ("per Syrian sources"); a record of
  `kind` report or assessment is someone's claim or judgment, not a fact in the base's own voice.
- Keep certainty: a date's `_uncertain` / `_uncertain_parts` mean the editors inferred it (say "inferred"), its
  `_approximate` parts are vague; `date_text` is the source's own phrase. `identified` lists actors the source does
  not name but the editors read it as meaning: say so, never present them as named.
- A role or phase without an end is known only up to its `last_attested` date; `first_attested` is not a start.
- The documents end in 2022 (`info` gives `documents_published_until`): nothing later is known, so a question about
  a later date is answered "unknown", never guessed; an empty answer about such a date means the documents do not
  say, not that nothing happened.
Dates are EDTF: `2012`, `2012-05`, `2012-05-10`, `~` approximate, `?` inferred, `%` both, `A/B` a span.
"""

Since = Annotated[str | None, Field(description="Only records whose date overlaps this date or later.")]
Until = Annotated[str | None, Field(description="Only records whose date overlaps this date or earlier.")]
On = Annotated[str | None, Field(description="As of this date: what overlaps it (not with since/until).")]
Limit = Annotated[int | None, Field(ge=0, description="At most this many records.")]
Words = Annotated[str | None, Field(description="Only records containing every one of these words.")]
Name = Annotated[str, Field(description="An actor's id, name or alias, in any spelling the sources use.")]


def _date(value: str | None) -> FuzzyDate | None:
    """A date as the command line reads it; a malformed one is the command's one-line message."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except DateError as error:
        raise ToolError(str(error)) from None


def server(paths: list[Path]) -> MCPServer:
    """The server for the base at `paths` (read afresh for each call, through the cache, so that it follows
    the files as the command line does)."""
    app = MCPServer("hamsyr", instructions=INSTRUCTIONS, version=version(), log_level="WARNING")

    def answer(builder: Callable[..., View], *args: Any) -> CallToolResult:
        notes: list[str] = []
        try:
            view = builder(load(paths), notes, *args)
        except LookupFailed as error:
            raise ToolError("\n".join([visible(error.message), *map(visible, error.candidates)])) from None
        except HamsyrError as error:
            raise ToolError(visible(error.message)) from None
        out = io.StringIO()
        render(view, Format.JSON, out)
        content: list[ContentBlock] = [TextContent(type="text", text=out.getvalue())]
        if notes:
            content.append(TextContent(type="text", text="".join(f"hamsyr: {visible(note)}\n" for note in notes)))
        return CallToolResult(content=content)

    # Every tool only reads, and answers from the base alone (no outside world).
    read_only: dict[str, Any] = {
        "annotations": ToolAnnotations(read_only_hint=True, open_world_hint=False),
        "structured_output": False,
    }

    @app.tool(description="Events in date order (undated last), by actor (all of them), date, tag, source, words "
              "or kind: each with its date and the date's details, title, summary, actors, citations and disputes.",
              **read_only)  # fmt: skip
    def events(
        actor: Annotated[list[str], Field(description="Involving each of these actors (any spelling).")] = [],  # noqa: B006
        since: Since = None,
        until: Until = None,
        on: On = None,
        tag: Annotated[list[str], Field(description="With each of these tags.")] = [],  # noqa: B006
        source: Annotated[str | None, Field(description="Citing this source id.")] = None,
        text: Words = None,
        kind: Annotated[list[EventKind], Field(description="Of any of these kinds.")] = [],  # noqa: B006
        limit: Limit = None,
        reverse: Annotated[bool, Field(description="Newest first (undated stay last).")] = False,
    ) -> CallToolResult:
        filters = EventFilters(actor, _date(since), _date(until), _date(on), tag, source, text, kind)
        return answer(build.events_view, filters, limit, reverse)

    @app.tool(description="One event by id, with every citation, the disputes that name it (dispute_details), "
              "the phases it falls in and the nearest records sharing an actor (related).", **read_only)  # fmt: skip
    def event(event_id: Annotated[str, Field(description="An event id.")]) -> CallToolResult:
        return answer(build.record_view, event_id, "event")

    @app.tool(description="One quote by id: the words verbatim, speaker, date, citations, disputes, phases and "
              "related records.", **read_only)  # fmt: skip
    def quote(quote_id: Annotated[str, Field(description="A quote id.")]) -> CallToolResult:
        return answer(build.record_view, quote_id, "quote")

    @app.tool(description="One actor by any spelling: its names (epithets and labels with who uses them), roles "
              "(with first/last attested dates), events, quotes by and about it, members; with `on`, as of that "
              "date.", **read_only)  # fmt: skip
    def actor(name: Name, on: On = None) -> CallToolResult:
        return answer(build.actor_view, name, _date(on))

    @app.tool(description="Actors whose name has these words, of a kind; with `on` or `role`, who held a role "
              "(title beginning with the words, else containing them) then, each with those roles.",
              **read_only)  # fmt: skip
    def actors(
        name: Annotated[str | None, Field(description="Words of the name, alias or id.")] = None,
        kind: Annotated[ActorKind | None, Field(description="Only actors of this kind.")] = None,
        on: On = None,
        role: Annotated[str | None, Field(description="Words of a role's title.")] = None,
        limit: Limit = None,
    ) -> CallToolResult:
        return answer(build.actors_view, name, kind, _date(on), role, limit)

    @app.tool(description="Direct quotations by speaker, subject, date or words, verbatim, each with its "
              "citations.", **read_only)  # fmt: skip
    def quotes(
        speaker: Annotated[str | None, Field(description="Said by this actor.")] = None,
        about: Annotated[str | None, Field(description="About this actor.")] = None,
        since: Since = None,
        until: Until = None,
        on: On = None,
        text: Words = None,
        limit: Limit = None,
        reverse: Annotated[bool, Field(description="Newest first (undated stay last).")] = False,
        actor: Annotated[str | None, Field(description="Said by or about this actor.")] = None,
    ) -> CallToolResult:
        dates = (_date(since), _date(until), _date(on))
        return answer(build.quotes_view, speaker, about, *dates, text, limit, reverse, actor)

    @app.tool(description="The documents the facts are drawn from (and titles they only list as further "
              "reading, marked listed_in).", **read_only)  # fmt: skip
    def sources(limit: Limit = None) -> CallToolResult:
        return answer(build.sources_view, limit)

    @app.tool(description="One source document and everything it supports, of every record kind, each with "
              "the excerpt.", **read_only)  # fmt: skip
    def source(source_id: Annotated[str, Field(description="A source id.")]) -> CallToolResult:
        return answer(build.source_view, source_id)

    @app.tool(description="Phases of the relationship; with `on`, those in force then, each with its events. "
              "A phase without an end is known only to its last_attested date.", **read_only)  # fmt: skip
    def phases(
        on: On = None, since: Since = None, until: Until = None, limit: Limit = None, reverse: bool = False
    ) -> CallToolResult:
        return answer(build.phases_view, _date(on), _date(since), _date(until), limit, reverse)

    @app.tool(description="Where the sources disagree: each dispute with its claims and their sources.",
              **read_only)  # fmt: skip
    def disputes(
        record: Annotated[str | None, Field(description="Only disputes naming this event or quote id.")] = None,
        source: Annotated[str | None, Field(description="Only disputes citing this source id.")] = None,
        since: Since = None,
        until: Until = None,
        on: On = None,
        limit: Limit = None,
    ) -> CallToolResult:
        return answer(build.disputes_view, record, source, _date(since), _date(until), _date(on), limit)

    @app.tool(description="Ranked search across events, quotes, phases, disputes, actors and sources: each hit "
              "with the field and passage that matched.", **read_only)  # fmt: skip
    def search(
        words: Annotated[str, Field(description="The words to look for (all of them).")],
        type: Annotated[list[str], Field(description="Only these record types.")] = [],  # noqa: B006
        limit: Limit = None,
        since: Since = None,
        until: Until = None,
        on: On = None,
    ) -> CallToolResult:
        return answer(build.search_view, words.split(), type, limit, _date(since), _date(until), _date(on))

    @app.tool(description="The fact base in use: version, files, counts, the period it covers and "
              "documents_published_until, after which nothing is known.", **read_only)  # fmt: skip
    def info() -> CallToolResult:
        return answer(build.info_view, version())

    def reader(source_id: str) -> Callable[[], str]:
        def read() -> str:
            first = answer(build.source_view, source_id).content[0]
            assert isinstance(first, TextContent)
            return first.text

        return read

    for listed in load(paths).sources:  # each document the base read is a resource: what it is, what it supports
        if not listed.listed_in:
            app.resource(
                f"hamsyr://source/{listed.id}",
                name=listed.id,
                description="A source document of the fact base: its metadata and every record it supports, with "
                "the excerpts (the same JSON as the source tool).",
                mime_type="application/json",
            )(reader(listed.id))
    return app


def run(paths: list[Path]) -> None:
    """Serve over standard input and output until the client closes them."""
    server(paths).run("stdio")
