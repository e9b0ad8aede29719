"""The fact base, or a selection of it, in the formats other tools read.

JSON and JSON Lines for scripts, a CSV folder for spreadsheets, an SQLite database for sqlite3,
sqlite-utils and Datasette, TimelineJS's JSON for newsroom timelines, and the actor graph for Graphviz
(DOT) and Mermaid. Text formats are returned as strings; the folder and the database are written through
a temporary name and renamed into place, like every file hamsyr writes.
"""

import csv
import io
import json
import os
import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

from hamsyr.factbase import ANY_DATE, DateRange, FactBase
from hamsyr.inert import json_safe
from hamsyr.model import Event, Phase, Quote, Record
from hamsyr.serialize import COLUMNS, LIST_SEPARATOR, citation_dict, flat_row, record_dict

FORMAT_VERSION = 1
TEXT_FORMATS = ("json", "jsonl", "timelinejs", "dot", "mermaid")
FILE_FORMATS = ("csv", "sqlite")
# Record types in the order every export lists them, with the name of each one's single record.
TYPES = (
    ("sources", "source"),
    ("actors", "actor"),
    ("events", "event"),
    ("quotes", "quote"),
    ("disputes", "dispute"),
    ("phases", "phase"),
)


def select(
    base: FactBase,
    actors: Sequence[str] = (),
    dates: DateRange = ANY_DATE,
    tags: Sequence[str] = (),
    source: str | None = None,
    text: str | None = None,
) -> FactBase:
    """The part of the base a filtered export covers: the events the filters select (as `events` would),
    the quotes of those dates and actors, the disputes about either, the phases of those dates, and every
    actor and source they refer to. With no filter, the whole base."""
    if not (actors or tags or source or text) and dates.is_open:
        return base
    events = tuple(base.find_events(actors=actors, dates=dates, tags=tags, source=source, text=text))
    wanted = set(actors)
    quotes = tuple(
        quote
        for quote in base.find_quotes(dates=dates, text=text)
        if not wanted or quote.speaker in wanted or wanted & set(quote.about)
    )
    chosen_ids = {event.id for event in events} | {quote.id for quote in quotes}
    disputes = tuple(d for d in base.disputes if chosen_ids & set(d.records))
    phases = tuple(base.find_phases(dates))
    actor_ids = (
        {a for e in events for a in e.actors} | {q.speaker for q in quotes} | {a for q in quotes for a in q.about}
    )
    holders = [actor for actor in base.actors if actor.id in actor_ids]
    actor_ids |= {role.organization for actor in holders for role in actor.roles if role.organization}
    cited_by: list[Event | Quote | Phase] = [*events, *quotes, *phases]
    cited = {c.source for record in cited_by for c in record.sources}
    cited |= {c.source for d in disputes for claim in d.claims for c in claim.sources}
    return FactBase(
        base.path,
        tuple(s for s in base.sources if s.id in cited),
        tuple(a for a in base.actors if a.id in actor_ids),
        events,
        quotes,
        disputes,
        phases,
    )


def _records(base: FactBase) -> Iterable[tuple[str, str, Sequence[Record]]]:
    for plural, singular in TYPES:
        yield plural, singular, getattr(base, plural)


def to_json(base: FactBase) -> str:
    document: dict[str, Any] = {"format": "hamsyr", "version": FORMAT_VERSION}
    for plural, _, records in _records(base):
        document[plural] = [record_dict(record) for record in records]
    return json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


def to_jsonl(base: FactBase) -> str:
    lines = [
        json_safe(json.dumps({"type": singular, **record_dict(record)}, ensure_ascii=False))
        for _, singular, records in _records(base)
        for record in records
    ]
    return "".join(line + "\n" for line in lines)


