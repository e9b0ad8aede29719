"""The commands: each parses its options, calls one view builder (hamsyr.query.views) and hands the view to
the renderer (hamsyr.output.formats). `_answer` is the one place errors become a message and an exit code.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hamsyr import load, version
from hamsyr._inert import visible
from hamsyr.cli.options import (
    Actors,
    CitedSource,
    Data,
    Fields,
    Force,
    FormatChoice,
    Json,
    Kinds,
    Limit,
    On,
    Output,
    Reverse,
    Since,
    Tags,
    Until,
    Words,
    complete_actor,
    complete_source,
    on_option,
)
from hamsyr.errors import BAD_DATA, HamsyrError, LookupFailed
from hamsyr.loading.load import resolve_path
from hamsyr.output.formats import Format, render
from hamsyr.query import views
from hamsyr.query.factbase import FactBase
from hamsyr.query.views import Asked, EventFilters, View
from hamsyr.records.dates import FuzzyDate
from hamsyr.records.model import ActorKind

app = typer.Typer(
    name="hamsyr",
    help="Look up cited facts about the relationship between Hamas and the Syrian regime (1987-2022).",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain Click-style help and errors: a usage error is one plain line, and Rich stays unimported.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class ProblemsFound(HamsyrError):
    """`validate` found problems (they are the command's output; this is its exit)."""

    exit_code = BAD_DATA


def _fail(error: HamsyrError) -> typer.Exit:
    lines = [f"hamsyr: {error.message}"]
    if isinstance(error, LookupFailed):
        lines += [f"  {candidate}" for candidate in error.candidates]
    sys.stderr.write("".join(f"{visible(line)}\n" for line in lines))
    return typer.Exit(error.exit_code)


def _data_path(ctx: typer.Context, data: Path | None) -> Path:
    """A --data after the command name wins over one before it, which wins over $HAMSYR_DATA."""
    return resolve_path(data or ctx.obj)


def _answer(
    ctx: typer.Context,
    data: Path | None,
    output: Output,
    build: Callable[[Asked], View],
    then: Callable[[View, FactBase], None] | None = None,
) -> None:
    """Load the base, build the view, render it (and do `then` with it); every error leaves here."""
    try:
        fmt, fields = output.chosen(sys.stdout.isatty())
        base = load(_data_path(ctx, data))
        asked = Asked(base)
        view = build(asked)
        for note in asked.notes:
            sys.stderr.write(f"hamsyr: {visible(note)}\n")
        if then is not None:
            then(view, base)
        render(view, fmt, sys.stdout, base, fields, page=not ctx.meta.get("no_pager", False), environ=os.environ)
    except HamsyrError as error:
        raise _fail(error) from None


def _show_version(value: bool) -> None:
    if value:
        print(f"hamsyr {version()}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            metavar="PATH",
            envvar="HAMSYR_DATA",
            show_default=False,
            help="Fact base to read instead of the shipped one (also after the command name).",
        ),
    ] = None,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager", envvar="HAMSYR_NO_PAGER", help="Never send long tables through a pager ($PAGER, or less)."
        ),
    ] = False,
    _version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    ctx.obj = data
    ctx.meta["no_pager"] = no_pager


@app.command()
def events(
    ctx: typer.Context,
    actor: Actors = None,
    since: Since = None,
    until: Until = None,
    on: On = None,
    tag: Tags = None,
    source: CitedSource = None,
    text: Words = None,
    kind: Kinds = None,
    limit: Limit = None,
    reverse: Reverse = False,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    data: Data = None,
) -> None:
    """Events in date order, filtered by actor, dates, tag, source, words or kind."""
    filters = EventFilters(actor or (), since, until, on, tag or (), source, text, kind or ())
    _answer(ctx, data, Output(fmt, as_json, fields), lambda asked: views.events_view(asked, filters, limit, reverse))


@app.command()
def actors(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="Only actors whose name, alias or id contains these words.")
    ] = None,
    kind: Annotated[ActorKind | None, typer.Option(case_sensitive=False, help="Only actors of this kind.")] = None,
    on: Annotated[FuzzyDate | None, on_option("Only actors holding a role on this date, with those roles.")] = None,
    role: Annotated[
        str | None,
        typer.Option(metavar="WORDS", help="Only actors with a role whose title or organization has these words."),
    ] = None,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    data: Data = None,
) -> None:
    """People, organizations and states, by name; with --on or --role, who held which role."""
    _answer(ctx, data, Output(fmt, as_json, fields), lambda asked: views.actors_view(asked, name, kind, on, role))


