"""What each command shows, built from the fact base: one builder a command, returning a view for the renderer.

The builders take what a person typed (names in any spelling, dates, words), resolve it against the base
through `Asked`, which also collects the notes worth telling them (a name matched only approximately), and
run the queries. Views hold records, not formatted text: hamsyr.output decides how they look.
"""

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from hamsyr._values import Value
from hamsyr.errors import Problem, QueryError
from hamsyr.query.factbase import FactBase
from hamsyr.query.results import SEARCH_ORDER, DateRange, Hit, Support, YearGroup
from hamsyr.records.dates import FuzzyDate
from hamsyr.records.model import Actor, ActorKind, Dispute, Event, EventKind, Phase, Quote, Record, Role, Source

# --- views ------------------------------------------------------------------------------------------------


class Listing(Value):
    """Records of one kind: "source", "actor", "event", "quote", "dispute", "role-holder", "hit" or "support"."""

    kind: str
    items: Sequence[Record | Hit | Support]


class Lane(Value):
    """One row of the timeline picture: a label and the events marked on it."""

    label: str
    events: Sequence[Event]


class ActorView(Value):
    """One actor (with only the roles held `on` a date, when one was asked for), its events and quotes, and
    the people who hold roles in it (when it is an organization)."""

    actor: Actor
    events: Sequence[Event]
    quotes: Sequence[Quote]
    quotes_about: Sequence[Quote]
    members: Sequence[tuple[Actor, Role]] = ()
    on: str | None = None


class PhasesView(Value):
    """Phases of the relationship, and, when asked as of a date, the events inside each."""

    phases: Sequence[Phase]
    events: Sequence[Sequence[Event]] | None = None
    on: str | None = None


class SourceView(Value):
    """One source and every event and quote that cites it."""

    source: Source
    supports: Sequence[Support]


class TimelineView(Value):
    """Events by year; for the picture also the phases, one lane of events per actor asked for, and the
    span of days the axis covers (None when there is nothing dated to draw)."""

    groups: Sequence[YearGroup]
    phases: Sequence[Phase] = ()
    lanes: Sequence[Lane] = ()
    span: tuple[date, date] | None = None


class RecordView(Value):
    """One event or quote with everything around it: the disputes that name it, the phases it falls in, and
    the records nearest to it that share an actor (or, for a quote, its speaker)."""

    record: Event | Quote
    disputes: Sequence[Dispute] = ()
    phases: Sequence[Phase] = ()
    related: Sequence[Event | Quote] = ()


class InfoView(Value):
    """Facts about the base in use: a small object of named values."""

    data: dict[str, Any]

    def items(self) -> Iterator[tuple[str, Any]]:
        """(key, value) pairs with nested objects flattened to dotted keys, for tables and TSV."""
        for key, value in self.data.items():
            if isinstance(value, dict):
                yield from ((f"{key}.{inner}", item) for inner, item in value.items())
            else:
                yield key, value


class ValidationView(Value):
    """The problems of a fact base's files (none: it is valid)."""

    files: Sequence[Path]
    problems: Sequence[Problem]


View = Listing | ActorView | SourceView | RecordView | TimelineView | InfoView | PhasesView | ValidationView


# --- resolving what was typed -------------------------------------------------------------------------


class Asked:
    """One query against a base: resolves names, sources and tags as typed, and keeps the notes worth telling
    the person who asked (a name matched only approximately), so that a typo never silently answers
    another question."""

    def __init__(self, base: FactBase) -> None:
        self.base = base
        self.notes: list[str] = []

    def actor(self, name: str) -> Actor:
        match = self.base.resolve_actor(name)
        if match.how == "fuzzy":
            actor = match.actor
            self.notes.append(f"no actor is called {name!r}; using the closest, {actor.name} ({actor.id})")
        return match.actor

    def actor_ids(self, names: Sequence[str]) -> list[str]:
        return [self.actor(name).id for name in names]

    def source_id(self, wanted: str | None) -> str | None:
        return self.base.source(wanted).id if wanted else None

    def tags(self, names: Sequence[str]) -> list[str]:
        return [self.base.tag(name) for name in names]


def dates_of(since: FuzzyDate | None = None, until: FuzzyDate | None = None, on: FuzzyDate | None = None) -> DateRange:
    """The range asked for: --on a date, or --since/--until (not both ways at once)."""
    if on is not None:
        if since is not None or until is not None:
            raise QueryError("--on cannot be combined with --since or --until; give one or the other")
        return DateRange.on(on)
    return DateRange.of(since, until)


