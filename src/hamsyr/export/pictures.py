"""The timeline picture saved as a file: an SVG chart, or a self-contained HTML page around it."""

from __future__ import annotations

from pathlib import Path

from hamsyr._files import write_atomic
from hamsyr.errors import WriteFailed
from hamsyr.query.factbase import FactBase
from hamsyr.views.pages import TimelineView


def timeline_picture(view: TimelineView, base: FactBase, kind: str) -> str:
    """The timeline of `view` as `kind`: "svg" (the chart) or "html" (a self-contained page around it)."""
    from hamsyr.export.html import timeline_page
    from hamsyr.export.svg import to_svg

    return to_svg(view, base) if kind == "svg" else timeline_page(view, base)


def save_timeline(view: TimelineView, base: FactBase, target: Path, kind: str, force: bool) -> None:
    """Write the timeline of `view` as `kind` to `target`, replacing it only with `force`."""
    text = timeline_picture(view, base, kind)
    try:
        write_atomic(target, text, replace=force)
    except OSError as error:
        raise WriteFailed(f"cannot write {target} ({error.strerror or error}); check the folder") from None
