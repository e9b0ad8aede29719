"""The commands: each parses its options, calls one view builder (hamsyr.query.views) and hands the view to
the renderer (hamsyr.output.formats). `_answer` is the one place errors become a message and an exit code.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hamsyr import load, version
from hamsyr._inert import visible
from hamsyr.cli.options import (
    Actors,
    CitedSource,
    Command,
    Data,
    Fields,
    Force,
    FormatChoice,
    Json,
    Kinds,
    Limit,
    NoPager,
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
from hamsyr.errors import ExitCode, HamsyrError, LookupFailed, ProblemsFound, WriteFailed
from hamsyr.loading.load import ENV_VAR, resolve_paths
from hamsyr.output.render import Format, render
from hamsyr.query.factbase import FactBase
from hamsyr.views import build as views
from hamsyr.views.pages import TimelineView
from hamsyr.views.typed import EventFilters
from hamsyr.views.view import View

if TYPE_CHECKING:
    from hamsyr.output.screen import LoadProgress
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


STDOUT = Path("-")  # as --output, --svg or --html: standard output


def _fail(error: HamsyrError, ctx: typer.Context | None = None, data: list[Path] | None = None) -> typer.Exit:
    message = _in_context(error.message, ctx, data) if ctx is not None else error.message
    lines = [f"hamsyr: {message}"]
    if isinstance(error, LookupFailed):
        lines += [f"  {candidate}" for candidate in error.candidates]
    sys.stderr.write("".join(f"{visible(line)}\n" for line in lines))
    return typer.Exit(error.exit_code)


def _data_paths(ctx: typer.Context, data: list[Path] | None) -> list[Path]:
    """The --data given after the command name win over those before it, which win over $HAMSYR_DATA."""
    given: list[Path] = data or ctx.obj or []
    return resolve_paths(given)


def _load(ctx: typer.Context, data: list[Path] | None) -> FactBase:
    with _progress() as progress:
        return load(_data_paths(ctx, data), progress=progress)


@contextlib.contextmanager
def _progress() -> Iterator[LoadProgress | None]:
    """A progress bar on stderr for a long load (none when stderr is not a terminal), gone before anything
    else is written."""
    if not sys.stderr.isatty():
        yield None
        return
    from hamsyr.output.screen import LoadProgress

    progress = LoadProgress(sys.stderr, os.environ)
    try:
        yield progress
    finally:
        progress.close()


def _in_context(text: str, ctx: typer.Context, data: list[Path] | None) -> str:
    """A message whose suggested commands repeat the --data in use, so that they can be run as they are."""
    explicit = data or ctx.obj or [Path(item) for item in os.environ.get(ENV_VAR, "").split(os.pathsep) if item]
    if not explicit:
        return text
    given = " ".join(f"--data {shlex.quote(str(path))}" for path in explicit)
    return text.replace("`hamsyr ", f"`hamsyr {given} ")


def _answer(
    ctx: typer.Context,
    data: list[Path] | None,
    output: Output,
    build: Callable[[FactBase, list[str]], View],
    then: Callable[[View, FactBase], bool] | None = None,
) -> None:
    """Load the base, build the view, do `then` with it, and render it unless `then` answered on stdout
    itself (it returns True then); every error leaves here."""
    with _for_people(ctx, data):
        fmt, fields = output.chosen(sys.stdout.isatty())
        base = _load(ctx, data)
        notes: list[str] = []
        view = build(base, notes)
        for note in notes:
            sys.stderr.write(f"hamsyr: {visible(_in_context(note, ctx, data))}\n")
        if then is not None and then(view, base):
            return
        paged = not (output.no_pager or ctx.meta.get("no_pager", False))
        render(view, fmt, sys.stdout, fields, page=paged, environ=os.environ)


@contextlib.contextmanager
def _for_people(ctx: typer.Context, data: list[Path] | None) -> Iterator[None]:
    """The one error boundary: an error becomes one line on stderr and its exit code, never a traceback."""
    try:
        yield
    except HamsyrError as error:
        raise _fail(error, ctx, data) from None
    except BrokenPipeError:  # the reader stopped early (`| head`): nothing is wrong
        _silence_stdout()
        raise typer.Exit(ExitCode.OK) from None
    except UnicodeEncodeError as error:
        message = f"the output cannot show some characters ({error.encoding}); use --json, or PYTHONIOENCODING=utf-8"
        raise _fail(WriteFailed(message), ctx, data) from None
    except OSError as error:
        _silence_stdout()
        raise _fail(WriteFailed(f"cannot write the output ({error.strerror or error})"), ctx, data) from None


def _silence_stdout() -> None:
    """Point standard output at the null device, so that the text left in its buffer cannot fail again
    when the process ends."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())


