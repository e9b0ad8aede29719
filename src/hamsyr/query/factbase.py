"""The loaded fact base and the questions it answers. Queries return records; they never format output.

A FactBase holds its records in a store (hamsyr.records.store) and reads each kind of record the first
time a query needs it; finding a name (hamsyr.query.lookup) and ranking words (hamsyr.query.search) are
done by their own modules.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from hamsyr.errors import LookupFailed, QueryError
from hamsyr.query.results import ANY_DATE, SEARCH_ORDER, DateRange, Hit, Support, YearGroup
from hamsyr.records.dates import FuzzyDate, latest, sort_key
from hamsyr.records.model import (
    Actor,
    ActorKind,
    Citation,
    Dispute,
    Event,
    EventKind,
    Phase,
    Quote,
    Record,
    Role,
    Source,
    record_date,
    record_type,
)
from hamsyr.records.store import Narrowing, Term

if TYPE_CHECKING:
    from hamsyr.query.lookup import ActorMatch
    from hamsyr.query.names import NameIndex
    from hamsyr.query.search import TextIndex, TextQuery
    from hamsyr.records.store import RecordStore
    from hamsyr.records.text import Words


class FactBase:
    """All records of one fact base, with the queries the CLI and library users ask of them."""

    def __init__(self, store: RecordStore) -> None:
        self.store = store

    @classmethod
    def from_records(
        cls,
        *,
        sources: Sequence[Source] = (),
        actors: Sequence[Actor] = (),
        events: Sequence[Event] = (),
        quotes: Sequence[Quote] = (),
        disputes: Sequence[Dispute] = (),
        phases: Sequence[Phase] = (),
        paths: Sequence[Path] = (),
    ) -> FactBase:
        """A base of records held in memory (a selection of another base, or records made in code); `paths`
        are the files they come from, if any."""
        from hamsyr.records.store import MemoryStore

        records: dict[str, Sequence[Record]] = {"sources": sources, "actors": actors, "events": events}
        records |= {"quotes": quotes}
        records |= {"disputes": disputes, "phases": phases}
        return cls(MemoryStore(paths, {plural: tuple(items) for plural, items in records.items()}))

    @property
    def path(self) -> Path | None:
        """The file the base is read from (the first, when there are several)."""
        return self.store.paths[0] if self.store.paths else None

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every file the base is read from, in order."""
        return self.store.paths

    @cached_property
    def sources(self) -> tuple[Source, ...]:
        return self.store.records("sources")

    @cached_property
    def actors(self) -> tuple[Actor, ...]:
        return self.store.records("actors")

    @cached_property
    def quotes(self) -> tuple[Quote, ...]:
        return self.store.records("quotes")

    @cached_property
    def disputes(self) -> tuple[Dispute, ...]:
        return self.store.records("disputes")

    @cached_property
    def phases(self) -> tuple[Phase, ...]:
        return self.store.records("phases")

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event, in file order."""
        return self.store.records("events")

    def __repr__(self) -> str:
        return f"FactBase({str(self.path)!r}, {self.counts()})"

    # --- single records --------------------------------------------------------------------------------

    @cached_property
    def _actors_by_id(self) -> dict[str, Actor]:
        return {actor.id: actor for actor in self.actors}

    def get(self, record_id: str) -> Record | None:
        """The record with this id, of any kind (ids are unique across all of them)."""
        found: Record | None = self.store.get(record_id)
        return found

    def record(self, wanted: str, kinds: Sequence[str]) -> Record:
        """The record of one of `kinds` ("event", "quote"...) with this id; LookupFailed suggesting the
        closest ids of those kinds when there is none."""
        found = self.get(wanted.strip())
        if found is not None and record_type(found) in kinds:
            return found
        import difflib

        plural = {"event": "events", "quote": "quotes", "phase": "phases", "dispute": "disputes"}
        ids = [record.id for kind in kinds for record in getattr(self, plural[kind])]
        close = difflib.get_close_matches(wanted.strip(), ids, n=5, cutoff=0.6)
        hint = "did you mean one of these?" if close else f"`hamsyr {plural[kinds[0]]}` lists them"
        raise LookupFailed(f"no {' or '.join(kinds)} {wanted!r}; {hint}", close)

    def related(self, record: Event | Quote, limit: int = 5) -> list[Event | Quote]:
        """The events and quotes that share an actor with `record`, nearest in date first (undated last)."""
        actors = set(_actors_of(record))
        facts: tuple[Event | Quote, ...] = (*self.events, *self.quotes)
        others = [other for other in facts if other.id != record.id and actors & set(_actors_of(other))]
        middle = record.date.start.toordinal() if record.date else None

        def distance(other: Event | Quote) -> tuple[int, int, str]:
            if other.date is None or middle is None:
                return (1, 0, other.id)
            return (0, abs(other.date.start.toordinal() - middle), other.id)

        return sorted(others, key=distance)[:limit]

    def name_of(self, actor_id: str) -> str:
        """The actor's name, or the id itself when no actor has it (reads only the actors)."""
        found = self._actors_by_id.get(actor_id)
        return found.name if found is not None else actor_id

    def source(self, wanted: str) -> Source:
        """The source with this id (or a unique part of its title); LookupFailed suggests the closest ids."""
        from hamsyr.query.lookup import find_source

        return find_source(self.sources, wanted)

    def tag(self, name: str) -> str:
        """A tag used by some event, given in any case; LookupFailed suggests the closest tags."""
        from hamsyr.query.lookup import find_tag

        return find_tag(self.store.tags(), name)

    def actor(self, name: str) -> Actor:
        """Resolve a name, alias or id to one actor; LookupFailed lists candidates when it cannot."""
        return self.resolve_actor(name).actor

    def resolve_actor(self, name: str) -> ActorMatch:
        """Like `actor`, also saying how the name was matched (a fuzzy match is worth telling the user)."""
        from hamsyr.query.lookup import resolve_actor

        return resolve_actor(self._names, self._actors_by_id, name)

    @cached_property
    def _names(self) -> NameIndex:
        from hamsyr.query.lookup import names_of

        return names_of(self.actors)

    @cached_property
    def _text(self) -> TextIndex:
        from hamsyr.query.search import TextIndex

        return TextIndex(self.name_of)

    # --- listings --------------------------------------------------------------------------------------

    def find_actors(
        self,
        name: str | None = None,
        kind: ActorKind | None = None,
        dates: DateRange = ANY_DATE,
        role: str | None = None,
    ) -> list[Actor]:
        """Actors whose id, name or an alias contains every word of `name`, of the given kind, by name.

        With `dates` or `role`, only actors holding a role then, each returned with just those roles. `role`
        is a phrase: titles that begin with it answer first (a deputy head is not a head); only when no title
        does, titles or organizations containing it.
        """
        from hamsyr.query.names import fold
        from hamsyr.query.search import TextQuery

        owners = set(self._names.matching(name)) if name and name.strip() else None
        query = TextQuery.of(role)
        held = [
            (actor, self.roles_on(actor, dates))
            for actor in self.actors
            if (kind is None or actor.kind is kind) and (owners is None or actor.id in owners)
        ]
        if dates.is_open and not query.words:
            chosen = [actor for actor, _ in held]
        else:
            begins = any(query.begins(r.title) for _, roles in held for r in roles)
            chosen = []
            for actor, roles in held:
                matching = tuple(r for r in roles if self._role_matches(r, query, begins))
                if matching:
                    chosen.append(actor._replace(roles=matching))
        return sorted(chosen, key=lambda actor: (fold(actor.name), actor.id))

    def _role_matches(self, role: Role, query: TextQuery, begins: bool = False) -> bool:
        """Whether a role's title begins with the phrase (`begins`), else contains it or its organization
        does; an empty phrase matches any role."""
        if not query.words:
            return True
        if begins:
            return query.begins(role.title)
        organization = self.name_of(role.organization) if role.organization else ""
        return query.in_phrase(role.title) or query.in_phrase(organization)

    def find_events(
        self,
        actors: Sequence[str] = (),
        dates: DateRange = ANY_DATE,
        tags: Sequence[str] = (),
        source: str | None = None,
        text: str | None = None,
        limit: int | None = None,
        reverse: bool = False,
        kinds: Sequence[EventKind] = (),
    ) -> list[Event]:
        """Events involving every one of `actors` (ids), overlapping `dates`, with all `tags`, citing `source`,
        containing every word of `text`, of one of `kinds`; in date order (undated last), newest first with
        `reverse`."""
        wanted_actors, wanted_tags = set(actors), set(tags)

        def wanted(event: Event) -> bool:
            return (
                wanted_actors <= set(event.involved)
                and wanted_tags <= set(event.tags)
                and dates.admits(event.date)
                and (source is None or any(c.source == source for c in event.sources))
                and (not kinds or event.kind in kinds)
            )

        narrowed = Narrowing(actors, dates.since, dates.until, tags, source, self._terms(text))
        if limit is not None:
            # The first few in listing order: read in that order (from a cached base's index) until enough.
            found: list[Event] = []
            for dated in (True, False):
                for event in self.store.ordered(dated, reverse and dated, narrowed):
                    if len(found) >= limit:
                        return found
                    if wanted(event) and (not text or self._with_text([event], text)):
                        found.append(event)
            return found
        # Let the base's indexes narrow the events down; each is then checked by `wanted`.
        narrowing = actors or tags or source or not dates.is_open or narrowed.terms
        pool = self.store.candidates(narrowed) if narrowing else self.events
        chosen = [event for event in pool if wanted(event)]
        return _ordered(self._with_text(chosen, text), None, reverse)

    def undated_events(
        self,
        actors: Sequence[str] = (),
        tags: Sequence[str] = (),
        source: str | None = None,
        text: str | None = None,
        kinds: Sequence[EventKind] = (),
    ) -> int:
        """How many undated events pass the other filters: what a date filter leaves out."""
        wanted_actors, wanted_tags = set(actors), set(tags)
        chosen = [
            event
            for event in self.store.ordered(
                False, False, Narrowing(actors, None, None, tags, source, self._terms(text))
            )
            if wanted_actors <= set(event.involved)
            and wanted_tags <= set(event.tags)
            and (source is None or any(c.source == source for c in event.sources))
            and (not kinds or event.kind in kinds)
        ]
        return len(self._with_text(chosen, text))

    def attested_around(
        self, role: str | None, day: date, kind: ActorKind | None = None
    ) -> tuple[list[tuple[Actor, Role]], list[tuple[Actor, Role]], list[tuple[Actor, Role]]]:
        """What the base can say when nobody of this kind is attested on `day` in a role (whose title or
        organization has the words of `role`): who the sources last attest before it, who they first attest
        after it, and who they show in such a role without placing it in time."""
        from hamsyr.query.search import TextQuery

        query = TextQuery.of(role)
        candidates = [
            (actor, held) for actor in self.actors if kind is None or actor.kind is kind for held in actor.roles
        ]
        begins = any(query.begins(held.title) for _, held in candidates)
        matching = [(actor, held) for actor, held in candidates if self._role_matches(held, query, begins)]
        before = [(a, held) for a, held in matching if held.dated and (known := held.known_until) and known < day]
        latest = max((held.known_until for _, held in before if held.known_until), default=None)
        after = [(a, held) for a, held in matching if held.dated and (known := held.known_from) and known > day]
        earliest = min((held.known_from for _, held in after if held.known_from), default=None)
        unplaced = [(actor, held) for actor, held in matching if not held.dated] if query.words else []
        last = [(actor, held) for actor, held in before if held.known_until == latest]
        return last, [(actor, held) for actor, held in after if held.known_from == earliest], unplaced

    def _terms(self, text: str | None) -> tuple[Term, ...]:
        """The words of `text` as a store can narrow records by them (hamsyr.records.store.Term)."""
        if not text:
            return ()
        from hamsyr.query.search import TextQuery

        query = TextQuery.of(text)
        return tuple(
            Term(
                word, shape if shape.isalnum() and shape.isascii() and len(word) >= 4 else "", self._named(word, shape)
            )
            for word, shape in zip(query.words, query.skeletons, strict=True)
        )

    def _named(self, word: str, shape: str) -> tuple[str, ...]:
        """The actors a word of a query finds by name (a record naming them holds the word, for search)."""
        return tuple(actor_id for actor_id, name in self._folded_names if name.match(word, shape))

    @cached_property
    def _folded_names(self) -> list[tuple[str, Words]]:
        from hamsyr.records.text import Words, fold

        return [(actor.id, Words(fold(actor.name))) for actor in self.actors]

    def _with_text(self, records: list[_Dated], text: str | None) -> list[_Dated]:
        if not text:
            return records
        from hamsyr.query.search import TextQuery

        query = TextQuery.of(text)
        return [record for record in records if self._text.matches(record, query)]

    def find_quotes(
        self,
        speaker: str | None = None,
        about: str | None = None,
        dates: DateRange = ANY_DATE,
        text: str | None = None,
        limit: int | None = None,
        reverse: bool = False,
        actor: str | None = None,
    ) -> list[Quote]:
        """Quotes by `speaker` and about `about` (actor ids), by or about `actor`, overlapping `dates`,
        containing `text`."""
        chosen = [
            quote
            for quote in self.quotes
            if (speaker is None or quote.speaker == speaker)
            and (about is None or about in quote.subjects)
            and (actor is None or quote.speaker == actor or actor in quote.subjects)
            and dates.admits(quote.date)
        ]
        return _ordered(self._with_text(chosen, text), limit, reverse)

    def supports(self, source_id: str) -> list[Support]:
        """Everything the source supports: each record (of any kind) citing it, and each part of a record
        (an actor's role or alias, a dispute's claim) it is cited for; records in date order (undated last),
        then by type and id."""
        found = []
        records: tuple[Record, ...] = (*self.events, *self.quotes, *self.phases, *self.actors, *self.disputes)
        for record in records:
            for part, citations in _cited_parts(record):
                found += [Support(record, c, part) for c in citations if c.source == source_id]
        order = {name: rank for rank, name in enumerate(SEARCH_ORDER)}
        return sorted(found, key=lambda s: (sort_key(record_date(s.record)), order[record_type(s.record)], s.record.id))

    def find_phases(self, dates: DateRange = ANY_DATE) -> list[Phase]:
        """Phases of the relationship overlapping `dates`, by start (then the one ending first)."""
        chosen = [phase for phase in self.phases if phase.overlaps(dates.since, dates.until)]
        return sorted(chosen, key=lambda p: (sort_key(p.start), sort_key(p.end), p.id))

    def last_phases(self) -> list[Phase]:
        """The phases the sources attest last: those whose end, or latest attestation, is the latest."""
        dated = [(phase.known_until, phase) for phase in self.phases if phase.known_until is not None]
        latest = max((day for day, _ in dated), default=None)
        return [phase for day, phase in dated if day == latest]

    def events_in(self, phase: Phase) -> list[Event]:
        """The dated events that overlap a phase."""
        return self.find_events(dates=DateRange(phase.start.start, phase.end.end if phase.end else None))

    def roles_on(self, actor: Actor, dates: DateRange) -> tuple[Role, ...]:
        """The actor's roles held at some point of `dates` (every role when the range is open). A role with
        no dates at all is left out of dated answers: the sources do not say when it was held."""
        if dates.is_open:
            return actor.roles
        return tuple(role for role in actor.roles if role.dated and role.overlaps(dates.since, dates.until))

    def holders(self, organization: str, dates: DateRange = ANY_DATE) -> list[tuple[Actor, Role]]:
        """Who holds a role in `organization` (an actor id) at some point of `dates`, earliest first."""
        from hamsyr.query.names import fold

        found = [
            (actor, role)
            for actor in self.actors
            for role in self.roles_on(actor, dates)
            if role.organization == organization
        ]
        return sorted(found, key=lambda pair: (*_role_span(pair[1]), fold(pair[1].title), pair[0].id))

    def find_disputes(
        self,
        record_id: str | None = None,
        source: str | None = None,
        dates: DateRange = ANY_DATE,
        limit: int | None = None,
    ) -> list[Dispute]:
        """Points of disagreement between the sources, optionally only those about one event or quote, those
        with a claim citing one source, or those about a record of `dates`; in file order."""
        chosen = [
            dispute
            for dispute in self.disputes
            if (record_id is None or record_id in dispute.records)
            and (source is None or any(c.source == source for claim in dispute.claims for c in claim.sources))
            and (dates.is_open or any(self._dated_in(record, dates) for record in dispute.records))
        ]
        return chosen[:limit] if limit is not None else chosen

    def _dated_in(self, record_id: str, dates: DateRange) -> bool:
        record = self.get(record_id)
        return isinstance(record, Event | Quote) and record.date is not None and dates.admits(record.date)

    def quotes_about(self, actor_id: str, dates: DateRange = ANY_DATE) -> list[Quote]:
        """Quotes about an actor by others, overlapping `dates`."""
        chosen = [q for q in self.quotes if actor_id in q.subjects and q.speaker != actor_id and dates.admits(q.date)]
        return _ordered(chosen, None, False)

    def timeline(self, actors: Sequence[str] = (), dates: DateRange = ANY_DATE) -> list[YearGroup]:
        """Events involving any of `actors` (every event when none is given), in date order, grouped by the
        year they start in; undated ones last, under year None."""
        if actors:
            chosen = {event.id: event for actor in actors for event in self.find_events(actors=[actor], dates=dates)}
            events = _ordered(list(chosen.values()), None, False)
        else:
            events = self.find_events(dates=dates)
        groups: dict[int | None, list[Event]] = {}
        for event in events:
            groups.setdefault(event.date.year if event.date else None, []).append(event)
        return [YearGroup(year, tuple(events)) for year, events in groups.items()]

    def search(
        self, text: str, types: Sequence[str] = (), limit: int | None = None, dates: DateRange = ANY_DATE
    ) -> list[Hit]:
        """Records containing every word of `text` (in any order, names under any spelling), best first;
        `types` keeps only those record types ("event", "actor", ...), `dates` only records of those dates
        (events and quotes by their date, sources by publication, phases by their span)."""
        from hamsyr.query.search import TextQuery

        query = TextQuery.of(text)
        if not query.words:
            raise QueryError("search needs at least one word")
        kinds = [plural for plural, singular in _SEARCHED if not types or singular in types]
        terms = self._terms(text)
        # The first few: the best a hit can be is every word in a title or name, and hits that good are listed
        # in an order the word index can give; take them in that order while there are enough of them.
        ranked = self.store.best_first(kinds, terms) if limit else None
        if ranked is not None and limit:
            hits = self._text.best_scoring(self._in(ranked, dates), query, limit)
            if hits is not None:
                return hits
        # Else rank them all, one record at a time, only those the word index finds (never the whole base).
        return self._text.search(self._in(self.store.matching(kinds, terms), dates), query, limit)

    @staticmethod
    def _in(records: Iterable[Record], dates: DateRange) -> Iterable[Record]:
        return records if dates.is_open else (record for record in records if _record_in(record, dates))

    # --- about the base --------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return {
            "sources": len(self.sources),
            "actors": len(self.actors),
            "events": self.store.event_count(),
            "quotes": len(self.quotes),
            "disputes": len(self.disputes),
            "phases": len(self.phases),
        }

    def documents_end(self) -> FuzzyDate | None:
        """When the latest document the base reads was published: the base knows nothing later (None when no
        document gives its date). Titles only listed as further reading do not count."""
        published = [source.published for source in self.sources if source.published and not source.listed_in]
        return latest(published)

    def date_span(self) -> tuple[FuzzyDate, FuzzyDate] | None:
        """The dates of the first and the last dated event, in listing order."""
        first = next(self.store.ordered(True, False), None)
        last = next(self.store.ordered(True, True), None)
        if first is None or last is None or first.date is None or last.date is None:
            return None
        return first.date, last.date


