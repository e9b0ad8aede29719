"""The timeline saved as an SVG chart and as a self-contained HTML page: well-formed, self-contained, inert
whatever the fact base says, and working in a real browser.

The browser tests drive headless Chromium (Debian's `chromium`, which .ci/run installs) over the DevTools
protocol through a pipe (`--remote-debugging-pipe`: JSON messages separated by NUL bytes), so they need
nothing beyond the standard library. Pages are served by a local http.server that records every request.
Without Chromium they skip, saying why.
"""

from __future__ import annotations

import base64
import fcntl
import functools
import http.server
import json
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from hamsyr import FactBase, load, parse_date
from hamsyr.export.html import CSP, SCRIPT, timeline_page, to_html
from hamsyr.export.svg import KIND_COLOURS, PHASE_COLOURS, SWATCH, WIDTH, to_svg
from hamsyr.records.dates import Precision
from hamsyr.views import voice
from hamsyr.views.build import span_of, timeline_view
from hamsyr.views.chart import ASCII, UNICODE, draw
from hamsyr.views.pages import Lane

from .conftest import CommandLine

SVG_NS = "{http://www.w3.org/2000/svg}"
SCREEN = (1280, 900)  # the fixed size of every screenshot of the screen
A4 = (794, 1123)  # an A4 page at 96 dots to the inch: the print screenshots are this wide
NARROW = ("--since", "2021-06-21", "--until", "2022-06-20")  # the README's year before the restoration
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian package `chromium`, which .ci/run installs when it can)",
)

# Text that would break out of SVG, HTML or a script if it were pasted in, or mislead when shown.
HOSTILE_TITLE = (
    "</svg></title><script>window.__pwned = 1</script><img src=x onerror=window.__pwned=2> ]]> <!-- "
    "javascript:window.__pwned=4 &amp; <![CDATA["
)
HOSTILE_URL = "javascript:window.__pwned=3"
BIDI = "\u202egnp.exe \u2066isolated\u2069 \x1b[31mred\x1b[0m \u2028line"


def hostile_base(write: Callable[[str], Path]) -> FactBase:
    def text(value: str) -> str:
        return json.dumps(value)  # a TOML basic string is a JSON string for these characters

    return load(
        write(
            f"""
[[sources]]
id = "doc"
title = {text(HOSTILE_TITLE)}
url = {text(HOSTILE_URL)}

[[actors]]
id = "x"
name = {text("إسماعيل هنية " + BIDI)}
kind = "person"
aliases = [{{ name = "هنية", lang = "ar" }}]

[[events]]
id = "e"
date = "2012-05~"
date_text = {text(BIDI)}
title = {text(HOSTILE_TITLE)}
summary = {text(HOSTILE_URL + " " + BIDI)}
actors = ["x"]
places = [{text(HOSTILE_TITLE)}]
tags = ["t"]
sources = [{{ source = "doc", excerpt = {text(HOSTILE_TITLE)}, attributed_to = {text(BIDI)} }}]

[[events]]
id = "f"
date = "2012?-09-15"
title = "Second"
summary = "Second"
actors = ["x"]
sources = [{{ source = "doc", excerpt = "x" }}]

[[phases]]
id = "p"
label = {text(HOSTILE_TITLE)}
start = "2011"
summary = {text(HOSTILE_URL)}
sources = [{{ source = "doc", excerpt = "x" }}]

[[disputes]]
id = "d"
title = {text(HOSTILE_TITLE)}
summary = "s"
records = ["e"]

[[disputes.claims]]
claim = {text(HOSTILE_TITLE)}
sources = [{{ source = "doc", excerpt = "x" }}]

[[disputes.claims]]
claim = "other"
sources = [{{ source = "doc", excerpt = "y" }}]
"""
        )
    )


