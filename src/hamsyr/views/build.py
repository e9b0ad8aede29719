"""What each command shows, built from the fact base: one builder a command, returning a view to render.

The builders take what a person typed (names in any spelling, dates, words), resolve it against the base,
run the queries, and add to `notes` what is worth telling the person beside the answer (a name matched only
approximately, what left records out, why nothing matched): a typo never silently answers another question.
A view holds records and the names of the actors it shows, not formatted text: each view type says how it
is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hamsyr._values import Value
from hamsyr.errors import Problem, QueryError
from hamsyr.query.factbase import FactBase
from hamsyr.query.results import ANY_DATE, SEARCH_ORDER, DateRange
from hamsyr.records.dates import FuzzyDate
from hamsyr.records.model import Actor, ActorKind, Event, EventKind, Phase, Quote, record_type

if TYPE_CHECKING:
    from hamsyr.views.listings import (
        ActorList,
        DisputeList,
        EventList,
        HitList,
        QuoteList,
        RoleHolderList,
        SourceList,
    )
    from hamsyr.views.pages import (
        ActorView,
        InfoView,
        PhasesView,
        RecordView,
        SourceView,
        TimelineView,
        ValidationView,
    )

Notes = list[str]  # what to tell the person beside the answer, one line each


# --- what was typed, resolved against the base ---------------------------------------------------------


def resolve_actor(base: FactBase, notes: Notes, name: str) -> Actor:
    """The actor `name` stands for; a note when it was matched only approximately."""
    match = base.resolve_actor(name)
    found = match.actor
    if match.how == "fuzzy":
        notes.append(f"no actor is called {name!r}; using the closest, {found.name} ({found.id})")
    elif match.how != "id":
        _note_no_name(notes, name, found)
    return found


def _note_no_name(notes: Notes, typed: str, actor: Actor) -> None:
    """When what was typed is only an epithet, label or descriptor of the actor, not one of its names: say
    what it is and who uses it, as the actor's page does."""
    from hamsyr.query.names import fold

    words = fold(typed)
    if any(words in fold(name) for name in (actor.name, *(a.name for a in actor.aliases if not a.is_descriptor))):
        return
    for alias in actor.aliases:
        if alias.is_descriptor and words in fold(alias.name):
            from hamsyr.views import voice

            notes.append(voice.not_a_name(actor.name, alias.name, str(alias.kind), alias.sources))
            return


def source_id(base: FactBase, wanted: str | None) -> str | None:
    return base.source(wanted).id if wanted else None


def dates_of(
    base: FactBase,
    notes: Notes,
    since: FuzzyDate | None = None,
    until: FuzzyDate | None = None,
    on: FuzzyDate | None = None,
    latest: Callable[[], str] | None = None,
) -> DateRange:
    """The range asked for: --on a date, or --since/--until (not both ways at once). Every builder that takes
    dates gets them here, so that a question about dates after the latest document is always told that the
    documents end there and, given `latest`, what they say last."""
    if on is not None and (since is not None or until is not None):
        raise QueryError("--on cannot be combined with --since or --until; give one or the other")
    horizon, first, last = base.documents_end(), on or since, on or until or since
    # The documents' date as stated, not widened: that a document of "about 2022" may be of 2023 is no
    # knowledge of 2023. A range that only reaches past it is told so too, without what they say last.
    if horizon is not None and last is not None and last.last_day > horizon.end:
        from hamsyr.views import voice

        past = first is not None and first.first_day > horizon.end
        notes.append(voice.past_the_documents(horizon, latest() if latest and past else ""))
    return DateRange.on(on) if on is not None else DateRange.of(since, until)


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

    def resolved(self, base: FactBase, notes: Notes) -> dict[str, Any]:
        """The keyword arguments of FactBase.find_events: names as ids, tags and the source checked."""
        return {
            "actors": [resolve_actor(base, notes, name).id for name in self.actors],
            "dates": dates_of(base, notes, self.since, self.until, self.on, lambda: _latest_events(base)),
            "tags": [base.tag(name) for name in self.tags],
            "source": source_id(base, self.source),
            "text": self.text,
            "kinds": tuple(self.kinds),
        }


# --- the names a view shows ------------------------------------------------------------------------------


