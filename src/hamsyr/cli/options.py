"""The options several commands share, each declared once as an `Annotated` alias, with their parsers and
shell completion; and `with_shared_options`, which gives a command the output options and the events
filters as one `Answer` and one `EventFilters`."""

from __future__ import annotations

import inspect
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hamsyr._values import Value
from hamsyr.cli.answer import Answer, for_people
from hamsyr.errors import HamsyrError, QueryError
from hamsyr.output.render import Format
from hamsyr.records.dates import DateError, FuzzyDate, parse_date
from hamsyr.records.model import EventKind
from hamsyr.views.build import EventFilters

if TYPE_CHECKING:
    from hamsyr.query.factbase import FactBase


def _date(value: str | None) -> FuzzyDate | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except DateError as error:
        raise typer.BadParameter(str(error)) from None


# --- shell completion ------------------------------------------------------------------------------------


def _base_for_completion(ctx: typer.Context) -> FactBase | None:
    """The fact base the command line being completed points at, or None when it cannot be read."""
    from hamsyr import load

    data = ctx.params.get("data") or ctx.find_root().params.get("data")
    try:
        return load(data)
    except HamsyrError:
        return None


def _matching(incomplete: str, choices: Iterable[tuple[str, str, Iterable[str]]]) -> list[tuple[str, str]]:
    """(completion, help) for each choice that has a value or name beginning with what was typed.

    Shells keep only completions that start with the typed text, so a match in another case is offered
    with the typed text as its start ("mash" -> "mashaal"), and spaces become hyphens ("Khaled-Mashaal"),
    so that nothing needs quoting; names resolve the same with hyphens as with spaces. A name holding
    anything a shell would read (quotes, `;`, `$`...) or a control character is never offered: the id,
    which is a plain slug, is offered in its place. The help shown beside it is made visible."""
    from hamsyr._inert import visible
    from hamsyr.query.names import fold

    found = []
    for value, help_text, names in choices:
        forms = [form for form in (value, *names) if fold(form).startswith(fold(incomplete))]
        if not forms:
            continue
        form = "-".join(forms[0].split())
        safe = re.compile(_SHELL_SAFE).fullmatch
        if not safe(form):
            form = value
            if not safe(form):
                continue
        if form.lower().startswith(incomplete.lower()) and safe(incomplete):
            form = incomplete + form[len(incomplete) :]
        found.append((form, visible(help_text).replace("\n", " ")))
    return found


# What a completion may hold and still be pasted on a command line unquoted: letters and digits of any
# script, and a few marks no shell reads.
_SHELL_SAFE = r"[\w\-.,:+@/]*"


