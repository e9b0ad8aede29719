"""Records as plain data: JSON objects with a fixed key order, flat rows for TSV and CSV, and their writers.

No Rich here: the JSON and TSV paths must stay cheap to import.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from hamsyr.dates import FuzzyDate, parse_date
from hamsyr.factbase import Hit, Support, YearGroup, record_date, record_label, record_type
from hamsyr.inert import field, json_safe, visible
from hamsyr.model import Actor, ActorKind, Citation, Claim, Dispute, Event, Phase, Quote, Record, Role, Source

LIST_SEPARATOR = "|"  # how list fields are joined in TSV and CSV


def _date(value: FuzzyDate | None) -> str | None:
    return value.text if value is not None else None


def citation_dict(citation: Citation) -> dict[str, Any]:
    return {"source": citation.source, "excerpt": citation.excerpt, "attributed_to": citation.attributed_to}


def role_dict(role: Role) -> dict[str, Any]:
    return {
        "title": role.title,
        "organization": role.organization,
        "start": _date(role.start),
        "end": _date(role.end),
    }


def claim_dict(claim: Claim) -> dict[str, Any]:
    return {"claim": claim.claim, "sources": [citation_dict(c) for c in claim.sources]}


def record_dict(record: Record) -> dict[str, Any]:
    """A record as JSON-ready data, keys in the order the README documents."""
    if isinstance(record, Source):
        return {
            "id": record.id,
            "title": record.title,
            "author": record.author,
            "publisher": record.publisher,
            "published": _date(record.published),
            "url": record.url,
            "language": record.language,
        }
    if isinstance(record, Actor):
        return {
            "id": record.id,
            "name": record.name,
            "kind": record.kind.value,
            "aliases": list(record.aliases),
            "description": record.description,
            "roles": [role_dict(role) for role in record.roles],
        }
    if isinstance(record, Event):
        return {
            "id": record.id,
            "date": _date(record.date),
            "date_text": record.date_text,
            "title": record.title,
            "summary": record.summary,
            "actors": list(record.actors),
            "places": list(record.places),
            "tags": list(record.tags),
            "sources": [citation_dict(c) for c in record.sources],
            "disputes": list(record.disputes),
        }
    if isinstance(record, Phase):
        return {
            "id": record.id,
            "label": record.label,
            "start": _date(record.start),
            "end": _date(record.end),
            "summary": record.summary,
            "sources": [citation_dict(c) for c in record.sources],
        }
    if isinstance(record, Dispute):
        return {
            "id": record.id,
            "title": record.title,
            "summary": record.summary,
            "records": list(record.records),
            "claims": [claim_dict(claim) for claim in record.claims],
        }
    return {
        "id": record.id,
        "speaker": record.speaker,
        "text": record.text,
        "date": _date(record.date),
        "date_text": record.date_text,
        "context": record.context,
        "about": list(record.about),
        "sources": [citation_dict(c) for c in record.sources],
        "disputes": list(record.disputes),
    }


def member_dict(actor: Actor, role: Role) -> dict[str, Any]:
    """Someone holding a role in an organization."""
    return {"actor": actor.id, "name": actor.name, **role_dict(role)}


def hit_dict(hit: Hit) -> dict[str, Any]:
    return {
        "type": record_type(hit.record),
        "id": hit.record.id,
        "date": _date(record_date(hit.record)),
        "title": record_label(hit.record),
        "score": hit.score,
        "field": hit.field,
        "passage": hit.passage,
        "spans": [list(span) for span in hit.spans],
    }


def support_dict(support: Support) -> dict[str, Any]:
    return {
        "type": record_type(support.record),
        "id": support.record.id,
        "date": _date(support.record.date),
        "title": record_label(support.record),
        "excerpt": support.citation.excerpt,
        "attributed_to": support.citation.attributed_to,
    }


def year_group_dict(group: YearGroup) -> dict[str, Any]:
    return {"year": group.year, "events": [record_dict(event) for event in group.events]}


# --- flat rows (TSV, CSV) -----------------------------------------------------------------------------

COLUMNS: dict[str, tuple[str, ...]] = {
    "source": ("id", "title", "author", "publisher", "published", "url", "language"),
    "actor": ("id", "name", "kind", "aliases", "description", "roles"),
    "event": ("id", "date", "date_text", "title", "summary", "actors", "places", "tags", "sources", "disputes"),
    "quote": ("id", "speaker", "text", "date", "date_text", "context", "about", "sources", "disputes"),
    "dispute": ("id", "title", "summary", "records", "claims"),
    "phase": ("id", "label", "start", "end", "summary", "sources"),
    "role-holder": ("id", "name", "kind", "aliases", "description", "roles"),
    "hit": ("type", "id", "date", "title", "score", "field", "passage"),
    "support": ("type", "id", "date", "title", "excerpt", "attributed_to"),
}


def _flat(value: Any) -> str:
    """One cell: lists joined by LIST_SEPARATOR (repeats dropped), citations and roles by source id and title."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(dict.fromkeys(_flat(item) for item in value))
    if isinstance(value, dict):
        return str(value.get("source") or value.get("title") or value.get("claim") or "")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def flat_row(data: dict[str, Any], columns: Sequence[str]) -> list[str]:
    return [_flat(data.get(column)) for column in columns]


