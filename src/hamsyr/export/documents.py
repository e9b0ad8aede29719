"""The fact base (or a selection of it) as one document other tools read: JSON, JSON Lines, TimelineJS."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from typing import Any

from hamsyr._inert import json_safe
from hamsyr.query.factbase import FactBase
from hamsyr.records.codec import to_dict
from hamsyr.records.model import RECORD_TYPES
from hamsyr.views import voice

FORMAT_VERSION = 1


def _records(base: FactBase) -> Iterator[tuple[str, str, tuple[Any, ...]]]:
    """(plural, singular, records) for every record type, in the format's order."""
    for record_type in RECORD_TYPES:
        yield record_type.plural, record_type.singular, base.store.records(record_type.plural)


def to_json(base: FactBase) -> str:
    document: dict[str, Any] = {"format": "hamsyr", "version": FORMAT_VERSION}
    for plural, _, records in _records(base):
        document[plural] = [to_dict(record) for record in records]
    return json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


def to_jsonl(base: FactBase) -> str:
    lines = [
        json_safe(json.dumps({"type": singular, **to_dict(record)}, ensure_ascii=False))
        for _, singular, records in _records(base)
        for record in records
    ]
    return "".join(line + "\n" for line in lines)


def to_timelinejs(base: FactBase) -> str:
    """TimelineJS's JSON: partial dates as its year/month/day objects, and as display date the date said as
    everywhere else (its qualifiers in words, the source's phrase for it); each event's text says what it is,
    who says so, the disputes about it and its sources. Undated events are left out (TimelineJS needs a start
    date): export_base says how many."""

    def timeline_date(value: str) -> dict[str, str]:
        parts = value.replace("~", "").replace("?", "").replace("%", "").split("-")
        return dict(zip(("year", "month", "day"), (parts[0], *(p.lstrip("0") for p in parts[1:])), strict=False))

    events = []
    for event in base.events:
        if event.date is None:
            continue
        first, _, last = event.date.text.partition("/")
        # What every view says beside a record: what it is and who says so, the disputes about it, its sources.
        said = [voice.said(event.kind, event.sources), voice.disputed(event.disputes) if event.disputes else ""]
        said.append("sources: " + ", ".join(dict.fromkeys(citation.source for citation in event.sources)))
        item: dict[str, Any] = {
            "unique_id": event.id,
            "start_date": timeline_date(first),
            # TimelineJS shows these as HTML: escaped, so that fact base text stays text.
            "display_date": html.escape(voice.date_line(event.date, event.date_text)),
            "text": {
                "headline": html.escape(event.title),
                "text": "".join(f"<p>{html.escape(part)}</p>" for part in (event.summary, *said) if part),
            },
        }
        if last:
            item["end_date"] = timeline_date(last)
        if event.tags:
            item["group"] = event.tags[0]
        events.append(item)
    # Every phase, an open one as far as it is attested (a phase with neither end nor attestation has no era:
    # TimelineJS needs an end); its dates in words beside its label.
    eras = [
        {
            "start_date": timeline_date(phase.start.text.split("/")[0]),
            "end_date": timeline_date(phase.horizon.text.split("/")[-1]),
            "text": {"headline": html.escape(f"{phase.label} ({voice.phase_dates(phase)})")},
        }
        for phase in base.phases
        if phase.horizon is not None
    ]
    document = {"title": {"text": {"headline": "Hamas and the Syrian regime"}}, "events": events, "eras": eras}
    return json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"
