"""Finding the one record a person means: an actor under any spelling, a source by id or title, a tag in
any case. What cannot be found raises LookupFailed with the candidates worth showing."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from hamsyr.errors import LookupFailed
from hamsyr.query.names import NameIndex, fold
from hamsyr.records.model import Actor, Source


class ActorMatch(NamedTuple):
    """An actor found for a name, and how: "id", "name", "words", "spelling" or "fuzzy"."""

    actor: Actor
    how: str


def names_of(actors: Sequence[Actor]) -> NameIndex:
    """The actors' names and spellings; descriptors ("the Syrian leadership") rank below them."""
    names = [(a.id, (a.name, *(alias.name for alias in a.aliases if not alias.is_descriptor))) for a in actors]
    descriptors = [(a.id, [alias.name for alias in a.aliases if alias.is_descriptor]) for a in actors]
    return NameIndex(names, descriptors=descriptors)


def resolve_actor(names: NameIndex, actors: Mapping[str, Actor], name: str) -> ActorMatch:
    """The one actor a name, alias or id means; LookupFailed listing the candidates when it is ambiguous or
    suggesting the closest names when nothing matches."""
    if not name.strip():
        raise LookupFailed("an empty name matches no actor")
    found = names.resolve(name)
    matches = [actors[owner] for owner in found.owners]
    if len(matches) == 1:
        return ActorMatch(matches[0], found.how)
    if matches:
        candidates = [describe(actor) for actor in matches]
        raise LookupFailed(f"{name!r} could be {len(matches)} actors; give one of these ids", candidates)
    suggestions = [describe(actors[owner]) for owner in found.suggestions]
    hint = "did you mean one of these?" if suggestions else "`hamsyr actors` lists them"
    raise LookupFailed(f"no actor matches {name!r}; {hint}", suggestions)


def describe(actor: Actor) -> str:
    """How a candidate is told apart from the others in an error message."""
    detail = f" - {actor.description}" if actor.description else ""
    return f"{actor.id} ({actor.name}, {actor.kind.value}){detail}"


def find_source(sources: Sequence[Source], wanted: str) -> Source:
    """The source with this id (or a unique title match); LookupFailed suggests the closest ids."""
    by_id = {source.id: source for source in sources}
    if wanted.strip() in by_id:
        return by_id[wanted.strip()]
    folded = fold(wanted)
    matches = [source for source in sources if folded and folded in fold(source.title)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise LookupFailed(f"source {wanted!r} is ambiguous", [s.id for s in matches])
    close = difflib.get_close_matches(wanted, list(by_id), n=5, cutoff=0.5)
    raise LookupFailed(f"no source {wanted!r}; `hamsyr sources` lists them", close)


def find_tag(known: Sequence[str], name: str) -> str:
    """A tag in use, given in any case; LookupFailed suggests the closest tags."""
    wanted = name.strip().lower()
    if wanted in known:
        return wanted
    close = difflib.get_close_matches(wanted, known, n=5, cutoff=0.5)
    hint = "did you mean one of these?" if close else f"tags in use: {', '.join(known) or 'none'}"
    raise LookupFailed(f"no event has the tag {name!r}; {hint}", close)
