"""Renderers: JSON shape and order, TSV/CSV shape, and untrusted text staying inert in every format."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hamsyr import FactBase, load, parse_date
from hamsyr._inert import field, visible
from hamsyr.output.render import Format, render
from hamsyr.views.build import EventFilters, events_view, names_of, span_of
from hamsyr.views.listings import ActorList, DisputeList, EventList, HitList, QuoteList, RoleHolderList, SourceList
from hamsyr.views.pages import ActorView, Lane, PhasesView, SourceView, TimelineView
from hamsyr.views.view import View

# The JSON contract for events, as the README documents it (TSV uses the same columns).
# What every date gives in JSON beside the date as written: the documented contract, in order.
DATE_DETAILS = [
    *("start", "end", "stated_start", "stated_end", "precision", "approximate", "uncertain"),
    *("approximate_parts", "uncertain_parts"),
]
EVENT_FIELDS = [
    *("id", "date", "date_text", "title", "summary", "actors", "places", "tags", "sources", "disputes"),
    *("kind", "note"),  # format 2: new keys come after the old ones, whose order and meaning stay
    "identified",  # format 3
    *(f"date_{detail}" for detail in DATE_DETAILS),
]

HOSTILE = "[bold red]x[/] [link=http://evil.example]y[/link] \x1b[31mred\x1b[0m \x1b]0;title\x07 \x9b2J \u202egnp.exe"


def hostile_base(write: Callable[[str], Path]) -> FactBase:
    text = json.dumps(HOSTILE)  # a TOML basic string is a JSON string for these characters
    return load(
        write(
            f"""
[[sources]]
id = "doc"
title = {text}

[[actors]]
id = "x"
name = {text}
kind = "person"
aliases = [{text}]

[[events]]
id = "e"
date = "2012"
date_text = {text}
title = {text}
summary = {text}
actors = ["x"]
places = [{text}]
sources = [{{ source = "doc", excerpt = {text}, attributed_to = {text} }}]

[[quotes]]
id = "q"
speaker = "x"
text = {text}
context = {text}
sources = [{{ source = "doc", excerpt = {text} }}]

[[phases]]
id = "p"
label = {text}
start = "2011"
summary = {text}
sources = [{{ source = "doc", excerpt = {text} }}]

[[disputes]]
id = "d"
title = {text}
summary = {text}
records = ["e", "q"]

[[disputes.claims]]
claim = {text}
sources = [{{ source = "doc", excerpt = {text}, attributed_to = {text} }}]

[[disputes.claims]]
claim = {text}
sources = [{{ source = "doc", excerpt = {text} }}]
"""
        )
    )


def all_views(base: FactBase) -> list[View]:
    actor = base.actors[0]
    names = names_of(base, [a.id for a in base.actors])
    return [
        EventList(base.find_events(), names),
        QuoteList(base.find_quotes(), names),
        ActorList(base.find_actors()),
        SourceList(base.sources),
        DisputeList(base.disputes),
        HitList(base.search("red")),
        ActorView(actor, base.find_events(), base.find_quotes(), [], base.holders(actor.id), parse_date("2012"), names),
        RoleHolderList(base.find_actors(), names),
        SourceView(base.sources[0], base.supports(base.sources[0].id)),
        TimelineView(
            base.timeline(), base.phases, [Lane(actor.name, base.find_events())], span_of(base.phases, []), names
        ),
        PhasesView(base.phases, [base.events_in(p) for p in base.phases], parse_date("2012"), names),
    ]


def rendered(view: View, fmt: Format) -> str:
    out = io.StringIO()
    render(view, fmt, out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", [Format.TABLE, Format.TSV, Format.CSV])
def test_hostile_text_is_inert_in_human_formats(
    write_base: Callable[[str], Path], fmt: Format, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # wide enough that no value is folded across lines
    base = hostile_base(write_base)
    for view in all_views(base):
        output = rendered(view, fmt)
        assert "\x1b" not in output and "\x07" not in output and "\x9b" not in output and "\u202e" not in output
        assert "\\x1b[31mred" in output
        assert "\\u202e" in output
        if fmt is Format.TABLE:
            assert "[bold red]x[/]" in output  # shown literally, not read as markup
            assert "[link=http://evil.example]" in output


def test_hostile_text_is_exact_in_json(write_base: Callable[[str], Path]) -> None:
    base = hostile_base(write_base)
    for view in all_views(base):
        for fmt in (Format.JSON, Format.JSONL):
            output = rendered(view, fmt)
            assert "\x1b" not in output and "\x9b" not in output and "\u202e" not in output
            decoded = [json.loads(line) for line in output.splitlines()] if fmt is Format.JSONL else json.loads(output)
            assert HOSTILE in strings(decoded)


def strings(data: object) -> list[str]:
    """Every string inside decoded JSON."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for value in data.values() for s in strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in strings(value)]
    return []


