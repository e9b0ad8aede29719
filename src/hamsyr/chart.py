"""The timeline picture as text: a year axis, the phases as bands, the events as marks, one lane per actor.

Layout only. It returns lines of (text, style) segments; hamsyr.tables colours them with Rich, and with
no colour the text alone still reads. Columns are days scaled to the width, so every precision of date
lands where it belongs; a column holding several events shows their count.
"""

from collections.abc import Callable, Sequence
from datetime import date
from typing import NamedTuple

from hamsyr.model import Event, Phase

Segment = tuple[str, str]  # (text, style name: "label", "axis", "phase-N", "event", "lane", "")
Line = list[Segment]


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


class Lane(NamedTuple):
    label: str
    events: Sequence[Event]


def span_of(phases: Sequence[Phase], events: Sequence[Event]) -> tuple[date, date] | None:
    """Whole years from the first to the last date of the phases and dated events."""
    starts = [p.start.start for p in phases] + [e.date.start for e in events if e.date]
    ends = [p.end.end for p in phases if p.end] + [e.date.end for e in events if e.date] + starts
    if not starts:
        return None
    return date(min(starts).year, 1, 1), date(max(ends).year, 12, 31)


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

    def label(text: str) -> Segment:
        shown = text if len(text) <= label_width else text[: label_width - 1] + glyphs.more
        return (shown.ljust(label_width) + " ", "label")

    lines: list[Line] = []
    years = _label_years(since, until, plot)
    scale = [" "] * plot
    for year in years:
        place = column(date(year, 1, 1))
        text = str(year)
        start = min(max(place - len(text) // 2, 0), plot - len(text))
        if all(char == " " for char in scale[max(start - 1, 0) : start + len(text) + 1]):
            scale[start : start + len(text)] = text
    lines.append([(" " * (label_width + 1), ""), ("".join(scale).rstrip(), "axis")])
    axis = [glyphs.axis] * plot
    for year in years:
        axis[column(date(year, 1, 1))] = glyphs.tick
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
    lines.append([label("events"), *_marks(events, column, plot, glyphs, "event")])
    for lane in lanes:
        lines.append([label(lane.label), *_marks(lane.events, column, plot, glyphs, "lane")])
    return [[segment for segment in line if segment[0]] for line in lines]


def _marks(
    events: Sequence[Event], column: Callable[[date], int], plot: int, glyphs: Glyphs, style: str
) -> list[Segment]:
    counts = [0] * plot
    for event in events:
        if event.date is not None:
            counts[column(event.date.start)] += 1
    text = "".join(
        " " if n == 0 else glyphs.mark if n == 1 else str(n) if n < 10 else glyphs.many for n in counts
    ).rstrip()
    return [(text, style)]


def _label_years(since: date, until: date, plot: int) -> list[int]:
    """Years to label: the widest step of 1, 2, 5, 10, 20, 50... that leaves room for each label."""
    first, last = since.year + (since > date(since.year, 1, 1)), until.year
    span = max(last - first, 1)
    for step in (1, 2, 5, 10, 20, 50, 100):
        if span / step * 6 <= plot:
            return [year for year in range(first, last + 1) if year % step == 0]
    return [first]