class Page(HTMLParser):
    """What a test needs to know of an HTML page, read with the standard library's parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.attribute_names: list[str] = []
        self.meta: dict[str, str] = {}
        self.scripts: list[str] = []
        self.title = ""
        self.hidden_form = False
        self._in: str | None = None

    @classmethod
    def of(cls, text: str) -> Page:
        page = cls()
        page.feed(text)
        page.close()
        return page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.attribute_names += list(values)
        self.ids += [values["id"]] if "id" in values else []
        self.hrefs += [values["href"]] if "href" in values else []
        if tag == "meta" and "http-equiv" in values:
            self.meta["http-equiv"] = values["content"]
        if tag == "form" and values.get("id") == "filters":
            self.hidden_form = "hidden" in values
        if tag in ("script", "title") and self._in is None:
            self._in = tag
            if tag == "script":
                self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "title" and not self.title:
            self.title = data


class Drawn(NamedTuple):
    """The pictures of a base (t.svg, t.html, export.html, and narrow.svg for the README's narrow range) in
    `folder`, and the base they were drawn from."""

    folder: Path
    base: FactBase


@pytest.fixture(scope="module")
def shipped(cli: CommandLine, tmp_path_factory: pytest.TempPathFactory, cache_folder: Path) -> Drawn:
    """The shipped base's pictures, made by the commands the README gives."""
    folder = tmp_path_factory.mktemp("pictures")
    svg, html, export = folder / "t.svg", folder / "t.html", folder / "export.html"
    with pytest.MonkeyPatch.context() as environment:  # made before the per-test environment is set up
        environment.delenv("HAMSYR_DATA", raising=False)
        environment.setenv("HAMSYR_CACHE_DIR", str(cache_folder))
        result = cli("timeline", "--svg", str(svg), "--html", str(html), "--json")
        assert result.code == 0, result.err
        result = cli("export", "--format", "html", "--output", str(export))
        assert result.code == 0, result.err
        result = cli("timeline", *NARROW, "--svg", str(folder / "narrow.svg"), "--json")
        assert result.code == 0, result.err
        return Drawn(folder, load())


# --- the files, without a browser -------------------------------------------------------------------


def test_the_svg_is_a_chart_sized_for_a_page(shipped: Drawn) -> None:
    root = ET.parse(shipped.folder / "t.svg").getroot()  # well-formed XML, or this raises
    assert root.tag == f"{SVG_NS}svg"
    width, height = int(root.get("width", "0")), int(root.get("height", "0"))
    assert 1000 <= width <= 1400 and height >= 300, (width, height)
    assert height * A4[0] / width <= 1.5 * A4[1], "printed as wide as an A4 page, it takes about a page"
    assert root.get("viewBox") == f"0 0 {width} {height}"
    marks = root.findall(f".//{SVG_NS}g[@class='mark']")
    assert len(marks) == sum(1 for event in shipped.base.events if event.date)
    labels = [text.text or "" for text in root.iter(f"{SVG_NS}text")]
    assert "Phases and events, 1987\N{EN DASH}2022" in labels  # what is shown...
    assert any("facts.toml" in label for label in labels)  # ...from which base
    assert {phase.label for phase in shipped.base.phases} | {"Events", "Legend"} <= set(labels)


def test_each_mark_says_what_the_sources_say(shipped: Drawn) -> None:
    root = ET.parse(shipped.folder / "t.svg").getroot()
    marks = {m.get("data-event"): m for m in root.iter(f"{SVG_NS}g") if m.get("class") == "mark"}
    checked = set()
    for event in shipped.base.events:
        if event.date is None:
            continue
        mark = marks[f"event-{event.id}"]
        lines = mark.findtext(f"{SVG_NS}title", "").splitlines()
        assert lines[0] == event.title and lines[1].startswith(voice.date_words(event.date))
        if event.date_text:
            assert lines[1].endswith(f"“{event.date_text}”")  # the date as the source gives it
        assert not re.search(r"\d[~?%]", lines[1])  # people read qualifiers in words, not as codes
        for who in {c.attributed_to for c in event.sources if c.attributed_to}:
            assert f"per {who}" in lines[2]
            checked.add("attributed")
        if event.date.approximate:  # hatched as far as it may reach
            assert any(r.get("fill", "").startswith("url(#hs-hatch-") for r in mark.iter(f"{SVG_NS}rect"))
            checked.add("approximate")
        if event.date.uncertain:  # faded, with a dashed edge
            assert any(shape.get("fill-opacity") for shape in mark), event.id
            checked.add("inferred")
        if event.disputes:
            assert f"⚑ disputed: {', '.join(event.disputes)}" in lines and mark.find(f"{SVG_NS}path") is not None
            checked.add("disputed")
        if not event.date.is_span and event.date.start == event.date.end and not event.date.approximate:
            assert mark.find(f"{SVG_NS}circle") is not None  # a known day is a dot
            checked.add("day")
    assert checked == {"attributed", "approximate", "inferred", "disputed", "day"}


def test_the_svg_and_page_use_nothing_from_outside(shipped: Drawn) -> None:
    for name in ("t.svg", "t.html", "export.html"):
        text = (shipped.folder / name).read_text(encoding="utf-8").replace('xmlns="http://www.w3.org/2000/svg"', "")
        for link in re.findall(r'<a href="(https?://[^"]+)"', text):  # a source's address: followed, never loaded
            text = text.replace(link, "")
        assert not re.search(r"(?:https?:)?//[\w-]+\.", text), "no address of anything to fetch"
        assert "@import" not in text and "@font-face" not in text
        assert not re.search(r"url\((?!#)", text), "only references inside the document"
        assert not re.search(r"\s(?:src|srcset|poster|data|action)=", text)


def test_the_page_is_valid_html5_with_a_strict_policy(shipped: Drawn) -> None:
    html5lib = pytest.importorskip("html5lib")
    for name in ("t.html", "export.html"):
        text = (shipped.folder / name).read_text(encoding="utf-8")
        html5lib.HTMLParser(strict=True).parse(text)  # raises on any parse error of the HTML standard
        page = Page.of(text)
        assert text.startswith('<!DOCTYPE html>\n<html lang="en"')
        assert page.title.startswith("Phases and events") and "facts.toml" in page.title
        assert (
            page.meta["http-equiv"] == CSP
            and "default-src 'none'" in CSP
            and "unsafe-inline" not in CSP.split("script-src")[1].split(";")[0]
        )
        assert page.scripts == [SCRIPT]  # the one script, whose hash the policy names
        duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
        assert duplicates == []
        assert {href[1:] for href in page.hrefs if href.startswith("#")} <= set(page.ids)
        assert all(href.startswith(("#", "data:", "http://", "https://")) for href in page.hrefs)
        assert page.hidden_form  # the filters wait for the script: without it every event is listed


def test_the_export_covers_a_selection(cli: CommandLine) -> None:
    result = cli("export", "--format", "html", "--actor", "haniyeh")
    assert result.code == 0, result.err
    page = Page.of(result.out)
    events = {i for i in page.ids if i.startswith("event-")}
    base = load()
    haniyeh = base.actor("haniyeh").id
    assert events == {f"event-{e.id}" for e in base.events if haniyeh in e.actors}


def test_hostile_text_stays_text_in_the_svg(write_base: Callable[[str], Path]) -> None:
    base = hostile_base(write_base)
    svg = to_svg(timeline_view(base, [], ["x"]), base)  # with a lane named in Arabic, with controls
    root = ET.fromstring(svg)  # still well-formed
    tags = {element.tag.removeprefix(SVG_NS) for element in root.iter()}
    assert tags <= {"svg", "title", "desc", "defs", "pattern", "rect", "g", "text", "tspan", "line", "circle", "path"}
    assert not any(name.startswith("on") for element in root.iter() for name in element.attrib)
    assert HOSTILE_TITLE in [element.text for element in root.iter(f"{SVG_NS}title")]
    assert "\u202e" not in svg and "\x1b" not in svg and "\\u202e" in svg and "\\x1b" in svg


def test_hostile_text_stays_text_in_the_page(write_base: Callable[[str], Path]) -> None:
    base = hostile_base(write_base)
    text = to_html(base)
    page = Page.of(text)
    assert page.scripts == [SCRIPT]
    assert not any(name.startswith("on") for name in page.attribute_names)
    assert HOSTILE_URL not in page.hrefs and all(h.startswith(("#", "data:")) for h in page.hrefs)
    assert "\u202e" not in text and "\u2066" not in text and "\x1b" not in text and "\u2028" not in text
    assert "\\u202egnp.exe" in text
    assert '<bdi lang="ar">هنية</bdi>' in text  # Arabic kept right-to-left inside the English text


def svg_of(drawn: Drawn, name: str) -> ET.Element:
    return ET.parse(drawn.folder / name).getroot()


def said(element: ET.Element) -> str:
    """The text an element shows (not its tooltip), words joined by single spaces."""
    return " ".join("".join(t for e in element.iter(f"{SVG_NS}text") for t in e.itertext()).split())


def shown_texts(element: ET.Element) -> list[str]:
    return [" ".join("".join(text.itertext()).split()) for text in element.iter(f"{SVG_NS}text")]


def key_of(root: ET.Element) -> dict[str, str]:
    """The key under the chart: number -> the rest of its entry."""
    entries = [entry for entry in root.iter() if entry.get("class") == "key-entry"]
    return {texts[0]: " ".join(texts[1:]) for texts in map(shown_texts, entries)}


@pytest.mark.parametrize("name", ["t.svg", "narrow.svg"])
def test_every_mark_is_identified_on_paper(shipped: Drawn, name: str) -> None:
    """Each mark shows its title, or a number that the key under the chart gives with the date in words and
    the title; the numbers run 1, 2, 3... in date order, one an event."""
    root = svg_of(shipped, name)
    events = {f"event-{event.id}": event for event in shipped.base.events}
    key = key_of(root)
    numbered: dict[int, str] = {}
    marks = [mark for mark in root.iter() if mark.get("class") == "mark"]
    assert marks
    for mark in marks:
        event = events[mark.get("data-event", "")]
        (text,) = shown_texts(mark)
        if text.isdigit():
            assert numbered.setdefault(int(text), event.id) == event.id
            entry = key[text]
            assert entry.startswith(voice.date_words(event.date)) and entry.endswith(" ".join(event.title.split()))
        else:
            assert text == " ".join(event.title.split())
    assert list(key) == [str(number) for number in range(1, len(key) + 1)] == [str(n) for n in sorted(numbered)]
    order = [e.id for g in shipped.base.timeline() for e in g.events]
    assert sorted(numbered.values(), key=order.index) == [numbered[n] for n in sorted(numbered)]  # date order
    if name == "t.svg":  # the whole base: titles where there is room, numbers where there is not
        assert 0 < len(key) < len(marks) / 2 + 5


def test_a_narrow_range_draws_its_vague_dates_once_with_their_events_under_them(shipped: Drawn) -> None:
    """On a scale of months, events dated only "2022%" are not a pile of identical bars from January to June:
    the date is drawn once, captioned in words, and its events are listed under it, each a mark of its own."""
    root = svg_of(shipped, "narrow.svg")
    since, until = (parse_date(value) for value in NARROW[1::2])
    in_range = [e for e in shipped.base.events if e.date and e.date.overlaps(since.start, until.end)]
    vague = [e for e in in_range if any(end.precision is Precision.YEAR for end in e.date.ends)]  # type: ignore[union-attr]
    assert len(vague) >= 13
    groups = [g for g in root.iter() if g.get("class") == "vague-date"]
    by_date: dict[str, list[str]] = {}
    for event in vague:
        by_date.setdefault(voice.date_words(event.date), []).append(event.id)
    captions = sorted(said(group) for group in groups)
    assert captions == sorted(
        f"{len(ids)} event{'s' * (len(ids) > 1)} {voice.no_closer(parse_date(date_text))}:"
        for date_text, ids in {e.date.text: [] for e in vague}.items()  # type: ignore[union-attr]
        for ids in [by_date[voice.date_words(parse_date(date_text))]]
    )
    assert "8 events dated no closer than 2022 (approx., inferred):" in captions
    marks = {m.get("data-event"): m for m in root.iter() if m.get("class") == "mark"}
    places = set()
    for event in vague:
        mark = marks[f"event-{event.id}"]
        shapes = [r for r in mark.iter(f"{SVG_NS}rect") if r.get("class") != "hit"]
        assert all(float(r.get("width", "0")) <= SWATCH for r in shapes)  # not a bar of months
        places.add(shapes[0].get("y"))
    assert len(places) == len(vague)  # a row each: distinct marks
    hamdan = marks["event-hamdan-replies"]  # a month stays a bar at its months, going on past the axis's start
    assert hamdan.find(f"{SVG_NS}path") is not None and float(hamdan.findall(f"{SVG_NS}rect")[1].get("width", "0")) > 20


def test_phase_colours_are_fixed_and_none_is_an_event_colour(shipped: Drawn) -> None:
    def colours(name: str) -> dict[str, str]:
        found = {}
        for group in svg_of(shipped, name).iter(f"{SVG_NS}g"):
            if group.get("class") == "phase":
                label = group.findtext(f"{SVG_NS}title", "").split("\n")[0]
                fills = [rect.get("fill", "") for rect in group.iter(f"{SVG_NS}rect")]
                found[label] = next(fill for fill in fills if fill.startswith("#"))
        return found

    whole, narrow = colours("t.svg"), colours("narrow.svg")
    assert len(whole) == len(shipped.base.phases) and 0 < len(narrow) < len(whole)
    assert all(whole[label] == colour for label, colour in narrow.items())  # whichever phases are shown
    assert len(set(whole.values())) == len(whole)  # six phases, six colours
    event_colours = {colour.upper() for colour in KIND_COLOURS.values()}
    assert {colour.upper() for colour in whole.values()} <= {c.upper() for c in PHASE_COLOURS}
    assert not {colour.upper() for colour in PHASE_COLOURS} & event_colours


def test_the_legend_is_the_same_on_every_chart(shipped: Drawn, write_base: Callable[[str], Path]) -> None:
    def legend(root: ET.Element) -> list[str]:
        (group,) = [g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "legend"]
        return shown_texts(group)

    hostile = hostile_base(write_base)
    charts = [svg_of(shipped, "t.svg"), svg_of(shipped, "narrow.svg")]
    charts.append(ET.fromstring(to_svg(timeline_view(hostile, [], ["x"]), hostile)))
    first = legend(charts[0])
    assert all(legend(chart) == first for chart in charts[1:])
    kinds = [text for text in first if text in KIND_COLOURS or text == "kind not given"]
    assert kinds == ["occurrence", "statement", "report", "assessment", "kind not given"]


def text_picture(base: FactBase, width: int, since: str | None = None, until: str | None = None) -> list[str]:
    dates = {"since": parse_date(since) if since else None, "until": parse_date(until) if until else None}
    view = timeline_view(base, [], **dates)
    assert view.span is not None
    lines = draw(view.phases, view.events, [], *view.span, width)
    return ["".join(text for text, _ in line) for line in lines]


@pytest.mark.parametrize("width", [40, 60, 80, 100, 160])
def test_the_text_timeline_sets_its_counts_apart_and_says_what_they_are(width: int) -> None:
    base = load()
    lines = text_picture(base, width)
    assert max(map(len, lines)) <= width
    (events,) = [line for line in lines if line.startswith("events ")]
    marks = events[min(24, max(10, width // 4)) + 1 :].split()
    assert all(mark == "•" or mark.isdigit() for mark in marks), marks  # "32", "2•2" or "+5" would fail
    assert sum(1 if mark == "•" else int(mark) for mark in marks) == sum(1 for e in base.events if e.date)
    if any(mark.isdigit() for mark in marks):
        key = " ".join(line.strip() for line in lines[lines.index(events) + 1 :])
        assert key.startswith("key") and "• an event" in key and "3 three events close together" in key


def test_the_text_timeline_of_a_narrow_range_brackets_the_years() -> None:
    base = load()
    lines = text_picture(base, 100, *NARROW[1::2])
    first = next(n for n, line in enumerate(lines) if line.startswith("events"))
    last = next(n for n, line in enumerate(lines) if line.startswith("key"))
    rows = lines[first:last]  # the events, then the events dated only by the year
    assert rows[1].startswith(f"  {voice.YEAR_ONLY}")
    counted = sum(int(n) for row in rows[1:] for n in re.findall(r"\d+", row[25:]))
    since, until = (parse_date(value) for value in NARROW[1::2])
    dated = [e for e in base.events if e.date and e.date.overlaps(since.start, until.end)]
    assert counted == sum(1 for e in dated if any(end.precision is Precision.YEAR for end in e.date.ends))  # type: ignore[union-attr]
    assert "├" in rows[-1] and rows[-1].rstrip().endswith("─")  # 2022 goes on past the axis: no end drawn
    assert any("three events dated only by the year" in line for line in lines)
    assert "+" not in "".join(rows)


def test_the_text_timeline_styles_a_phase_by_its_place_in_the_base(small: FactBase) -> None:
    events = small.find_events()
    since, until = span_of(small.phases, events)  # type: ignore[misc]
    later = [phase for phase in small.phases if phase.id != small.phases[0].id]
    places = {phase.id: number for number, phase in enumerate(small.phases)}
    lines = draw(later, events, [Lane("x", events)], since, until, 80, ASCII, places)
    styles = [style for line in lines for _, style in line if style.startswith("phase-")]
    assert styles == [f"phase-{places[phase.id]}" for phase in later]
    assert draw(later, events, [], since, until, 80, UNICODE)[2][-1][1] == "phase-0"  # without: by place shown


# --- in a browser ------------------------------------------------------------------------------------


class DevTools:
    """Chromium's DevTools protocol over a pipe: the browser reads commands on its fd 3 and writes replies
    and events on its fd 4, each a JSON object followed by a NUL byte."""

    def __init__(self, chromium: str, profile: Path) -> None:
        to_browser, self._writer = (_high(fd) for fd in os.pipe())
        self._reader, from_browser = (_high(fd) for fd in os.pipe())
        flags = [
            *("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"),
            *("--disable-background-networking", "--disable-component-update", "--disable-sync"),
            *("--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars"),
            *("--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"),
        ]
        # A small Python puts the pipe's ends on fds 3 and 4 (both are 10 or more, so neither is overwritten
        # first), then becomes Chromium: no preexec_fn, which is unsafe beside the server's thread.
        self.process = subprocess.Popen(
            [sys.executable, "-c", _TRAMPOLINE, str(to_browser), str(from_browser), chromium, *flags],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(to_browser, from_browser),
        )
        os.close(to_browser)
        os.close(from_browser)
        self.events: list[dict[str, Any]] = []
        self._buffer = b""
        self._last_id = 0

    def send(self, method: str, session: str | None = None, timeout: float = 30, **params: Any) -> dict[str, Any]:
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._writer, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._last_id:
                assert "error" not in reply, f"{method}: {reply['error']}"
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def pump(self, seconds: float) -> None:
        """Collect the events that arrive within `seconds`."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._receive(deadline))
        except TimeoutError:
            pass

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._reader], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._reader, 1 << 20)
            if not chunk:
                raise RuntimeError(f"Chromium closed the pipe (exit code {self.process.poll()})")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return dict(json.loads(message))

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._writer)
        os.close(self._reader)


_TRAMPOLINE = (
    "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); os.execv(sys.argv[3], sys.argv[3:])"
)


def _high(fd: int) -> int:
    """The same pipe end as a descriptor numbered 10 or more (closed on exec unless passed on)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Tab:
    """One page in the browser, at the fixed screen size, with what it logged and requested."""

    def __init__(self, tools: DevTools, scripts: bool = True) -> None:
        self.tools = tools
        target = tools.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = tools.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        width, height = SCREEN
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        if not scripts:
            self.send("Emulation.setScriptExecutionDisabled", value=True)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        return self.tools.send(method, session=self.session, **params)

    def _events(self, method: str) -> list[dict[str, Any]]:
        return [e["params"] for e in self.tools.events if e.get("sessionId") == self.session and e["method"] == method]

    def open(self, url: str) -> None:
        reply = self.send("Page.navigate", url=url)
        assert "errorText" not in reply, reply
        deadline = time.monotonic() + 30
        while not self._events("Page.loadEventFired"):
            assert time.monotonic() < deadline, f"{url} did not load"
            self.tools.pump(0.1)
        self.tools.pump(0.5)  # what the page logs as its script runs

    def run(self, expression: str) -> Any:
        reply = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in reply, reply["exceptionDetails"]
        return reply["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 5) -> Any:
        deadline = time.monotonic() + timeout
        while not (value := self.run(expression)):
            assert time.monotonic() < deadline, f"never true: {expression}"
            self.tools.pump(0.05)
        return value

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, and errors the browser logged (a blocked load)."""
        said = [
            f"console.{p['type']}: {p['args']}"
            for p in self._events("Runtime.consoleAPICalled")
            if p["type"] in ("error", "warning", "assert")
        ]
        thrown = [f"exception: {p['exceptionDetails']}" for p in self._events("Runtime.exceptionThrown")]
        logged = [
            f"{p['entry']['level']}: {p['entry']['text']}"
            for p in self._events("Log.entryAdded")
            if p["entry"]["level"] in ("error", "warning")
        ]
        return said + thrown + logged

    def requests(self) -> list[str]:
        return [p["request"]["url"] for p in self._events("Network.requestWillBeSent")]

    def choose(self, select: str, value: str) -> None:
        """Pick an option of a <select>, as a person would (the page hears a change event)."""
        self.run(f"(s => {{ s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change', {{bubbles: true}})); }})"
                 f"(document.getElementById({json.dumps(select)}))")  # fmt: skip

    def click(self, x: float, y: float) -> None:
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def screenshot(self, path: Path) -> tuple[int, int]:
        """Save the screen as a PNG; its width and height, read from the file's header."""
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"]))
        width, height = struct.unpack(">II", path.read_bytes()[16:24])
        return width, height

    def print_screenshot(self, path: Path) -> tuple[int, int]:
        """Save the whole document as it prints at the width of an A4 page; its width and height in pixels."""
        width, height = self.run("(r => [r.width, r.height])(document.documentElement.getBoundingClientRect())")
        clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": A4[0] / width}
        shot = self.send("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        found: tuple[int, int] = struct.unpack(">II", path.read_bytes()[16:24])
        return found


class Recorder(http.server.SimpleHTTPRequestHandler):
    """Serves a folder and remembers every path asked for."""

    asked: list[str]

    def do_GET(self) -> None:
        self.asked.append(self.path)
        if self.path == "/favicon.ico":  # the browser's own request (see `opened`): no icon, and no error
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server(shipped: Drawn) -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 for the pictures' folder: its address and the paths asked of it."""
    asked: list[str] = []
    handler = type("Handler", (Recorder,), {"asked": asked})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(shipped.folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", asked
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian package `chromium`, which .ci/run installs when it can)")
    tools = DevTools(CHROMIUM, tmp_path_factory.mktemp("chromium-profile"))
    try:
        tools.send("Browser.getVersion")
        yield tools
    finally:
        tools.close()


def opened(browser: DevTools, server: tuple[str, list[str]], name: str, scripts: bool = True) -> Tab:
    """A fresh tab showing `name` from the server, which must have been asked for that page alone."""
    address, asked = server
    asked.clear()
    tab = Tab(browser, scripts)
    tab.open(f"{address}/{name}")
    # The browser itself asks for /favicon.ico for a document that names no icon: the HTML page names an
    # empty data: one, an SVG document has no way to.
    browser_own = ["/favicon.ico"] if name.endswith(".svg") else []
    assert [path for path in asked if path not in browser_own] == [f"/{name}"], "asked for more than itself"
    assert [url for url in tab.requests() if url.removeprefix(address) not in browser_own] == [f"{address}/{name}"]
    assert tab.problems() == []
    return tab


@needs_chromium
def test_the_svg_loads_alone_and_is_screenshotted(
    browser: DevTools, server: tuple[str, list[str]], shipped: Drawn, tmp_path: Path
) -> None:
    tab = opened(browser, server, "t.svg")
    assert tab.run("document.documentElement.localName") == "svg"
    assert tab.run("document.querySelectorAll('.mark').length") == sum(1 for e in shipped.base.events if e.date)
    assert tab.run("document.title").startswith("Phases and events")
    box = tab.run("(r => [r.width, r.height])(document.documentElement.getBoundingClientRect())")
    assert box[0] == WIDTH
    assert tab.screenshot(tmp_path / "timeline-svg.png") == SCREEN


# The boxes the browser gives every piece of text in the chart's marks, vague dates, key and legend, and every
# shape of the marks: pairs from different owners with a piece of text among them that overlap.
OVERLAPS = r"""
(() => {
  const owners = [...document.querySelectorAll(".mark, .vague-date, .key-entry, .legend > text")];
  const boxes = [];
  owners.forEach((owner, n) => {
    const parts = owner.localName === "text" ? [owner] : [...owner.querySelectorAll("text, circle, rect, path")];
    parts.forEach(part => {
      if (part.classList.contains("hit")) { return; }
      if (owner.classList.contains("vague-date") && part.localName === "path") { return; }  // the bracket
      const r = part.getBoundingClientRect();
      if (r.width && r.height) {
        boxes.push({n: n, text: part.localName === "text", r: r, what: part.textContent || part.localName});
      }
    });
  });
  const clashes = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
    if (a.n !== b.n && (a.text || b.text) && a.r.left < b.r.right - 1 && b.r.left < a.r.right - 1 &&
        a.r.top < b.r.bottom - 1 && b.r.top < a.r.bottom - 1) {
      clashes.push(a.what.slice(0, 40) + " | " + b.what.slice(0, 40));
    }
  }));
  return clashes;
})()
"""


@needs_chromium
@pytest.mark.parametrize("name", ["t.svg", "narrow.svg"])
def test_no_text_overlaps_and_the_chart_is_screenshotted_at_print_size(
    browser: DevTools, server: tuple[str, list[str]], name: str, tmp_path: Path
) -> None:
    """In the fonts the browser really uses, no title, number, caption, key entry or legend entry overlaps
    another or another's mark; and the chart is saved as it prints, an A4 page wide."""
    tab = opened(browser, server, name)
    assert tab.run(OVERLAPS) == []
    width, height = tab.print_screenshot(tmp_path / name.replace(".svg", "-a4.png"))
    assert width == A4[0] and height <= 1.5 * A4[1]


@needs_chromium
def test_the_page_loads_with_nothing_from_the_network_and_is_screenshotted(
    browser: DevTools, server: tuple[str, list[str]], shipped: Drawn, tmp_path: Path
) -> None:
    tab = opened(browser, server, "t.html")
    assert tab.run("document.documentElement.lang") == "en"
    assert tab.run("document.getElementById('filters').hidden") is False  # the script ran under the policy
    total = len(shipped.base.events)
    assert tab.run(COUNT) == f"{total} of {total} events shown"
    assert tab.screenshot(tmp_path / "timeline-html.png") == SCREEN
    # The policy holds even against markup that gets in: nothing reaches the network.
    address, asked = server
    tab.run(
        f"document.body.insertAdjacentHTML('beforeend', '<img src=\"{address}/leak.png\">');"
        f"fetch('{address}/leak.json').catch(() => null)"
    )
    tab.tools.pump(1)
    assert asked == ["/t.html"]
    assert any("Content Security Policy" in problem for problem in tab.problems())


@needs_chromium
def test_the_page_reads_without_javascript(browser: DevTools, server: tuple[str, list[str]], shipped: Drawn) -> None:
    tab = opened(browser, server, "t.html", scripts=False)
    assert tab.run("document.getElementById('filters').offsetParent") is None  # the form waits for the script
    shown = "[...document.querySelectorAll('article.event')].filter(e => e.offsetParent !== null).length"
    assert tab.run(shown) == len(shipped.base.events)


VISIBLE = "[...document.querySelectorAll('article.event')].filter(e => e.offsetParent !== null).map(e => e.id)"
FADED = "[...document.querySelectorAll('.mark.filtered-out')].map(m => m.getAttribute('data-event'))"
COUNT = "document.getElementById('filter-count').textContent"


@needs_chromium
def test_the_filters_really_hide_events(browser: DevTools, server: tuple[str, list[str]], shipped: Drawn) -> None:
    tab = opened(browser, server, "t.html")
    base, total = shipped.base, len(shipped.base.events)
    haniyeh = base.actor("haniyeh").id
    tab.choose("filter-actor", haniyeh)
    expected = [f"event-{e.id}" for g in base.timeline() for e in g.events if haniyeh in e.actors]
    assert tab.run(VISIBLE) == expected
    hidden = {f"event-{e.id}" for e in base.events if e.date and haniyeh not in e.actors}
    assert set(tab.run(FADED)) == hidden  # and their marks on the chart fade
    assert tab.run(COUNT) == f"{len(expected)} of {total} events shown"

    tab.run("document.querySelector('button[type=reset]').click()")
    tab.wait_for(f"{COUNT} === '{total} of {total} events shown'")
    tab.run("document.getElementById('filter-text').focus()")
    tab.send("Input.insertText", text="qatar")  # typed, as a person would
    shown = tab.run(VISIBLE)
    assert 0 < len(shown) < total
    texts = tab.run(
        "[...document.querySelectorAll('article.event')].map(e => [e.offsetParent !== null, e.textContent])"
    )
    assert all(visible == ("qatar" in text.lower()) for visible, text in texts)
    tab.choose("filter-tag", "rupture")
    both = tab.run(VISIBLE)
    tags = {f"event-{event.id}": event.tags for event in base.events}
    assert both and set(both) < set(shown) and all("rupture" in tags[event] for event in both)
    assert tab.problems() == []


@needs_chromium
def test_a_mark_leads_to_its_event_by_mouse_and_keyboard(
    browser: DevTools, server: tuple[str, list[str]], shipped: Drawn, tmp_path: Path
) -> None:
    tab = opened(browser, server, "t.html")
    dated = [f"event-{event.id}" for event in shipped.base.events if event.date]
    target, other = dated[len(dated) // 2], dated[0]
    # Hide every event first: following a mark must still show its event.
    tab.run("document.getElementById('filter-text').value = 'zzqqxx';"
            "document.getElementById('filters').dispatchEvent(new Event('input'))")  # fmt: skip
    assert tab.run(VISIBLE) == []
    mark = f"document.querySelector('.mark[data-event=\"{target}\"]')"
    x, y = tab.run(f"(r => [r.x + r.width / 2, r.y + r.height / 2])({mark}.getBoundingClientRect())")
    tab.click(x, y)
    tab.wait_for(f"location.hash === '#{target}' && document.activeElement.id === '{target}'")
    assert target in tab.run(VISIBLE)
    top = tab.run(f"document.getElementById('{target}').getBoundingClientRect().top")
    assert 0 <= top < SCREEN[1]  # scrolled to it
    tab.screenshot(tmp_path / "timeline-html-event.png")

    tab.run(f"document.querySelector('.mark[data-event=\"{other}\"]').focus()")
    assert tab.run("document.activeElement.getAttribute('data-event')") == other  # a mark takes the focus
    for kind in ("keyDown", "keyUp"):
        tab.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13)
    tab.wait_for(f"location.hash === '#{other}' && document.activeElement.id === '{other}'")
    assert tab.problems() == []


@needs_chromium
def test_an_entry_of_the_key_leads_to_its_event(browser: DevTools, server: tuple[str, list[str]]) -> None:
    tab = opened(browser, server, "t.html")
    entry = "document.querySelectorAll('.key-entry')[2]"
    target = tab.run(f"{entry}.getAttribute('href').slice(1)")
    tab.run(f"{entry}.scrollIntoView()")
    x, y = tab.run(f"(r => [r.x + 20, r.y + r.height / 2])({entry}.getBoundingClientRect())")
    tab.click(x, y)
    tab.wait_for(f"location.hash === '#{target}' && document.activeElement.id === '{target}'")
    assert tab.problems() == []


@needs_chromium
def test_hostile_text_stays_inert_in_the_browser(
    browser: DevTools, server: tuple[str, list[str]], shipped: Drawn, write_base: Callable[[str], Path]
) -> None:
    base = hostile_base(write_base)
    folder = shipped.folder  # the folder the server serves
    (folder / "hostile.html").write_text(timeline_page(timeline_view(base, []), base), encoding="utf-8")
    (folder / "hostile.svg").write_text(to_svg(timeline_view(base, []), base), encoding="utf-8")
    for name in ("hostile.html", "hostile.svg"):
        tab = opened(browser, server, name)
        assert tab.run("window.__pwned") is None
        assert tab.run("document.querySelectorAll('script').length") == (1 if name.endswith("html") else 0)
        assert tab.run("document.querySelectorAll('img').length") == 0
    tab = opened(browser, server, "hostile.html")
    assert tab.run("document.querySelector('article.event h4').textContent") == HOSTILE_TITLE
    # Following the javascript: url is impossible: it is not a link.
    assert tab.run("[...document.links].filter(a => a.protocol === 'javascript:').length") == 0