def to_timelinejs(base: FactBase) -> str:
    """TimelineJS's JSON: partial dates as its year/month/day objects, the source's phrase as display date.
    Undated events are left out: TimelineJS needs a start date."""

    def timeline_date(value: str) -> dict[str, str]:
        parts = value.rstrip("~?%").split("-")
        return dict(zip(("year", "month", "day"), (parts[0], *(p.lstrip("0") for p in parts[1:])), strict=False))

    events = []
    for event in base.events:
        if event.date is None:
            continue
        first, _, last = event.date.text.partition("/")
        item: dict[str, Any] = {
            "unique_id": event.id,
            "start_date": timeline_date(first),
            "display_date": event.date_text or event.date.text,
            "text": {"headline": event.title, "text": event.summary},
        }
        if last:
            item["end_date"] = timeline_date(last)
        if event.tags:
            item["group"] = event.tags[0]
        events.append(item)
    eras = [
        {
            "start_date": timeline_date(phase.start.text.split("/")[0]),
            "end_date": timeline_date(phase.end.text.split("/")[-1]) if phase.end else timeline_date(phase.start.text),
            "text": {"headline": phase.label},
        }
        for phase in base.phases
        if phase.end is not None
    ]
    document = {"title": {"text": {"headline": "Hamas and the Syrian regime"}}, "events": events, "eras": eras}
    return json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


