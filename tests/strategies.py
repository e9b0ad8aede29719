"""Hypothesis strategies shared by the tests: text as a fact base may hold it, as a user may type it, dates,
and whole generated fact bases."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import strategies as st

# Any text but lone surrogates (which no file can hold), not blank, since required fields must say something.
text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).filter(lambda t: t.strip())
slug = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?", fullmatch=True)


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped, the rest as it is."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m[0]):04x}", escaped) + '"'


@st.composite
def edtf_dates(draw: st.DrawFn) -> str:
    day = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
    text_ = draw(st.sampled_from([day.isoformat()[:4], day.isoformat()[:7], day.isoformat()]))
    return text_ + draw(st.sampled_from(["", "~", "?", "%"]))


@st.composite
def fact_bases(draw: st.DrawFn) -> str:
    ids = draw(st.lists(slug, min_size=3, max_size=9, unique=True))
    sources, actors, events = ids[:1], ids[1:3], ids[3:]
    lines = []
    for source in sources:
        lines += ["[[sources]]", f'id = "{source}"', f"title = {toml_string(draw(text))}", ""]
    for actor in actors:
        lines += ["[[actors]]", f'id = "{actor}"', f"name = {toml_string(draw(text))}", 'kind = "person"']
        aliases = draw(st.lists(text, max_size=2))
        lines += [f"aliases = [{', '.join(map(toml_string, aliases))}]", ""]
        if draw(st.booleans()):
            lines += ["[[actors.roles]]", f"title = {toml_string(draw(text))}", f'start = "{draw(edtf_dates())}"', ""]
    for event in events:
        lines += ["[[events]]", f'id = "{event}"', f"title = {toml_string(draw(text))}"]
        lines += [f"summary = {toml_string(draw(text))}"]
        if draw(st.booleans()):
            lines += [f'date = "{draw(edtf_dates())}"', f"date_text = {toml_string(draw(text))}"]
        lines += [f'actors = ["{draw(st.sampled_from(actors))}"]']
        lines += [f'sources = [{{ source = "{sources[0]}", excerpt = {toml_string(draw(text))} }}]', ""]
    return "\n".join(lines)


# Text a user might type, including control characters, markup, Arabic, and option-like words.
typed = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
) | st.sampled_from(["", " ", "--", "-x", "[bold]", "\x1b[31m", "2022-02-30", "2012/2011", "الأسد", "../"])

# Words for tables: wide (CJK), accented, Arabic and the marks hamsyr draws with.
WORD = st.text(alphabet=st.sampled_from([*"abcdefghij-/~", "漢", "é", "ع", "“", "⚑"]), min_size=1, max_size=15)