def _show_version(value: bool) -> None:
    if value:
        print(f"hamsyr {version()}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data",
            metavar="PATH",
            show_default=False,
            help=(
                "Fact base file or folder to read instead of the shipped one; repeat it to read several as one "
                "base, @shipped for the shipped one (also after the command name; default: $HAMSYR_DATA)."
            ),
        ),
    ] = None,
    no_pager: NoPager = False,
    _version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    ctx.obj = data
    ctx.meta["no_pager"] = no_pager


def _examples(*lines: str) -> str:
    """The end of a command's --help: real examples, kept as written (\\b stops Click rewrapping them)."""
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines)


def command(*examples: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """A command of the app, with its examples and the unknown-option suggestions of options.Command."""
    return app.command(cls=Command, epilog=_examples(*examples))


@command(
    "hamsyr events --actor Mashal --since 2011 --until 2012",
    "hamsyr events --tag rupture --source mena-2022 --json",
    "hamsyr events --kind report --text damascus",
)
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
    no_pager: NoPager = False,
    data: Data = None,
) -> None:
    """Events in date order, by actor, date, tag, source or words."""
    filters = EventFilters(actor or (), since, until, on, tag or (), source, text, kind or ())
    output = Output(fmt, as_json, fields, no_pager)
    _answer(ctx, data, output, lambda base, notes: views.events_view(base, notes, filters, limit, reverse))


@command("hamsyr event offices-sealed-2012", "hamsyr event statement-restoring-relations --json")
def event(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(metavar="ID", help="An event id (`hamsyr events` lists them).")],
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    no_pager: NoPager = False,
    data: Data = None,
) -> None:
    """One event: every citation, its disputes, phases and relations."""
    output = Output(fmt, as_json, fields, no_pager)
    _answer(ctx, data, output, lambda base, notes: views.record_view(base, notes, event_id, "event"))


@command("hamsyr actors assad --kind person", 'hamsyr actors --on 2016 --role "head of the political bureau"')
def actors(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(metavar="NAME", help="Only actors whose name, alias or id has these words.")
    ] = None,
    kind: Annotated[ActorKind | None, typer.Option(case_sensitive=False, help="Only actors of this kind.")] = None,
    on: Annotated[FuzzyDate | None, on_option("Only actors holding a role on this date, with those roles.")] = None,
    role: Annotated[
        str | None,
        typer.Option(
            metavar="WORDS", help="Only actors with a role whose title begins with these words (or has them)."
        ),
    ] = None,
    limit: Limit = None,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    no_pager: NoPager = False,
    data: Data = None,
) -> None:
    """People, organizations and states, by name; or who held a role."""
    output = Output(fmt, as_json, fields, no_pager)
    _answer(ctx, data, output, lambda base, notes: views.actors_view(base, notes, name, kind, on, role, limit))


