"""The loaded fact base and the questions it answers. Queries return records; they never format output."""

import difflib
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar

from hamsyr.dates import FuzzyDate, sort_key
from hamsyr.errors import LookupFailed, QueryError
from hamsyr.model import Actor, ActorKind, Citation, Dispute, Event, Phase, Quote, Record, Role, Source
from hamsyr.names import NameIndex, Words, fold, skeleton, word_match, word_spans, words

# How much a query word found in each part of a record counts towards a search hit's rank.
_TITLE_WEIGHT, _ID_WEIGHT, _BODY_WEIGHT, _ASIDE_WEIGHT = 3.0, 2.0, 1.0, 0.5
_SNIPPET_CHARS = 120


class Support(NamedTuple):
    """A record that cites a source, with the citation that ties them."""

    record: Event | Quote
    citation: Citation


class Hit(NamedTuple):
    """A search result: the record, its rank and the passage that matched (with match spans inside it)."""

    record: Record
    score: float
    field: str
    passage: str
    spans: tuple[tuple[int, int], ...] = ()


class ActorMatch(NamedTuple):
    """An actor found for a name, and how: "id", "name", "words", "spelling" or "fuzzy"."""

    actor: Actor
    how: str


class YearGroup(NamedTuple):
    year: int | None
    events: tuple[Event, ...]


class DateRange(NamedTuple):
    """A user's --since/--until range: the first and last day it admits (either open)."""

    since: date | None = None
    until: date | None = None

    @classmethod
    def of(cls, since: FuzzyDate | None, until: FuzzyDate | None) -> "DateRange":
        if since is not None and until is not None and until.end < since.start:
            raise QueryError(f"--since {since} is after --until {until}: swap them or widen the range")
        return cls(since.start if since else None, until.end if until else None)

    @property
    def is_open(self) -> bool:
        return self.since is None and self.until is None

    def admits(self, value: FuzzyDate | None) -> bool:
        """Undated records are admitted only when the range is fully open."""
        if value is None:
            return self.is_open
        return value.overlaps(self.since, self.until)


ANY_DATE = DateRange()  # the open range: every record, dated or not


class RecordStore(Protocol):
    """Where a cached base keeps its records (see hamsyr.cache): read on demand, events narrowed by index."""

    def records(self, kind: str) -> tuple[Record, ...]: ...
    def count(self) -> int: ...
    def all(self) -> tuple[Event, ...]: ...
    def tags(self) -> list[str]: ...
    def candidates(
        self, actors: Sequence[str], since: date | None, until: date | None, tags: Sequence[str], source: str | None
    ) -> Iterable[Event]: ...


_TYPE_NAMES = {Event: "event", Quote: "quote", Phase: "phase", Dispute: "dispute", Actor: "actor", Source: "source"}
RECORD_TYPE_NAMES = tuple(_TYPE_NAMES.values())  # also the order of search hits of equal rank


def record_type(record: Record) -> str:
    return _TYPE_NAMES[type(record)]


def record_date(record: Record) -> FuzzyDate | None:
    if isinstance(record, Event | Quote):
        return record.date
    if isinstance(record, Source):
        return record.published
    if isinstance(record, Phase):
        return record.start
    return None


def record_label(record: Record) -> str:
    """The one line that names a record in listings: a title, a name, or the start of a quote."""
    if isinstance(record, Source | Event | Dispute):
        return record.title
    if isinstance(record, Phase):
        return record.label
    if isinstance(record, Actor):
        return record.name
    return record.text


