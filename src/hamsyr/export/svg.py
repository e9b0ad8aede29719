"""The timeline as an SVG chart for a report: a time axis, the phases as labelled bars, the events as marks on
one lane per actor asked for, a legend, a key to the numbered marks and a title.

Built with xml.etree.ElementTree, so every piece of fact-base text is escaped by the serialiser, never pasted
into markup; it is also made visible-safe first (control and bidi characters shown as escapes). Nothing
outside the file is referenced: no font, script or style to fetch, only system font stacks.

Made to be read on paper, at the width of an A4 page (the chart is 1200 units wide, about two thirds of that
in print, so its text is 14 units: about 7 points):

- Every mark in the events lane can be identified without a pointer: its title stands beside it (or inside
  its bar) where there is room in its row, and otherwise it carries a number, which the key under the chart
  gives with the event's date in words and its title. Rows are filled in date order, each event taking the
  first row where its title fits, else the first where its number fits, else a new row.
- A date less precise than the scale (a year, on an axis of months: a range under two years) is not drawn as
  if it were a few months long once per event: its bar is drawn once, grey, captioned with the date in
  words, and the events it dates are listed under it, each with a small mark of its own colour and
  certainty. Days are dots and months are bars, on every scale.
- Colours: events by kind, in the Okabe-Ito palette, which people with the common colour-vision deficiencies
  tell apart; phases in Paul Tol's pale scheme, which is none of those colours, by the phase's place among
  the phases of the whole base (so a phase has the same colour in every chart of that base, whichever
  phases a chart shows; past six they repeat, each phase being named in its row anyway). Every distinction
  of a date (a day, approximate, inferred, disputed, a year on a scale of months) is also a shape, so it
  survives black-and-white print, and the legend is the same, in the same order, on every chart.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

from hamsyr._inert import visible
from hamsyr.query.factbase import FactBase
from hamsyr.records.dates import FuzzyDate, Precision
from hamsyr.records.model import Event, EventKind, Phase
from hamsyr.views import voice
from hamsyr.views.pages import Lane, TimelineView

WIDTH = 1200
LEFT = 280  # the label column: phase and lane names
RIGHT = WIDTH - 24  # the end of the time axis
TEXT_RIGHT = WIDTH - 14  # a title beside a mark may run into the margin up to here
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"
INK, MUTED, RULE, NEUTRAL, LANE = "#111111", "#555555", "#d9d9d9", "#6b6b6b", "#f4f4f4"
# Okabe-Ito, events by kind (the blue when the base gives no kinds).
KIND_COLOURS = {
    None: "#0072B2",
    "occurrence": "#009E73",
    "statement": "#D55E00",
    "report": "#CC79A7",
    "assessment": "#E69F00",
}
KINDS: tuple[str | None, ...] = (*(kind.value for kind in EventKind), None)  # the legend's order
# Paul Tol's pale scheme: light enough to be read as periods behind the events, and none of the kind colours.
PHASE_COLOURS = ("#BBCCEE", "#CCEEFF", "#CCDDAA", "#EEEEBB", "#FFCCCC", "#DDDDDD")
PHASE_HATCH = "#7a7a7a"  # the stripes of a phase's approximate reach: pale stripes would not show
SIZE = 15  # the chart's text: labels, ticks, legend and key (about 7.5 points at the width of an A4 page)
ROW, PHASE_ROW, MARK = 22, 24, 12  # heights: an event row, a phase row, a mark
GAP = 6  # between a mark and its text
FLAG = 12  # the room the disputed flag takes after a mark
SWATCH = 22  # the mark of an event listed under its date
CHEVRON = 10  # the room a chevron takes where a date goes on past an end of the axis
DASH = "\N{EN DASH}"
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
# Characters XML cannot hold, and HTML calls parse errors, that _inert.visible leaves: shown as escapes too.
_NONCHARACTERS = re.compile("[\ufdd0-\ufdef\ufffe\uffff]")


def clean(text: str) -> str:
    """Fact-base text made inert for XML and HTML: control, bidi and non-characters shown as escapes."""
    return _NONCHARACTERS.sub(lambda m: f"\\u{ord(m[0]):04x}", visible(text))


def one_line(text: str) -> str:
    return " ".join(clean(text).split())


def span_words(since: date, until: date) -> str:
    """`1987-2022` (with an en dash) for whole years, else the two days."""
    if (since.month, since.day, until.month, until.day) == (1, 1, 12, 31):
        return f"{since.year}{DASH}{until.year}" if since.year != until.year else str(since.year)
    return f"{since.isoformat()} {DASH} {until.isoformat()}"


def base_name(base: FactBase) -> str:
    """The base's file names, which say which base a picture was drawn from."""
    return " + ".join(path.name for path in base.paths) or "built in memory"


