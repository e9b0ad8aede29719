"""The timeline as an SVG chart for a report: a time axis, the phases as labelled bars, the events as marks on
one lane per actor asked for, a legend and a title.

Built with xml.etree.ElementTree, so every piece of fact-base text is escaped by the serialiser, never pasted
into markup; it is also made visible-safe first (control and bidi characters shown as escapes). Nothing
outside the file is referenced: no font, script or style to fetch, only system font stacks. Colours are
the Okabe-Ito palette, which people with the common colour-vision deficiencies tell apart, and every
distinction that matters (approximate, inferred, disputed) is also drawn as a shape, so it survives print.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from hamsyr._inert import visible
from hamsyr.query.factbase import FactBase
from hamsyr.records.dates import Precision
from hamsyr.records.model import Event, Phase
from hamsyr.views import voice
from hamsyr.views.pages import Lane, TimelineView

WIDTH = 1200
LEFT = 210  # the label column: phase and lane names
RIGHT = WIDTH - 28
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"
INK, MUTED, RULE, NEUTRAL = "#111111", "#555555", "#d9d9d9", "#6b6b6b"
# Okabe-Ito: phases cycle through the palette; events are coloured by kind.
PHASE_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
KIND_COLOURS = {
    None: "#0072B2",
    "occurrence": "#009E73",
    "statement": "#D55E00",
    "report": "#CC79A7",
    "assessment": "#E69F00",
}
ROW, PHASE_ROW, MARK = 16, 22, 10  # heights: an event row, a phase row, a mark
DASH = "\N{EN DASH}"
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
# Characters XML cannot hold, and HTML calls parse errors, that _inert.visible leaves: shown as escapes too.
_NONCHARACTERS = re.compile("[\ufdd0-\ufdef\ufffe\uffff]")


def clean(text: str) -> str:
    """Fact-base text made inert for XML and HTML: control, bidi and non-characters shown as escapes."""
    return _NONCHARACTERS.sub(lambda m: f"\\u{ord(m[0]):04x}", visible(text))


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
    left_out = f"; {undated} {voice.UNDATED} event{'s' * (undated != 1)} not drawn" if undated else ""
    return clean(what), clean(f"From the hamsyr fact base {name}: {count}{left_out}.")


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

    def ticks(self) -> list[tuple[date, str]]:
        """Years at the smallest step of 1, 2, 5, 10... that leaves room for the labels, or months for a
        range under two years."""
        days = self.until.toordinal() + 1 - self.since.toordinal()
        per_year = (RIGHT - LEFT) / (days / 365.25)
        if days > 2 * 366:
            step = next((s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500) if s * per_year >= 48), 1000)
            first = self.since.year + (self.since > date(self.since.year, 1, 1))
            return [(date(y, 1, 1), str(y)) for y in range(first, self.until.year + 1) if y % step == 0]
        step = next((s for s in (1, 2, 3, 6) if s * per_year / 12 >= 64), 12)
        months = [date(y, m, 1) for y in range(self.since.year, self.until.year + 1) for m in range(1, 13)]
        return [
            (day, f"{_MONTHS[day.month - 1]} {day.year}")
            for day in months
            if self.since <= day <= self.until and (day.month - 1) % step == 0
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
        if right - left < 6:
            middle = (left + right) / 2
            left, right = middle - 3, middle + 3
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


def pack(extents: Sequence[tuple[float, float]], gap: float = 3) -> list[int]:
    """A row for each extent, in the given order, so that no two in one row overlap: the first that has
    room."""
    ends: list[float] = []
    rows = []
    for left, right in extents:
        row = next((n for n, end in enumerate(ends) if end + gap <= left), len(ends))
        if row == len(ends):
            ends.append(right)
        else:
            ends[row] = right
        rows.append(row)
    return rows


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


def fit(text: str, pixels: float, size: float = 12) -> str:
    """`text` cut with an ellipsis to about `pixels` wide at font `size` (an estimate: no font is measured)."""
    room = max(int(pixels / (size * 0.56)), 4)
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


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
        child(pattern, "rect", width="5", height="5", fill="#ffffff")
        child(pattern, "rect", width="2", height="5", fill=colour)


def _axis(svg: ET.Element, axis: Axis, top: float, bottom: float) -> None:
    """Grid lines from `top` to `bottom`, labelled above and below."""
    grid = child(svg, "g", stroke=RULE, stroke_width="1")
    labels = child(svg, "g", fill=MUTED, font_size="12", text_anchor="middle")
    for day, label in axis.ticks():
        x = axis.x(day)
        child(grid, "line", x1=x, x2=x, y1=top - 4, y2=bottom)
        child(labels, "text", label, x=x, y=top - 9)
        child(labels, "text", label, x=x, y=bottom + 16)
    child(svg, "line", x1=float(LEFT), x2=float(RIGHT), y1=top, y2=top, stroke=MUTED)
    child(svg, "line", x1=float(LEFT), x2=float(RIGHT), y1=bottom, y2=bottom, stroke=MUTED)


def _label(parent: ET.Element, text: str, y: float, bold: bool = False) -> None:
    """A name in the label column, cut to fit; the whole name as its tooltip when cut."""
    shown = clean(text).replace("\n", " ")
    label = child(parent, "text", fit(shown, LEFT - 28), x="16", y=y, fill=INK, font_weight="bold" if bold else None)
    if label.text != shown:
        child(label, "title", shown)


def _mark(parent: ET.Element, event: Event, links: bool) -> ET.Element:
    """The element holding one event's mark: a link to it on the page, or a group in a lone picture."""
    mark = child(parent, "a", href=f"#event-{event.id}") if links else child(parent, "g")
    mark.set("class", "mark")
    mark.set("data-event", f"event-{event.id}")
    child(mark, "title", event_tooltip(event))
    return mark