class ActorNames(Mapping[str, str]):
    """The names of some actors by id, which a view shows for them: looked up in the base when first read.
    JSON and TSV never read them, and the first lookup reads every actor of the base (about 1 ms of the
    shipped base's 67 actors from its cache here, some 2% of an `events --json`; more for a large base)."""

    def __init__(self, base: FactBase, actor_ids: Iterable[str]) -> None:
        self._base, self._ids = base, actor_ids
        self._names: dict[str, str] | None = None

    def _looked_up(self) -> dict[str, str]:
        if self._names is None:
            self._names = {actor_id: self._base.name_of(actor_id) for actor_id in dict.fromkeys(self._ids)}
        return self._names

    def __getitem__(self, actor_id: str) -> str:
        return self._looked_up()[actor_id]

    def get(self, actor_id: str, default: Any = None) -> Any:  # a name a cell, without Mapping's own get
        return self._looked_up().get(actor_id, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._looked_up())

    def __len__(self) -> int:
        return len(self._looked_up())


def names_of(base: FactBase, actor_ids: Iterable[str]) -> Mapping[str, str]:
    """The names of these actors by id: what a view shows for them."""
    return ActorNames(base, actor_ids)


def _actors_of(records: Iterable[Event | Quote]) -> Iterable[str]:
    for record in records:
        if isinstance(record, Event):
            yield from record.involved
        else:
            yield record.speaker
            yield from record.subjects


# --- one builder a command -------------------------------------------------------------------------------


def events_view(
    base: FactBase, notes: Notes, filters: EventFilters, limit: int | None = None, reverse: bool = False
) -> EventList:
    from hamsyr.views.listings import EventList

    chosen = filters.resolved(base, notes)
    events = base.find_events(**chosen, limit=limit, reverse=reverse)
    if not chosen["dates"].is_open:
        undated = base.undated_events(**{k: v for k, v in chosen.items() if k != "dates"})
        _note_undated(notes, undated, "event")
    if not events:
        _explain_no_events(base, notes, filters, chosen)
    return EventList(events, names_of(base, _actors_of(events)))


def _latest_events(base: FactBase) -> str:
    from hamsyr.views import voice

    latest = base.find_events(limit=1, reverse=True)
    return voice.latest_dated([voice.dated(event.title, event.date) for event in latest])


def _latest_phases(base: FactBase) -> str:
    from hamsyr.views import voice

    return voice.last_attested([f"{phase.label}, {voice.phase_dates(phase)}" for phase in base.last_phases()])


# The options that set each of find_events' filters, to say which one emptied an answer.
_FILTER_OPTIONS = {"actors": "--actor", "dates": "the dates", "tags": "--tag", "source": "--source"}
_FILTER_OPTIONS |= {"text": "--text", "kinds": "--kind"}
_EMPTY: dict[str, Any] = {"actors": (), "dates": DateRange(), "tags": (), "source": None, "text": None, "kinds": ()}


def _explain_no_events(base: FactBase, notes: Notes, filters: EventFilters, chosen: dict[str, Any]) -> None:
    """Say what the names resolved to, and what each filter alone would let through."""
    for name, actor_id in zip(filters.actors, chosen["actors"], strict=True):
        notes.append(f"--actor {name!r} is {base.name_of(actor_id)} ({actor_id})")
    given = [key for key, value in chosen.items() if value and value != _EMPTY[key]]  # only the filters given
    if len(given) < 2:
        return
    counts = []
    for key in given:
        widened = {**chosen, key: _EMPTY[key]}
        count = len(base.find_events(**widened))
        counts.append(f"without {_FILTER_OPTIONS[key]}: {count} event{'s' if count != 1 else ''}")
    notes.append("no event passes every filter; " + "; ".join(counts))


def _note_undated(notes: Notes, count: int, record_name: str) -> None:
    if count:
        from hamsyr.views.voice import undated_left_out

        notes.append(undated_left_out(count, record_name))


def actors_view(
    base: FactBase,
    notes: Notes,
    name: str | None = None,
    kind: ActorKind | None = None,
    on: FuzzyDate | None = None,
    role: str | None = None,
    limit: int | None = None,
) -> ActorList | RoleHolderList:
    from hamsyr.views.listings import ActorList, RoleHolderList

    if on is None and role is None:
        return ActorList(base.find_actors(name, kind)[:limit])
    holders = base.find_actors(name, kind, dates_of(base, notes, on=on), role)
    if on is not None and not holders:
        _note_horizon(base, notes, role, on, kind)
    shown = holders[:limit]
    return RoleHolderList(shown, names_of(base, (r.organization for a in shown for r in a.roles if r.organization)))