def headline(view: TimelineView, base: FactBase) -> tuple[str, str]:
    """The chart's title (what is shown) and the line under it (from which base, and what is left out)."""
    events = [event for group in view.groups for event in group.events]
    dated = sum(1 for event in events if event.date is not None)
    what = f"Phases and events, {span_words(*view.span)}" if view.span else "Phases and events"
    if view.lanes:
        what += ", by actor: " + ", ".join(lane.label for lane in view.lanes)
    name = base_name(base)
    count = f"{dated} dated event{'s' * (dated != 1)}, {len(view.phases)} phase{'s' * (len(view.phases) != 1)}"
    undated = len(events) - dated
    left_out = f"; {voice.undated(undated, 'event')} not drawn" if undated else ""
    horizon = base.documents_end()
    past = view.span is not None and horizon is not None and view.span[1] > horizon.end
    said = voice.past_the_documents(horizon) if past and horizon is not None else ""
    ends = f" {said[:1].upper()}{said[1:]}." if said else ""
    return clean(what), clean(f"From the hamsyr fact base {name}: {count}{left_out}.{ends}")


def event_tooltip(event: Event) -> str:
    """What a mark says on hover: title, date as the source gives it, kind, who says so, disputes, sources."""
    lines = [event.title, voice.date_line(event.date, event.date_text)]
    said = voice.said(event.kind, event.sources)
    if said:
        lines.append(said)
    if event.disputes:
        lines.append(voice.disputed(event.disputes))
    lines.append("sources: " + ", ".join(dict.fromkeys(c.source for c in event.sources)))
    return clean("\n".join(lines))


# --- measuring text -------------------------------------------------------------------------------------

# Advance widths in ems, rounded up from DejaVu Sans (among the widest of the fonts the stack may find), so
# that text laid out by these estimates does not overrun in the fonts that are narrower. No font is read.
_EMS = {
    **dict.fromkeys("ijlI|'!.,:;", 0.33),
    **dict.fromkeys("frt()[]-/ \u2019\u2018", 0.41),
    **dict.fromkeys('cszkvxyJ?"\u201c\u201d', 0.6),
    **dict.fromkeys("ABCDGHKNOQRUVX&#+=<>~", 0.8),
    **dict.fromkeys("mwMW%@\u2026\u2014", 1.0),
}


def text_width(text: str, size: float = SIZE, bold: bool = False) -> float:
    """About how wide `text` is at font `size`, a little more rather than less."""
    ems = sum(_EMS.get(char, 0.65 if char.isascii() or ord(char) < 0x2E80 else 1.0) for char in text)
    return ems * size * (1.1 if bold else 1.0)


def fit(text: str, pixels: float, size: float = SIZE, bold: bool = False) -> str:
    """`text` cut with an ellipsis to fit in `pixels` at font `size`."""
    if text_width(text, size, bold) <= pixels:
        return text
    while text and text_width(text + "…", size, bold) > pixels:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(words: Sequence[tuple[str, str]], pixels: float, size: float = SIZE) -> list[list[tuple[str, str]]]:
    """Words (each with a style) in lines no wider than `pixels`; a word wider than a line stands alone."""
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0.0
    for word, style in words:
        width = text_width(word if not lines[-1] else f" {word}", size)
        if lines[-1] and used + width > pixels:
            lines.append([])
            used, width = 0.0, text_width(word, size)
        lines[-1].append((word, style))
        used += width
    return [line for line in lines if line]


# --- geometry -------------------------------------------------------------------------------------------


class Axis(NamedTuple):
    """Days from `since` to `until` (inclusive) scaled onto [LEFT, RIGHT]."""

    since: date
    until: date

    def x(self, day: date) -> float:
        """Where a day begins, clamped to the plot."""
        return self._at(day.toordinal())

    def after(self, day: date) -> float:
        """Where a day ends (the next one begins), clamped."""
        return self._at(day.toordinal() + 1)

    def _at(self, ordinal: int) -> float:
        total = self.until.toordinal() + 1 - self.since.toordinal()
        share = (ordinal - self.since.toordinal()) / max(total, 1)
        return LEFT + min(max(share, 0.0), 1.0) * (RIGHT - LEFT)

    @property
    def months(self) -> bool:
        """True when the scale is of months (a range under two years), where a year is a vague date."""
        return self.until.toordinal() + 1 - self.since.toordinal() <= 2 * 366

    def ticks(self) -> list[tuple[date, str]]:
        """Years at the smallest step of 1, 2, 5, 10... that leaves room for the labels, or months for a
        range under two years, each January and the first with its year."""
        days = self.until.toordinal() + 1 - self.since.toordinal()
        per_year = (RIGHT - LEFT) / (days / 365.25)
        if not self.months:
            room = text_width("2000") + 10
            step = next((s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500) if s * per_year >= room), 1000)
            first = self.since.year + (self.since > date(self.since.year, 1, 1))
            return [(date(y, 1, 1), str(y)) for y in range(first, self.until.year + 1) if y % step == 0]
        room = (text_width("Sep 2000") + text_width("Sep")) / 2 + 12  # a label with its year beside one without
        step = next((s for s in (1, 2, 3, 6) if s * per_year * 28 / 365.25 >= room), 12)
        months = [date(y, m, 1) for y in range(self.since.year, self.until.year + 1) for m in range(1, 13)]
        chosen = [day for day in months if self.since <= day <= self.until and (day.month - 1) % step == 0]
        return [
            (day, f"{_MONTHS[day.month - 1]} {day.year}" if n == 0 or day.month == 1 else _MONTHS[day.month - 1])
            for n, day in enumerate(chosen)
        ]


