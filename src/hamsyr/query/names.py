"""Folding names and text to comparable forms, and finding a name under any of its spellings.

Three levels of likeness, each looser than the one before:

- `fold`: case, Unicode compatibility forms, accents and Arabic diacritics, apostrophes (ayn and hamza
  marks), hyphens and spacing; in Arabic script also tatweel, the alef and hamza forms, ta marbuta
  written as ha and alef maqsura written as ya.
- `loose`: folded, without the article in any of its forms (al-, el-, ad-, ash-..., Arabic ال).
- `skeleton`: for Latin transliterations, the consonants only, doubled letters single and q as k, so
  that Mashaal, Meshaal, Mishal and Mashal all read "mshl", and Haniyeh and Haniya read "hny".

`NameIndex` resolves a query against many names with those levels in turn, then a fuzzy match.
"""

import re
from collections.abc import Iterable, Iterator
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from typing import NamedTuple

# Apostrophe-like marks (transliterations write ayn and hamza with any of them) disappear entirely.
_APOSTROPHES = dict.fromkeys(map(ord, "'\u2018\u2019\u02bc\u02bb\u02be\u02bf`\u00b4"), None)
_ARABIC = {
    0x0640: None,  # tatweel (kashida), a stretching stroke
    0x0621: None,  # a lone hamza
    0x0671: 0x0627,  # alef wasla -> alef (the other alef forms lose their hamza or madda in NFKD)
    0x0629: 0x0647,  # ta marbuta -> ha, as it is often written
    0x0649: 0x064A,  # alef maqsura -> ya
    0x06CC: 0x064A,  # Persian ya -> ya
    0x06A9: 0x0643,  # Persian kaf -> kaf
}
_FOLD_TABLE = {**_APOSTROPHES, **_ARABIC}
_SEPARATOR_CHARS = r"\s\-\u2010-\u2015_./,;:!?\"()\[\]{}\u201c\u201d\u00ab\u00bb\u060c\u061b\u061f"

# The Arabic article as transliterated, with the assimilated forms before "sun letters".
_ARTICLES = frozenset(
    {
        *("al", "el", "il", "ul", "an", "en", "un"),
        *("ad", "ed", "adh", "ud", "ar", "er", "ur", "as", "es", "us", "ash", "esh", "ush"),
        *("at", "et", "ut", "ath", "az", "ez", "uz"),
    }
)
_ARABIC_ARTICLE = "\u0627\u0644"  # ال
_VOWELS = frozenset("aeiou")


class _Patterns:
    """Regular expressions compiled on first use: together they cost about 3 ms, and listing or printing
    records needs none of them."""

    @cached_property
    def separators(self) -> re.Pattern[str]:
        return re.compile(f"[{_SEPARATOR_CHARS}]+")

    @cached_property
    def word(self) -> re.Pattern[str]:
        return re.compile(f"[^{_SEPARATOR_CHARS}]+")

    @cached_property
    def latin(self) -> re.Pattern[str]:
        return re.compile(r"[a-z0-9]+")

    @cached_property
    def i_before_vowel(self) -> re.Pattern[str]:
        return re.compile(r"i(?=[aeou])")

    @cached_property
    def vowel(self) -> re.Pattern[str]:
        return re.compile("[aeiou]")

    @cached_property
    def doubled(self) -> re.Pattern[str]:
        return re.compile(r"(.)\1+")


_RE = _Patterns()
# Word matches by transliteration skeleton only count for words this long, to keep "war" from "were".
_MIN_SKELETON_WORD = 4
# Fuzzy matches at least this close are offered as suggestions ("did you mean").
_SUGGEST = 0.6


def fold(text: str) -> str:
    """Lower-case, accent-free, apostrophe-free text with single spaces between words."""
    if not text.isascii():  # ASCII has no accents or Arabic forms: skip the costly decomposition
        import unicodedata  # here, as only non-ASCII text needs it

        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _RE.separators.sub(" ", text.translate(_FOLD_TABLE).casefold()).strip()


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    folded = fold(text)
    return folded.split(" ") if folded else []


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, folded word) for each word of `text`, positions in the original text."""
    for match in _RE.word.finditer(text):
        folded = fold(match[0])
        if folded:
            yield match.start(), match.end(), folded


def _without_article(word: str) -> str:
    if len(word) > 3 and word.startswith(_ARABIC_ARTICLE):
        return word[2:]
    return word


def loose_words(text: str) -> list[str]:
    """Folded words without articles: "Khalil al-Hayya" -> ["khalil", "hayya"].

    An article is a word that comes before another, so the last word always stays ("al-US" -> ["us"]).
    """
    folded = [_without_article(word) for word in words(text)]
    return [word for position, word in enumerate(folded, 1) if position == len(folded) or word not in _ARTICLES]


@lru_cache(maxsize=1 << 16)
def skeleton(word: str) -> str:
    """The consonants of a Latin transliteration: "mashaal" -> "mshl", "haniyeh" -> "hnya".

    A final h after a vowel (Haniyeh, Hezbollah) goes; "ie" reads "iye" (Hanieh, Haniyeh); q counts as k;
    a leading or final vowel is kept as "a" (Osama, Usama; Hassan is not Hassani); doubled letters count
    once. Words in other scripts are returned as they are. Cached: texts repeat their words.
    """
    if not _RE.latin.fullmatch(word):
        return word
    if len(word) > 3 and word.endswith("h") and word[-2] in _VOWELS:
        word = word[:-1]
    word = _RE.i_before_vowel.sub("iy", word).replace("q", "k")
    first = "a" if word[0] in _VOWELS else word[0]
    if len(word) == 1:
        return first
    last = "a" if word[-1] in _VOWELS else word[-1]
    return _RE.doubled.sub(r"\1", first + _RE.vowel.sub("", word[1:-1]) + last)


def word_match(query: str, word: str) -> float:
    """How well one folded query word matches one folded text word: 1 when the word starts with the
    query ("syria" in "syrian"), 0.8 when their transliteration skeletons agree, else 0."""
    if word.startswith(query):
        return 1.0
    if min(len(query), len(word)) >= _MIN_SKELETON_WORD and skeleton(query) == skeleton(word):
        return SPELLING_MATCH
    return 0.0


SPELLING_MATCH = 0.8  # what a word found only by its transliteration skeleton counts for


class Words:
    """The folded words of a text, for matching many query words against it."""

    __slots__ = ("_padded", "words")

    def __init__(self, folded: str) -> None:
        self._padded = f" {folded}"  # words are single-spaced: " query" in it finds a word starting so
        self.words = tuple(folded.split(" ")) if folded else ()

    def match(self, query: str, query_skeleton: str) -> float:
        """`word_match` of the query against the best of these words."""
        if f" {query}" in self._padded:
            return 1.0
        if len(query) >= _MIN_SKELETON_WORD:
            # Only a word beginning as the skeleton does can have it: most words need no skeleton made.
            starts = _starts(query_skeleton)
            for word in self.words:
                if len(word) >= _MIN_SKELETON_WORD and word[0] in starts and skeleton(word) == query_skeleton:
                    return SPELLING_MATCH
        return 0.0


@lru_cache(maxsize=1 << 10)
def _starts(shape: str) -> frozenset[str]:
    """The first letters of the words whose skeleton can be `shape` (see `skeleton`: a leading vowel reads
    "a", a leading q reads k)."""
    first = shape[0]
    if first == "a":
        return _VOWELS | {"a"}
    return frozenset("kq") if first == "k" else frozenset(first)


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
