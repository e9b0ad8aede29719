"""The one way every command answers: read the base (load it, or check it), build the view, tell the notes,
show the answer; and the one error boundary, where a hamsyr error becomes a line on stderr and its exit
code, never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

import typer

from hamsyr import load
from hamsyr._inert import visible
from hamsyr.errors import ExitCode, HamsyrError, LookupFailed, Problem, WriteFailed
from hamsyr.loading.load import ENV_VAR, check_base, resolve_paths
from hamsyr.output.render import Format, render

if TYPE_CHECKING:
    from hamsyr.output.screen import LoadProgress
    from hamsyr.query.factbase import FactBase
    from hamsyr.views.build import Notes
    from hamsyr.views.view import View

Typed = ParamSpec("Typed")  # what a builder takes besides the base and the notes: what the person typed
Read = TypeVar("Read")
Built = TypeVar("Built")


class Answer:
    """How one command answers: the --data given (after the command name, before it, or in $HAMSYR_DATA),
    the format and fields chosen, and whether a long table may be paged."""

    def __init__(
        self, ctx: typer.Context, data: list[Path] | None, fmt: Format, fields: list[str] | None, page: bool
    ) -> None:
        self.ctx, self.data, self.format, self.fields, self.page = ctx, data, fmt, fields, page

    def __call__(
        self, build: Callable[Concatenate[FactBase, Notes, Typed], View], *args: Typed.args, **kwargs: Typed.kwargs
    ) -> None:
        """Load the base, build the view (`build(base, notes, *args, **kwargs)`), tell the notes, render it."""
        self.shown(lambda view, _: self.render(view), build, *args, **kwargs)

    def shown(
        self,
        show: Callable[[Built, FactBase], object],
        build: Callable[Concatenate[FactBase, Notes, Typed], Built],
        *args: Typed.args,
        **kwargs: Typed.kwargs,
    ) -> None:
        """As answering, but `show(built, base)` shows what was built instead of rendering it."""
        self.through(self.load, lambda base, notes: build(base, notes, *args, **kwargs), show)

    def through(
        self,
        read: Callable[[], Read],
        build: Callable[[Read, Notes], Built],
        show: Callable[[Built, Read], object],
    ) -> None:
        """The answer path: read (`load` the base, or `check` it), build the answer from what was read,
        tell the notes made on the way, then show the answer (`render` it, or another way)."""
        given = read()
        notes: Notes = []
        built = build(given, notes)
        for note in notes:
            self.say(note)
        show(built, given)

    def writing(self, fmt: Format) -> Answer:
        """The same answer written in `fmt`."""
        return Answer(self.ctx, self.data, fmt, self.fields, self.page)

    # --- reading --------------------------------------------------------------------------------------

    def paths(self) -> list[Path]:
        """The --data given after the command name win over those before it, which win over $HAMSYR_DATA."""
        return resolve_paths(self.data or self.ctx.obj or [])

    def load(self) -> FactBase:
        with _progress() as progress:
            return load(self.paths(), progress=progress)

    def check(self) -> tuple[list[Path], list[Problem]]:
        """The files of the base and every problem in them, as `hamsyr validate` lists them."""
        with _progress() as progress:
            return check_base(self.paths(), progress=progress)

    # --- showing --------------------------------------------------------------------------------------

    def render(self, view: View) -> None:
        paged = self.page and not self.ctx.meta.get("no_pager", False)
        render(view, self.format, sys.stdout, self.fields, page=paged, environ=os.environ)

    def say(self, text: str) -> None:
        """A line for the person on stderr, beside the answer."""
        sys.stderr.write(f"hamsyr: {visible(in_context(text, self.ctx, self.data))}\n")


def in_context(text: str, ctx: typer.Context, data: list[Path] | None) -> str:
    """A message whose suggested commands repeat the --data in use, so that they can be run as they are."""
    explicit = data or ctx.obj or [Path(item) for item in os.environ.get(ENV_VAR, "").split(os.pathsep) if item]
    if not explicit:
        return text
    given = " ".join(f"--data {shlex.quote(str(path))}" for path in explicit)
    return text.replace("`hamsyr ", f"`hamsyr {given} ")


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


@contextlib.contextmanager
def for_people(ctx: typer.Context, data: list[Path] | None) -> Iterator[None]:
    """The one error boundary: an error becomes one line on stderr and its exit code, never a traceback."""
    try:
        yield
    except HamsyrError as error:
        raise _fail(error, ctx, data) from None
    except BrokenPipeError:  # the reader stopped early (`| head`): nothing is wrong
        silence_stdout()
        raise typer.Exit(ExitCode.OK) from None
    except UnicodeEncodeError as error:
        message = f"the output cannot show some characters ({error.encoding}); use --json, or PYTHONIOENCODING=utf-8"
        raise _fail(WriteFailed(message), ctx, data) from None
    except OSError as error:
        silence_stdout()
        raise _fail(WriteFailed(f"cannot write the output ({error.strerror or error})"), ctx, data) from None


def _fail(error: HamsyrError, ctx: typer.Context, data: list[Path] | None) -> typer.Exit:
    """Say what went wrong (and, for a name not found, what might have been meant); exit with its code."""
    lines = [f"hamsyr: {in_context(error.message, ctx, data)}"]
    if isinstance(error, LookupFailed):
        lines += [f"  {candidate}" for candidate in error.candidates]
    sys.stderr.write("".join(f"{visible(line)}\n" for line in lines))
    return typer.Exit(error.exit_code)


def silence_stdout() -> None:
    """Point standard output at the null device, so that the text left in its buffer cannot fail again
    when the process ends."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