@command("hamsyr actor haniyeh", "hamsyr actor Meshaal --on 2012", "hamsyr actor hamas --json")
def actor(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="An id, name or alias, in any case and with or without accents.",
            autocompletion=complete_actor,
        ),
    ],
    on: On = None,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    no_pager: NoPager = False,
    data: Data = None,
) -> None:
    """One actor: roles, events, quotes, and who holds roles in it."""
    _answer(
        ctx, data, Output(fmt, as_json, fields, no_pager), lambda base, notes: views.actor_view(base, notes, name, on)
    )


@command(
    "hamsyr quotes --actor mashaal",
    "hamsyr quotes --speaker haniyeh --about syria",
    "hamsyr quotes --since 2022 --json",
)
def quotes(
    ctx: typer.Context,
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor", "-a", metavar="NAME", help="Said by or about this actor.", autocompletion=complete_actor
        ),
    ] = None,
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
    no_pager: NoPager = False,
    data: Data = None,
) -> None:
    """Quotations, by speaker, subject, date or words."""

    def build(base: FactBase, notes: list[str]) -> View:
        return views.quotes_view(base, notes, speaker, about, since, until, on, text, limit, reverse, actor)

    _answer(ctx, data, Output(fmt, as_json, fields, no_pager), build)


@command("hamsyr quote haniyeh-cannot-forget", "hamsyr quote mashaal-opened-the-world --json")
def quote(
    ctx: typer.Context,
    quote_id: Annotated[str, typer.Argument(metavar="ID", help="A quote id (`hamsyr quotes` lists them).")],
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    no_pager: NoPager = False,
    data: Data = None,
) -> None:
    """One quote: every citation, its disputes, phases and relations."""
    output = Output(fmt, as_json, fields, no_pager)
    _answer(ctx, data, output, lambda base, notes: views.record_view(base, notes, quote_id, "quote"))


@command("hamsyr sources", "hamsyr sources --json")
def sources(
    ctx: typer.Context,
    limit: Limit = None,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    no_pager: NoPager = False,
    data: Data = None,
) -> None:
    """The documents the facts are drawn from."""
    _answer(
        ctx, data, Output(fmt, as_json, fields, no_pager), lambda base, notes: views.sources_view(base, notes, limit)
    )


@command("hamsyr source mena-2022", "hamsyr source mena-2022 | grep -i wax")
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
    no_pager: NoPager = False,
    data: Data = None,
) -> None:
    """One source, and every event and quote it supports."""
    output = Output(fmt, as_json, fields, no_pager)
    _answer(ctx, data, output, lambda base, notes: views.source_view(base, notes, source_id))


@command("hamsyr phases", "hamsyr phases --on 2015", "hamsyr phases --since 2011 --until 2013 --json")
def phases(
    ctx: typer.Context,
    on: Annotated[FuzzyDate | None, on_option("Only the phases in force then, with their events.")] = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = None,
    reverse: Reverse = False,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    no_pager: NoPager = False,
    data: Data = None,
) -> None:
    """Phases of the relationship; with --on, those then in force."""
    output = Output(fmt, as_json, fields, no_pager)
    _answer(ctx, data, output, lambda base, notes: views.phases_view(base, notes, on, since, until, limit, reverse))


@command("hamsyr disputes", "hamsyr disputes --record offices-sealed-2012", "hamsyr disputes --since 2012 --json")
def disputes(
    ctx: typer.Context,
    record: Annotated[str | None, typer.Option(metavar="ID", help="Only disputes about this event or quote.")] = None,
    source: Annotated[
        str | None,
        typer.Option(
            metavar="ID", help="Only disputes with a claim citing this source.", autocompletion=complete_source
        ),
    ] = None,
    since: Since = None,
    until: Until = None,
    on: On = None,
    limit: Limit = None,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    no_pager: NoPager = False,
    data: Data = None,
) -> None:
    """Where the sources disagree, each claim with its sources."""

    def build(base: FactBase, notes: list[str]) -> View:
        return views.disputes_view(base, notes, record, source, since, until, on, limit)

    _answer(ctx, data, Output(fmt, as_json, fields, no_pager), build)


