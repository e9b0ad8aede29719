"""Making untrusted text safe for a terminal: control and invisible characters become visible escapes.

A raw ESC, C1 control or bidi override from a fact base could change colours, titles, the clipboard,
hyperlinks or the visible order of text; an invisible character (a zero-width space, a soft hyphen, a tag
character) could make two different names look alike. Every piece of fact base text on its way to a person
goes through `visible` (tables, messages, hints, lists, reports, file names) or `field` (TSV, CSV). JSON
keeps the exact text instead, with these characters as \\u escapes (`json_safe`).

Invisible means every default-ignorable code point of Unicode (its DerivedCoreProperties: the soft hyphen,
combining grapheme joiner, Hangul fillers, Mongolian and other variation selectors, zero-width and bidi
formatting characters, word joiner and invisible operators, byte-order mark, interlinear annotation marks,
musical formatting characters, shorthand format controls, tag characters...), so that no two names that
look alike are different. The zero-width joiner and non-joiner (U+200C, U+200D) stay: Arabic, Persian and
emoji text need them.
"""

from __future__ import annotations

import re
from functools import cache

# C0 controls other than tab and newline, DEL and C1 controls, line and paragraph separators, lone surrogates
# (which cannot even be encoded), and every invisible character (bidi controls among them).
_INVISIBLE = (  # default-ignorable code points (but U+200C, U+200D), and the interlinear annotation marks
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff"
)
_UNSAFE_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff" + _INVISIBLE
_FIELD_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


@cache
def _pattern(for_field: bool) -> re.Pattern[str]:
    # Compiled on first use: these large character classes cost milliseconds, and JSON output needs neither.
    return re.compile(("[\\\\\t\n\r]|" if for_field else "") + f"[{_UNSAFE_CHARS}]")


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str) -> str:
    """Text for a table cell: unsafe characters shown as \\x1b or \\u202e; tabs and newlines kept."""
    return _pattern(False).sub(lambda m: _escape(m[0]), text)


def field(text: str) -> str:
    """Text for one TSV field: tab, newline, CR and backslash escaped too, so that a line is a record."""
    return _pattern(True).sub(lambda m: _FIELD_ESCAPES.get(m[0]) or _escape(m[0]), text)


# The characters of _UNSAFE_CHARS that the JSON encoder leaves raw (it escapes the C0 controls itself; lone
# surrogates are escaped by writing JSON with ensure_ascii where the output cannot encode them).
_JSON_UNSAFE = "\x7f-\x9f\u2028\u2029" + _INVISIBLE


@cache
def _json_pattern() -> re.Pattern[str]:
    return re.compile(f"[{_JSON_UNSAFE}]")


def json_safe(encoded: str) -> str:
    """JSON text with the characters the encoder leaves raw but a terminal would act on as \\u escapes.

    The standard encoder already escapes C0 controls; these remaining ones can only occur inside strings,
    so escaping them keeps the JSON valid and its decoded text exact.
    """
    if encoded.isascii() and "\x7f" not in encoded:  # the usual case, with no pattern to compile for it
        return encoded
    return _json_pattern().sub(_json_escape, encoded)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    if code < 0x10000:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)  # JSON writes a character past U+FFFF as a surrogate pair
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"