class EventFilters(Value):
    """The events filters as typed, shared by `events` and `export`."""

    actors: Sequence[str] = ()
    since: FuzzyDate | None = None
    until: FuzzyDate | None = None
    on: FuzzyDate | None = None
    tags: Sequence[str] = ()
    source: str | None = None
    text: str | None = None
    kinds: Sequence[EventKind] = ()

    def resolved(self, asked: Asked) -> dict[str, Any]:
        """The keyword arguments of FactBase.find_events: names as ids, tags and the source checked."""
        return {
            "actors": asked.actor_ids(self.actors),
            "dates": dates_of(self.since, self.until, self.on),
            "tags": asked.tags(self.tags),
            "source": asked.source_id(self.source),
            "text": self.text,
            "kinds": tuple(self.kinds),
        }


# --- one builder a command ------------------------------------------------------------------------------


def events_view(asked: Asked, filters: EventFilters, limit: int | None = None, reverse: bool = False) -> Listing:
    chosen = filters.resolved(asked)
    events = asked.base.find_events(**chosen, limit=limit, reverse=reverse)
    if not chosen["dates"].is_open:
        undated = asked.base.undated_events(**{k: v for k, v in chosen.items() if k != "dates"})
        _note_undated(asked, undated, "event")
    if not events:
        _explain_no_events(asked, filters, chosen)
    return Listing("event", events)


# The options that set each of find_events' filters, to say which one emptied an answer.
_FILTER_OPTIONS = {"actors": "--actor", "dates": "the dates", "tags": "--tag", "source": "--source"}
_FILTER_OPTIONS |= {"text": "--text", "kinds": "--kind"}
_EMPTY: dict[str, Any] = {"actors": (), "dates": DateRange(), "tags": (), "source": None, "text": None, "kinds": ()}


def _explain_no_events(asked: Asked, filters: EventFilters, chosen: dict[str, Any]) -> None:
    """Say what the names resolved to, and what each filter alone would let through."""
    for name, actor_id in zip(filters.actors, chosen["actors"], strict=True):
        asked.notes.append(f"--actor {name!r} is {asked.base.name_of(actor_id)} ({actor_id})")
    given = [key for key, value in chosen.items() if value != _EMPTY[key]]
    if len(given) < 2:
        return
    counts = []
    for key in given:
        widened = {**chosen, key: _EMPTY[key]}
        count = len(asked.base.find_events(**widened))
        counts.append(f"without {_FILTER_OPTIONS[key]}: {count} event{'s' if count != 1 else ''}")
    asked.notes.append("no event passes every filter; " + "; ".join(counts))


def _note_undated(asked: Asked, count: int, kind: str) -> None:
    if count:
        them = f"{count} undated {kind}s" if count > 1 else f"1 undated {kind}"
        asked.notes.append(f"the date filter left out {them}, which the sources do not place in time")


def actors_view(
    asked: Asked,
    name: str | None = None,
    kind: ActorKind | None = None,
    on: FuzzyDate | None = None,
    role: str | None = None,
    limit: int | None = None,
) -> Listing:
    if on is None and role is None:
        return Listing("actor", asked.base.find_actors(name, kind)[:limit])
    holders = asked.base.find_actors(name, kind, dates_of(on=on), role)
    if on is not None and not holders:
        _note_horizon(asked, role, on)
    return Listing("role-holder", holders[:limit])


def _note_horizon(asked: Asked, role: str | None, on: FuzzyDate) -> None:
    """When nobody is attested on a date after what the sources know, say who was, last."""
    latest = asked.base.last_attested(role, on.first_day)
    if latest:
        who = "; ".join(f"{actor.name} ({held.title}), {held.horizon}" for actor, held in latest if held.horizon)
        asked.notes.append(f"no attested holder on {on}; last attested: {who}")


def actor_view(asked: Asked, name: str, on: FuzzyDate | None = None) -> ActorView:
    base = asked.base
    actor = asked.actor(name)
    dates = dates_of(on=on)
    if on is not None:
        for role in actor.roles:
            if role.dated and role.horizon and role.horizon.last_day < on.first_day and not role.end:
                asked.notes.append(
                    f"{actor.name}: {role.title} is last attested {role.horizon}; the sources say nothing of it on {on}"
                )
    return ActorView(
        actor._replace(roles=base.roles_on(actor, dates)),
        base.find_events(actors=[actor.id], dates=dates),
        base.find_quotes(speaker=actor.id, dates=dates),
        base.quotes_about(actor.id, dates),
        base.holders(actor.id, dates),
        on.text if on else None,
    )