@command("hamsyr search headquarters qatar", "hamsyr search red wax --type event --json", "hamsyr search Meshal")
def search(
    ctx: typer.Context,
    words: Annotated[list[str], typer.Argument(metavar="WORDS...", help="Words to find, in any order.")],
    record_type: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            "-t",
            metavar="TYPE",
            help="Only this record type: event, quote, phase, dispute, actor or source (repeatable).",
        ),
    ] = None,
    since: Since = None,
    until: Until = None,
    on: On = None,
    limit: Limit = None,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    no_pager: NoPager = False,
    data: Data = None,
) -> None:
    """Ranked search across every kind of record."""

    def build(base: FactBase, notes: list[str]) -> View:
        return views.search_view(base, notes, words, record_type or (), limit, since, until, on)

    _answer(ctx, data, Output(fmt, as_json, fields, no_pager), build)


@command(
    "hamsyr timeline --actor haniyeh --actor mashaal",
    "hamsyr timeline --since 2021-06-21 --until 2022-06-20",
    "hamsyr timeline --svg timeline.svg --html timeline.html",
)
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
    on: On = None,
    svg: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Also save the chart as SVG (-: print it instead).")
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Also save a self-contained HTML page: chart and events (-: print it)."),
    ] = None,
    force: Force = False,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    no_pager: NoPager = False,
    data: Data = None,
) -> None:
    """The phases and events drawn on a time axis, then listed."""

    build = lambda base, notes: views.timeline_view(base, notes, actor or (), since, until, on)  # noqa: E731
    _answer(ctx, data, Output(fmt, as_json, fields, no_pager), build, _pictures(svg, html, force))


def _pictures(svg: Path | None, html: Path | None, force: bool) -> Callable[[View, FactBase], bool] | None:
    """What `timeline --svg/--html` does with its view: save the pictures, or print one instead of the table."""
    if svg == html == STDOUT:
        raise typer.BadParameter("only one of --svg and --html can be - (standard output)")
    if svg is None and html is None:
        return None

    def save(view: View, base: FactBase) -> bool:
        from hamsyr.export.pictures import save_timeline, timeline_picture

        assert isinstance(view, TimelineView)

        for target, kind in ((svg, "svg"), (html, "html")):
            if target == STDOUT:
                sys.stdout.write(timeline_picture(view, base, kind))  # the picture is the answer
            elif target is not None:
                save_timeline(view, base, target, kind, force)
                sys.stderr.write(f"hamsyr: wrote {visible(str(target))}\n")
        return STDOUT in (svg, html)

    return save


class ExportFormat(StrEnum):
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    SQLITE = "sqlite"
    TIMELINEJS = "timelinejs"
    DOT = "dot"
    MERMAID = "mermaid"
    HTML = "html"


@command(
    "hamsyr export --format sqlite --output hamsyr.db",
    "hamsyr export --format jsonl --actor Mashaal",
    "hamsyr export --format csv --output folder --bom",
)
def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", case_sensitive=False, help="What to write.")] = (
        ExportFormat.JSON
    ),
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="PATH", help="Where to write (a folder for csv); - or none: stdout."),
    ] = None,
    force: Force = False,
    bom: Annotated[
        bool, typer.Option("--bom", help="Begin CSV files with a byte-order mark, for spreadsheet programs.")
    ] = False,
    raw_csv: Annotated[
        bool,
        typer.Option(
            "--raw-csv",
            envvar="HAMSYR_RAW_CSV",
            help="Write CSV cells as they are, even those a spreadsheet would run as formulas.",
        ),
    ] = False,
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
    """The base, or the part the filters select, for other tools."""
    filters = EventFilters(actor or (), since, until, on, tag or (), source, text, kind or ())
    with _for_people(ctx, data):
        from hamsyr.export.formats import export_base

        notes: list[str] = []
        target = None if output == STDOUT else output
        selection = views.selection(_load(ctx, data), notes, filters)
        written = export_base(selection, fmt.value, target, force, sys.stdout, bom=bom, raw_csv=raw_csv)
        for note in notes:
            sys.stderr.write(f"hamsyr: {visible(_in_context(note, ctx, data))}\n")
        if written:
            sys.stderr.write(f"hamsyr: wrote {visible(written)}\n")


