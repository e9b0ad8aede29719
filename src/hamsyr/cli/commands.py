"""The commands: each parses its options, calls one view builder (hamsyr.views.build) and answers through
hamsyr.cli.answer, the one place errors become a message and an exit code.

A command's parameter `answer: Answer` stands for the shared output options, which come after its own, and
`filters: EventFilters` for the events filters, in its place (hamsyr.cli.options.WithSharedOptions).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hamsyr import version
from hamsyr.cli.answer import Answer, silence_stdout
from hamsyr.cli.options import (
    OUTPUT_OPTIONS,
    Command,
    Data,
    Force,
    Limit,
    NoPager,
    On,
    Reverse,
    Since,
    Until,
    WithSharedOptions,
    Words,
    complete_actor,
    complete_source,
    on_option,
)
from hamsyr.errors import ExitCode, ProblemsFound
from hamsyr.output.render import Format
from hamsyr.records.dates import FuzzyDate
from hamsyr.records.model import ActorKind
from hamsyr.views import build
from hamsyr.views.build import EventFilters

if TYPE_CHECKING:
    from hamsyr.query.factbase import FactBase
    from hamsyr.views.pages import TimelineView, ValidationView

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
EventId = Annotated[str, typer.Argument(metavar="ID", help="An event id (`hamsyr events` lists them).")]
QuoteId = Annotated[str, typer.Argument(metavar="ID", help="A quote id (`hamsyr quotes` lists them).")]


def _show_version(value: bool) -> None:
    if value:
        print(f"hamsyr {version()}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    data: Data = None,
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


Function = Callable[..., None]


def command(*examples: str, shared: Sequence[str] = tuple(OUTPUT_OPTIONS)) -> Callable[[Function], Function]:
    """A command of the app, with its examples, the unknown-option suggestions of options.Command, and the
    `shared` output options (all, or some: hamsyr.cli.options.WithSharedOptions)."""

    def register(function: Function) -> Function:
        app.command(cls=Command, epilog=_examples(*examples))(WithSharedOptions(function, shared))
        return function

    return register


@command(
    "hamsyr events --actor Mashal --since 2011 --until 2012",
    "hamsyr events --tag rupture --source mena-2022 --json",
    "hamsyr events --kind report --text damascus",
)
def events(answer: Answer, filters: EventFilters, limit: Limit = None, reverse: Reverse = False) -> None:
    """Events in date order, by actor, date, tag, source or words."""
    answer(build.events_view, filters, limit, reverse)


@command("hamsyr event offices-sealed-2012", "hamsyr event statement-restoring-relations --json")
def event(answer: Answer, event_id: EventId) -> None:
    """One event: every citation, its disputes, phases and relations."""
    answer(build.record_view, event_id, "event")


@command("hamsyr actors assad --kind person", "hamsyr actors --on 2018 --role head")
def actors(
    answer: Answer,
    name: Annotated[
        list[str] | None,
        typer.Argument(metavar="NAME...", help="Only actors whose name, alias or id has these words."),
    ] = None,
    kind: Annotated[
        ActorKind | None,
        typer.Option(  # the choices in the help, where they wrap between words, not in a metavar too long for a line
            case_sensitive=False, metavar="KIND", help=f"Only actors of this kind: {', '.join(ActorKind)}."
        ),
    ] = None,
    on: Annotated[FuzzyDate | None, on_option("Only actors holding a role on this date, with those roles.")] = None,
    role: Annotated[
        str | None,
        typer.Option(
            metavar="WORDS", help="Only actors with a role whose title begins with these words (or has them)."
        ),
    ] = None,
    limit: Limit = None,
) -> None:
    """People, organizations and states, by name; or who held a role."""
    answer(build.actors_view, " ".join(name) if name else None, kind, on, role, limit)


@command("hamsyr actor haniyeh", "hamsyr actor Meshaal --on 2012", "hamsyr actor hamas --json")
def actor(
    answer: Answer,
    name: Annotated[
        list[str],
        typer.Argument(
            metavar="NAME...",
            help="An id, name or alias, in any case and with or without accents (quoted or not).",
            autocompletion=complete_actor,
        ),
    ],
    on: On = None,
) -> None:
    """One actor: roles, events, quotes, and who holds roles in it."""
    answer(build.actor_view, " ".join(name), on)


@command(
    "hamsyr quotes --actor zahar",
    "hamsyr quotes --speaker haniyeh --about syria",
    "hamsyr quotes --since 2022 --json",
)
def quotes(
    answer: Answer,
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
) -> None:
    """Quotations, by speaker, subject, date or words."""
    answer(build.quotes_view, speaker, about, since, until, on, text, limit, reverse, actor)


@command("hamsyr quote haniyeh-cannot-forget", "hamsyr quote zahar-opened-the-world --json")
def quote(answer: Answer, quote_id: QuoteId) -> None:
    """One quote: every citation, its disputes, phases and relations."""
    answer(build.record_view, quote_id, "quote")


@command("hamsyr sources", "hamsyr sources --json")
def sources(answer: Answer, limit: Limit = None) -> None:
    """The documents the facts are drawn from."""
    answer(build.sources_view, limit)


@command("hamsyr source mena-2022", "hamsyr source mena-2022 | grep -i wax")
def source(
    answer: Answer,
    source_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="A source id (or a unique part of its title).", autocompletion=complete_source
        ),
    ],
) -> None:
    """One source, and every event and quote it supports."""
    answer(build.source_view, source_id)


@command("hamsyr phases", "hamsyr phases --on 2015", "hamsyr phases --since 2011 --until 2013 --json")
def phases(
    answer: Answer,
    on: Annotated[FuzzyDate | None, on_option("Only the phases in force then, with their events.")] = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = None,
    reverse: Reverse = False,
) -> None:
    """Phases of the relationship; with --on, those then in force."""
    answer(build.phases_view, on, since, until, limit, reverse)


@command("hamsyr disputes", "hamsyr disputes --record rupture-2011-mashaal", "hamsyr disputes --since 2012 --json")
def disputes(
    answer: Answer,
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
) -> None:
    """Where the sources disagree, each claim with its sources."""
    answer(build.disputes_view, record, source, since, until, on, limit)


@command("hamsyr search headquarters qatar", "hamsyr search red wax --type event --json", "hamsyr search Meshal")
def search(
    answer: Answer,
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
) -> None:
    """Ranked search across every kind of record."""
    answer(build.search_view, words, record_type or (), limit, since, until, on)


@command(
    "hamsyr timeline --actor haniyeh --actor mashaal",
    "hamsyr timeline --since 2021-06-21 --until 2022-06-20",
    "hamsyr timeline --svg timeline.svg --html timeline.html",
)
def timeline(
    answer: Answer,
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
) -> None:
    """The phases and events drawn on a time axis, then listed."""
    if svg == html == STDOUT:
        raise typer.BadParameter("only one of --svg and --html can be - (standard output)")
    pictures = partial(_pictures, answer, svg, html, force)
    answer.shown(pictures, build.timeline_view, actor or (), since, until, on)


def _pictures(
    answer: Answer, svg: Path | None, html: Path | None, force: bool, view: TimelineView, base: FactBase
) -> None:
    """Save the pictures asked for, then render the view, unless a picture is printed in its place."""
    from hamsyr.export.pictures import save_timeline, timeline_picture

    for target, kind in ((svg, "svg"), (html, "html")):
        if target == STDOUT:
            sys.stdout.write(timeline_picture(view, base, kind))  # the picture is the answer
        elif target is not None:
            save_timeline(view, base, target, kind, force)
            answer.say(f"wrote {target}")
    if STDOUT not in (svg, html):
        answer.render(view)


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
    shared=("data",),
)
def export(
    answer: Answer,
    *,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format", "-f", case_sensitive=False, metavar="FORMAT", help=f"What to write: {', '.join(ExportFormat)}."
        ),
    ] = ExportFormat.JSON,
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
    filters: EventFilters,
) -> None:
    """The base, or the part the filters select, for other tools."""

    def write(selection: FactBase, _: FactBase) -> None:
        from hamsyr.export.formats import export_base

        target = None if output == STDOUT else output
        written = export_base(selection, fmt.value, target, force, sys.stdout, bom=bom, raw_csv=raw_csv, say=answer.say)
        if written:
            answer.say(f"wrote {written}")

    answer.shown(write, build.selection, filters)


@command("hamsyr info", "hamsyr info --json", "hamsyr info --fields version,counts.events")
def info(answer: Answer) -> None:
    """The fact base in use: version, counts, period covered."""
    answer(build.info_view, version())


@command("hamsyr schema > facts.schema.json", "hamsyr schema | jq '.[\"$defs\"].event.required'", shared=())
def schema() -> None:
    """A JSON Schema of the fact base format, for editors."""
    from hamsyr.output.rows import write_json
    from hamsyr.records.json_schema import json_schema

    write_json(json_schema(), sys.stdout)


@command("hamsyr mcp", "hamsyr mcp --data @shipped --data my-facts.toml", shared=("data",))
def mcp(answer: Answer) -> None:
    """Serve the base to AI assistants, as an MCP server on stdin/stdout."""
    try:
        from hamsyr.cli.mcp_server import run
    except ImportError:  # the SDK is optional: every other command runs without it
        answer.say("hamsyr mcp needs the MCP SDK: pip install 'hamsyr[mcp]'")
        raise typer.Exit(ExitCode.USAGE) from None
    run(answer.paths())


@command("hamsyr validate", "hamsyr validate --data my-facts.toml --strict", "hamsyr validate --json", shared=("data",))
def validate(
    answer: Answer,
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as a JSON array.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Count warnings (uncited statements) as errors.")] = False,
) -> None:
    """Check the fact base and list every problem (exit 3 if any)."""
    answer = answer.writing(Format.JSON if as_json else Format.TSV)
    answer.through(answer.check, build.validation_view, partial(_verdict, answer, strict))


def _verdict(answer: Answer, strict: bool, view: ValidationView, _: object) -> None:
    """The problems, then what they come to: exit 3 for an error (or, `strict`, a warning), else "valid"."""
    answer.render(view)
    problems, files = view.problems, view.files
    warnings = sum(1 for problem in problems if problem.severity == "warning")
    of_them = f", {warnings} of them warnings" if warnings and warnings < len(problems) else ""
    named = ", ".join(str(file) for file in files) or "the fact base"
    if len(problems) > warnings or (strict and warnings):
        having = ", ".join(dict.fromkeys(problem.file for problem in problems))  # only files with problems
        raise ProblemsFound(f"{len(problems)} problem(s) in {having or named}{of_them}")
    with_warnings = f", with {warnings} warning(s): statements that cite no source" if warnings else ""
    verb = "is" if len(files) == 1 else f"({len(files)} files) are"
    answer.say(f"{named} {verb} valid{with_warnings}")


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
        silence_stdout()
    except OSError as error:
        code = _cannot_write(error)
    sys.exit(code)


def _cannot_write(error: OSError) -> int:
    silence_stdout()
    sys.stderr.write(f"hamsyr: cannot write the output ({error.strerror or error})\n")
    return ExitCode.CANNOT_WRITE


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