def actor_graph(base: FactBase) -> tuple[list[tuple[str, str, str]], Counter[tuple[str, str]]]:
    """Role edges (holder, organization, title) and co-occurrence counts of actors in the same events."""
    known = {actor.id for actor in base.actors}
    roles = [
        (actor.id, role.organization, role.title)
        for actor in base.actors
        for role in actor.roles
        if role.organization in known
    ]
    together: Counter[tuple[str, str]] = Counter()
    for event in base.events:
        for pair in combinations(sorted(set(event.actors) & known), 2):
            together[pair] += 1
    return roles, together


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def to_dot(base: FactBase) -> str:
    """Graphviz: actors as nodes, roles as arrows labelled with the title, co-occurrence as weighted lines."""
    roles, together = actor_graph(base)
    lines = ["digraph hamsyr {", "  graph [overlap=false, splines=true];", "  node [shape=box, style=rounded];"]
    for actor in base.actors:
        lines.append(f"  {_quoted(actor.id)} [label={_quoted(actor.name)}];")
    for holder, organization, title in roles:
        lines.append(f"  {_quoted(holder)} -> {_quoted(organization)} [label={_quoted(title)}, style=bold];")
    for (a, b), count in sorted(together.items()):
        lines.append(
            f"  {_quoted(a)} -> {_quoted(b)} [dir=none, weight={count}, penwidth={min(count, 8)}, label={count}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(base: FactBase) -> str:
    """Mermaid flowchart: the same graph, nodes by index (Mermaid ids must be simple), names as labels."""
    roles, together = actor_graph(base)
    node = {actor.id: f"a{number}" for number, actor in enumerate(base.actors)}

    def label(text: str) -> str:
        return text.replace('"', "#quot;").replace("\n", " ")

    lines = ["graph LR"]
    for actor in base.actors:
        lines.append(f'  {node[actor.id]}["{label(actor.name)}"]')
    for holder, organization, title in roles:
        lines.append(f'  {node[holder]} -->|"{label(title)}"| {node[organization]}')
    for (a, b), count in sorted(together.items()):
        lines.append(f"  {node[a]} ---|{count}| {node[b]}")
    return "\n".join(lines) + "\n"


def render_text(base: FactBase, fmt: str) -> str:
    return {"json": to_json, "jsonl": to_jsonl, "timelinejs": to_timelinejs, "dot": to_dot, "mermaid": to_mermaid}[fmt](
        base
    )


# --- files -------------------------------------------------------------------------------------------


def _replace_into_place(built: Path, target: Path) -> None:
    """Move a finished file or folder to `target`, replacing what is there (the caller asked to)."""
    if target.is_dir() and not target.is_symlink():
        aside = target.with_name(f".{target.name}.old.{os.getpid()}")
        os.replace(target, aside)
        os.replace(built, target)
        shutil.rmtree(aside, ignore_errors=True)
    else:
        os.replace(built, target)


def write_csv_folder(base: FactBase, target: Path) -> list[str]:
    """One CSV file per record type, plus roles.csv and citations.csv for what does not fit in a cell.

    Lists are joined with LIST_SEPARATOR; a cell of citations holds the source ids."""
    folder = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    written = []
    try:
        for plural, singular, records in _records(base):
            written.append(_write_csv(folder / f"{plural}.csv", COLUMNS[singular], (record_dict(r) for r in records)))
        roles = ({"actor": a.id, **record_dict(a)["roles"][n]} for a in base.actors for n in range(len(a.roles)))
        written.append(_write_csv(folder / "roles.csv", ("actor", "title", "organization", "start", "end"), roles))
        written.append(
            _write_csv(
                folder / "citations.csv",
                _CITATION_COLUMNS,
                _citation_rows(base),
            )
        )
        os.chmod(folder, 0o755)
        _replace_into_place(folder, target)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return written


_CITATION_COLUMNS = ("record_type", "record", "claim", "source", "excerpt", "attributed_to")


def _citation_rows(base: FactBase) -> Iterable[dict[str, Any]]:
    """Every citation with the record it supports (and, in a dispute, the number of the claim)."""
    for _, singular, records in _records(base):
        if singular in ("source", "actor"):
            continue
        for record in records:
            for citation in getattr(record, "sources", ()):
                yield {"record_type": singular, "record": record.id, "claim": None, **citation_dict(citation)}
            for number, claim in enumerate(getattr(record, "claims", ())):
                for citation in claim.sources:
                    yield {"record_type": singular, "record": record.id, "claim": number, **citation_dict(citation)}


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(flat_row(row, columns) for row in rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path.name


_SQL = """
CREATE TABLE sources (id TEXT PRIMARY KEY, title TEXT NOT NULL, author TEXT, publisher TEXT, published TEXT,
                      url TEXT, language TEXT);
CREATE TABLE actors (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, aliases TEXT, description TEXT);
CREATE TABLE roles (actor TEXT NOT NULL REFERENCES actors(id), title TEXT NOT NULL,
                    organization TEXT REFERENCES actors(id), start TEXT, "end" TEXT);
CREATE TABLE events (id TEXT PRIMARY KEY, date TEXT, date_start TEXT, date_end TEXT, date_text TEXT,
                     title TEXT NOT NULL, summary TEXT NOT NULL, places TEXT, tags TEXT, disputes TEXT);
CREATE TABLE event_actors (event TEXT NOT NULL REFERENCES events(id), actor TEXT NOT NULL REFERENCES actors(id));
CREATE TABLE event_tags (event TEXT NOT NULL REFERENCES events(id), tag TEXT NOT NULL);
CREATE TABLE quotes (id TEXT PRIMARY KEY, speaker TEXT NOT NULL REFERENCES actors(id), text TEXT NOT NULL,
                     date TEXT, date_start TEXT, date_end TEXT, date_text TEXT, context TEXT, disputes TEXT);
CREATE TABLE quote_speakers (quote TEXT NOT NULL REFERENCES quotes(id), actor TEXT NOT NULL REFERENCES actors(id));
CREATE TABLE quote_about (quote TEXT NOT NULL REFERENCES quotes(id), actor TEXT NOT NULL REFERENCES actors(id));
CREATE TABLE disputes (id TEXT PRIMARY KEY, title TEXT NOT NULL, summary TEXT NOT NULL);
CREATE TABLE dispute_records (dispute TEXT NOT NULL REFERENCES disputes(id), record TEXT NOT NULL);
CREATE TABLE claims (dispute TEXT NOT NULL REFERENCES disputes(id), position INTEGER NOT NULL, claim TEXT NOT NULL);
CREATE TABLE phases (id TEXT PRIMARY KEY, label TEXT NOT NULL, start TEXT NOT NULL, "end" TEXT, summary TEXT NOT NULL);
CREATE TABLE citations (record_type TEXT NOT NULL, record TEXT NOT NULL, claim INTEGER,
                        source TEXT NOT NULL REFERENCES sources(id), excerpt TEXT NOT NULL, attributed_to TEXT);
CREATE INDEX event_actors_by_actor ON event_actors (actor);
CREATE INDEX quote_about_by_actor ON quote_about (actor);
CREATE INDEX citations_by_source ON citations (source);
CREATE INDEX citations_by_record ON citations (record);
CREATE VIRTUAL TABLE search USING fts5(record_type UNINDEXED, record UNINDEXED, title, body);
"""


def write_sqlite(base: FactBase, target: Path) -> None:
    """A database with one table per record type, link tables, citations, and `search`, an FTS5 table over
    event titles and summaries, quote texts and contexts, dispute and phase texts."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        connection = sqlite3.connect(temporary)
        try:
            with connection:
                connection.executescript(_SQL)
                _fill_sqlite(connection, base)
        finally:
            connection.close()
        os.chmod(temporary, 0o644)
        _replace_into_place(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _joined(values: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(values)


def _span(event: Event | Any) -> tuple[str | None, str | None]:
    value = event.date
    return (value.start.isoformat(), value.end.isoformat()) if value else (None, None)


def _fill_sqlite(db: sqlite3.Connection, base: FactBase) -> None:
    db.executemany(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(s.id, s.title, s.author, s.publisher, s.published.text if s.published else None, s.url, s.language)
         for s in base.sources],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO actors VALUES (?, ?, ?, ?, ?)",
        [(a.id, a.name, a.kind.value, _joined(a.aliases), a.description) for a in base.actors],
    )
    db.executemany(
        "INSERT INTO roles VALUES (?, ?, ?, ?, ?)",
        [(a.id, r.title, r.organization, r.start.text if r.start else None, r.end.text if r.end else None)
         for a in base.actors for r in a.roles],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(e.id, e.date.text if e.date else None, *_span(e), e.date_text, e.title, e.summary, _joined(e.places),
          _joined(e.tags), _joined(e.disputes)) for e in base.events],
    )  # fmt: skip
    db.executemany("INSERT INTO event_actors VALUES (?, ?)", [(e.id, a) for e in base.events for a in e.actors])
    db.executemany("INSERT INTO event_tags VALUES (?, ?)", [(e.id, t) for e in base.events for t in e.tags])
    db.executemany(
        "INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(q.id, q.speaker, q.text, q.date.text if q.date else None, *_span(q), q.date_text, q.context,
          _joined(q.disputes)) for q in base.quotes],
    )  # fmt: skip
    db.executemany("INSERT INTO quote_speakers VALUES (?, ?)", [(q.id, q.speaker) for q in base.quotes])
    db.executemany("INSERT INTO quote_about VALUES (?, ?)", [(q.id, a) for q in base.quotes for a in q.about])
    db.executemany("INSERT INTO disputes VALUES (?, ?, ?)", [(d.id, d.title, d.summary) for d in base.disputes])
    db.executemany("INSERT INTO dispute_records VALUES (?, ?)", [(d.id, r) for d in base.disputes for r in d.records])
    db.executemany(
        "INSERT INTO claims VALUES (?, ?, ?)",
        [(d.id, n, c.claim) for d in base.disputes for n, c in enumerate(d.claims)],
    )
    db.executemany(
        "INSERT INTO phases VALUES (?, ?, ?, ?, ?)",
        [(p.id, p.label, p.start.text, p.end.text if p.end else None, p.summary) for p in base.phases],
    )
    citations = [tuple(row[column] for column in _CITATION_COLUMNS) for row in _citation_rows(base)]
    db.executemany("INSERT INTO citations VALUES (?, ?, ?, ?, ?, ?)", citations)
    searchable = [("event", e.id, e.title, e.summary) for e in base.events]
    searchable += [("quote", q.id, q.text, q.context or "") for q in base.quotes]
    searchable += [
        ("dispute", d.id, d.title, " ".join([d.summary, *(c.claim for c in d.claims)])) for d in base.disputes
    ]
    searchable += [("phase", p.id, p.label, p.summary) for p in base.phases]
    db.executemany("INSERT INTO search VALUES (?, ?, ?, ?)", searchable)