@app.command()
def actor(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            help="An id, name or alias, in any case and with or without accents.", autocompletion=complete_actor
        ),
    ],
    on: On = None,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    data: Data = None,
) -> None:
    """One actor: roles, events and quotes (as of a date with --on), and who holds roles in it."""
    _answer(ctx, data, Output(fmt, as_json, fields), lambda asked: views.actor_view(asked, name, on))


@app.command()
def quotes(
    ctx: typer.Context,
    speaker: Annotated[
        str | None,
        typer.Option("--speaker", "-s", metavar="NAME", help="Said by this actor.", autocompletion=complete_actor),
    ] = None,
    about: Annotated[
        str | None, typer.Option(metavar="NAME", help="About this actor.", autocompletion=complete_actor)
    ] = None,
    since: Since = None,
    until: Until = None,
    on: On = None,
    text: Words = None,
    limit: Limit = None,
    reverse: Reverse = False,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    data: Data = None,
) -> None:
    """Quotations, filtered by speaker, subject, dates or words."""

    def build(asked: Asked) -> View:
        return views.quotes_view(asked, speaker, about, since, until, on, text, limit, reverse)

    _answer(ctx, data, Output(fmt, as_json, fields), build)


@app.command()
def sources(
    ctx: typer.Context,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    data: Data = None,
) -> None:
    """The documents the facts are drawn from."""
    _answer(ctx, data, Output(fmt, as_json, fields), views.sources_view)


@app.command()
def source(
    ctx: typer.Context,
    source_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A source id (or a unique part of its title).", autocompletion=complete_source
        ),
    ],
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    data: Data = None,
) -> None:
    """One source, and every event and quote it supports."""
    _answer(ctx, data, Output(fmt, as_json, fields), lambda asked: views.source_view(asked, source_id))


@app.command()
def phases(
    ctx: typer.Context,
    on: Annotated[FuzzyDate | None, on_option("Only the phases in force then, with their events.")] = None,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    data: Data = None,
) -> None:
    """Phases of the relationship; with --on, the one(s) in force on a date and the events inside."""
    _answer(ctx, data, Output(fmt, as_json, fields), lambda asked: views.phases_view(asked, on))


@app.command()
def disputes(
    ctx: typer.Context,
    record: Annotated[str | None, typer.Option(metavar="ID", help="Only disputes about this event or quote.")] = None,
    source: Annotated[
        str | None, typer.Option(metavar="ID", help="Only disputes with a claim citing this source.")
    ] = None,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    data: Data = None,
) -> None:
    """Points where the sources disagree, each claim with its sources."""
    _answer(ctx, data, Output(fmt, as_json, fields), lambda asked: views.disputes_view(asked, record, source))


@app.command()
def search(
    ctx: typer.Context,
    words: Annotated[list[str], typer.Argument(metavar="TEXT...", help="Words to find, in any order.")],
    record_type: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            "-t",
            metavar="TYPE",
            help="Only this record type: event, quote, phase, dispute, actor or source (repeatable).",
        ),
    ] = None,
    limit: Limit = None,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    data: Data = None,
) -> None:
    """Ranked search across events, quotes, phases, disputes, actors and sources."""

    def build(asked: Asked) -> View:
        return views.search_view(asked, words, record_type or (), limit)

    _answer(ctx, data, Output(fmt, as_json, fields), build)


@app.command()
def timeline(
    ctx: typer.Context,
    actor: Annotated[
        list[str] | None,
        typer.Option(
            "--actor",
            "-a",
            metavar="NAME",
            help="A lane for this actor's events (repeatable).",
            autocompletion=complete_actor,
        ),
    ] = None,
    since: Since = None,
    until: Until = None,
    svg: Annotated[Path | None, typer.Option(metavar="FILE", help="Also save the picture as SVG.")] = None,
    html: Annotated[Path | None, typer.Option(metavar="FILE", help="Also save the picture as an HTML page.")] = None,
    force: Force = False,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    data: Data = None,
) -> None:
    """A year axis with the phases as bands and the events as marks, then the events by year."""

    def save(view: View, base: FactBase) -> None:
        from hamsyr.export.pictures import save_timeline

        for target, kind in ((svg, "svg"), (html, "html")):
            if target is not None:
                save_timeline(view, base, target, kind, force, os.environ)
                sys.stderr.write(f"hamsyr: wrote {visible(str(target))}\n")

    build = lambda asked: views.timeline_view(asked, actor or (), since, until)  # noqa: E731
    _answer(ctx, data, Output(fmt, as_json, fields), build, save if svg or html else None)