class Bar(NamedTuple):
    """A date on the axis: `core` the interval it names, `wide` how far an approximate one may reach, `point`
    for a single exact day (drawn as a dot). None where it falls outside the axis."""

    core: tuple[float, float] | None
    wide: tuple[float, float] | None
    point: bool

    @property
    def extent(self) -> tuple[float, float]:
        parts = [part for part in (self.core, self.wide) if part]
        return min(p[0] for p in parts), max(p[1] for p in parts)


def bar(axis: Axis, first: date, start: date, end: date, last: date, point: bool = False) -> Bar:
    """The bar for nominal days [start, end] that may mean [first, last]; at least a few pixels wide."""
    core: tuple[float, float] | None = None
    if end >= axis.since and start <= axis.until:
        left, right = axis.x(start), axis.after(end)
        least = MARK if point else 6  # a dot is as wide as a mark is high, whatever the width of its day
        if right - left < least or point:
            middle = (left + right) / 2
            left, right = middle - least / 2, middle + least / 2
        core = (left, right)
    wide = None
    if (first, last) != (start, end):
        left, right = axis.x(first), axis.after(last)
        if core:  # the hatch shows on the side(s) it widens inside the axis, however short the date is on it
            left = min(left, core[0] - 3) if first < start and start > axis.since else min(left, core[0])
            right = max(right, core[1] + 3) if last > end and end < axis.until else max(right, core[1])
        wide = (left, right) if (left, right) != core else None
    return Bar(core, wide, point)


def event_bar(axis: Axis, event: Event) -> Bar | None:
    value = event.date
    if value is None or not value.overlaps(axis.since, axis.until):
        return None
    point = value.precision is Precision.DAY and not value.is_span and value.start == value.end
    return bar(axis, value.first_day, value.start, value.end, value.last_day, point)


def phase_bar(axis: Axis, phase: Phase) -> Bar:
    """A phase from its start to its end, or to the axis's end when it has none."""
    end = phase.end.end if phase.end else axis.until
    last = phase.end.last_day if phase.end else axis.until
    return bar(axis, phase.start.first_day, phase.start.start, end, last)


def vague_for(axis: Axis, value: FuzzyDate | None) -> bool:
    """True for a date less precise than the scale: a year (or a span with a year at one end) on a scale of
    months, which a bar of the months it covers would make look like a few months of something."""
    return value is not None and axis.months and any(end.precision is Precision.YEAR for end in value.ends)


def phase_colour(phase: Phase, base: FactBase) -> str:
    """A phase's colour: by its place among the phases of the whole base, whichever of them are drawn."""
    places = {known.id: number for number, known in enumerate(base.phases)}
    return PHASE_COLOURS[places.get(phase.id, len(places)) % len(PHASE_COLOURS)]


# --- laying out a lane ------------------------------------------------------------------------------------


class Rows:
    """The spans of x taken in each row of a lane. Neighbours keep twice the gap between a mark and its text,
    so that a number or title is nearer its own mark than any other."""

    def __init__(self) -> None:
        self.taken: list[list[tuple[float, float]]] = []

    def __len__(self) -> int:
        return len(self.taken)

    def free(self, row: int, span: tuple[float, float], gap: float = 2 * GAP + 2) -> bool:
        return all(span[1] + gap <= left or right + gap <= span[0] for left, right in self.taken[row])

    def take(self, row: int, span: tuple[float, float]) -> None:
        self.taken[row].append(span)

    def add(self) -> int:
        self.taken.append([])
        return len(self.taken) - 1


class Spot(NamedTuple):
    """Where a piece of text goes beside a mark: its x, its anchor and the span of the row it takes with the
    mark."""

    x: float
    anchor: str
    span: tuple[float, float]