def quotes_view(
    asked: Asked,
    speaker: str | None = None,
    about: str | None = None,
    since: FuzzyDate | None = None,
    until: FuzzyDate | None = None,
    on: FuzzyDate | None = None,
    text: str | None = None,
    limit: int | None = None,
    reverse: bool = False,
    actor: str | None = None,
) -> Listing:
    speaker_id = asked.actor(speaker).id if speaker else None
    about_id = asked.actor(about).id if about else None
    actor_id = asked.actor(actor).id if actor else None
    dates = dates_of(since, until, on)
    found = asked.base.find_quotes(speaker_id, about_id, dates, text, limit, reverse, actor=actor_id)
    if not dates.is_open:
        every = asked.base.find_quotes(speaker_id, about_id, text=text, actor=actor_id)
        _note_undated(asked, sum(1 for quote in every if quote.date is None), "quote")
    if not found:
        _explain_no_quotes(asked, speaker_id, about_id, actor_id)
    return Listing("quote", found)


def _explain_no_quotes(asked: Asked, speaker: str | None, about: str | None, actor: str | None) -> None:
    """No quote answers: say what each name resolved to and whether any quote has it in that place; for a
    name with no quote at all, where else it appears."""
    base = asked.base
    places = (("speaker", speaker, "the speaker of"), ("about", about, "the subject of"), ("actor", actor, "in"))
    for option, actor_id, role in places:
        if actor_id is None:
            continue
        name = base.name_of(actor_id)
        counts = {
            "speaker": len(base.find_quotes(speaker=actor_id)),
            "about": len(base.find_quotes(about=actor_id)),
        }
        alone = counts["speaker"] + counts["about"] if option == "actor" else counts[option]
        if alone:
            asked.notes.append(f"--{option} is {name} ({actor_id})")
            continue
        asked.notes.append(f"{name} ({actor_id}) is {role} no quote in the base")
        if option == "speaker" and counts["about"]:
            quotes = "quotes are" if counts["about"] > 1 else "quote is"
            asked.notes.append(f"{counts['about']} {quotes} about {name}: `hamsyr quotes --about {actor_id}`")
        elif option == "about" and counts["speaker"]:
            quotes = "quotes are" if counts["speaker"] > 1 else "quote is"
            asked.notes.append(f"{counts['speaker']} {quotes} by {name}: `hamsyr quotes --speaker {actor_id}`")
        elif not counts["speaker"] and not counts["about"]:
            events = len(base.find_events(actors=[actor_id]))
            if events:
                involve = "events involve" if events > 1 else "event involves"
                asked.notes.append(f"{events} {involve} {name}: `hamsyr events --actor {actor_id}`")


def sources_view(asked: Asked, limit: int | None = None) -> Listing:
    return Listing("source", asked.base.sources[:limit])


def source_view(asked: Asked, wanted: str) -> SourceView:
    source = asked.base.source(wanted)
    return SourceView(source, asked.base.supports(source.id))


def phases_view(
    asked: Asked,
    on: FuzzyDate | None = None,
    since: FuzzyDate | None = None,
    until: FuzzyDate | None = None,
    limit: int | None = None,
    reverse: bool = False,
) -> PhasesView:
    """The phases overlapping the dates; as of one date (`on`), with the events inside each."""
    phases = asked.base.find_phases(dates_of(since, until, on))
    phases = (phases[::-1] if reverse else phases)[:limit]
    if on is None:
        return PhasesView(phases)
    return PhasesView(phases, [asked.base.events_in(phase) for phase in phases], on.text)


def disputes_view(
    asked: Asked,
    record: str | None = None,
    source: str | None = None,
    since: FuzzyDate | None = None,
    until: FuzzyDate | None = None,
    on: FuzzyDate | None = None,
    limit: int | None = None,
) -> Listing:
    if record is not None:
        record = asked.base.record(record, ("event", "quote")).id
    dates = dates_of(since, until, on)
    return Listing("dispute", asked.base.find_disputes(record, asked.source_id(source), dates, limit))


def search_view(
    asked: Asked,
    words: Sequence[str],
    types: Sequence[str] = (),
    limit: int | None = None,
    since: FuzzyDate | None = None,
    until: FuzzyDate | None = None,
    on: FuzzyDate | None = None,
) -> Listing:
    wanted = [name.lower().rstrip("s") for name in types]
    unknown = [name for name in wanted if name not in SEARCH_ORDER]
    if unknown:
        raise QueryError(f"unknown type {unknown[0]!r} for --type; use {', '.join(SEARCH_ORDER)}")
    return Listing("hit", asked.base.search(" ".join(words), wanted, limit, dates_of(since, until, on)))