def _phases(layers: Layers, phases: Sequence[Phase], base: FactBase, axis: Axis, y: float) -> float:
    """One row per phase (they may overlap), named on the left; returns where the rows end. A phase keeps
    its colour (by its place in the base) whatever part of the timeline is drawn."""
    places = {phase.id: number for number, phase in enumerate(base.phases)}
    for number, phase in enumerate(phases):
        colour = places.get(phase.id, number) % len(PHASE_COLOURS)
        group = child(layers.marks, "g")
        group.set("class", "phase")
        child(group, "title", clean(f"{phase.label}\n{voice.phase_dates(phase)}\n{phase.summary}"))
        _label(group, phase.label, y + 3 + MARK)
        shape = phase_bar(axis, phase)
        uncertain = phase.start.uncertain or bool(phase.end and phase.end.uncertain)
        draw_bar(group, shape, y + 3, PHASE_COLOURS[colour], uncertain)
        if shape.core:
            _outline(group, shape.core, y + 3, "0.6")
        y += PHASE_ROW
    return y


def _lane(layers: Layers, lane: Lane, axis: Axis, y: float, links: bool) -> float:
    """One lane of event marks from `y`, packed into rows so that none hides another; returns its bottom."""
    drawn = [(event, shape) for event in lane.events if (shape := event_bar(axis, event)) is not None]
    extents = [(shape.extent[0], shape.extent[1] + (12 if event.disputes else 0)) for event, shape in drawn]
    rows = pack(extents)
    height = (max(rows, default=0) + 1) * ROW + 8
    child(layers.back, "rect", x="8", y=y, width=str(WIDTH - 16), height=height, fill="#f3f3f3")
    _label(layers.marks, lane.label, y + 4 + MARK, bold=True)
    for (event, shape), (left, right), row in zip(drawn, extents, rows, strict=True):
        top = y + 4 + row * ROW
        kind = event.kind.value if event.kind else None
        mark = _mark(layers.marks, event, links)
        # The whole mark, flag included, answers the pointer, and shows the focus ring on the page.
        hit = {"fill": "none", "pointer_events": "all", "class_": "hit"}
        child(mark, "rect", x=left - 2, y=top - 2, width=right - left + 4, height=MARK + 4, **hit)
        uncertain = event.date is not None and event.date.uncertain
        draw_bar(mark, shape, top, KIND_COLOURS[kind], uncertain)
        if event.disputes:
            if shape.core and not shape.point:
                _outline(mark, shape.core, top, "2")
            draw_flag(mark, shape.extent[1] + 3, top)
    return y + height + 6


_LEGEND = (
    ("phase", "a phase (named on the left)"),
    ("point", "an event on a known day"),
    ("bar", "a month, year or span"),
    ("approximate", "approximate: hatched as far as it may reach"),
    ("inferred", "date inferred by the editors (?)"),
    ("disputed", "the sources disagree about it"),
)


