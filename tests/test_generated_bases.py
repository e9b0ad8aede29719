"""Generated fact bases: whatever the text, they load, come back unchanged from JSON and from the cache,
and render inert in every human format."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsyr import FactBase, load
from hamsyr.output.formats import Format, render
from hamsyr.query.views import Listing
from hamsyr.records.codec import from_dict, to_dict

# Any text but lone surrogates (which no file can hold), not blank, since required fields must say something.
text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).filter(lambda t: t.strip())
slug = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?", fullmatch=True)


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped, the rest as it is."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m[0]):04x}", escaped) + '"'


@st.composite
def dates(draw: st.DrawFn) -> str:
    day = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
    text_ = draw(st.sampled_from([day.isoformat()[:4], day.isoformat()[:7], day.isoformat()]))
    return text_ + draw(st.sampled_from(["", "~", "?", "%"]))


@st.composite
def fact_bases(draw: st.DrawFn) -> str:
    ids = draw(st.lists(slug, min_size=3, max_size=9, unique=True))
    sources, actors, events = ids[:1], ids[1:3], ids[3:]
    lines = []
    for source in sources:
        lines += ["[[sources]]", f'id = "{source}"', f"title = {toml_string(draw(text))}", ""]
    for actor in actors:
        lines += ["[[actors]]", f'id = "{actor}"', f"name = {toml_string(draw(text))}", 'kind = "person"']
        aliases = draw(st.lists(text, max_size=2))
        lines += [f"aliases = [{', '.join(map(toml_string, aliases))}]", ""]
        if draw(st.booleans()):
            lines += ["[[actors.roles]]", f"title = {toml_string(draw(text))}", f'start = "{draw(dates())}"', ""]
    for event in events:
        lines += ["[[events]]", f'id = "{event}"', f"title = {toml_string(draw(text))}"]
        lines += [f"summary = {toml_string(draw(text))}"]
        if draw(st.booleans()):
            lines += [f'date = "{draw(dates())}"', f"date_text = {toml_string(draw(text))}"]
        lines += [f'actors = ["{draw(st.sampled_from(actors))}"]']
        lines += [f'sources = [{{ source = "{sources[0]}", excerpt = {toml_string(draw(text))} }}]', ""]
    return "\n".join(lines)


def everything(base: FactBase) -> list[object]:
    return [*base.sources, *base.actors, *base.events, *base.quotes, *base.disputes, *base.phases]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fact_bases())
def test_generated_bases_round_trip_and_render_inert(tmp_path: Path, toml: str) -> None:
    path = tmp_path / "generated.toml"
    path.write_text(toml, encoding="utf-8")
    parsed = load(path)
    for record in everything(parsed):
        through_json = json.loads(json.dumps(to_dict(record), ensure_ascii=False))
        assert from_dict(type(record), through_json) == record
    assert everything(load(path)) == everything(parsed)  # the second load may come from the cache
    for fmt in (Format.TABLE, Format.TSV, Format.CSV, Format.JSON):
        for kind, items in (("event", parsed.find_events()), ("actor", parsed.actors), ("source", parsed.sources)):
            out = io.StringIO()
            render(Listing(kind, items), fmt, out, parsed)
            shown = out.getvalue()
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", shown.replace("\r\n", "\n"))