def write_json(data: Any, out: IO[str]) -> None:
    """An array is written one element a line; anything else indented. (The standard encoder drops to its
    pure-Python implementation whenever `indent` is given, so arrays, which can be long, avoid it.)"""
    if isinstance(data, list):
        encode = json.JSONEncoder(ensure_ascii=False).encode
        out.write("[\n" if data else "[")
        out.write(json_safe(",\n".join(encode(item) for item in data)))
        out.write("\n]\n" if data else "]\n")
    else:
        out.write(json_safe(json.dumps(data, ensure_ascii=False, indent=2)))
        out.write("\n")


def write_jsonl(items: Iterable[Any], out: IO[str]) -> None:
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for item in items:
        out.write(json_safe(encode(item)))
        out.write("\n")


def write_tsv(columns: Sequence[str], rows: Iterable[Sequence[str]], out: IO[str]) -> None:
    out.write("\t".join(columns) + "\n")
    for row in rows:
        out.write("\t".join(field(cell) for cell in row) + "\n")


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[str]], out: IO[str]) -> None:
    import csv  # only CSV output needs it

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    # Quoting keeps tabs and newlines intact; other control characters are made visible, never raw.
    writer.writerows([visible(cell) for cell in row] for row in rows)


# --- back from plain data (the cache stores records as their JSON) -----------------------------------


def _date_of(value: str | None) -> FuzzyDate | None:
    return parse_date(value) if value is not None else None


def _citations(items: list[dict[str, Any]]) -> tuple[Citation, ...]:
    return tuple(Citation(c["source"], c["excerpt"], c["attributed_to"]) for c in items)


def event_from_dict(d: dict[str, Any]) -> Event:
    return Event(
        d["id"], _date_of(d["date"]), d["title"], d["summary"], _citations(d["sources"]), d["date_text"],
        tuple(d["actors"]), tuple(d["places"]), tuple(d["tags"]), tuple(d["disputes"]),
    )  # fmt: skip


def record_from_dict(kind: str, d: dict[str, Any]) -> Record:
    """The inverse of `record_dict`: a record of `kind` ("source", "actor", ...) from its JSON data."""
    if kind == "event":
        return event_from_dict(d)
    if kind == "quote":
        return Quote(
            d["id"], d["speaker"], d["text"], _citations(d["sources"]), _date_of(d["date"]), d["date_text"],
            d["context"], tuple(d["about"]), tuple(d["disputes"]),
        )  # fmt: skip
    if kind == "actor":
        roles = tuple(Role(r["title"], r["organization"], _date_of(r["start"]), _date_of(r["end"])) for r in d["roles"])
        return Actor(d["id"], d["name"], ActorKind(d["kind"]), tuple(d["aliases"]), d["description"], roles)
    if kind == "phase":
        start = parse_date(d["start"])
        return Phase(d["id"], d["label"], start, _date_of(d["end"]), d["summary"], _citations(d["sources"]))
    if kind == "dispute":
        claims = tuple(Claim(c["claim"], _citations(c["sources"])) for c in d["claims"])
        return Dispute(d["id"], d["title"], d["summary"], claims, tuple(d["records"]))
    return Source(d["id"], d["title"], d["author"], d["publisher"], _date_of(d["published"]), d["url"], d["language"])
