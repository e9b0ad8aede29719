"""The timeline picture saved as a file: SVG, or an HTML page."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hamsyr._files import write_atomic
from hamsyr.errors import WriteFailed
from hamsyr.output.screen import MAX_WIDTH
from hamsyr.query.factbase import FactBase
from hamsyr.query.views import TimelineView, View

DEFAULT_WIDTH = 100


def save_timeline(view: View, base: FactBase, target: Path, kind: str, force: bool, environ: Mapping[str, str]) -> None:
    """Write the timeline of `view` as `kind` ("svg" or "html") to `target`, replacing it only with `force`."""
    from hamsyr.output.tables import export_timeline

    assert isinstance(view, TimelineView)
    columns = environ.get("COLUMNS", "")
    width = min(int(columns), MAX_WIDTH) if columns.isdigit() and int(columns) > 0 else DEFAULT_WIDTH
    try:
        write_atomic(target, export_timeline(view, base, width, kind), replace=force)
    except OSError as error:
        raise WriteFailed(f"cannot write {target} ({error.strerror or error}); check the folder") from None