def spots(extent: tuple[float, float], width: float) -> list[Spot]:
    """The places for text `width` wide beside a mark taking `extent`: after it, else before it. (Never over a
    bar: text over a colour, or over a faded or hatched one, is hard to read on paper.)"""
    left, right = extent
    found = []
    if right + GAP + width <= TEXT_RIGHT:
        found.append(Spot(right + GAP, "start", (left, right + GAP + width)))
    if left - GAP - width >= LEFT:
        found.append(Spot(left - GAP, "end", (left - GAP - width, right)))
    return found


class Placed(NamedTuple):
    """One event in a lane: its mark, its row, and its title beside it, or (`label` None) its number."""

    event: Event
    shape: Bar
    row: int
    label: str | None
    spot: Spot


class Group(NamedTuple):
    """Events of one vague date: the date's bar in the row `row`, the events listed in the rows under it."""

    value: FuzzyDate
    shape: Bar
    row: int
    members: list[Placed]


class Layout(NamedTuple):
    placed: list[Placed]
    groups: list[Group]
    rows: int


def taken(axis: Axis, event: Event, shape: Bar) -> tuple[float, float]:
    """The span of a row a mark takes: its bar, the flag of a disputed event, the chevron of a date that goes
    on past an end of the axis."""
    left, right = shape.extent
    past = beyond(axis, event.date)
    return left - CHEVRON * past[0], right + (FLAG if event.disputes else 0) + CHEVRON * past[1]


def beyond(axis: Axis, value: FuzzyDate | None) -> tuple[bool, bool]:
    """Whether a date goes on past the start and the end of the axis."""
    if value is None:
        return False, False
    return value.start < axis.since, value.end > axis.until


def number_width(count: int) -> float:
    return text_width("8" * len(str(max(count, 1))), bold=True)


def layout(events: Sequence[Event], axis: Axis, numbers: float) -> Layout:
    """Rows for a lane's events, in date order, `numbers` the width a number takes: each event in the first row
    with room for its title beside it, else the first with room for its number, else a new row. Events of a
    date less precise than the scale come last, a group of rows for each date."""
    rows, placed = Rows(), []
    vague: dict[str, list[Event]] = {}
    for event in events:
        shape = event_bar(axis, event)
        if shape is None or event.date is None:
            continue
        if vague_for(axis, event.date):
            vague.setdefault(event.date.text, []).append(event)
            continue
        extent = taken(axis, event, shape)
        label = one_line(event.title)
        choices = [(label, spots(extent, text_width(label))), (None, spots(extent, numbers))]
        found = next(
            (
                (row, text, spot)
                for text, places in choices
                for row in range(len(rows))
                for spot in places
                if rows.free(row, spot.span)
            ),
            None,
        )
        if found is None:
            row = rows.add()
            text, places = next(((text, places) for text, places in choices if places), (None, []))
            spot = places[0] if places else Spot(max(extent[0] + GAP, LEFT + GAP), "start", extent)
            found = (row, text, spot)
        row, text, spot = found
        rows.take(row, spot.span)
        placed.append(Placed(event, shape, row, text, spot))
    groups = []
    for members in vague.values():
        shape, value = event_bar(axis, members[0]), members[0].date
        assert shape is not None and value is not None
        header = rows.add()
        rows.add()  # the date in words
        groups.append(Group(value, shape, header, _listed(members, shape, rows, numbers)))
    return Layout(placed, groups, len(rows))


def _listed(events: Sequence[Event], shape: Bar, rows: Rows, numbers: float) -> list[Placed]:
    """The events of one vague date, a row each, listed from where the date begins on the axis (or further left,
    as far as the longest title that fits needs): a small mark, then the title, or the number when even the
    whole width is too narrow for the title."""
    marks = [SWATCH + (FLAG if event.disputes else 0) for event in events]
    widths = [text_width(one_line(event.title)) for event in events]
    room = TEXT_RIGHT - LEFT - GAP
    fitting = [mark + GAP + width for mark, width in zip(marks, widths, strict=True) if mark + GAP + width <= room]
    start = (shape.core or shape.extent)[0]
    x = max(LEFT + GAP, min(start, TEXT_RIGHT - max(fitting, default=0)))
    listed = []
    for event, mark, width in zip(events, marks, widths, strict=True):
        row = rows.add()
        fits = x + mark + GAP + width <= TEXT_RIGHT
        span = (x, x + mark + GAP + (width if fits else numbers))
        rows.take(row, span)
        approximate = event.date is not None and event.date.approximate
        swatch = Bar((x + 4, x + SWATCH - 4), (x, x + SWATCH) if approximate else None, False)
        spot = Spot(x + mark + GAP, "start", span)
        listed.append(Placed(event, swatch, row, one_line(event.title) if fits else None, spot))
    return listed


