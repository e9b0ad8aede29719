"""The timeline picture as text: a year axis, the phases as bands, the events as marks, one lane per actor.

Layout only. It returns a line as a list of spans (hamsyr.views.blocks), its parts styled by name ("axis",
"phase-0"...) for the theme of hamsyr.output.tables to colour; with no colour the text alone still reads.
Columns are days scaled to the width, so every precision of date lands where it belongs; a column holding
several events shows their count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from hamsyr._inert import visible

if TYPE_CHECKING:
    from hamsyr.records.model import Event, Phase
    from hamsyr.views.pages import Lane

Span = tuple[str, str]  # a part of a line: (text, style: "label", "axis", "phase-N", ...)
Line = list[Span]


class Glyphs(NamedTuple):
    band: str
    axis: str
    tick: str
    left: str
    right: str
    mark: str
    many: str
    more: str


UNICODE = Glyphs(band="━", axis="─", tick="┼", left="├", right="┤", mark="•", many="+", more="…")
ASCII = Glyphs(band="=", axis="-", tick="+", left="|", right="|", mark="*", many="+", more="~")


def draw(
    phases: Sequence[Phase],
    events: Sequence[Event],
    lanes: Sequence[Lane],
    since: date,
    until: date,
    width: int,
    glyphs: Glyphs = UNICODE,
) -> list[Line]:
    """The picture for [since, until] in `width` columns (at least 40)."""
    width = max(width, 40)
    label_width = min(24, max(10, width // 4))
    plot = width - label_width - 1
    total_days = max((until - since).days, 1)

    def column(day: date) -> int:
        clamped = min(max(day, since), until)
        return round((clamped - since).days / total_days * (plot - 1))

    def label(text: str) -> Span:
        text = visible(text).replace("\n", " ")  # escaped before measuring, so that the columns stay aligned
        shown = text if len(text) <= label_width else text[: label_width - 1] + glyphs.more
        return (shown.ljust(label_width) + " ", "label")

    lines: list[Line] = []
    ticks = _ticks(since, until, plot)
    scale = [" "] * plot
    for day, text in ticks:
        start = min(max(column(day) - len(text) // 2, 0), plot - len(text))
        if all(char == " " for char in scale[max(start - 1, 0) : start + len(text) + 1]):
            scale[start : start + len(text)] = text
    lines.append([(" " * (label_width + 1), ""), ("".join(scale).rstrip(), "axis")])
    axis = [glyphs.axis] * plot
    for day, _ in ticks:
        axis[column(day)] = glyphs.tick
    axis[0], axis[-1] = glyphs.left, glyphs.right
    lines.append([(" " * (label_width + 1), ""), ("".join(axis), "axis")])

    for number, phase in enumerate(phases):
        end = phase.end.end if phase.end else until
        if end < since or phase.start.start > until:
            continue
        first, last = column(phase.start.start), column(end)
        lines.append(
            [
                label(phase.label),
                (" " * first, ""),
                (glyphs.band * (last - first + 1), f"phase-{number % 6}"),
            ]
        )

    def place(event: Event) -> int | None:
        """An event's column: the middle of the part of its interval inside the axis, so that "2022" sits
        in mid-2022 and a span reaching back before the axis does not pile up at its left edge."""
        if event.date is None or event.date.end < since or event.date.start > until:
            return None
        first, last = max(event.date.start, since), min(event.date.end, until)
        return column(first + (last - first) / 2)

    lines.append([label("events"), *_marks(events, place, plot, glyphs, "event")])
    for lane in lanes:
        lines.append([label(lane.label), *_marks(lane.events, place, plot, glyphs, "lane")])
    return lines


def _marks(
    events: Sequence[Event], place: Callable[[Event], int | None], plot: int, glyphs: Glyphs, style: str
) -> list[Span]:
    counts = [0] * plot
    for event in events:
        where = place(event)
        if where is not None:
            counts[where] += 1
    text = "".join(
        " " if n == 0 else glyphs.mark if n == 1 else str(n) if n < 10 else glyphs.many for n in counts
    ).rstrip()
    return [(text, style)]


def _ticks(since: date, until: date, plot: int) -> list[tuple[date, str]]:
    """Labelled ticks: years at the widest step of 1, 2, 5, 10... that leaves room for each label, or,
    when fewer than two years would show, months at a step of 1, 2, 3 or 6."""
    first, last = since.year + (since > date(since.year, 1, 1)), until.year
    span = max(last - first, 1)
    for step in (1, 2, 5, 10, 20, 50, 100):
        if span / step * 6 <= plot:
            years = [(date(y, 1, 1), str(y)) for y in range(first, last + 1) if y % step == 0]
            break
    else:
        years = [(date(first, 1, 1), str(first))]
    if len(years) >= 2:
        return years
    months = [date(y, m, 1) for y in range(since.year, until.year + 1) for m in range(1, 13)]
    months = [day for day in months if since <= day <= until]
    for step in (1, 2, 3, 6):
        chosen = [day for day in months if (day.month - 1) % step == 0]
        if len(chosen) * 9 <= plot:
            return [(day, f"{day.year}-{day.month:02d}") for day in chosen]
    return years
