"""The command line: parses options, asks the fact base, hands the result to the renderer.

Errors from the library (hamsyr.errors) become one line on stderr and an exit code here, in `_run`.
"""

import os
import signal
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from hamsyr import version
from hamsyr.dates import DateError, FuzzyDate, parse_date
from hamsyr.errors import BAD_DATA, USAGE, HamsyrError, LookupFailed
from hamsyr.factbase import RECORD_TYPE_NAMES, DateRange, FactBase
from hamsyr.loading import check, load, resolve_path
from hamsyr.model import Actor, ActorKind
from hamsyr.names import fold
from hamsyr.render import Format, render
from hamsyr.serialize import write_json
from hamsyr.views import ActorView, InfoView, Lane, Listing, PhasesView, SourceView, TimelineView, View

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


def _date_option(value: str | None) -> FuzzyDate | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except DateError as error:
        raise typer.BadParameter(str(error)) from None


DataOption = Annotated[
    Path | None,
    typer.Option("--data", metavar="PATH", help="Fact base to read instead of the shipped one.", show_default=False),
]
FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        show_default=False,
        help="Output format [default: table on a terminal, tsv otherwise].",
    ),
]
FieldsOption = Annotated[
    str | None,
    typer.Option(metavar="A,B,C", help="Only these fields, in this order (json, jsonl, tsv, csv; tsv by default)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
SinceOption = Annotated[
    FuzzyDate | None,
    typer.Option(parser=_date_option, metavar="DATE", help="Only records whose date overlaps this date or later."),
]
UntilOption = Annotated[
    FuzzyDate | None,
    typer.Option(parser=_date_option, metavar="DATE", help="Only records whose date overlaps this date or earlier."),
]
OnOption = Annotated[
    FuzzyDate | None,
    typer.Option(
        "--on", parser=_date_option, metavar="DATE", help="As of this date: what overlaps it (a year, month or day)."
    ),
]
LimitOption = Annotated[int | None, typer.Option(min=0, metavar="N", help="Show at most N records.")]
ReverseOption = Annotated[bool, typer.Option("--reverse", help="Newest first (undated records stay last).")]
TextOption = Annotated[
    str | None, typer.Option(metavar="WORDS", help="Only records containing every one of these words.")
]


def _base_for_completion(ctx: typer.Context) -> FactBase | None:
    """The fact base the command line being completed points at, or None when it cannot be read."""
    data = ctx.params.get("data") or ctx.find_root().params.get("data")
    try:
        return load(resolve_path(data))
    except HamsyrError:
        return None


def _matching(incomplete: str, choices: Iterable[tuple[str, str, Iterable[str]]]) -> list[tuple[str, str]]:
    """(completion, help) for each choice that has a value or name beginning with what was typed.

    Shells keep only completions that start with the typed text, so a match in another case is offered
    with the typed text as its start ("mash" -> "mashaal"), and spaces become hyphens ("Khaled-Mashaal"),
    so that nothing needs quoting; names resolve the same with hyphens as with spaces."""
    found = []
    for value, help_text, names in choices:
        forms = [form for form in (value, *names) if fold(form).startswith(fold(incomplete))]
        if not forms:
            continue
        form = "-".join(forms[0].split())
        if form.lower().startswith(incomplete.lower()):
            form = incomplete + form[len(incomplete) :]
        found.append((form, help_text))
    return found


def _complete_actor(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    base = _base_for_completion(ctx)
    if base is None:
        return []
    return _matching(incomplete, ((a.id, a.name, (a.name, *a.aliases)) for a in base.actors))


def _complete_source(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    base = _base_for_completion(ctx)
    return [] if base is None else _matching(incomplete, ((s.id, s.title, (s.title,)) for s in base.sources))


def _complete_tag(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    base = _base_for_completion(ctx)
    if base is None:
        return []
    return _matching(incomplete, ((tag, "tag", ()) for tag in sorted({t for e in base.events for t in e.tags})))


# The events filters, shared by `events` and `export`.
ActorsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--actor",
        "-a",
        metavar="NAME",
        help="Involving this actor (repeat: all of them).",
        autocompletion=_complete_actor,
    ),
]
TagsOption = Annotated[
    list[str] | None,
    typer.Option(metavar="TAG", help="With this tag (repeat: all of them).", autocompletion=_complete_tag),
]
EventSourceOption = Annotated[
    str | None, typer.Option(metavar="ID", help="Citing this source.", autocompletion=_complete_source)
]


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


def _fail(error: HamsyrError) -> typer.Exit:
    print(f"hamsyr: {error.message}", file=sys.stderr)
    if isinstance(error, LookupFailed):
        for candidate in error.candidates:
            print(f"  {candidate}", file=sys.stderr)
    return typer.Exit(error.exit_code)


def _format(fmt: Format | None, as_json: bool) -> Format:
    if as_json and fmt not in (None, Format.JSON):
        print(f"hamsyr: --json and --format {fmt.value} ask for different formats; give one", file=sys.stderr)
        raise typer.Exit(USAGE)
    if as_json:
        return Format.JSON
    if fmt is not None:
        return fmt
    return Format.TABLE if sys.stdout.isatty() else Format.TSV


def _data_path(ctx: typer.Context, data: Path | None) -> Path:
    """A --data after the command name wins over one before it, which wins over $HAMSYR_DATA."""
    return resolve_path(data or ctx.obj)


def _actor(base: FactBase, name: str) -> Actor:
    """Resolve a name; a fuzzy match is used but said, so that a typo never silently answers another question."""
    match = base.resolve_actor(name)
    if match.how == "fuzzy":
        print(
            f"hamsyr: no actor is called {name!r}; using the closest, {match.actor.name} ({match.actor.id})",
            file=sys.stderr,
        )
    return match.actor


def _dates(since: FuzzyDate | None, until: FuzzyDate | None, on: FuzzyDate | None = None) -> DateRange:
    """The range asked for: --on a date, or --since/--until (not both ways at once)."""
    if on is not None:
        if since is not None or until is not None:
            print("hamsyr: --on cannot be combined with --since or --until; give one or the other", file=sys.stderr)
            raise typer.Exit(USAGE)
        return DateRange.of(on, on)
    return DateRange.of(since, until)


def _event_filters(
    base: FactBase,
    actor: list[str] | None,
    since: FuzzyDate | None,
    until: FuzzyDate | None,
    on: FuzzyDate | None,
    tag: list[str] | None,
    source: str | None,
) -> dict[str, Any]:
    """The events filters as typed, resolved against the base (names to ids, tags and sources checked)."""
    return {
        "actors": [_actor(base, name).id for name in actor or []],
        "dates": _dates(since, until, on),
        "tags": [base.tag(name) for name in tag or []],
        "source": base.source(source).id if source else None,
    }


def _run(
    ctx: typer.Context,
    data: Path | None,
    fmt: Format | None,
    as_json: bool,
    query: Callable[[FactBase], View],
    fields: str | None = None,
) -> None:
    """Load the base, run the query, render the result; the one place errors become exit codes."""
    wanted = _fields(fields)
    # --fields picks columns, which tables do not have: without a format it means TSV, even on a terminal.
    chosen = _format(fmt, as_json) if wanted is None or fmt is not None or as_json else Format.TSV
    try:
        base = load(_data_path(ctx, data))
        view = query(base)
        render(view, chosen, sys.stdout, base, wanted, page=not ctx.meta.get("no_pager", False))
    except HamsyrError as error:
        raise _fail(error) from None


def _fields(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        print("hamsyr: --fields needs field names separated by commas, such as id,date,title", file=sys.stderr)
        raise typer.Exit(USAGE)
    return names


@app.command()
def events(
    ctx: typer.Context,
    actor: ActorsOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    on: OnOption = None,
    tag: TagsOption = None,
    source: EventSourceOption = None,
    text: TextOption = None,
    limit: LimitOption = None,
    reverse: ReverseOption = False,
    fields: FieldsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """Events in date order, filtered by actor, dates, tag, source or words."""

    def query(base: FactBase) -> View:
        filters = _event_filters(base, actor, since, until, on, tag, source)
        return Listing("event", base.find_events(**filters, text=text, limit=limit, reverse=reverse))

    _run(ctx, data, fmt, as_json, query, fields)


@app.command()
def actors(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="Only actors whose name, alias or id contains these words.")
    ] = None,
    kind: Annotated[ActorKind | None, typer.Option(case_sensitive=False, help="Only actors of this kind.")] = None,
    on: Annotated[
        FuzzyDate | None,
        typer.Option(
            parser=_date_option, metavar="DATE", help="Only actors holding a role on this date, with those roles."
        ),
    ] = None,
    role: Annotated[
        str | None,
        typer.Option(metavar="WORDS", help="Only actors with a role whose title or organization has these words."),
    ] = None,
    fields: FieldsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """People, organizations and states, by name; with --on or --role, who held which role."""

    def query(base: FactBase) -> View:
        if on is None and role is None:
            return Listing("actor", base.find_actors(name, kind))
        return Listing("role-holder", base.find_actors(name, kind, _dates(None, None, on), role))

    _run(ctx, data, fmt, as_json, query, fields)


@app.command()
def actor(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            help="An id, name or alias, in any case and with or without accents.", autocompletion=_complete_actor
        ),
    ],
    on: OnOption = None,
    fields: FieldsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """One actor: roles, events and quotes (as of a date with --on), and who holds roles in it."""

    def query(base: FactBase) -> View:
        found = _actor(base, name)
        dates = _dates(None, None, on)
        return ActorView(
            found._replace(roles=base.roles_on(found, dates)),
            base.find_events(actors=[found.id], dates=dates),
            base.find_quotes(speaker=found.id, dates=dates),
            base.quotes_about(found.id, dates),
            base.holders(found.id, dates),
            on.text if on else None,
        )

    _run(ctx, data, fmt, as_json, query, fields)


@app.command()
def quotes(
    ctx: typer.Context,
    speaker: Annotated[
        str | None,
        typer.Option("--speaker", "-s", metavar="NAME", help="Said by this actor.", autocompletion=_complete_actor),
    ] = None,
    about: Annotated[
        str | None, typer.Option(metavar="NAME", help="About this actor.", autocompletion=_complete_actor)
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    on: OnOption = None,
    text: TextOption = None,
    limit: LimitOption = None,
    reverse: ReverseOption = False,
    fields: FieldsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """Quotations, filtered by speaker, subject, dates or words."""

    def query(base: FactBase) -> View:
        return Listing(
            "quote",
            base.find_quotes(
                speaker=_actor(base, speaker).id if speaker else None,
                about=_actor(base, about).id if about else None,
                dates=_dates(since, until, on),
                text=text,
                limit=limit,
                reverse=reverse,
            ),
        )

    _run(ctx, data, fmt, as_json, query, fields)


@app.command()
def sources(
    ctx: typer.Context,
    fields: FieldsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """The documents the facts are drawn from."""
    _run(ctx, data, fmt, as_json, lambda base: Listing("source", base.sources), fields)


@app.command()
def source(
    ctx: typer.Context,
    source_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A source id (or a unique part of its title).", autocompletion=_complete_source
        ),
    ],
    fields: FieldsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """One source, and every event and quote it supports."""

    def query(base: FactBase) -> View:
        found = base.source(source_id)
        return SourceView(found, base.supports(found.id))

    _run(ctx, data, fmt, as_json, query, fields)


@app.command()
def phases(
    ctx: typer.Context,
    on: Annotated[
        FuzzyDate | None,
        typer.Option(parser=_date_option, metavar="DATE", help="Only the phases in force then, with their events."),
    ] = None,
    fields: FieldsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """Phases of the relationship; with --on, the one(s) in force on a date and the events inside."""

    def query(base: FactBase) -> View:
        found = base.find_phases(_dates(None, None, on))
        return PhasesView(found, [base.events_in(phase) for phase in found] if on else None, on.text if on else None)

    _run(ctx, data, fmt, as_json, query, fields)


@app.command()
def disputes(
    ctx: typer.Context,
    record: Annotated[str | None, typer.Option(metavar="ID", help="Only disputes about this event or quote.")] = None,
    source: Annotated[
        str | None, typer.Option(metavar="ID", help="Only disputes with a claim citing this source.")
    ] = None,
    fields: FieldsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """Points where the sources disagree, each claim with its sources."""

    def query(base: FactBase) -> View:
        return Listing(
            "dispute", base.find_disputes(record_id=record, source=base.source(source).id if source else None)
        )

    _run(ctx, data, fmt, as_json, query, fields)


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
            help="Only this record type: event, quote, dispute, actor or source (repeatable).",
        ),
    ] = None,
    limit: LimitOption = None,
    fields: FieldsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """Ranked search across events, quotes, actors and sources."""
    types = [t.lower().rstrip("s") for t in record_type or []]
    unknown = [t for t in types if t not in RECORD_TYPE_NAMES]
    if unknown:
        raise typer.BadParameter(
            f"unknown type {unknown[0]!r}; use {', '.join(RECORD_TYPE_NAMES)}", param_hint="--type"
        )
    _run(ctx, data, fmt, as_json, lambda base: Listing("hit", base.search(" ".join(words), types, limit)), fields)


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
            autocompletion=_complete_actor,
        ),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    svg: Annotated[Path | None, typer.Option(metavar="FILE", help="Also save the picture as SVG.")] = None,
    html: Annotated[Path | None, typer.Option(metavar="FILE", help="Also save the picture as an HTML page.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --svg or --html file.")] = False,
    fields: FieldsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """A year axis with the phases as bands and the events as marks, then the events by year."""
    for target in (svg, html):
        if target is not None and target.exists() and not force:
            print(f"hamsyr: {target} already exists; pass --force to replace it", file=sys.stderr)
            raise typer.Exit(USAGE)

    def query(base: FactBase) -> View:
        from hamsyr.chart import span_of

        found = [_actor(base, name) for name in actor or []]
        dates = DateRange.of(since, until)
        groups = base.timeline([a.id for a in found], dates)
        phases = base.find_phases(dates)
        events = [event for group in groups for event in group.events]
        lanes = [Lane(a.name, base.find_events(actors=[a.id], dates=dates)) for a in found]
        whole = span_of(phases, events)
        span = None
        if whole is not None:
            span = (dates.since or whole[0], dates.until or whole[1])
        view = TimelineView(groups, phases, lanes, span)
        _export(view, base, svg, html)
        return view

    _run(ctx, data, fmt, as_json, query, fields)


def _export(view: TimelineView, base: FactBase, svg: Path | None, html: Path | None) -> None:
    """Save the timeline picture where --svg and --html ask (existing files were checked before loading)."""
    if svg is None and html is None:
        return
    from hamsyr.files import write_atomic
    from hamsyr.tables import export_timeline

    width = int(os.environ.get("COLUMNS", "0")) or 100
    for target, kind in ((svg, "svg"), (html, "html")):
        if target is not None:
            try:
                write_atomic(target, export_timeline(view, base, width, kind), replace=True)
            except OSError as error:
                print(f"hamsyr: cannot write {target} ({error.strerror or error}); check the folder", file=sys.stderr)
                raise typer.Exit(USAGE) from None
            print(f"hamsyr: wrote {target}", file=sys.stderr)


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
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output.")] = False,
    actor: ActorsOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    on: OnOption = None,
    tag: TagsOption = None,
    source: EventSourceOption = None,
    text: TextOption = None,
    data: DataOption = None,
) -> None:
    """The whole base, or the part the filters select, for other tools: JSON, JSON Lines, a CSV folder,
    SQLite, TimelineJS, or the actor graph for Graphviz (dot) and Mermaid."""
    from hamsyr import exporting
    from hamsyr.files import write_atomic

    if fmt.value in exporting.FILE_FORMATS and output is None:
        print(f"hamsyr: --format {fmt.value} writes files; give --output PATH", file=sys.stderr)
        raise typer.Exit(USAGE)
    if output is not None and output.exists() and not force:
        print(f"hamsyr: {output} already exists; pass --force to replace it", file=sys.stderr)
        raise typer.Exit(USAGE)
    try:
        base = load(_data_path(ctx, data))
        selection = exporting.select(base, **_event_filters(base, actor, since, until, on, tag, source), text=text)
    except HamsyrError as error:
        raise _fail(error) from None
    try:
        if fmt is ExportFormat.CSV:
            assert output is not None
            written = exporting.write_csv_folder(selection, output)
            print(f"hamsyr: wrote {', '.join(written)} in {output}", file=sys.stderr)
        elif fmt is ExportFormat.SQLITE:
            assert output is not None
            exporting.write_sqlite(selection, output)
            print(f"hamsyr: wrote {output}", file=sys.stderr)
        elif output is not None:
            write_atomic(output, exporting.render_text(selection, fmt.value), replace=True)
            print(f"hamsyr: wrote {output}", file=sys.stderr)
        else:
            sys.stdout.write(exporting.render_text(selection, fmt.value))
    except OSError as error:
        print(f"hamsyr: cannot write {output} ({error.strerror or error}); check the path", file=sys.stderr)
        raise typer.Exit(USAGE) from None


@app.command()
def info(
    ctx: typer.Context,
    fields: FieldsOption = None,
    fmt: FormatOption = None,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """The fact base in use, the version and record counts."""

    def query(base: FactBase) -> View:
        span = base.date_span()
        return InfoView(
            {
                "version": version(),
                "data": str(base.path),
                "counts": base.counts(),
                "first_date": span[0].text if span else None,
                "last_date": span[1].text if span else None,
            }
        )

    _run(ctx, data, fmt, as_json, query, fields)


@app.command()
def schema() -> None:
    """Print a JSON Schema of the fact base format, for editors that check TOML against one."""
    from hamsyr.editor_schema import json_schema

    write_json(json_schema(), sys.stdout)


@app.command()
def validate(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as a JSON array.")] = False,
    data: DataOption = None,
) -> None:
    """Check the fact base; list every problem (exit 3 if any)."""
    path = _data_path(ctx, data)
    try:
        problems = check(path)
    except HamsyrError as error:
        raise _fail(error) from None
    if as_json:
        write_json([problem.to_dict() for problem in problems], sys.stdout)
    else:
        for problem in problems:
            print(problem)
    if problems:
        print(f"hamsyr: {len(problems)} problem(s) in {path}", file=sys.stderr)
        raise typer.Exit(BAD_DATA)
    print(f"hamsyr: {path} is valid", file=sys.stderr)


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


def main() -> None:
    """Console entry point."""
    if hasattr(signal, "SIGPIPE"):
        # A reader that stops early (`| head`) ends us quietly, as it would any Unix filter.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    _keep_only_the_command_asked_for(sys.argv[1:])
    app(prog_name="hamsyr")