# --- drawing --------------------------------------------------------------------------------------------


def child(parent: ET.Element, tag: str, text: str | None = None, /, **attributes: object) -> ET.Element:
    """A child element; `stroke_width=` becomes `stroke-width`, numbers are rounded."""
    element = ET.SubElement(parent, tag)
    for key, value in attributes.items():
        if value is not None:
            shown = f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
            element.set(key.rstrip("_").replace("_", "-"), shown)
    if text is not None:
        element.text = text
    return element


def halo(colour: str = LANE) -> dict[str, object]:
    """The attributes of text drawn over marks or grid lines: an outline of the background behind it."""
    return {"stroke": colour, "stroke_width": "4", "stroke_linejoin": "round", "paint_order": "stroke"}


def draw_bar(parent: ET.Element, shape: Bar, y: float, colour: str, uncertain: bool = False) -> None:
    """A bar (or dot) at `y`: the approximate reach hatched behind, the core solid, inferred dates faded
    with a dashed edge."""
    if shape.wide:
        left, right = shape.wide
        child(parent, "rect", x=left, y=y, width=right - left, height=MARK, fill=f"url(#{_hatch(colour)})")
        child(parent, "rect", x=left, y=y, width=right - left, height=MARK, fill="none", stroke=colour)
    if shape.core is None:
        return
    left, right = shape.core
    style: dict[str, object] = {"fill": colour, "stroke": colour, "stroke_width": "1.5"}
    if uncertain:
        style |= {"fill_opacity": "0.35", "stroke_dasharray": "3 2"}
    if shape.point:
        child(parent, "circle", cx=(left + right) / 2, cy=y + MARK / 2, r=MARK / 2, **style)
    else:
        child(parent, "rect", x=left, y=y, width=right - left, height=MARK, rx="2", **style)


def draw_beyond(parent: ET.Element, axis: Axis, value: FuzzyDate | None, y: float) -> None:
    """A chevron outside each end of the axis that a date goes on past: it is not cut short there."""
    before, after = beyond(axis, value)
    chevron = {"fill": "none", "stroke": INK, "stroke_width": "1.5"}
    if before:
        child(parent, "path", d=f"M{LEFT - 3:.1f} {y:.1f}l-5 {MARK / 2:.1f}l5 {MARK / 2:.1f}", **chevron)
    if after:
        child(parent, "path", d=f"M{RIGHT + 3:.1f} {y:.1f}l5 {MARK / 2:.1f}l-5 {MARK / 2:.1f}", **chevron)


def _outline(parent: ET.Element, span: tuple[float, float], y: float, width: str) -> None:
    """A dark edge around a bar: thin for a phase, thick for a disputed event."""
    left, right = span
    child(
        parent,
        "rect",
        x=left,
        y=y,
        width=right - left,
        height=MARK,
        rx="2",
        fill="none",
        stroke=INK,
        stroke_width=width,
    )


def draw_flag(parent: ET.Element, x: float, y: float) -> None:
    """The disputed mark ⚑, drawn rather than typed so that it needs no font."""
    child(
        parent, "path", d=f"M{x:.1f} {y + MARK + 1:.1f}V{y - 1:.1f}l7 3l-7 3", fill=INK, stroke=INK, stroke_width="1.2"
    )


def _hatch(colour: str) -> str:
    return f"hs-hatch-{colour.lstrip('#').lower()}"


def _defs(svg: ET.Element) -> None:
    """Hatch patterns, one per colour, for the reach of approximate dates."""
    defs = child(svg, "defs")
    for colour in dict.fromkeys([*PHASE_COLOURS, *KIND_COLOURS.values(), NEUTRAL]):
        pattern = child(
            defs,
            "pattern",
            id=_hatch(colour),
            width="5",
            height="5",
            patternUnits="userSpaceOnUse",
            patternTransform="rotate(45)",
        )
        pale = colour in PHASE_COLOURS
        child(pattern, "rect", width="5", height="5", fill=colour if pale else "#ffffff")
        child(pattern, "rect", width="1.5" if pale else "2", height="5", fill=PHASE_HATCH if pale else colour)


def _axis(svg: ET.Element, axis: Axis, top: float, bottom: float) -> None:
    """Grid lines from `top` to `bottom`, labelled above and below."""
    grid = child(svg, "g", stroke=RULE, stroke_width="1")
    labels = child(svg, "g", fill=MUTED, text_anchor="middle")
    for day, label in axis.ticks():
        x = axis.x(day)
        child(grid, "line", x1=x, x2=x, y1=top - 4, y2=bottom)
        child(labels, "text", label, x=x, y=top - 9)
        child(labels, "text", label, x=x, y=bottom + 19)
    child(svg, "line", x1=float(LEFT), x2=float(RIGHT), y1=top, y2=top, stroke=MUTED)
    child(svg, "line", x1=float(LEFT), x2=float(RIGHT), y1=bottom, y2=bottom, stroke=MUTED)