def _note_horizon(base: FactBase, notes: Notes, role: str | None, on: FuzzyDate, kind: ActorKind | None) -> None:
    """When nobody is attested on a date, say who was, last, who is first attested after it, and who holds
    such a role at no known time."""
    from hamsyr.views import voice

    latest, later, unplaced = base.attested_around(role, on.first_day, kind)
    if latest:
        notes.append(
            voice.nobody_attested(on, [(a.name, held.title, held.horizon) for a, held in latest if held.horizon])
        )
    if later:
        notes.append(voice.held_later([(actor.name, held) for actor, held in later]))
    if unplaced:
        notes.append(voice.not_placed([(actor.name, held.title) for actor, held in unplaced]))


def actor_view(base: FactBase, notes: Notes, name: str, on: FuzzyDate | None = None) -> ActorView:
    from hamsyr.views.pages import ActorView

    actor = resolve_actor(base, notes, name)
    dates = dates_of(base, notes, on=on)
    if on is not None:
        from hamsyr.views.voice import silent_on

        for role in actor.roles:
            known = role.known_until
            if role.dated and role.horizon and known is not None and known < on.first_day and not role.end:
                notes.append(silent_on(actor.name, role.title, role.horizon, on))
    roles = base.roles_on(actor, dates)
    events = base.find_events(actors=[actor.id], dates=dates)
    quotes = base.find_quotes(speaker=actor.id, dates=dates)
    about = base.quotes_about(actor.id, dates)
    shown = [*_actors_of([*events, *quotes, *about]), *(role.organization for role in roles if role.organization)]
    return ActorView(
        actor._replace(roles=roles),
        events,
        quotes,
        about,
        base.holders(actor.id, dates),
        on,
        names_of(base, shown),
        sum(1 for role in actor.roles if not role.dated) if on is not None else 0,
    )


def quotes_view(
    base: FactBase,
    notes: Notes,
    speaker: str | None = None,
    about: str | None = None,
    since: FuzzyDate | None = None,
    until: FuzzyDate | None = None,
    on: FuzzyDate | None = None,
    text: str | None = None,
    limit: int | None = None,
    reverse: bool = False,
    actor: str | None = None,
) -> QuoteList:
    from hamsyr.views.listings import QuoteList

    speaker_id = resolve_actor(base, notes, speaker).id if speaker else None
    about_id = resolve_actor(base, notes, about).id if about else None
    actor_id = resolve_actor(base, notes, actor).id if actor else None

    def latest() -> str:
        from hamsyr.views import voice

        last = base.find_quotes(speaker_id, about_id, text=text, actor=actor_id, limit=1, reverse=True)
        return voice.latest_dated([voice.dated(f"{base.name_of(q.speaker)}, {q.id}", q.date) for q in last])

    dates = dates_of(base, notes, since, until, on, latest)
    found = base.find_quotes(speaker_id, about_id, dates, text, limit, reverse, actor=actor_id)
    if not dates.is_open:
        every = base.find_quotes(speaker_id, about_id, text=text, actor=actor_id)
        _note_undated(notes, sum(1 for quote in every if quote.date is None), "quote")
    if not found:
        _explain_no_quotes(base, notes, speaker_id, about_id, actor_id, dates, _date_options(since, until, on))
    return QuoteList(found, names_of(base, _actors_of(found)))


def _date_options(since: FuzzyDate | None, until: FuzzyDate | None, on: FuzzyDate | None) -> str:
    """The date options as typed, to repeat in a suggested command."""
    given = (("--since", since), ("--until", until), ("--on", on))
    return "".join(f" {option} {value.text}" for option, value in given if value is not None)


