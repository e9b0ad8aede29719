"""Folding names and text to comparable forms, and the searchable text of each record.

Three levels of likeness, each looser than the one before:

- `fold`: case, Unicode compatibility forms, accents and Arabic diacritics, apostrophes (ayn and hamza
  marks), hyphens and spacing; in Arabic script also tatweel, the alef and hamza forms, ta marbuta
  written as ha and alef maqsura written as ya.
- `loose`: folded, without the article in any of its forms (al-, el-, ad-, ash-..., Arabic ال).
- `skeleton`: for Latin transliterations, the consonants only, doubled letters single and q as k, so
  that Mashaal, Meshaal, Mishal and Mashal all read "mshl", and Haniyeh and Haniya read "hny".

Searching (hamsyr.query.search), finding a name (hamsyr.query.names) and the cache's word index
(hamsyr.loading.database) all fold text here, so that a word means the same to each of them.
"""

import re
from collections.abc import Iterable, Iterator
from functools import cached_property, lru_cache
from itertools import filterfalse

from hamsyr.records.model import Actor, Dispute, Event, Phase, Quote, Record, Source

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


_SLICE = 1 << 16


def fold(text: str) -> str:
    """Lower-case, accent-free, apostrophe-free text with single spaces between words."""
    if not text.isascii():  # ASCII has no accents or Arabic forms: skip the costly decomposition
        import unicodedata  # here, as only non-ASCII text needs it

        combining = unicodedata.combining
        decomposed = unicodedata.normalize("NFKD", text)
        # A slice at a time: one string per character of a long text at once would take gigabytes.
        text = "".join(
            "".join(filterfalse(combining, decomposed[start : start + _SLICE]))
            for start in range(0, len(decomposed), _SLICE)
        )
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
    """The folded words of a text, for matching many query words against it (kept as one string: a list of
    every word of a long text would take many times its size)."""

    __slots__ = ("_padded",)

    def __init__(self, folded: str) -> None:
        self._padded = f" {folded}"  # words are single-spaced: " query" in it finds a word starting so

    def match(self, query: str, query_skeleton: str) -> float:
        """`word_match` of the query against the best of these words."""
        if f" {query}" in self._padded:
            return 1.0
        if len(query) >= _MIN_SKELETON_WORD:
            # Only a word beginning as the skeleton does can have it: most words need no skeleton made.
            starts = _starts(query_skeleton)
            for found in _RE.word.finditer(self._padded):
                word = found[0]
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


# --- what a search looks in -------------------------------------------------------------------------------

# How much a query word found in each part of a record counts towards a search hit's rank.
TITLE_WEIGHT, ID_WEIGHT, BODY_WEIGHT, ASIDE_WEIGHT = 3.0, 2.0, 1.0, 0.5
Part = tuple[str, float, str]  # (field name, weight, text)


def searchable(record: Record) -> tuple[list[Part], list[Part]]:
    """The parts of a record a search looks in: its own text, and the actors it names, whose text here is
    their id (a search looks for their names)."""
    own: list[Part] = [("id", ID_WEIGHT, record.id)]
    actors: list[Part] = []
    if isinstance(record, Source):
        own += [("title", TITLE_WEIGHT, record.title)]
        own += [(n, ASIDE_WEIGHT, v) for n, v in (("author", record.author), ("publisher", record.publisher)) if v]
    elif isinstance(record, Actor):
        own += [("name", TITLE_WEIGHT, record.name)]
        # A way of referring that is no name is found as what it is (an epithet, a label, a descriptor).
        own += [
            (str(a.kind), BODY_WEIGHT, a.name) if a.is_descriptor else ("aliases", TITLE_WEIGHT, a.name)
            for a in record.aliases
        ]
        own += [("description", BODY_WEIGHT, record.description)] if record.description else []
        own += [("roles", ASIDE_WEIGHT, role.title) for role in record.roles]
    elif isinstance(record, Event):
        own += [("title", TITLE_WEIGHT, record.title), ("summary", BODY_WEIGHT, record.summary)]
        own += [("date_text", ASIDE_WEIGHT, record.date_text)] if record.date_text else []
        own += [("places", ASIDE_WEIGHT, place) for place in record.places]
        own += [("tags", ASIDE_WEIGHT, tag) for tag in record.tags]
        actors += [("actors", ASIDE_WEIGHT, actor) for actor in record.involved]
    elif isinstance(record, Phase):
        own += [("label", TITLE_WEIGHT, record.label), ("summary", BODY_WEIGHT, record.summary)]
        own += [("sources", ASIDE_WEIGHT, c.excerpt) for c in record.sources]
    elif isinstance(record, Dispute):
        own += [("title", TITLE_WEIGHT, record.title), ("summary", BODY_WEIGHT, record.summary)]
        own += [("claims", BODY_WEIGHT, claim.claim) for claim in record.claims]
        own += [("sources", ASIDE_WEIGHT, c.excerpt) for claim in record.claims for c in claim.sources]
    else:
        own += [("text", TITLE_WEIGHT, record.text)]
        actors += [("speaker", BODY_WEIGHT, record.speaker)]
        actors += [("about", ASIDE_WEIGHT, actor) for actor in record.subjects]
        own += [("context", BODY_WEIGHT, record.context)] if record.context else []
        own += [("date_text", ASIDE_WEIGHT, record.date_text)] if record.date_text else []
    if isinstance(record, Event | Quote):
        own += [("sources", ASIDE_WEIGHT, citation.excerpt) for citation in record.sources]
    return own, actors


def index_terms(record: Record) -> tuple[str, str, str]:
    """What the cache's word index holds of a record (hamsyr.loading.database): its own folded words in its
    heaviest parts (a title or name), and in the others, and the ids of the actors it names."""
    own, actors = searchable(record)
    heaviest = fold(" ".join(text for _, weight, text in own if weight == TITLE_WEIGHT))
    others = fold(" ".join(text for _, weight, text in own if weight != TITLE_WEIGHT))
    return heaviest, others, " ".join(dict.fromkeys(actor for _, _, actor in actors))


def shapes(words: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(word, skeleton) for each of these folded words that a transliteration skeleton can match."""
    match = _RE.latin.fullmatch
    for word in words:
        if len(word) >= _MIN_SKELETON_WORD and match(word):
            yield word, skeleton(word)