def _label(parent: ET.Element, text: str, y: float, bold: bool = False) -> None:
    """A name in the label column, cut to fit; the whole name as its tooltip when cut."""
    shown = one_line(text)
    label = child(parent, "text", fit(shown, LEFT - 30, bold=bold), x="14", y=y, fill=INK)
    if bold:
        label.set("font-weight", "bold")
    if label.text != shown:
        child(label, "title", shown)


def _text(parent: ET.Element, text: str, spot: Spot, y: float, **style: object) -> ET.Element:
    """A title or number beside a mark, its baseline for a mark at `y`."""
    shown = child(parent, "text", text, x=spot.x, y=y + MARK - 1, fill=INK, **style)
    if spot.anchor != "start":
        shown.set("text-anchor", spot.anchor)
    shown.attrib |= {key.replace("_", "-"): str(value) for key, value in halo().items()}
    return shown


def _mark(parent: ET.Element, event: Event, links: bool) -> ET.Element:
    """The element holding one event's mark: a link to it on the page, or a group in a lone picture."""
    mark = child(parent, "a", href=f"#event-{event.id}") if links else child(parent, "g")
    mark.set("class", "mark")
    mark.set("data-event", f"event-{event.id}")
    child(mark, "title", event_tooltip(event))
    return mark


def _phases(layers: Layers, phases: Sequence[Phase], base: FactBase, axis: Axis, y: float) -> float:
    """One row per phase (they may overlap), named on the left; returns where the rows end. A phase keeps
    its colour whatever part of the timeline is drawn (see phase_colour)."""
    for phase in phases:
        group = child(layers.marks, "g")
        group.set("class", "phase")
        child(group, "title", clean(f"{phase.label}\n{voice.phase_dates(phase)}\n{phase.summary}"))
        _label(group, phase.label, y + 4 + MARK)
        shape = phase_bar(axis, phase)
        draw_bar(group, shape, y + 5, phase_colour(phase, base))
        if shape.core:  # an inferred end dashed (pale colours would vanish if faded as well)
            _outline(group, shape.core, y + 5, "0.8")
            if phase.start.uncertain or (phase.end and phase.end.uncertain):
                group[-1].set("stroke-dasharray", "4 2")
        y += PHASE_ROW
    return y


class Numbers:
    """The numbers of the events drawn without their titles, given in date order once every lane is laid out."""

    def __init__(self, layouts: Iterable[Layout], order: Sequence[Event]) -> None:
        unnamed = {p.event.id for one in layouts for p in _all(one) if p.label is None}
        numbered = [event for event in dict.fromkeys(order) if event.id in unnamed]
        self.of = {event.id: number for number, event in enumerate(numbered, 1)}
        self.events = numbered


def _all(one: Layout) -> list[Placed]:
    return [*one.placed, *(member for group in one.groups for member in group.members)]


def _lane(layers: Layers, lane: Lane, axis: Axis, y: float, links: bool, laid: Layout, numbers: Numbers) -> float:
    """One lane of event marks from `y`; returns its bottom."""
    height = max(laid.rows, 1) * ROW + 10
    child(layers.back, "rect", x="8", y=y, width=str(WIDTH - 16), height=height, fill=LANE)
    _label(layers.marks, lane.label, y + 5 + MARK, bold=True)
    top = y + 6
    for group in laid.groups:
        _group(layers, group, axis, top)
    for placed in _all(laid):
        row_top = top + placed.row * ROW
        listed = placed not in laid.placed  # under its date's bar, which says where it is
        event, shape = placed.event, placed.shape
        kind = event.kind.value if event.kind else None
        mark = _mark(layers.marks, event, links)
        # The whole mark, its flag and its title or number included, answers the pointer, and shows the focus
        # ring on the page.
        left, right = placed.spot.span
        hit = {"fill": "none", "pointer_events": "all", "class_": "hit"}
        child(mark, "rect", x=left - 2, y=row_top - 2, width=right - left + 4, height=MARK + 4, **hit)
        uncertain = event.date is not None and event.date.uncertain
        draw_bar(mark, shape, row_top, KIND_COLOURS[kind], uncertain)
        if event.disputes:
            if shape.core and not shape.point:
                _outline(mark, shape.core, row_top, "2")
            draw_flag(mark, shape.extent[1] + 3, row_top)
        if not listed:
            draw_beyond(mark, axis, event.date, row_top)
        if placed.label is not None:
            _text(mark, placed.label, placed.spot, row_top)
        else:
            _text(mark, str(numbers.of[event.id]), placed.spot, row_top, font_weight="bold")
    return y + height + 6


