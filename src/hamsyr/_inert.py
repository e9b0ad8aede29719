"""Making untrusted text safe for a terminal: control characters become visible escapes.

A raw ESC, C1 control or bidi override from a fact base could change colours, titles, hyperlinks or the
visible order of text. JSON output keeps the exact text instead.
"""

from __future__ import annotations

import re
from functools import cache

# C0 controls other than tab and newline, DEL and C1 controls, bidi controls (embedding, override, isolate,
# marks), line/paragraph separators, and lone surrogates (which cannot even be encoded).
_UNSAFE_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_FIELD_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


@cache
def _pattern(for_field: bool) -> re.Pattern[str]:
    # Compiled on first use: these large character classes cost milliseconds, and JSON output needs neither.
    return re.compile(("[\\\\\t\n\r]|" if for_field else "") + f"[{_UNSAFE_CHARS}]")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Text for a table cell: unsafe characters shown as \\x1b or \\u202e; tabs and newlines kept."""
    return _pattern(False).sub(lambda m: _escape(m[0]), text)


def field(text: str) -> str:
    """Text for one TSV field: tab, newline, CR and backslash escaped too, so that a line is a record."""
    return _pattern(True).sub(lambda m: _FIELD_ESCAPES.get(m[0]) or _escape(m[0]), text)


# The characters of _UNSAFE_CHARS that the JSON encoder leaves raw (it escapes the C0 controls itself).
_JSON_UNSAFE = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"


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
    return _json_pattern().sub(lambda m: f"\\u{ord(m[0]):04x}", encoded)