def test_json_field_names_and_order(small: FactBase) -> None:
    event = EventList(small.find_events(limit=1)).data()[0]
    assert list(event) == EVENT_FIELDS
    assert list(event["sources"][0]) == ["source", "excerpt", "attributed_to"]
    quote = QuoteList(small.quotes).data()[0]
    assert list(quote) == [
        *("id", "speaker", "text", "date", "date_text", "context", "about", "sources", "disputes"),
        *("note", "identified"),  # format 3
        *(f"date_{detail}" for detail in DATE_DETAILS),
    ]
    dispute = DisputeList(small.disputes).data()[0]
    assert list(dispute) == ["id", "title", "summary", "records", "claims"]
    assert list(dispute["claims"][0]) == ["claim", "sources"]
    actor = ActorList([small.actor("bashar")]).data()[0]
    assert list(actor) == ["id", "name", "kind", "aliases", "description", "roles", "sources", "names"]
    (president,) = actor["roles"]
    assert list(president)[:8] == [
        *("title", "organization", "start", "end", "last_attested", "sources", "note", "first_attested"),
    ]
    assert (president["title"], president["organization"], president["start"], president["end"]) == (
        "President", "syria", None, None,
    )  # fmt: skip
    # Not placed in time at all: no document that mentions it attests that it was held when written.
    assert (president["last_attested"], president["last_attested_start"]) == (None, None)
    (head,) = ActorList([small.actor("haniyeh")]).data()[0]["roles"][:1]  # a start and no end: attested up
    assert (head["last_attested"], head["last_attested_start"]) == ("2022-09~", "2022-08-01")  # to its source
    source = SourceList(small.sources).data()[0]
    assert list(source) == [
        *("id", "title", "author", "publisher", "published", "url", "language", "listed_in", "retrieved"),
        "note",  # format 3
        *(f"published_{detail}" for detail in DATE_DETAILS),
        *(f"retrieved_{detail}" for detail in DATE_DETAILS),
    ]
    detail = ActorView(small.actor("bashar"), [], [], []).data()
    assert list(detail)[-4:] == ["events", "quotes", "quotes_about", "members"]
    assert list(SourceView(small.sources[0], []).data())[-1] == "supports"


def test_json_is_never_truncated(small: FactBase) -> None:
    long_summary = EventList(small.find_events()).data()
    assert [e["summary"] for e in long_summary] == [e.summary for e in small.find_events()]


def test_tsv_is_one_line_per_record_with_a_header(small: FactBase) -> None:
    lines = rendered(EventList(small.find_events()), Format.TSV).splitlines()
    assert lines[0].split("\t") == EVENT_FIELDS
    assert len(lines) == 1 + len(small.events)
    sealed = dict(zip(lines[0].split("\t"), lines[3].split("\t"), strict=True))
    assert sealed["actors"] == "syria|hamas|mashaal" and sealed["sources"] == "doc-a|doc-b"
    assert sealed["disputes"] == "why-the-break"


def test_csv_parses_back(small: FactBase) -> None:
    rows = list(csv.DictReader(io.StringIO(rendered(QuoteList(small.quotes), Format.CSV))))
    assert [row["id"] for row in rows] == ["we-cannot-forget", "opened-the-world"]
    assert rows[0]["text"] == "We cannot forget this history."


def test_table_shows_dates_with_their_phrase_and_markers(small: FactBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    output = rendered(events_view(small, [], EventFilters(tags=["rupture"])), Format.TABLE)
    assert "October to December 2012" in output and "(start approx.)" in output and "“late 2012”" in output
    assert "2012-10~" not in output  # a date for people is in words
    assert "Khaled Mashaal" in output  # actor names, not ids
    assert "⚑ disputed: why-the-break" in output


@given(st.text())
def test_tsv_fields_never_contain_raw_separators_or_controls(text: str) -> None:
    escaped = field(text)
    assert "\t" not in escaped and "\n" not in escaped and "\r" not in escaped
    assert not any(0x80 <= ord(c) <= 0x9F or ord(c) < 0x20 or ord(c) == 0x7F for c in escaped)


@given(st.text())
def test_visible_text_never_contains_escape_or_bidi_controls(text: str) -> None:
    shown = visible(text)
    assert not any(c in shown for c in "\x1b\x07\x9b\u202e\u2066\u200f")
