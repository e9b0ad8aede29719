"""Folding names and free text to a comparable form: case, accents, apostrophes, hyphens and spacing.

`fold` is used both for names and for text search, so that a query typed without accents, with other
apostrophes or with a hyphen missing still finds what the fact base wrote.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Apostrophe-like marks (transliterations write ayn and hamza with any of them) disappear entirely.
_APOSTROPHES = dict.fromkeys(map(ord, "'\u2018\u2019\u02bc\u02bb\u02be\u02bf`\u00b4"), None)
_SEPARATOR_CHARS = r"\s\-\u2010-\u2015_./,;:!?\"()\[\]{}\u201c\u201d\u00ab\u00bb"
_SEPARATORS = re.compile(f"[{_SEPARATOR_CHARS}]+")
_WORD = re.compile(f"[^{_SEPARATOR_CHARS}]+")


def fold(text: str) -> str:
    """Lower-case, accent-free, apostrophe-free text with single spaces between words."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", stripped.translate(_APOSTROPHES).casefold()).strip()


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    folded = fold(text)
    return folded.split(" ") if folded else []


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, folded word) for each word of `text`, positions in the original text."""
    for match in _WORD.finditer(text):
        folded = fold(match[0])
        if folded:
            yield match.start(), match.end(), folded
