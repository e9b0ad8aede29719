"""Generated fact bases: whatever the text, they load, come back unchanged from the cache and give the same
JSON with or without it, and render inert in every human format."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from hamsyr import FactBase, load
from hamsyr.output.render import Format, render
from hamsyr.records.codec import to_dict
from hamsyr.views.build import EventFilters, events_view
from hamsyr.views.listings import ActorList, SourceList

from .strategies import fact_bases


def everything(base: FactBase) -> list[object]:
    return [*base.sources, *base.actors, *base.events, *base.quotes, *base.disputes, *base.phases]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fact_bases())
def test_generated_bases_round_trip_and_render_inert(tmp_path: Path, toml: str) -> None:
    path = tmp_path / "generated.toml"
    path.write_text(toml, encoding="utf-8")
    parsed = load(path)
    assert everything(load(path)) == everything(parsed)  # the second load comes from the cache
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("HAMSYR_NO_CACHE", "1")
        uncached = load(path)
    as_json = [json.dumps(to_dict(record), ensure_ascii=False) for record in everything(parsed)]
    assert [json.dumps(to_dict(record), ensure_ascii=False) for record in everything(uncached)] == as_json
    for fmt in (Format.TABLE, Format.TSV, Format.CSV, Format.JSON):
        for view in (events_view(parsed, [], EventFilters()), ActorList(parsed.actors), SourceList(parsed.sources)):
            out = io.StringIO()
            render(view, fmt, out)
            shown = out.getvalue()
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", shown.replace("\r\n", "\n"))