def _group(layers: Layers, group: Group, axis: Axis, top: float) -> None:
    """The bar of a vague date, once, grey; under it the date in words, and a bracket from the bar along the
    events listed under it."""
    y = top + group.row * ROW
    holder = child(layers.marks, "g")
    holder.set("class", "vague-date")
    value = group.value
    draw_bar(holder, group.shape, y, NEUTRAL, value.uncertain)
    draw_beyond(holder, axis, value, y)
    count = len(group.members)
    caption = f"{count} event{'s' * (count != 1)} {voice.no_closer(value)}:"
    x = group.members[0].shape.extent[0]
    _text(holder, caption, Spot(x, "start", (0, 0)), y + ROW, font_weight="bold")
    left = (group.shape.core or group.shape.extent)[0]
    last = top + group.members[-1].row * ROW + MARK / 2
    child(holder, "path", d=f"M{left:.1f} {y + MARK:.1f}V{y + MARK + 4:.1f}H{x - 5:.1f}V{last:.1f}h4", fill="none",
          stroke=MUTED, stroke_width="1.2")  # fmt: skip


_LEGEND = (  # in two columns, read across; an entry too long for one column takes a row
    ("phase", "a phase, named on the left"),
    ("point", "an event on a known day"),
    ("bar", "a month, a year or a span"),
    ("approximate", "approximate: hatched as far as it may reach"),
    ("inferred", "date inferred by the editors: faded, dashed"),
    ("disputed", "the sources disagree about it"),
    ("beyond", "goes on past the edge of the chart"),
    ("number", "no room for its title: numbered, see the key"),
    ("vague", "a year on a scale of months: drawn once, grey, with its events listed under it"),
)


