"""The timeline picture as text: a year axis, the phases as bands, the events as marks, one lane per actor.

Layout only. It returns a line as a list of spans (hamsyr.views.blocks), its parts styled by name ("axis",
"phase-0"...) for the theme of hamsyr.output.tables to colour; with no colour the text alone still reads.
Columns are days scaled to the width, so every precision of date lands where it belongs, at the middle of
the part of it that the axis shows.

The marks say what they are:

- `•` is one event. Events that would touch (in one column, or in neighbouring ones) are one mark, their
  number, set off by spaces from every other mark: `3 2` is three events, then two more a little later,
  never "32".
- On a scale of months (under two years shown), an event dated only by its year has no place a column wide:
  its row has a second one under it, "year only", where such events are a bracket over the part of the
  year the axis shows, with their number: `├──14──┤`, open where the year goes on past the axis.
- A key under the lanes says so whenever a picture has more than single dots.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from hamsyr._inert import visible
from hamsyr.records.dates import Precision
from hamsyr.views import voice

if TYPE_CHECKING:
    from hamsyr.records.dates import FuzzyDate
    from hamsyr.records.model import Event, Phase
    from hamsyr.views.pages import Lane

Span = tuple[str, str]  # a part of a line: (text, style: "label", "axis", "phase-N", ...)
Line = list[Span]
PHASE_STYLES = 6  # the theme's phase-0 ... phase-5


class Glyphs(NamedTuple):
    band: str
    axis: str
    tick: str
    left: str
    right: str
    mark: str
    more: str


UNICODE = Glyphs(band="━", axis="─", tick="┼", left="├", right="┤", mark="•", more="…")
ASCII = Glyphs(band="=", axis="-", tick="+", left="|", right="|", mark="*", more="~")


def draw(
    phases: Sequence[Phase],
    events: Sequence[Event],
    lanes: Sequence[Lane],
    since: date,
    until: date,
    width: int,
    glyphs: Glyphs = UNICODE,
    places: Mapping[str, int] | None = None,
) -> list[Line]:
    """The picture for [since, until] in `width` columns (at least 40). A phase is styled by its place in
    `places` (its place among all the phases of the base, so that it keeps its colour whichever phases are
    drawn), else by its place among `phases`."""
    width = max(width, 40)
    label_width = min(24, max(10, width // 4))
    plot = width - label_width - 1
    total_days = max((until - since).days, 1)

    def column(day: date) -> int:
        clamped = min(max(day, since), until)
        return round((clamped - since).days / total_days * (plot - 1))

    def label(text: str) -> Span:
        text = visible(text).replace("\n", " ")  # escaped before measuring, so that the columns stay aligned
        if len(text) > label_width:  # cut between words, never inside one (the full label is in the table)
            cut = text[: label_width - 1].rsplit(" ", 1)[0] if " " in text[: label_width - 1] else ""
            text = (cut or text[: label_width - 1]) + glyphs.more
        shown = text
        return (shown.ljust(label_width) + " ", "label")

    lines: list[Line] = []
    ticks, by_month = _ticks(since, until, plot)
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
        end = phase.known_until or until  # an open phase only as far as it is attested
        if end < since or phase.start.start > until:
            continue
        first, last = column(phase.start.start), column(end)
        shade = places.get(phase.id, number) if places is not None else number
        lines.append(
            [
                label(phase.label),
                (" " * first, ""),
                (glyphs.band * (last - first + 1), f"phase-{shade % PHASE_STYLES}"),
            ]
        )

    def year_only(event: Event) -> bool:
        return by_month and event.date is not None and any(e.precision is Precision.YEAR for e in event.date.ends)

    def place(event: Event) -> int | None:
        """An event's column: the middle of the part of its interval inside the axis, so that "2022" sits
        in mid-2022 and a span reaching back before the axis does not pile up at its left edge."""
        if event.date is None or event.date.end < since or event.date.start > until:
            return None
        first, last = max(event.date.start, since), min(event.date.end, until)
        return column(first + (last - first) / 2)

    def reach(value: FuzzyDate) -> tuple[int, int, bool, bool]:
        """The columns of the part of a date the axis shows, and whether it ends there on either side."""
        return column(value.start), column(value.end), value.start >= since, value.end <= until

    seen = Seen()
    for name, shown, style in [("events", events, "event"), *((lane.label, lane.events, "lane") for lane in lanes)]:
        dated = [event for event in shown if event.date is not None and place(event) is not None]
        exact = [event for event in dated if not year_only(event)]
        lines.append([label(name), *_marks(exact, place, plot, glyphs, style, seen)])
        vague = [reach(event.date) for event in dated if event.date is not None and year_only(event)]
        for number, row in enumerate(_brackets(vague, plot, glyphs, seen)):
            lines.append([label("" if number else f"{'  ' * (label_width > 12)}{voice.YEAR_ONLY}"), (row, style)])
    return lines + [[label(words), (text, "axis")] for words, text in _key(seen, plot, glyphs)]


class Seen:
    """Which marks a picture holds besides single dots, for its key."""

    def __init__(self) -> None:
        self.counts = False
        self.brackets = False


def _marks(
    events: Sequence[Event], place: Callable[[Event], int | None], plot: int, glyphs: Glyphs, style: str, seen: Seen
) -> list[Span]:
    """A row of marks: `•` for an event, the number of events for those that would touch, one space at least
    between marks."""
    columns = [place(event) for event in events]
    clusters = [[where] for where in sorted(where for where in columns if where is not None)]

    def text(cluster: list[int]) -> str:
        return glyphs.mark if len(cluster) == 1 else str(len(cluster))

    def span(cluster: list[int]) -> tuple[int, int]:
        shown = text(cluster)
        start = round(sum(cluster) / len(cluster)) - (len(shown) - 1) // 2
        start = min(max(start, 0), plot - len(shown))
        return start, start + len(shown) - 1

    merged = True
    while merged:  # neighbours that touch become one mark, until none touch
        merged = False
        for number in range(len(clusters) - 1):
            if span(clusters[number + 1])[0] <= span(clusters[number])[1] + 1:
                clusters[number : number + 2] = [clusters[number] + clusters[number + 1]]
                merged = True
                break
    row = [" "] * plot
    for cluster in clusters:
        start, end = span(cluster)
        row[start : end + 1] = text(cluster)
        seen.counts |= len(cluster) > 1
    return [("".join(row).rstrip(), style)]


def _brackets(reaches: Sequence[tuple[int, int, bool, bool]], plot: int, glyphs: Glyphs, seen: Seen) -> list[str]:
    """Rows of brackets, one for each part of the axis that events dated only by the year cover, with their
    number; brackets that would touch go on rows of their own."""
    counted: dict[tuple[int, int, bool, bool], int] = {}
    for reach in reaches:
        counted[reach] = counted.get(reach, 0) + 1
    rows: list[list[str]] = []
    for (first, last, starts, ends), count in sorted(counted.items()):
        number = str(count)
        last = max(last, first + len(number) + 1)
        if last >= plot:
            first, last = max(plot - len(number) - 2, 0), plot - 1
        bracket = [glyphs.axis] * (last - first + 1)
        bracket[0] = glyphs.left if starts else glyphs.axis
        bracket[-1] = glyphs.right if ends else glyphs.axis
        middle = (len(bracket) - len(number)) // 2
        bracket[middle : middle + len(number)] = number
        row = next((row for row in rows if all(char == " " for char in row[max(first - 1, 0) : last + 2])), None)
        if row is None:
            row = [" "] * plot
            rows.append(row)
        row[first : last + 1] = bracket
        seen.brackets = True
    return ["".join(row).rstrip() for row in rows]


def _key(seen: Seen, plot: int, glyphs: Glyphs) -> list[tuple[str, str]]:
    """What the marks mean, when there are more than single dots: (label, text) lines that fit the plot."""
    if not (seen.counts or seen.brackets):
        return []
    parts = [f"{glyphs.mark} an event"] + ["3 three events close together"] * seen.counts
    if seen.brackets:
        bracket = f"{glyphs.left}{glyphs.axis}3{glyphs.axis}{glyphs.right}"
        parts.append(voice.year_only_key(bracket))
    lines: list[str] = []
    for part in parts:  # as many to a line as fit, three spaces apart; a part too long for any line wraps
        if lines and len(lines[-1]) + 3 + len(part) <= plot:
            lines[-1] += f"   {part}"
            continue
        line = ""
        for word in part.split(" "):
            if line and len(line) + 1 + len(word) > plot:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return [("key" if number == 0 else "", line) for number, line in enumerate(lines)]


def _ticks(since: date, until: date, plot: int) -> tuple[list[tuple[date, str]], bool]:
    """Labelled ticks: years at the widest step of 1, 2, 5, 10... that leaves room for each label, or,
    when fewer than two years would show, months at a step of 1, 2, 3 or 6; and whether they are months."""
    first, last = since.year + (since > date(since.year, 1, 1)), until.year
    span = max(last - first, 1)
    for step in (1, 2, 5, 10, 20, 50, 100):
        if span / step * 6 <= plot:
            years = [(date(y, 1, 1), str(y)) for y in range(first, last + 1) if y % step == 0]
            break
    else:
        years = [(date(first, 1, 1), str(first))]
    if len(years) >= 2:
        return years, False
    months = [date(y, m, 1) for y in range(since.year, until.year + 1) for m in range(1, 13)]
    months = [day for day in months if since <= day <= until]
    for step in (1, 2, 3, 6):
        chosen = [day for day in months if (day.month - 1) % step == 0]
        if len(chosen) * 9 <= plot:
            return [(day, f"{day.year}-{day.month:02d}") for day in chosen], True
    return years, True
