"""Words in records: the --text filter and ranked search, over the searchable parts of each record.

A query word matches a word of a record when that word starts with it ("syria" finds "Syrian") or has the
same transliteration skeleton ("Meshal" finds "Mashaal"); see hamsyr.records.text.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import NamedTuple

from hamsyr.query.results import SEARCH_ORDER, Hit
from hamsyr.records.dates import sort_key
from hamsyr.records.model import Record, record_date, record_type
from hamsyr.records.text import (
    TITLE_WEIGHT,
    Part,
    Words,
    fold,
    loose_words,
    searchable,
    skeleton,
    word_match,
    word_spans,
    words,
)

_SNIPPET_CHARS = 120


class TextQuery(NamedTuple):
    """The folded words of a query, with their skeletons, computed once per query."""

    words: tuple[str, ...]
    skeletons: tuple[str, ...]

    @classmethod
    def of(cls, text: str | None) -> TextQuery:
        """The words of a query folded as names are: without the Arabic article (al-, el-, ad-..., ال) before
        another word, hyphens as spaces ("Al-yarmouk" looks for "yarmouk")."""
        query = tuple(loose_words(text or ""))
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


def _searchable(record: Record, name_of: Callable[[str], str]) -> list[Part]:
    """(field name, weight, text) for every searchable part of a record; linked actors count by name."""
    own, actors = searchable(record)
    return own + [(field, weight, name_of(actor)) for field, weight, actor in actors]


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

    def scored(self, record: Record, query: TextQuery) -> tuple[float, _Part] | None:
        """How well a record answers the query, and the part of it to show; None when it does not hold every
        word of the query.

        Each word counts the weight of the heaviest part it is found in (a title or name most, an excerpt
        least), less when found only by its transliteration skeleton; the whole phrase together adds the
        weight of the part that holds it. So no record scores more than `best_score`.
        """
        per_part = [(part, query.scores(part)) for part in self.parts(record, query)]
        if not per_part:
            return None
        scores = [max(part.weight * found[n] for part, found in per_part) for n in range(len(query.words))]
        if not all(scores):
            return None
        phrase = f" {' '.join(query.words)}"
        # The passage shown: the part holding the phrase, else the one matching most words, heaviest first.
        best, _ = max(
            per_part,
            key=lambda item: (phrase in f" {item[0].folded}", sum(1 for x in item[1] if x), item[0].weight),
        )
        bonus = best.weight if phrase in f" {best.folded}" else 0.0
        return sum(scores) + bonus, best

    def search(self, records: Iterable[Record], query: TextQuery, limit: int | None = None) -> list[Hit]:
        """The records containing every word of the query, best first (see `scored`); hits of equal score in
        the order of SEARCH_ORDER, then by date (undated last), then by id."""
        order = {name: rank for rank, name in enumerate(SEARCH_ORDER)}

        def found() -> Iterator[tuple[float, Record, _Part]]:
            for record in records:
                scored = self.scored(record, query)
                if scored is not None:
                    yield scored[0], record, scored[1]

        def rank(hit: tuple[float, Record, _Part]) -> tuple[float, int, tuple[int, date, date], str]:
            score, record, _ = hit
            return (-score, order[record_type(record)], sort_key(record_date(record)), record.id)

        # Only the best few are kept as the records go by; only their passages are cut.
        chosen = heapq.nsmallest(limit, found(), key=rank) if limit is not None else sorted(found(), key=rank)
        return [hit(record, score, best, query) for score, record, best in chosen]

    def best_scoring(self, ranked: Iterable[Record], query: TextQuery, limit: int) -> list[Hit] | None:
        """The first `limit` records of `ranked` (given in the order hits of equal score are listed) that score
        `best_score`: the hits of a search, when there are that many; else None."""
        best = best_score(query)
        hits = []
        for record in ranked:
            scored = self.scored(record, query)
            if scored is not None and scored[0] == best:
                hits.append(hit(record, best, scored[1], query))
                if len(hits) == limit:
                    return hits
        return None


def best_score(query: TextQuery) -> float:
    """What a record scores when every word and the whole phrase are in its heaviest part."""
    return (len(query.words) + 1) * TITLE_WEIGHT


def hit(record: Record, score: float, best: _Part, query: TextQuery) -> Hit:
    return Hit(record, score, best.field, *_passage(best.text, query.words))


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