def _legend(parent: ET.Element, y: float, kinds: Sequence[str | None]) -> float:
    """What every mark means, in rows that wrap; returns the bottom."""
    items = list(_LEGEND)
    if kinds != [None]:  # colours by kind, only when the base says what its events are
        items += [(f"kind:{kind or ''}", kind or "kind not given") for kind in kinds]
    group = child(parent, "g", font_size="12", fill=INK)
    child(group, "text", "Legend", x="16", y=y + 10, font_weight="bold")
    # Shapes in the one event colour, or in grey when colours stand for kinds.
    x, colour = float(LEFT), KIND_COLOURS[None] if kinds == [None] else NEUTRAL
    for key, words in items:
        width = 40 + len(words) * 6.3 + 24
        if x + width > WIDTH - 16:
            x, y = float(LEFT), y + 20
        swatch = Bar((x, x + 28), None, False)
        if key == "phase":
            for step, phase_colour in enumerate(PHASE_COLOURS[:3]):
                piece = {"fill": phase_colour, "stroke": INK, "stroke_width": "0.6"}
                child(group, "rect", x=x + step * 10, y=y + 1, width="8", height=MARK, **piece)
        elif key == "point":
            draw_bar(group, Bar((x + 9, x + 19), None, True), y + 1, colour)
        elif key == "approximate":
            draw_bar(group, Bar((x + 10, x + 20), (x, x + 28), False), y + 1, colour)
        elif key.startswith("kind:"):
            kind = key.removeprefix("kind:") or None
            child(group, "rect", x=x + 9, y=y + 1, width="10", height=MARK, fill=KIND_COLOURS[kind])
        else:
            draw_bar(group, swatch, y + 1, colour, key == "inferred")
            if key == "disputed":
                _outline(group, (x, x + 28), y + 1, "2")
                draw_flag(group, x + 31, y + 1)
        child(group, "text", words, x=x + 44, y=y + 10)
        x += width
    return y + 20


class Layers(NamedTuple):
    """Groups drawn in this order, so that backgrounds stay behind the grid and the grid behind the marks."""

    back: ET.Element
    grid: ET.Element
    marks: ET.Element


def timeline_svg(view: TimelineView, base: FactBase, links: bool = False) -> ET.Element:
    """The chart as an <svg> element. With `links` (for the HTML page) each mark is a link to #event-ID, and
    the page's own heading stands for the chart's visible title."""
    title, subtitle = headline(view, base)
    events = [event for group in view.groups for event in group.events]
    axis = Axis(*(view.span or (date(2000, 1, 1), date(2000, 12, 31))))
    # A lone picture is one image to assistive technology; on the page its marks are links, so a group.
    role = "group" if links else "img"
    svg = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "class": "timeline", "role": role})
    svg.set("aria-labelledby", "hs-title hs-desc")
    child(svg, "title", title, id="hs-title")
    hint = "Time runs left to right; each mark's tooltip gives its title, date as the source gives it and sources."
    child(svg, "desc", f"{subtitle} {hint}", id="hs-desc")
    _defs(svg)
    child(svg, "rect", width="100%", height="100%", fill="#ffffff")
    layers = Layers(child(svg, "g"), child(svg, "g"), child(svg, "g"))
    top = 40.0
    if not links:
        child(layers.marks, "text", title, x="16", y="30", font_size="19", font_weight="bold", fill=INK)
        child(layers.marks, "text", subtitle, x="16", y="52", font_size="13", fill=MUTED)
        top = 96.0
    y = _phases(layers, view.phases, base, axis, top + 8) + 8
    for lane in view.lanes or [Lane("Events", events)]:
        y = _lane(layers, lane, axis, y, links)
    if view.span:
        _axis(layers.grid, axis, top, y)
    kinds = list(dict.fromkeys(event.kind.value if event.kind else None for event in events if event.date))
    height = int(_legend(layers.marks, y + 40, kinds) + 14)
    svg.attrib |= {"width": str(WIDTH), "height": str(height), "viewBox": f"0 0 {WIDTH} {height}"}
    svg.attrib |= {"font-family": FONT, "font-size": "12"}
    return svg


def to_svg(view: TimelineView, base: FactBase) -> str:
    """The chart as a standalone SVG document."""
    return ET.tostring(timeline_svg(view, base), encoding="unicode") + "\n"
