"""Finding a name under any of its spellings (the folding itself is hamsyr.records.text).

`NameIndex` resolves a query against many names with the levels of likeness of hamsyr.records.text in turn
(folded, without articles, by transliteration skeleton), then a fuzzy match.
"""

from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import NamedTuple

from hamsyr.records.text import SPELLING_MATCH as SPELLING_MATCH
from hamsyr.records.text import fold as fold
from hamsyr.records.text import loose_words as loose_words
from hamsyr.records.text import skeleton as skeleton
from hamsyr.records.text import word_match as word_match

# Fuzzy matches at least this close are offered as suggestions ("did you mean").
_SUGGEST = 0.6


class Resolution(NamedTuple):
    """What a query resolved to: one owner, several (ambiguous), or none, with suggestions."""

    owners: tuple[str, ...]
    how: str  # "id", "name", "words", "spelling", "fuzzy" or "none"
    suggestions: tuple[str, ...] = ()


class _Key(NamedTuple):
    owner: str
    loose: tuple[str, ...]
    skeleton: tuple[str, ...]
    rank: int = 0  # 0: a name; 1: a way of referring to the owner ("the Syrian leadership"), tried after names


class NameIndex:
    """Names of many owners (actor ids), searchable under any spelling.

    `resolve` tries, in order, and stops at the first level that finds anything: the exact id; a name
    equal after folding and dropping articles; names containing every query word as the start of a
    word; the same two by transliteration skeleton; then a fuzzy match above `cutoff`, accepted only
    when one owner is clearly best. Each level may find several owners: the name is then ambiguous.
    """

    def __init__(
        self,
        names: Iterable[tuple[str, Iterable[str]]],
        cutoff: float = 0.82,
        descriptors: Iterable[tuple[str, Iterable[str]]] = (),
    ) -> None:
        """`names`: (owner, its names); `descriptors`: (owner, ways of referring to it), which match only where
        no name does."""
        self.cutoff = cutoff
        self.ids: set[str] = set()
        self.keys: list[_Key] = []
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for rank, entries in enumerate((names, descriptors)):
            for owner, owner_names in entries:
                if rank == 0:
                    self.ids.add(owner)
                for name in (owner, *owner_names) if rank == 0 else owner_names:
                    loose = tuple(loose_words(name))
                    if loose and (owner, loose) not in seen:
                        seen.add((owner, loose))
                        self.keys.append(_Key(owner, loose, tuple(skeleton(word) for word in loose), rank))

    def resolve(self, query: str) -> Resolution:
        text = query.strip()
        if text in self.ids:
            return Resolution((text,), "id")
        loose = tuple(loose_words(text))
        if not loose:
            return Resolution((), "none")
        shape = tuple(skeleton(word) for word in loose)
        levels = (
            ("name", lambda key: key.loose == loose),
            ("words", lambda key: all(any(w.startswith(q) for w in key.loose) for q in loose)),
            ("spelling", lambda key: key.skeleton == shape),
            ("spelling", lambda key: all(any(word_match(q, w) for w in key.loose) for q in loose)),
        )
        for how, test in levels:
            for rank in (0, 1):
                owners = _unique(key.owner for key in self.keys if key.rank == rank and test(key))
                if owners:
                    return Resolution(tuple(owners), how)
        return self._fuzzy(" ".join(loose), " ".join(shape))

    def _fuzzy(self, loose: str, shape: str) -> Resolution:
        best: dict[str, float] = {}
        # difflib caches its second sequence: one matcher per query form, fed every key in turn.
        for query, key_text in ((loose, _loose_text), (shape, _skeleton_text)):
            matcher = SequenceMatcher(None, autojunk=False)
            matcher.set_seq2(query)
            for key in self.keys:
                matcher.set_seq1(key_text(key))
                if matcher.real_quick_ratio() < _SUGGEST or matcher.quick_ratio() < _SUGGEST:
                    continue
                best[key.owner] = max(best.get(key.owner, 0.0), matcher.ratio())
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        if ranked and ranked[0][1] >= self.cutoff and (len(ranked) == 1 or ranked[1][1] < ranked[0][1] - 0.05):
            return Resolution((ranked[0][0],), "fuzzy")
        suggestions = tuple(owner for owner, score in ranked[:5] if score >= _SUGGEST)
        return Resolution((), "none", suggestions)

    def matching(self, query: str) -> list[str]:
        """Owners with a name containing every query word (by start of word or by spelling)."""
        loose = loose_words(query)
        return _unique(key.owner for key in self.keys if all(any(word_match(q, w) for w in key.loose) for q in loose))


def _loose_text(key: _Key) -> str:
    return " ".join(key.loose)


def _skeleton_text(key: _Key) -> str:
    return " ".join(key.skeleton)


def _unique(owners: Iterable[str]) -> list[str]:
    return sorted(set(owners))