def _complete_actor(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    base = _base_for_completion(ctx)
    if base is None:
        return []
    return _matching(incomplete, ((a.id, a.name, (a.name, *(alias.name for alias in a.aliases))) for a in base.actors))


def _complete_source(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    base = _base_for_completion(ctx)
    return [] if base is None else _matching(incomplete, ((s.id, s.title, (s.title,)) for s in base.sources))


def _complete_tag(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    base = _base_for_completion(ctx)
    return [] if base is None else _matching(incomplete, ((tag, "tag", ()) for tag in base.store.tags()))


# Typer reads a completion function's signature and type hints whenever it builds a command that has one (a
# few tenths of a millisecond each, on every query): they are given only when the shell asks for completions,
# which it does by running the command with _HAMSYR_COMPLETE set.
_COMPLETING = "_HAMSYR_COMPLETE" in os.environ
Completion = Callable[[typer.Context, str], list[tuple[str, str]]] | None
complete_actor: Completion = _complete_actor if _COMPLETING else None
complete_source: Completion = _complete_source if _COMPLETING else None
complete_tag: Completion = _complete_tag if _COMPLETING else None


# --- the shared options ----------------------------------------------------------------------------------

Data = Annotated[
    list[Path] | None,
    typer.Option(
        "--data",
        metavar="PATH",
        help=(
            "Fact base file or folder to read instead of the shipped one; repeat it to read several as one base, "
            "@shipped for the shipped one (before or after the command name; default: $HAMSYR_DATA)."
        ),
        show_default=False,
    ),
]
FormatChoice = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        show_default=False,
        help=(
            "Output format [default: table on a terminal, tsv otherwise]. TSV is exact, for scripts: a cell may begin "
            "with = or +; for a spreadsheet, use csv, whose cells never start a formula."
        ),
    ),
]
Fields = Annotated[
    str | None,
    typer.Option(metavar="A,B,C", help="Only these fields, in this order (json, jsonl, tsv, csv; tsv by default)."),
]
Json = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
NoPager = Annotated[
    bool,
    typer.Option(
        "--no-pager", envvar="HAMSYR_NO_PAGER", help="Never send long tables through a pager ($PAGER, or less)."
    ),
]
Since = Annotated[
    FuzzyDate | None,
    typer.Option(parser=_date, metavar="DATE", help="Only records whose date overlaps this date or later."),
]
Until = Annotated[
    FuzzyDate | None,
    typer.Option(parser=_date, metavar="DATE", help="Only records whose date overlaps this date or earlier."),
]


def on_option(help_text: str) -> Any:
    """--on DATE, with what it means for this command."""
    return typer.Option("--on", parser=_date, metavar="DATE", help=help_text)


On = Annotated[FuzzyDate | None, on_option("As of this date: what overlaps it (a year, month or day).")]
Limit = Annotated[int | None, typer.Option(min=0, metavar="N", help="Show at most N records.")]
Reverse = Annotated[bool, typer.Option("--reverse", help="Newest first (undated records stay last).")]
Words = Annotated[
    str | None, typer.Option(metavar="WORDS", help="Only records containing every one of these words (quoted or not).")
]
Actors = Annotated[
    list[str] | None,
    typer.Option(
        "--actor",
        "-a",
        metavar="NAME",
        help="Involving this actor (repeat: all of them).",
        autocompletion=complete_actor,
    ),
]
Tags = Annotated[
    list[str] | None,
    typer.Option(metavar="TAG", help="With this tag (repeat: all of them).", autocompletion=complete_tag),
]
Kinds = Annotated[
    list[EventKind] | None,
    typer.Option(
        "--kind",
        case_sensitive=False,
        help="Of this kind: occurrence, statement (an actor's own), report (relayed from others) or assessment "
        "(an analyst's judgment); repeat for any of them.",
    ),
]
CitedSource = Annotated[
    str | None, typer.Option(metavar="ID", help="Citing this source.", autocompletion=complete_source)
]
Force = Annotated[bool, typer.Option("--force", help="Replace an existing output file.")]


class Output(Value):
    """The output options as typed: --format, --json, --fields and --no-pager."""

    fmt: Format | None = None
    as_json: bool = False
    fields: str | None = None
    no_pager: bool = False

    def chosen(self, terminal: bool) -> tuple[Format, list[str] | None]:
        """The format to write and the fields to keep. Without a format: a table on a terminal, TSV when piped,
        and TSV when --fields picks columns, which tables do not have."""
        fields = None
        if self.fields is not None:
            fields = [name.strip() for name in self.fields.split(",") if name.strip()]
            if not fields:
                raise QueryError("--fields needs field names separated by commas, such as id,date,title")
        if self.as_json and self.fmt not in (None, Format.JSON):
            raise QueryError(f"--json and --format {self.fmt.value} ask for different formats; give one")
        if self.as_json:
            return Format.JSON, fields
        if self.fmt is not None:
            return self.fmt, fields
        return (Format.TABLE if terminal and fields is None else Format.TSV), fields


# What people type for an option a command calls otherwise: a wrong option suggests the right ones.
SYNONYMS = {
    "--actor": ("--speaker", "--about"),
    "--speaker": ("--actor",),
    "--about": ("--actor",),
    "--actors": ("--actor",),
    "--name": ("--actor", "--speaker"),
    "--type": ("--kind",),
    "--kind": ("--type",),
    "--from": ("--since",),
    "--after": ("--since",),
    "--to": ("--until",),
    "--before": ("--until",),
    "--date": ("--on",),
    "--at": ("--on",),
    "--words": ("--text",),
    "--query": ("--text",),
    "--grep": ("--text",),
    "--tags": ("--tag",),
    "--field": ("--fields",),
    "--columns": ("--fields",),
    "--max": ("--limit",),
    "--head": ("--limit",),
    "-n": ("--limit",),
    "--out": ("--output",),
    "--file": ("--output", "--data"),
    "--base": ("--data",),
    "--id": ("--record",),
}


# Options whose value is words: the words typed after one belong to it, quoted or not, up to the next option
# (`--text statement september`); an argument of the command goes before it.
WORDS_OPTIONS = ("--text", "--role")


def words_joined(args: Sequence[str]) -> list[str]:
    """The arguments with the words after each of WORDS_OPTIONS made its one value."""
    joined: list[str] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            return [*joined, arg, *rest]
        name, equals, value = arg.partition("=")
        if name not in WORDS_OPTIONS or (not equals and not rest):
            joined.append(arg)
            continue
        words = [value] if equals else [rest.pop(0)]
        while rest and not rest[0].startswith("-"):
            words.append(rest.pop(0))
        joined += [name, " ".join(words)]
    return joined


class Command(typer.core.TyperCommand):
    """A command that reads the words after --text or --role as one value, and whose unknown-option error
    also suggests the option it calls the same idea by."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, words_joined(args))
        except Exception as error:
            name = getattr(error, "option_name", None)  # an unknown option (Typer's own NoSuchOption)
            if name is not None:
                known = {option for param in self.params for option in param.opts}
                suggested = [option for option in SYNONYMS.get(name.split("=")[0], ()) if option in known]
                if suggested:
                    error.possibilities = sorted({*suggested, *(getattr(error, "possibilities", None) or ())})  # type: ignore[attr-defined]
            raise


# --- the options as groups -----------------------------------------------------------------------------

# The options of every command that prints a view, after its own, in this order; of the others, export and
# validate take `data` alone (each its own --format or --json), schema none.
OUTPUT_OPTIONS = {"fields": Fields, "fmt": FormatChoice, "as_json": Json, "no_pager": NoPager, "data": Data}
# The events filters, in this order, where a command takes an EventFilters (events, export).
FILTER_OPTIONS = {
    "actor": Actors,
    "since": Since,
    "until": Until,
    "on": On,
    "tag": Tags,
    "source": CitedSource,
    "text": Words,
    "kind": Kinds,
}


class WithSharedOptions:
    """A command as Typer sees it. The command's parameter annotated `Answer` stands for the shared output
    options (`shared`: OUTPUT_OPTIONS, or some of them), which come after all its own options; one annotated
    `EventFilters` stands for the events filters, in its place. Called, the command gets one Answer (its
    format chosen inside the error boundary) and one EventFilters.

    Typer reads a command's parameters from its signature: this one is made when Typer first asks for it,
    the annotations evaluated (commands.py postpones them), so that only the command that runs pays for it."""

    def __init__(self, command: Callable[..., None], shared: Sequence[str]) -> None:
        self.command, self.shared = command, tuple(shared)
        self.__name__, self.__qualname__ = command.__name__, command.__qualname__
        self.__doc__, self.__module__, self.__wrapped__ = command.__doc__, command.__module__, command

    @cached_property
    def _own(self) -> dict[str, inspect.Parameter]:
        """The command's own parameters, annotations evaluated."""
        return dict(inspect.signature(self.command, eval_str=True).parameters)

    @cached_property
    def __signature__(self) -> inspect.Signature:
        def option(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
            return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)

        params = [inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)]
        for param in self._own.values():
            if param.annotation is EventFilters:
                params += [option(name, annotation) for name, annotation in FILTER_OPTIONS.items()]
            elif param.annotation is not Answer:
                params.append(param.replace(kind=inspect.Parameter.KEYWORD_ONLY))
        flags = {"as_json", "no_pager"}
        params += [option(name, OUTPUT_OPTIONS[name], False if name in flags else None) for name in self.shared]
        return inspect.Signature(params)

    @cached_property
    def __annotations__(self) -> dict[str, Any]:  # type: ignore[override]
        return {name: param.annotation for name, param in self.__signature__.parameters.items()}

    def __call__(self, ctx: typer.Context, **values: Any) -> None:
        shared = {name: values.pop(name) for name in self.shared}
        data = shared.pop("data", None)
        with for_people(ctx, data):
            output = Output(**shared)
            fmt, fields = output.chosen(sys.stdout.isatty())
            for name, param in self._own.items():
                if param.annotation is Answer:
                    values[name] = Answer(ctx, data, fmt, fields, page=not output.no_pager)
                elif param.annotation is EventFilters:
                    values[name] = _filters({option: values.pop(option) for option in FILTER_OPTIONS})
            self.command(**values)


def _filters(typed: dict[str, Any]) -> EventFilters:
    """The events filters as typed (an option not given is None)."""
    return EventFilters(
        actors=typed["actor"] or (),
        since=typed["since"],
        until=typed["until"],
        on=typed["on"],
        tags=typed["tag"] or (),
        source=typed["source"],
        text=typed["text"],
        kinds=typed["kind"] or (),
    )