def _legend(parent: ET.Element, y: float) -> float:
    """What every mark means, the same on every chart in the same order; returns the bottom."""
    group = child(parent, "g", fill=INK, class_="legend")
    child(group, "text", "Legend", x="14", y=y + 12, font_weight="bold")
    column = (WIDTH - 12 - LEFT) / 2
    cell = 0  # the next cell of the grid: its row is cell // 2, its column cell % 2
    for key, words in [*_LEGEND, ("kinds", "")]:
        whole_row = 44 + text_width(words) > column or key == "kinds"
        cell += cell % 2 if whole_row else 0
        x, top = LEFT + column * (cell % 2), y + 22 * (cell // 2)
        cell += 2 if whole_row else 1
        if key == "kinds":  # colours that say what an event is
            child(group, "text", "events by kind:", x=x, y=top + 12, fill=MUTED)
            x += text_width("events by kind:") + 12
            for kind in KINDS:
                child(group, "rect", x=x, y=top + 1, width="12", height=MARK, fill=KIND_COLOURS[kind])
                child(group, "text", kind or "kind not given", x=x + 18, y=top + 12)
                x += 18 + text_width(kind or "kind not given") + 22
            continue
        _swatch(group, key, x, top)
        child(group, "text", words, x=x + 44, y=top + 12)
    return y + 22 * ((cell + 1) // 2)


def _swatch(group: ET.Element, key: str, x: float, y: float) -> None:
    """The little picture of a legend entry."""
    swatch = Bar((x, x + 28), None, False)
    if key == "phase":
        for step, phase_colour in enumerate(PHASE_COLOURS[:3]):
            piece = {"fill": phase_colour, "stroke": INK, "stroke_width": "0.8"}
            child(group, "rect", x=x + step * 10, y=y + 1, width="8", height=MARK, **piece)
    elif key == "point":
        draw_bar(group, Bar((x + 8, x + 20), None, True), y + 1, NEUTRAL)
    elif key == "approximate":
        draw_bar(group, Bar((x + 10, x + 20), (x, x + 28), False), y + 1, NEUTRAL)
    elif key == "vague":
        draw_bar(group, swatch, y + 1, NEUTRAL, True)
        child(group, "path", d=f"M{x + 3:.1f} {y + 13:.1f}v6h6", fill="none", stroke=MUTED, stroke_width="1.2")
    elif key == "beyond":
        draw_bar(group, Bar((x, x + 20), None, False), y + 1, NEUTRAL)
        child(group, "path", d=f"M{x + 23:.1f} {y + 1:.1f}l5 6l-5 6", fill="none", stroke=INK, stroke_width="1.5")
    elif key == "number":
        draw_bar(group, Bar((x, x + 12), None, False), y + 1, NEUTRAL)
        child(group, "text", "12", x=x + 15, y=y + 12, font_weight="bold")
    else:
        draw_bar(group, swatch, y + 1, NEUTRAL, key == "inferred")
        if key == "disputed":
            _outline(group, (x, x + 28), y + 1, "2")
            draw_flag(group, x + 31, y + 1)


def _key(parent: ET.Element, numbers: Numbers, y: float, links: bool) -> float:
    """The numbered marks: number, date in words and title, in two columns read down; returns the bottom."""
    if not numbers.events:
        return y
    child(parent, "text", "Key to the numbered marks", x="14", y=y + 11, fill=INK, font_weight="bold")
    columns = 2
    gutter, number = 28.0, text_width("88", bold=True) + 8
    column = (WIDTH - 14 - 12 - gutter * (columns - 1)) / columns
    entries = []
    for event in numbers.events:
        words = [(word, "date") for word in voice.date_words(event.date).split()]
        words[-1] = (words[-1][0] + voice.BESIDE.rstrip(), "date")
        words += [(word, "") for word in one_line(event.title).split()]
        entries.append((event, wrap(words, column - number)))
    line = SIZE + 4
    total = sum(len(lines) for _, lines in entries)
    y += 24
    x, row, used = 14.0, y, 0
    bottom = y
    for event, lines in entries:
        if used and used + len(lines) / 2 > total / columns and x == 14.0:
            x, row = 14.0 + column + gutter, y
            used = total  # the second column takes the rest
        holder = child(parent, "a", href=f"#event-{event.id}") if links else child(parent, "g")
        holder.set("class", "key-entry")
        child(holder, "text", str(numbers.of[event.id]), x=x + number - 8, y=row + SIZE - 2, font_weight="bold",
              text_anchor="end", fill=INK)  # fmt: skip
        for words in lines:
            text = child(holder, "text", None, x=x + number, y=row + SIZE - 2, fill=INK)
            runs: list[tuple[str, str]] = []
            for word, style in words:
                if runs and runs[-1][1] == style:
                    runs[-1] = (f"{runs[-1][0]} {word}", style)
                else:
                    runs.append((f" {word}" if runs else word, style))
            for words_run, style in runs:
                child(text, "tspan", words_run, fill=MUTED if style == "date" else None)
            row += line
        row += 4
        used += len(lines)
        bottom = max(bottom, row)
    return bottom


class Layers(NamedTuple):
    """Groups drawn in this order, so that backgrounds stay behind the grid and the grid behind the marks."""

    back: ET.Element
    grid: ET.Element
    marks: ET.Element


def timeline_svg(view: TimelineView, base: FactBase, links: bool = False) -> ET.Element:
    """The chart as an <svg> element. With `links` (for the HTML page) each mark and each entry of the key is
    a link to #event-ID, and the page's own heading stands for the chart's visible title."""
    title, subtitle = headline(view, base)
    events = [event for group in view.groups for event in group.events]
    axis = Axis(*(view.span or (date(2000, 1, 1), date(2000, 12, 31))))
    # A lone picture is one image to assistive technology; on the page its marks are links, so a group.
    role = "group" if links else "img"
    svg = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "class": "timeline", "role": role})
    svg.set("aria-labelledby", "hs-title hs-desc")
    child(svg, "title", title, id="hs-title")
    hint = (
        "Time runs left to right; each mark is titled beside it or numbered in the key under the chart, and its "
        "tooltip gives its title, date as the source gives it and sources."
    )
    child(svg, "desc", f"{subtitle} {hint}", id="hs-desc")
    _defs(svg)
    child(svg, "rect", width="100%", height="100%", fill="#ffffff")
    layers = Layers(child(svg, "g"), child(svg, "g"), child(svg, "g"))
    top = 44.0
    if not links:
        child(layers.marks, "text", title, x="14", y="34", font_size="24", font_weight="bold", fill=INK)
        child(layers.marks, "text", subtitle, x="14", y="60", font_size="15", fill=MUTED)
        top = 104.0
    y = _phases(layers, view.phases, base, axis, top + 8) + 8
    lanes = view.lanes or [Lane("Events", events)]
    width = number_width(len(events))
    laid = [layout(lane.events, axis, width) for lane in lanes]
    numbers = Numbers(laid, events)
    for lane, one in zip(lanes, laid, strict=True):
        y = _lane(layers, lane, axis, y, links, one, numbers)
    if view.span:
        _axis(layers.grid, axis, top, y)
    y = _legend(layers.marks, y + 44)
    height = int(_key(layers.marks, numbers, y + 14, links) + 14)
    svg.attrib |= {"width": str(WIDTH), "height": str(height), "viewBox": f"0 0 {WIDTH} {height}"}
    svg.attrib |= {"font-family": FONT, "font-size": str(SIZE)}
    return svg


def to_svg(view: TimelineView, base: FactBase) -> str:
    """The chart as a standalone SVG document."""
    return ET.tostring(timeline_svg(view, base), encoding="unicode") + "\n"