def _searchable(record: Record, name_of: Callable[[str], str]) -> list[tuple[str, float, str]]:
    """(field name, weight, text) for every searchable part of a record; linked actors count by name."""
    parts: list[tuple[str, float, str]] = [("id", _ID_WEIGHT, record.id)]
    if isinstance(record, Source):
        parts += [("title", _TITLE_WEIGHT, record.title)]
        parts += [
            (name, _ASIDE_WEIGHT, value)
            for name, value in (("author", record.author), ("publisher", record.publisher))
            if value
        ]
    elif isinstance(record, Actor):
        parts += [("name", _TITLE_WEIGHT, record.name)]
        parts += [("aliases", _TITLE_WEIGHT, alias) for alias in record.aliases]
        parts += [("description", _BODY_WEIGHT, record.description)] if record.description else []
        parts += [("roles", _ASIDE_WEIGHT, role.title) for role in record.roles]
    elif isinstance(record, Event):
        parts += [("title", _TITLE_WEIGHT, record.title), ("summary", _BODY_WEIGHT, record.summary)]
        parts += [("date_text", _ASIDE_WEIGHT, record.date_text)] if record.date_text else []
        parts += [("places", _ASIDE_WEIGHT, place) for place in record.places]
        parts += [("tags", _ASIDE_WEIGHT, tag) for tag in record.tags]
        parts += [("actors", _ASIDE_WEIGHT, name_of(actor)) for actor in record.actors]
    elif isinstance(record, Phase):
        parts += [("label", _TITLE_WEIGHT, record.label), ("summary", _BODY_WEIGHT, record.summary)]
        parts += [("sources", _ASIDE_WEIGHT, c.excerpt) for c in record.sources]
    elif isinstance(record, Dispute):
        parts += [("title", _TITLE_WEIGHT, record.title), ("summary", _BODY_WEIGHT, record.summary)]
        parts += [("claims", _BODY_WEIGHT, claim.claim) for claim in record.claims]
        parts += [("sources", _ASIDE_WEIGHT, c.excerpt) for claim in record.claims for c in claim.sources]
    else:
        parts += [("text", _TITLE_WEIGHT, record.text), ("speaker", _BODY_WEIGHT, name_of(record.speaker))]
        parts += [("about", _ASIDE_WEIGHT, name_of(actor)) for actor in record.about]
        parts += [("context", _BODY_WEIGHT, record.context)] if record.context else []
        parts += [("date_text", _ASIDE_WEIGHT, record.date_text)] if record.date_text else []
    if isinstance(record, Event | Quote):
        parts += [("sources", _ASIDE_WEIGHT, citation.excerpt) for citation in record.sources]
    return parts


class _Part(NamedTuple):
    """One searchable part of a record, folded once."""

    field: str
    weight: float
    text: str
    folded: str
    words: Words


def _parts(record: Record, name_of: Callable[[str], str]) -> tuple[_Part, ...]:
    found = []
    for name, weight, text in _searchable(record, name_of):
        folded = fold(text)
        found.append(_Part(name, weight, text, folded, Words(folded)))
    return tuple(found)


class _Query(NamedTuple):
    """The folded words of a query, with their skeletons, computed once per query."""

    words: tuple[str, ...]
    skeletons: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> "_Query":
        query = tuple(words(text))
        return cls(query, tuple(skeleton(word) for word in query))

    def scores(self, part: _Part) -> list[float]:
        return [part.words.match(word, shape) for word, shape in zip(self.words, self.skeletons, strict=True)]

    def found_in(self, texts: Sequence[Words]) -> bool:
        """Every query word matches a word of one of the texts (an empty query matches anything)."""
        pairs = zip(self.words, self.skeletons, strict=True)
        return all(any(text.match(word, shape) for text in texts) for word, shape in pairs)


