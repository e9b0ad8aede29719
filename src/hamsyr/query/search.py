"""Words in records: the --text filter and ranked search, over the searchable parts of each record.

A query word matches a word of a record when that word starts with it ("syria" finds "Syrian") or has the
same transliteration skeleton ("Meshal" finds "Mashaal"); see hamsyr.query.names.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import NamedTuple

from hamsyr.query.names import Words, fold, skeleton, word_match, word_spans, words
from hamsyr.query.results import SEARCH_ORDER, Hit
from hamsyr.records.dates import sort_key
from hamsyr.records.model import (
    Actor,
    Dispute,
    Event,
    Phase,
    Quote,
    Record,
    Source,
    record_date,
    record_type,
)

# How much a query word found in each part of a record counts towards a search hit's rank.
_TITLE_WEIGHT, _ID_WEIGHT, _BODY_WEIGHT, _ASIDE_WEIGHT = 3.0, 2.0, 1.0, 0.5
_SNIPPET_CHARS = 120


class TextQuery(NamedTuple):
    """The folded words of a query, with their skeletons, computed once per query."""

    words: tuple[str, ...]
    skeletons: tuple[str, ...]

    @classmethod
    def of(cls, text: str | None) -> TextQuery:
        query = tuple(words(text or ""))
        return cls(query, tuple(skeleton(word) for word in query))

    def scores(self, part: _Part) -> list[float]:
        return [part.words.match(word, shape) for word, shape in zip(self.words, self.skeletons, strict=True)]

    def found_in(self, texts: Sequence[Words]) -> bool:
        """Every query word matches a word of one of the texts (an empty query matches anything)."""
        pairs = zip(self.words, self.skeletons, strict=True)
        return all(any(text.match(word, shape) for text in texts) for word, shape in pairs)

    def in_phrase(self, text: str) -> bool:
        """The query's words appear together in `text`, in order, each the start of a word."""
        found = words(text)
        size = len(self.words)
        return any(self._matches_at(found, start) for start in range(len(found) - size + 1)) if size else True

    def _matches_at(self, found: Sequence[str], start: int) -> bool:
        return all(word_match(query, found[start + n]) for n, query in enumerate(self.words))

    def begins(self, text: str) -> bool:
        """The query's words begin `text`, in order, each the start of a word ("head of" begins "Head of the
        Political Bureau", not "Deputy head of...")."""
        found = words(text)
        return len(found) >= len(self.words) and all(
            word_match(query, word) for query, word in zip(self.words, found, strict=False)
        )


class _Part(NamedTuple):
    """One searchable part of a record, folded once."""

    field: str
    weight: float
    text: str
    folded: str
    words: Words


def _searchable(record: Record, name_of: Callable[[str], str]) -> list[tuple[str, float, str]]:
    """(field name, weight, text) for every searchable part of a record; linked actors count by name."""
    parts: list[tuple[str, float, str]] = [("id", _ID_WEIGHT, record.id)]
    if isinstance(record, Source):
        parts += [("title", _TITLE_WEIGHT, record.title)]
        parts += [(n, _ASIDE_WEIGHT, v) for n, v in (("author", record.author), ("publisher", record.publisher)) if v]
    elif isinstance(record, Actor):
        parts += [("name", _TITLE_WEIGHT, record.name)]
        parts += [("aliases", _BODY_WEIGHT if a.is_descriptor else _TITLE_WEIGHT, a.name) for a in record.aliases]
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


class TextIndex:
    """The searchable parts of records, folded when a record is looked at (not kept: a large base would not
    fit in memory twice over)."""

    def __init__(self, name_of: Callable[[str], str]) -> None:
        self._name_of = name_of

    def parts(self, record: Record, query: TextQuery | None = None) -> tuple[_Part, ...]:
        """The record's searchable parts; none when it cannot hold every word of `query` (a record is folded
        once as a whole to find that out, which is most of the work spared when most records do not)."""
        searchable = _searchable(record, self._name_of)
        if query is not None and not query.found_in([Words(fold(" ".join(text for _, _, text in searchable)))]):
            return ()
        found = []
        for name, weight, text in searchable:
            folded = fold(text)
            found.append(_Part(name, weight, text, folded, Words(folded)))
        return tuple(found)

    def matches(self, record: Record, query: TextQuery) -> bool:
        return not query.words or query.found_in([part.words for part in self.parts(record)])

    def search(self, records: Iterable[Record], query: TextQuery, limit: int | None = None) -> list[Hit]:
        """The records containing every word of the query, best first.

        Each word counts the weight of the heaviest part it is found in (a title or name most, an excerpt
        least), less when found only by its transliteration skeleton; the whole phrase together adds the
        weight of the part that holds it.
        """
        phrase = " ".join(query.words)
        order = {name: rank for rank, name in enumerate(SEARCH_ORDER)}

        def found() -> Iterator[tuple[float, Record, _Part]]:
            """(score, record, the part to show) for each record holding every word of the query."""
            for record in records:
                per_part = [(part, query.scores(part)) for part in self.parts(record, query)]
                if not per_part:
                    continue
                scores = [max(part.weight * found[n] for part, found in per_part) for n in range(len(query.words))]
                if not all(scores):
                    continue
                # The passage shown: the part holding the phrase, else the one matching most words, heaviest first.
                best, _ = max(
                    per_part,
                    key=lambda item: (
                        f" {phrase}" in f" {item[0].folded}",
                        sum(1 for x in item[1] if x),
                        item[0].weight,
                    ),
                )
                bonus = best.weight if f" {phrase}" in f" {best.folded}" else 0.0
                yield sum(scores) + bonus, record, best

        def rank(hit: tuple[float, Record, _Part]) -> tuple[float, int, tuple[int, date, date], str]:
            score, record, _ = hit
            return (-score, order[record_type(record)], sort_key(record_date(record)), record.id)

        # Only the best few are kept as the records go by; only their passages are cut.
        chosen = heapq.nsmallest(limit, found(), key=rank) if limit is not None else sorted(found(), key=rank)
        return [Hit(record, score, best.field, *_passage(best.text, query.words)) for score, record, best in chosen]


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