def _explain_no_quotes(
    base: FactBase,
    notes: Notes,
    speaker: str | None,
    about: str | None,
    actor: str | None,
    dates: DateRange = ANY_DATE,
    date_options: str = "",
) -> None:
    """No quote answers: say what each name resolved to and whether any quote of those dates has it in that
    place; for a name with no quote at all, where else it appears (suggested with the same dates)."""
    places = (("speaker", speaker, "the speaker of"), ("about", about, "the subject of"), ("actor", actor, "in"))
    where = " of those dates" if date_options else " in the base"
    for option, actor_id, role in places:
        if actor_id is None:
            continue
        name = base.name_of(actor_id)
        counts = {
            "speaker": len(base.find_quotes(speaker=actor_id, dates=dates)),
            "about": len(base.find_quotes(about=actor_id, dates=dates)),
        }
        alone = counts["speaker"] + counts["about"] if option == "actor" else counts[option]
        if alone:
            notes.append(f"--{option} is {name} ({actor_id})")
            continue
        notes.append(f"{name} ({actor_id}) is {role} no quote{where}")
        if option == "speaker" and counts["about"]:
            quotes = "quotes are" if counts["about"] > 1 else "quote is"
            notes.append(f"{counts['about']} {quotes} about {name}: `hamsyr quotes --about {actor_id}{date_options}`")
        elif option == "about" and counts["speaker"]:
            quotes = "quotes are" if counts["speaker"] > 1 else "quote is"
            notes.append(f"{counts['speaker']} {quotes} by {name}: `hamsyr quotes --speaker {actor_id}{date_options}`")
        elif not counts["speaker"] and not counts["about"]:
            events = len(base.find_events(actors=[actor_id], dates=dates))
            if events:
                involve = "events involve" if events > 1 else "event involves"
                notes.append(f"{events} {involve} {name}: `hamsyr events --actor {actor_id}{date_options}`")


def sources_view(base: FactBase, notes: Notes, limit: int | None = None) -> SourceList:
    from hamsyr.views.listings import SourceList

    return SourceList(base.sources[:limit])


def source_view(base: FactBase, notes: Notes, wanted: str) -> SourceView:
    from hamsyr.views.pages import SourceView

    source = base.source(wanted)
    return SourceView(source, base.supports(source.id))


def phases_view(
    base: FactBase,
    notes: Notes,
    on: FuzzyDate | None = None,
    since: FuzzyDate | None = None,
    until: FuzzyDate | None = None,
    limit: int | None = None,
    reverse: bool = False,
) -> PhasesView:
    """The phases overlapping the dates; as of one date (`on`), with the events inside each."""
    from hamsyr.views.pages import PhasesView

    phases = base.find_phases(dates_of(base, notes, since, until, on, lambda: _latest_phases(base)))
    phases = (phases[::-1] if reverse else phases)[:limit]
    if on is None:
        return PhasesView(phases)
    events = [base.events_in(phase) for phase in phases]
    return PhasesView(phases, events, on, names_of(base, _actors_of(e for inside in events for e in inside)))


def disputes_view(
    base: FactBase,
    notes: Notes,
    record: str | None = None,
    source: str | None = None,
    since: FuzzyDate | None = None,
    until: FuzzyDate | None = None,
    on: FuzzyDate | None = None,
    limit: int | None = None,
) -> DisputeList:
    from hamsyr.views.listings import DisputeList

    if record is not None:
        record = base.record(record, ("event", "quote")).id
    dates = dates_of(base, notes, since, until, on)
    found = base.find_disputes(record, source_id(base, source), dates, limit)
    if not found and (record or source):  # say which filter left nothing, and what the others let through
        about = f"names {record}" if record else f"cites {source}"
        notes.append(f"no dispute {about}; there are {len(base.find_disputes(dates=dates))}: `hamsyr disputes`")
    return DisputeList(found)


def search_view(
    base: FactBase,
    notes: Notes,
    words: Sequence[str],
    types: Sequence[str] = (),
    limit: int | None = None,
    since: FuzzyDate | None = None,
    until: FuzzyDate | None = None,
    on: FuzzyDate | None = None,
) -> HitList:
    from hamsyr.views.listings import HitList

    wanted = [name.lower().rstrip("s") for name in types]
    unknown = [name for name in wanted if name not in SEARCH_ORDER]
    if unknown:
        raise QueryError(f"unknown type {unknown[0]!r} for --type; use {', '.join(SEARCH_ORDER)}")
    dates = dates_of(base, notes, since, until, on)
    hits = base.search(" ".join(words), wanted, limit, dates)
    if not hits and wanted and (others := base.search(" ".join(words), (), None, dates)):
        kinds = ", ".join(dict.fromkeys(record_type(hit.record) for hit in others))
        notes.append(f"no {' or '.join(wanted)} matches; without --type, {len(others)} of: {kinds}")
    return HitList(hits)


def record_view(base: FactBase, notes: Notes, wanted: str, kind: str) -> RecordView:
    """One event or quote (`kind`), with its disputes, the phases it falls in and its nearest relations."""
    from hamsyr.views.pages import RecordView

    record = base.record(wanted, (kind,))
    assert isinstance(record, Event | Quote)
    disputes = base.find_disputes(record_id=record.id)
    phases = base.find_phases(DateRange(record.date.first_day, record.date.last_day)) if record.date else []
    return RecordView(record, disputes, phases, base.related(record), names_of(base, _actors_of([record])))