@command("hamsyr info", "hamsyr info --json", "hamsyr info --fields version,counts.events")
def info(
    ctx: typer.Context,
    fields: Fields = None,
    fmt: FormatChoice = None,
    as_json: Json = False,
    no_pager: NoPager = False,
    data: Data = None,
) -> None:
    """The fact base in use: version, counts, period covered."""
    _answer(
        ctx, data, Output(fmt, as_json, fields, no_pager), lambda base, notes: views.info_view(base, notes, version())
    )


@command("hamsyr schema > facts.schema.json", "hamsyr schema | jq '.[\"$defs\"].event.required'")
def schema() -> None:
    """A JSON Schema of the fact base format, for editors."""
    from hamsyr.output.rows import write_json
    from hamsyr.records.json_schema import json_schema

    write_json(json_schema(), sys.stdout)


@command("hamsyr validate", "hamsyr validate --data my-facts.toml --strict", "hamsyr validate --json")
def validate(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as a JSON array.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Count warnings (uncited statements) as errors.")] = False,
    data: Data = None,
) -> None:
    """Check the fact base and list every problem (exit 3 if any)."""
    from hamsyr.loading.load import check_base
    from hamsyr.views.pages import ValidationView

    with _for_people(ctx, data):
        with _progress() as progress:
            files, problems = check_base(_data_paths(ctx, data), progress=progress)
        render(ValidationView(tuple(files), problems), Format.JSON if as_json else Format.TSV, sys.stdout)
        warnings = sum(1 for problem in problems if problem.severity == "warning")
        of_them = f", {warnings} of them warnings" if warnings and warnings < len(problems) else ""
        named = ", ".join(str(file) for file in files) or "the fact base"
        if len(problems) > warnings or (strict and warnings):
            raise ProblemsFound(f"{len(problems)} problem(s) in {named}{of_them}")
        with_warnings = f", with {warnings} warning(s): statements that cite no source" if warnings else ""
        verb = "is" if len(files) == 1 else f"({len(files)} files) are"
        sys.stderr.write(f"hamsyr: {visible(named)} {verb} valid{with_warnings}\n")


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
    """Run the command named on the command line, and make sure its output was written."""
    if sys.stdout is None:  # started with standard output closed (`>&-`)
        os.write(2, b"hamsyr: standard output is closed; give the command somewhere to write\n")
        sys.exit(ExitCode.CANNOT_WRITE)
    if hasattr(signal, "SIGPIPE"):
        # A reader that stops early (`| head`) ends us quietly, as it would any Unix filter.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # Killed politely (SIGTERM): leave as an exception does, so that half-written files are removed.
    signal.signal(signal.SIGTERM, _terminated)
    encoding = (sys.stdout.encoding or "utf-8").lower()
    if not encoding.startswith("utf"):  # characters the output cannot encode are written as escapes
        with contextlib.suppress(AttributeError, ValueError):
            sys.stdout.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    _keep_only_the_command_asked_for(sys.argv[1:])
    code: int | str | None = 0
    try:
        app(prog_name="hamsyr")
        sys.stdout.flush()
    except SystemExit as exit:
        code = exit.code
    except BrokenPipeError:
        pass
    except OSError as error:  # what Typer itself writes (--version, --help) fails too on a full device
        code = _cannot_write(error)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except OSError as error:
        code = _cannot_write(error)
    sys.exit(code)


def _cannot_write(error: OSError) -> int:
    _silence_stdout()
    sys.stderr.write(f"hamsyr: cannot write the output ({error.strerror or error})\n")
    return ExitCode.CANNOT_WRITE


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