def _passage(text: str, query_words: Sequence[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A window of `text` around the first matching word, and the spans of every match inside the window."""
    spans = sorted(_match_spans(text, query_words))
    if len(text) <= _SNIPPET_CHARS or not spans:
        return text, tuple(spans)
    first = spans[0][0]
    start = max(0, min(first - _SNIPPET_CHARS // 3, len(text) - _SNIPPET_CHARS))
    # Start and end the window on word boundaries, so that no word is shown cut.
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = start + _SNIPPET_CHARS
    end = end if end >= len(text) else max(text.rfind(" ", start, end), spans[0][1])
    prefix, suffix = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    window = prefix + text[start:end] + suffix
    shift = len(prefix) - start
    inside = tuple((a + shift, min(b, end) + shift) for a, b in spans if a >= start and a < end)
    return window, inside


def _match_spans(text: str, query_words: Sequence[str]) -> list[tuple[int, int]]:
    """Spans of `text` (in original characters) of the words that match one of the folded query words."""
    return [(start, end) for start, end, word in word_spans(text) if any(word_match(q, word) for q in query_words)]


class FactBase:
    """All records of one fact base file, with the queries the CLI and library users ask of them."""

    def __init__(
        self,
        path: Path | None,
        sources: tuple[Source, ...] | None,
        actors: tuple[Actor, ...] | None,
        events: tuple[Event, ...] | None,
        quotes: tuple[Quote, ...] | None,
        disputes: tuple[Dispute, ...] | None = (),
        phases: tuple[Phase, ...] | None = (),
        store: RecordStore | None = None,
    ) -> None:
        """Records of a kind may be None when a `store` (a cached base) gives them on demand: a query reads
        only the kinds it needs, so listing events never decodes the actors, quotes or disputes."""
        self.path = path
        self._given = {"source": sources, "actor": actors, "quote": quotes, "dispute": disputes, "phase": phases}
        self._events = events
        self._store = store
        self._events_by_id: dict[str, Event] | None = None
        self._parts_cache: dict[str, tuple[_Part, ...]] = {}

    def _kind(self, kind: str) -> tuple[Any, ...]:
        given = self._given[kind]
        if given is not None:
            return given
        return self._store.records(kind) if self._store is not None else ()

    @cached_property
    def sources(self) -> tuple[Source, ...]:
        return self._kind("source")

    @cached_property
    def actors(self) -> tuple[Actor, ...]:
        return self._kind("actor")

    @cached_property
    def quotes(self) -> tuple[Quote, ...]:
        return self._kind("quote")

    @cached_property
    def disputes(self) -> tuple[Dispute, ...]:
        return self._kind("dispute")

    @cached_property
    def phases(self) -> tuple[Phase, ...]:
        return self._kind("phase")

    @cached_property
    def _by_id(self) -> dict[str, Record]:
        """Every record but the events by id (ids are unique across all record types)."""
        others: tuple[Record, ...] = (*self.sources, *self.actors, *self.quotes, *self.disputes, *self.phases)
        return {record.id: record for record in others}

    @cached_property
    def _actors_by_id(self) -> dict[str, Actor]:
        return {actor.id: actor for actor in self.actors}

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event, in file order (read from the cache the first time when the base came from one)."""
        if self._events is None:
            self._events = self._store.all() if self._store is not None else ()
        return self._events

    def __repr__(self) -> str:
        return f"FactBase({str(self.path)!r}, {self.counts()})"

    # --- single records --------------------------------------------------------------------------------

    def get(self, record_id: str) -> Record | None:
        found = self._by_id.get(record_id)
        if found is None:
            if self._events_by_id is None:
                self._events_by_id = {event.id: event for event in self.events}
            found = self._events_by_id.get(record_id)
        return found

    def name_of(self, actor_id: str) -> str:
        """The actor's name, or the id itself when no actor has it (reads only the actors)."""
        found = self._actors_by_id.get(actor_id)
        return found.name if found is not None else actor_id

    def source(self, source_id: str) -> Source:
        """The source with this id (or a unique title match); LookupFailed suggests the closest ids."""
        found = self._by_id.get(source_id.strip())
        if isinstance(found, Source):
            return found
        wanted = fold(source_id)
        matches = [source for source in self.sources if wanted and wanted in fold(source.title)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise LookupFailed(f"source {source_id!r} is ambiguous", [s.id for s in matches])
        close = difflib.get_close_matches(source_id, [s.id for s in self.sources], n=5, cutoff=0.5)
        raise LookupFailed(f"no source {source_id!r}; `hamsyr sources` lists them", close)

    def tag(self, name: str) -> str:
        """A tag used by some event, given in any case; LookupFailed suggests the closest tags."""
        if self._store is not None:
            known = self._store.tags()
        else:
            known = sorted({tag for event in self.events for tag in event.tags})
        wanted = name.strip().lower()
        if wanted in known:
            return wanted
        close = difflib.get_close_matches(wanted, known, n=5, cutoff=0.5)
        hint = "did you mean one of these?" if close else f"tags in use: {', '.join(known) or 'none'}"
        raise LookupFailed(f"no event has the tag {name!r}; {hint}", close)

    def actor(self, name: str) -> Actor:
        """Resolve a name, alias or id to one actor; LookupFailed lists candidates when it cannot."""
        return self.resolve_actor(name).actor

    def resolve_actor(self, name: str) -> ActorMatch:
        """Like `actor`, also saying how the name was matched (a fuzzy match is worth telling the user)."""
        return self._resolve(name)

    @cached_property
    def _names(self) -> NameIndex:
        return NameIndex((actor.id, (actor.name, *actor.aliases)) for actor in self.actors)

    def _resolve(self, name: str) -> ActorMatch:
        if not name.strip():
            raise LookupFailed("an empty name matches no actor")
        found = self._names.resolve(name)
        actors = [self._actors_by_id[owner] for owner in found.owners]
        if len(actors) == 1:
            return ActorMatch(actors[0], found.how)
        if actors:
            candidates = [_describe(actor) for actor in actors]
            raise LookupFailed(f"{name!r} could be {len(actors)} actors; give one of these ids", candidates)
        suggestions = [_describe(self._actors_by_id[owner]) for owner in found.suggestions]
        hint = "did you mean one of these?" if suggestions else "`hamsyr actors` lists them"
        raise LookupFailed(f"no actor matches {name!r}; {hint}", suggestions)

    # --- listings --------------------------------------------------------------------------------------

    def find_actors(
        self,
        name: str | None = None,
        kind: ActorKind | None = None,
        dates: DateRange = ANY_DATE,
        role: str | None = None,
    ) -> list[Actor]:
        """Actors whose id, name or an alias contains every word of `name`, of the given kind, by name.

        With `dates` or `role`, only actors holding a role then (whose title or organization contains the
        words of `role`), each returned with just those roles.
        """
        owners = set(self._names.matching(name)) if name and name.strip() else None
        role_query = _Query.of(role or "")
        chosen = []
        for actor in self.actors:
            if (kind is not None and actor.kind is not kind) or (owners is not None and actor.id not in owners):
                continue
            if dates.is_open and not role_query.words:
                chosen.append(actor)
                continue
            roles = tuple(r for r in self.roles_on(actor, dates) if self._role_matches(r, role_query))
            if roles:
                chosen.append(actor._replace(roles=roles))
        return sorted(chosen, key=lambda actor: (fold(actor.name), actor.id))

    def _role_matches(self, role: Role, query: "_Query") -> bool:
        if not query.words:
            return True
        return query.found_in([Words(fold(f"{role.title} {self.name_of(role.organization or '')}"))])

    def find_events(
        self,
        actors: Sequence[str] = (),
        dates: DateRange = ANY_DATE,
        tags: Sequence[str] = (),
        source: str | None = None,
        text: str | None = None,
        limit: int | None = None,
        reverse: bool = False,
    ) -> list[Event]:
        """Events involving every one of `actors` (ids), overlapping `dates`, with all `tags`,
        citing `source`,
        containing every word of `text`; in date order (undated last), newest first with `reverse`."""
        wanted_actors, wanted_tags, query = set(actors), set(tags), _Query.of(text or "")
        pool: Iterable[Event]
        if self._store is not None and self._events is None and (actors or tags or source or not dates.is_open):
            # A cached base: let its indexes narrow the events down, then check each one as below.
            pool = self._store.candidates(actors, dates.since, dates.until, tags, source)
        else:
            pool = self.events
        chosen = [
            event
            for event in pool
            if wanted_actors <= set(event.actors)
            and wanted_tags <= set(event.tags)
            and dates.admits(event.date)
            and (source is None or any(c.source == source for c in event.sources))
            and self._matches_text(event, query)
        ]
        return _ordered(chosen, limit, reverse)

    def find_quotes(
        self,
        speaker: str | None = None,
        about: str | None = None,
        dates: DateRange = ANY_DATE,
        text: str | None = None,
        limit: int | None = None,
        reverse: bool = False,
    ) -> list[Quote]:
        """Quotes by `speaker` and about `about` (actor ids), overlapping `dates`, containing `text`."""
        query = _Query.of(text or "")
        chosen = [
            quote
            for quote in self.quotes
            if (speaker is None or quote.speaker == speaker)
            and (about is None or about in quote.about)
            and dates.admits(quote.date)
            and self._matches_text(quote, query)
        ]
        return _ordered(chosen, limit, reverse)

    def supports(self, source_id: str) -> list[Support]:
        """Every event and quote citing the source, in date order."""
        found = [
            Support(record, citation)
            for record in self._facts()
            for citation in record.sources
            if citation.source == source_id
        ]
        return sorted(found, key=lambda s: (sort_key(s.record.date), s.record.id))

    def _facts(self) -> tuple[Event | Quote, ...]:
        return (*self.events, *self.quotes)

    def find_phases(self, dates: DateRange = ANY_DATE) -> list[Phase]:
        """Phases of the relationship overlapping `dates`, by start (then the one ending first)."""
        chosen = [phase for phase in self.phases if phase.overlaps(dates.since, dates.until)]
        return sorted(chosen, key=lambda p: (sort_key(p.start), sort_key(p.end), p.id))

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
        found = [
            (actor, role)
            for actor in self.actors
            for role in self.roles_on(actor, dates)
            if role.organization == organization
        ]
        return sorted(found, key=lambda pair: (*_role_span(pair[1]), fold(pair[1].title), pair[0].id))

    def find_disputes(self, record_id: str | None = None, source: str | None = None) -> list[Dispute]:
        """Points of disagreement between the sources, optionally only those about one event or quote,
        or those with a claim citing one source; in file order."""
        return [
            dispute
            for dispute in self.disputes
            if (record_id is None or record_id in dispute.records)
            and (source is None or any(c.source == source for claim in dispute.claims for c in claim.sources))
        ]

    def quotes_about(self, actor_id: str, dates: DateRange = ANY_DATE) -> list[Quote]:
        """Quotes about an actor by others, overlapping `dates`."""
        chosen = [q for q in self.quotes if actor_id in q.about and q.speaker != actor_id and dates.admits(q.date)]
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

    def search(self, text: str, types: Sequence[str] = (), limit: int | None = None) -> list[Hit]:
        """Records containing every word of `text` (in any order, names under any spelling), best first.

        Each word counts the weight of the heaviest part it is found in (a title or name most, an excerpt
        least), less when found only by its transliteration skeleton; the whole phrase together adds the
        weight of the part that holds it.
        """
        query = _Query.of(text)
        if not query.words:
            raise QueryError("search needs at least one word")
        phrase = " ".join(query.words)
        hits = []
        records: tuple[Record, ...] = (
            *self.events, *self.quotes, *self.phases, *self.disputes, *self.actors, *self.sources
        )  # fmt: skip
        for record in records:
            if types and record_type(record) not in types:
                continue
            parts = self._parts_of(record)
            per_part = [(part, query.scores(part)) for part in parts]
            scores = [
                max(part.weight * part_scores[n] for part, part_scores in per_part) for n in range(len(query.words))
            ]
            if not all(scores):
                continue
            # The passage shown: the part holding the phrase, else the one matching most words, heaviest first.
            best, _ = max(
                per_part,
                key=lambda item: (f" {phrase}" in f" {item[0].folded}", sum(1 for x in item[1] if x), item[0].weight),
            )
            bonus = best.weight if f" {phrase}" in f" {best.folded}" else 0.0
            passage, spans = _passage(best.text, query.words)
            hits.append(Hit(record, sum(scores) + bonus, best.field, passage, spans))
        order = {name: rank for rank, name in enumerate(RECORD_TYPE_NAMES)}
        hits.sort(key=lambda h: (-h.score, order[record_type(h.record)], sort_key(record_date(h.record)), h.record.id))
        return hits[:limit] if limit is not None else hits

    def _parts_of(self, record: Record) -> tuple[_Part, ...]:
        parts = self._parts_cache.get(record.id)
        if parts is None:
            parts = self._parts_cache[record.id] = _parts(record, self.name_of)
        return parts

    def _matches_text(self, record: Event | Quote, query: _Query) -> bool:
        return not query.words or query.found_in([part.words for part in self._parts_of(record)])

    # --- about the base --------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return {
            "sources": len(self.sources),
            "actors": len(self.actors),
            "events": self._store.count() if self._store is not None and self._events is None else len(self.events),
            "quotes": len(self.quotes),
            "disputes": len(self.disputes),
            "phases": len(self.phases),
        }

    def date_span(self) -> tuple[FuzzyDate, FuzzyDate] | None:
        """The dates of the first and the last dated event, in listing order."""
        dated = [event.date for event in self.events if event.date is not None]
        if not dated:
            return None
        return min(dated, key=sort_key), max(dated, key=sort_key)


def _role_span(role: Role) -> tuple[date, date]:
    """A role's days for ordering, an unknown start as early as can be and an open end as late."""
    return (role.start.start if role.start else date.min, role.end.end if role.end else date.max)


def _describe(actor: Actor) -> str:
    """How a candidate is told apart from the others in an error message."""
    detail = f" - {actor.description}" if actor.description else ""
    return f"{actor.id} ({actor.name}, {actor.kind.value}){detail}"


_Dated = TypeVar("_Dated", Event, Quote)


def _ordered(records: list[_Dated], limit: int | None, reverse: bool) -> list[_Dated]:
    """Date order with undated last (also when reversed), then cut to `limit`."""
    dated = sorted((r for r in records if r.date is not None), key=lambda r: (sort_key(r.date), r.id), reverse=reverse)
    undated = sorted((r for r in records if r.date is None), key=lambda r: r.id)
    ordered = dated + undated
    return ordered[:limit] if limit is not None else ordered
