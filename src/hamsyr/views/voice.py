"""How hamsyr says what the sources make certain or not: a date and its qualifiers, a span of dates, an open
end, who says so, what an event is, that the sources disagree, what was last attested, what is undated.

Every phrase of that kind that people read is written here once, and the tables, the SVG and HTML pictures,
TimelineJS, the Datasette description and the notes on stderr all take it from here, so that wording
changes in one place (TSV and CSV carry the fields themselves, and say nothing in words). Plain strings
only: where a phrase is drawn, and in which style, is for whoever draws it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hamsyr.records.dates import FuzzyDate
    from hamsyr.records.model import Citation, EventKind, Role

UNDATED = "undated"  # a record the sources do not place in time
OPEN_END = "…"  # the side of a span the sources do not give
DATES_UNKNOWN = "dates unknown"  # a role the sources do not place in time
LAST_ATTESTED = "last attested"  # no end given: the latest time the sources attest it
THE_DOCUMENT_ITSELF = "the document itself"  # who makes a claim when the document attributes it to nobody
STILL_GOING = "no end given (still going on when the sources wrote)"  # a phase with no end
DISPUTED = "⚑ disputed"
DISPUTED_AT_LENGTH = "⚑ The sources disagree about this: "  # the same, where there is room for a sentence
PER = "per"  # attribution: "per Syrian sources"
QUOTES = ("“", "”")  # around someone's own words
BESIDE = " · "  # between the parts of a line: a date and the source's phrase for it, a kind and who says so
# The kind of event said without a word: something that happened, as the sources tell it.
PLAIN_KIND = "occurrence"


def quoted(words: str) -> str:
    """Someone's own words (a source's phrase for a date, an excerpt, a quotation) in quotation marks."""
    return f"{QUOTES[0]}{words}{QUOTES[1]}"


def qualifiers(value: FuzzyDate) -> str:
    """A date's qualifiers in words: "approx.", "inferred", "approx., inferred", "year inferred", or ""."""
    words = [word for word, on in (("approx.", value.approximate), ("inferred", value.uncertain)) if on]
    if not words:
        return ""
    return f"{value.qualified} {' and '.join(words)}" if value.qualified else ", ".join(words)


def date_parts(value: FuzzyDate | None) -> tuple[str, str]:
    """A date as written and its qualifiers in words after it: ("2012-10~/2012-12", " (approx.)"),
    ("2012", ""), ("undated", "")."""
    if value is None:
        return UNDATED, ""
    qualified = qualifiers(value)
    return value.text, f" ({qualified})" if qualified else ""


def date_words(value: FuzzyDate | None) -> str:
    """A date as written, with its qualifiers in words: `2012-10~/2012-12 (approx.)`, or "undated"."""
    return "".join(date_parts(value))


def date_line(value: FuzzyDate | None, phrase: str | None = None) -> str:
    """A date on one line, the source's phrase for it last: `2012-10~/2012-12 (approx.) · “late 2012”`."""
    words = date_words(value)
    return f"{words}{BESIDE}{quoted(phrase)}" if phrase else words


def span(start: FuzzyDate | None, end: FuzzyDate | None) -> str:
    """From one date to another, as written, where a line is short: `2012 → 2022-09`; an open side is `…`."""
    return f"{start.text if start else OPEN_END} → {end.text if end else OPEN_END}"


def period(start: FuzzyDate, end: FuzzyDate | None) -> str:
    """A phase's dates in words, where there is room: `2012 to 2022-09 (approx.)`, or with no end given."""
    return f"{date_words(start)} to {date_words(end) if end else STILL_GOING}"


def role_dates(role: Role) -> str:
    """When the sources place a role: `2017-06 → 2022-09~, last attested`, or "dates unknown"."""
    if not role.dated:
        return DATES_UNKNOWN
    end = role.end or role.last_attested
    return span(role.start, end) + ("" if role.end or not end else f", {LAST_ATTESTED}")


def per(who: str) -> str:
    return f"{PER} {who}"


def attribution(citations: Iterable[Citation]) -> str:
    """Who the sources say makes a claim: "per Syrian sources; per Hamas officials", or ""."""
    return "; ".join(per(who) for who in dict.fromkeys(c.attributed_to for c in citations if c.attributed_to))


def cited(citation: Citation) -> str:
    """A citation on one line: `doc-b (per Hamas officials): “...”`."""
    who = f" ({per(citation.attributed_to)})" if citation.attributed_to else ""
    return f"{citation.source}{who}: {quoted(citation.excerpt)}"


def said(kind: EventKind | str | None, citations: Iterable[Citation]) -> str:
    """What a record is and who says so: "report · per Syrian sources". A plain occurrence goes unsaid."""
    what = str(kind) if kind and kind != PLAIN_KIND else ""
    return BESIDE.join(part for part in (what, attribution(citations)) if part)


def disputed(dispute_ids: Sequence[str]) -> str:
    """That the sources disagree about a record, and where to look: "⚑ disputed: why-the-break"."""
    return f"{DISPUTED}: {', '.join(dispute_ids)}"


# --- notes: what a person is told on stderr beside an answer ----------------------------------------------


def undated_left_out(count: int, record_name: str) -> str:
    them = f"{count} {UNDATED} {record_name}s" if count > 1 else f"1 {UNDATED} {record_name}"
    return f"the date filter left out {them}, which the sources do not place in time"


def nobody_attested(on: FuzzyDate, latest: Iterable[tuple[str, str, FuzzyDate]]) -> str:
    """No holder of a role is attested on a date; (name, title, horizon) of those last attested."""
    who = "; ".join(f"{name} ({title}), {horizon}" for name, title, horizon in latest)
    return f"no attested holder on {on}; {LAST_ATTESTED}: {who}"


def silent_on(actor: str, title: str, horizon: FuzzyDate, on: FuzzyDate) -> str:
    """A role the sources attest no later than `horizon`, asked about on a later date."""
    return f"{actor}: {title} is {LAST_ATTESTED} {horizon}; the sources say nothing of it on {on}"


def no_dated_role(on: str) -> str:
    return f"No role the sources date is known to have been held on {on}."