def timeline_view(
    base: FactBase,
    notes: Notes,
    actors: Sequence[str] = (),
    since: FuzzyDate | None = None,
    until: FuzzyDate | None = None,
    on: FuzzyDate | None = None,
) -> TimelineView:
    from hamsyr.views.pages import Lane, TimelineView

    found = [resolve_actor(base, notes, name) for name in actors]
    dates = dates_of(base, notes, since, until, on, lambda: _latest_events(base))
    groups = base.timeline([actor.id for actor in found], dates)
    phases = base.find_phases(dates)
    lanes = [Lane(actor.name, base.find_events(actors=[actor.id], dates=dates)) for actor in found]
    events = [event for group in groups for event in group.events]
    whole = span_of(phases, events)
    start = dates.since or (whole[0] if whole else None)
    end = dates.until or (whole[1] if whole else None)
    span = None
    if start is not None:
        # A range that begins after everything dated still gets an axis, of its own year at least.
        span = (start, end if end is not None and end >= start else date(start.year, 12, 31))
    places = {phase.id: place for place, phase in enumerate(base.phases)}
    return TimelineView(groups, phases, lanes, span, names_of(base, _actors_of(events)), places)


def span_of(phases: Sequence[Phase], events: Sequence[Event]) -> tuple[date, date] | None:
    """Whole years from the first to the last date of the phases and dated events."""
    starts = [p.start.start for p in phases] + [e.date.start for e in events if e.date]
    ends = [p.end.end for p in phases if p.end] + [e.date.end for e in events if e.date] + starts
    if not starts:
        return None
    return date(min(starts).year, 1, 1), date(max(ends).year, 12, 31)


def info_view(base: FactBase, notes: Notes, version: str) -> InfoView:
    from hamsyr.views.pages import InfoView

    span = base.date_span()
    return InfoView(
        {
            "version": version,
            "data": str(base.path),  # the first file; kept for scripts written before bases had several
            "files": [str(path) for path in base.paths],
            "counts": base.counts(),
            "first_date": span[0] if span else None,
            "last_date": span[1] if span else None,
            # What the base can know of: nothing after its latest document was published.
            "documents_published_until": base.documents_end(),
        },
        dates=("first_date", "last_date", "documents_published_until"),
    )


def validation_view(checked: tuple[Sequence[Path], Sequence[Problem]], notes: Notes) -> ValidationView:
    """The files of a base and their problems, as hamsyr.loading.load.check_base found them."""
    from hamsyr.views.pages import ValidationView

    files, problems = checked
    return ValidationView(tuple(files), problems)


def selection(base: FactBase, notes: Notes, filters: EventFilters) -> FactBase:
    """The part of the base a filtered export covers: the events the filters select (as `events` would),
    the quotes of those dates and actors, the disputes about either, the phases of those dates, and every
    actor and source they refer to. With no filter, the whole base."""
    if filters == EventFilters():
        return base
    chosen = filters.resolved(base, notes)
    events = tuple(base.find_events(**chosen))
    wanted = set(chosen["actors"])
    quotes = tuple(
        quote
        for quote in base.find_quotes(dates=chosen["dates"], text=chosen["text"])
        if not wanted or quote.speaker in wanted or wanted & set(quote.subjects)
    )
    chosen_ids = {event.id for event in events} | {quote.id for quote in quotes}
    disputes = tuple(d for d in base.disputes if chosen_ids & set(d.records))
    phases = tuple(base.find_phases(chosen["dates"]))
    actor_ids = set(_actors_of([*events, *quotes]))
    holders = [actor for actor in base.actors if actor.id in actor_ids]
    actor_ids |= {role.organization for actor in holders for role in actor.roles if role.organization}
    cited_by: list[Event | Quote | Phase] = [*events, *quotes, *phases]
    cited = {c.source for record in cited_by for c in record.sources}
    cited |= {c.source for d in disputes for claim in d.claims for c in claim.sources}
    kept = [actor for actor in base.actors if actor.id in actor_ids]
    if not chosen["dates"].is_open:  # of the roles, those held then: never a role past what the sources attest
        kept = [actor._replace(roles=base.roles_on(actor, chosen["dates"])) for actor in kept]
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