class ExportFormat(StrEnum):
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    SQLITE = "sqlite"
    TIMELINEJS = "timelinejs"
    DOT = "dot"
    MERMAID = "mermaid"


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", case_sensitive=False, help="What to write.")] = (
        ExportFormat.JSON
    ),
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="PATH", help="Where to write (a folder for csv); stdout if not given."),
    ] = None,
    force: Force = False,
    actor: Actors = None,
    since: Since = None,
    until: Until = None,
    on: On = None,
    tag: Tags = None,
    source: CitedSource = None,
    text: Words = None,
    kind: Kinds = None,
    data: Data = None,
) -> None:
    """The whole base, or the part the filters select, for other tools: JSON, JSON Lines, a CSV folder,
    SQLite, TimelineJS, or the actor graph for Graphviz (dot) and Mermaid."""
    filters = EventFilters(actor or (), since, until, on, tag or (), source, text, kind or ())
    try:
        from hamsyr.export.formats import export_base

        asked = Asked(load(_data_path(ctx, data)))
        written = export_base(views.selection(asked, filters), fmt.value, output, force, sys.stdout)
        for note in asked.notes:
            sys.stderr.write(f"hamsyr: {visible(note)}\n")
        if written:
            sys.stderr.write(f"hamsyr: wrote {visible(written)}\n")
    except HamsyrError as error:
        raise _fail(error) from None


@app.command()
def info(
    ctx: typer.Context,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    data: Data = None,
) -> None:
    """The fact base in use, the version and record counts."""
    _answer(ctx, data, Output(fmt, as_json, fields), lambda asked: views.info_view(asked, version()))


@app.command()
def schema() -> None:
    """Print a JSON Schema of the fact base format, for editors that check TOML against one."""
    from hamsyr.output.rows import write_json
    from hamsyr.records.json_schema import json_schema

    write_json(json_schema(), sys.stdout)


@app.command()
def validate(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as a JSON array.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Count warnings (uncited statements) as errors.")] = False,
    data: Data = None,
) -> None:
    """Check the fact base; list every problem (exit 3 if any error)."""
    from hamsyr.loading.load import check

    try:
        path = _data_path(ctx, data)
        problems = check(path)
        render(views.ValidationView(path, problems), Format.JSON if as_json else Format.TSV, sys.stdout)
        warnings = sum(1 for problem in problems if problem.severity == "warning")
        of_them = f", {warnings} of them warnings" if warnings and warnings < len(problems) else ""
        if len(problems) > warnings or (strict and warnings):
            raise ProblemsFound(f"{len(problems)} problem(s) in {path}{of_them}")
        with_warnings = f", with {warnings} warning(s): statements that cite no source" if warnings else ""
        sys.stderr.write(f"hamsyr: {visible(str(path))} is valid{with_warnings}\n")
    except HamsyrError as error:
        raise _fail(error) from None


def _keep_only_the_command_asked_for(args: list[str]) -> None:
    """Typer builds the parser of every command before it dispatches to one (about 1 ms each, most of a
    query's own cost); the console script builds only the command named on its command line. When no
    known command is named (`hamsyr --help`, a typo), all stay, so help and error messages are unchanged."""
    commands = {info.name or info.callback.__name__: info for info in app.registered_commands if info.callback}
    skip_value = False
    for arg in args:
        if skip_value:
            skip_value = False
        elif arg == "--data":
            skip_value = True
        elif not arg.startswith("-"):
            if arg in commands:
                app.registered_commands[:] = [commands[arg]]
            return


def run() -> None:
    """Run the command named on the command line."""
    if hasattr(signal, "SIGPIPE"):
        # A reader that stops early (`| head`) ends us quietly, as it would any Unix filter.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    _keep_only_the_command_asked_for(sys.argv[1:])
    app(prog_name="hamsyr")