# The kinds of record search looks through, as (plural, singular).
_SEARCHED: tuple[tuple[str, str], ...] = (("events", "event"), ("quotes", "quote"), ("phases", "phase"))
_SEARCHED += (("disputes", "dispute"), ("actors", "actor"), ("sources", "source"))


def _cited_parts(record: Record) -> Iterator[tuple[str, Sequence[Citation]]]:
    """(part, its citations) for a record as a whole and for each table inside it that cites: "" for the
    record, "role TITLE", "alias NAME" (or "epithet NAME", "label NAME", "descriptor NAME"), "claims[N]"."""
    if isinstance(record, Dispute):
        for number, claim in enumerate(record.claims):
            yield f"claims[{number}]", claim.sources
        return
    yield "", getattr(record, "sources", ())
    if isinstance(record, Actor):
        for role in record.roles:
            yield f"role {role.title}", role.sources
        for alias in record.aliases:  # a way of referring that is no name, as what it is: "epithet NAME"
            yield f"{alias.kind if alias.is_descriptor else 'alias'} {alias.name}", alias.sources


def _actors_of(record: Event | Quote) -> tuple[str, ...]:
    return record.involved if isinstance(record, Event) else (record.speaker, *record.subjects)


def _record_in(record: Record, dates: DateRange) -> bool:
    """Whether a record falls in `dates`: a phase by its span, the others by their date (undated: no)."""
    if isinstance(record, Phase):
        return record.overlaps(dates.since, dates.until)
    when = record_date(record)
    return when is not None and dates.admits(when)


def _role_span(role: Role) -> tuple[bool, date, date]:
    """A role's place in date order: by when the sources first show it held (an unknown start as early as can
    be), then last; roles they do not place in time last."""
    since, horizon = role.since, role.horizon
    return (not role.dated, since.start if since else date.min, horizon.end if horizon else date.max)


_Dated = TypeVar("_Dated", Event, Quote)


def _ordered(records: list[_Dated], limit: int | None, reverse: bool) -> list[_Dated]:
    """Date order with undated last (also when reversed), then cut to `limit`."""
    dated = sorted((r for r in records if r.date is not None), key=lambda r: (sort_key(r.date), r.id), reverse=reverse)
    undated = sorted((r for r in records if r.date is None), key=lambda r: r.id)
    ordered = dated + undated
    return ordered[:limit] if limit is not None else ordered