def record_view(asked: Asked, wanted: str, kind: str) -> RecordView:
    """One event or quote (`kind`), with its disputes, the phases it falls in and its nearest relations."""
    base = asked.base
    record = base.record(wanted, (kind,))
    assert isinstance(record, Event | Quote)
    disputes = base.find_disputes(record_id=record.id)
    phases = base.find_phases(DateRange(record.date.first_day, record.date.last_day)) if record.date else []
    return RecordView(record, disputes, phases, base.related(record))


def timeline_view(
    asked: Asked,
    actors: Sequence[str] = (),
    since: FuzzyDate | None = None,
    until: FuzzyDate | None = None,
    on: FuzzyDate | None = None,
) -> TimelineView:
    base = asked.base
    found = [asked.actor(name) for name in actors]
    dates = dates_of(since, until, on)
    groups = base.timeline([actor.id for actor in found], dates)
    phases = base.find_phases(dates)
    lanes = [Lane(actor.name, base.find_events(actors=[actor.id], dates=dates)) for actor in found]
    whole = span_of(phases, [event for group in groups for event in group.events])
    span = None if whole is None else (dates.since or whole[0], dates.until or whole[1])
    return TimelineView(groups, phases, lanes, span)


def span_of(phases: Sequence[Phase], events: Sequence[Event]) -> tuple[date, date] | None:
    """Whole years from the first to the last date of the phases and dated events."""
    starts = [p.start.start for p in phases] + [e.date.start for e in events if e.date]
    ends = [p.end.end for p in phases if p.end] + [e.date.end for e in events if e.date] + starts
    if not starts:
        return None
    return date(min(starts).year, 1, 1), date(max(ends).year, 12, 31)


def info_view(asked: Asked, version: str) -> InfoView:
    base = asked.base
    span = base.date_span()
    published = [s.published for s in base.sources if s.published is not None and not s.listed_in]
    latest = max(published, key=lambda day: day.last_day, default=None)
    return InfoView(
        {
            "version": version,
            "data": str(base.path),  # the first file; kept for scripts written before bases had several
            "files": [str(path) for path in base.paths],
            "counts": base.counts(),
            "first_date": span[0].text if span else None,
            "last_date": span[1].text if span else None,
            # What the base can know of: nothing after its latest document was published.
            "documents_published_until": latest.text if latest else None,
        }
    )


def selection(asked: Asked, filters: EventFilters) -> FactBase:
    """The part of the base a filtered export covers: the events the filters select (as `events` would),
    the quotes of those dates and actors, the disputes about either, the phases of those dates, and every
    actor and source they refer to. With no filter, the whole base."""
    base = asked.base
    if filters == EventFilters():
        return base
    chosen = filters.resolved(asked)
    events = tuple(base.find_events(**chosen))
    wanted = set(chosen["actors"])
    quotes = tuple(
        quote
        for quote in base.find_quotes(dates=chosen["dates"], text=chosen["text"])
        if not wanted or quote.speaker in wanted or wanted & set(quote.about)
    )
    chosen_ids = {event.id for event in events} | {quote.id for quote in quotes}
    disputes = tuple(d for d in base.disputes if chosen_ids & set(d.records))
    phases = tuple(base.find_phases(chosen["dates"]))
    actor_ids = (
        {a for e in events for a in e.actors} | {q.speaker for q in quotes} | {a for q in quotes for a in q.about}
    )
    holders = [actor for actor in base.actors if actor.id in actor_ids]
    actor_ids |= {role.organization for actor in holders for role in actor.roles if role.organization}
    cited_by: list[Event | Quote | Phase] = [*events, *quotes, *phases]
    cited = {c.source for record in cited_by for c in record.sources}
    cited |= {c.source for d in disputes for claim in d.claims for c in claim.sources}
    kept = [actor for actor in base.actors if actor.id in actor_ids]
    cited |= {c.source for actor in kept for c in actor.sources}  # descriptions
    cited |= {c.source for actor in kept for role in actor.roles for c in role.sources}
    cited |= {c.source for actor in kept for alias in actor.aliases for c in alias.sources}
    return FactBase.from_records(
        sources=[s for s in base.sources if s.id in cited],
        actors=kept,
        events=events,
        quotes=quotes,
        disputes=disputes,
        phases=phases,
        paths=base.paths,
    )
