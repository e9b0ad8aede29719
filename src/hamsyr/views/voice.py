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

from hamsyr.records.dates import Precision

if TYPE_CHECKING:
    from hamsyr.records.dates import FuzzyDate
    from hamsyr.records.model import Alias, Citation, EventKind, Phase, Role

UNDATED = "undated"  # a record the sources do not place in time
OPEN_END = "…"  # the side of a span the sources do not give
DASH = "\u2013"  # an en dash: between the ends of a span that is itself one end of a period ("2011-2012 → 2022")
DATES_UNKNOWN = "dates unknown"  # a role the sources do not place in time
LAST_ATTESTED = "last attested"  # no end given: the latest time the sources attest it
THE_DOCUMENT_ITSELF = "the document itself"  # who makes a claim when the document attributes it to nobody
NO_END = "no end the sources give or attest"  # a phase with neither an end nor a last attestation
DISPUTED = "⚑ disputed"
DISPUTED_AT_LENGTH = "⚑ The sources disagree about this: "  # the same, where there is room for a sentence
PER = "per"  # attribution: "per Syrian sources"
QUOTES = ("“", "”")  # around someone's own words
BESIDE = " · "  # between the parts of a line: a date and the source's phrase for it, a kind and who says so
# The kind of event said without a word: something that happened, as the sources tell it.
PLAIN_KIND = "occurrence"
NO_PHASE = "No phase is attested then."
IDENTIFIED = "identified, not named"  # an actor the source speaks of without naming, as the editors read it


def quoted(words: str) -> str:
    """Someone's own words (a source's phrase for a date, an excerpt, a quotation) in quotation marks."""
    return f"{QUOTES[0]}{words}{QUOTES[1]}"


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
FIRST_ATTESTED = "first attested"  # no start given: the earliest time the sources show it


def qualifiers(value: FuzzyDate) -> str:
    """A date's qualifiers in words: "approx.", "inferred", "approx., inferred", "year inferred", or ""; for a
    span whose ends differ, each end's ("start approx.; end inferred")."""
    ends = value.ends
    said = [_qualifiers(end) for end in ends]
    if len(ends) == 1 or said[0] == said[1]:
        return said[0]
    return "; ".join(f"{side} {words}" for side, words in zip(("start", "end"), said, strict=True) if words)


def _qualifiers(value: FuzzyDate) -> str:
    words = [word for word, on in (("approx.", value.approximate), ("inferred", value.uncertain)) if on]
    if not words:
        return ""
    return f"{value.qualified} {' and '.join(words)}" if value.qualified else ", ".join(words)


def when(value: FuzzyDate, to: str = " to ") -> str:
    """A date in words, as people write it, without its qualifiers: "1987", "January 1992", "15 May 1998",
    "June to September 2017", "10 to 21 May 2021", "1990 to 1993", "June 2017 to September 2022"; `to`
    joins the ends of a span (DASH where a span is itself one end of a period)."""
    ends = value.ends
    if len(ends) == 1:
        return _day_words(ends[0], with_year=True)
    first, last = ends
    if (first.precision, last.precision) == (Precision.DAY, Precision.MONTH) and first.start.month == last.start.month:
        return f"{_day_words(first, with_year=True)}{to}later in {_day_words(last, with_year=True)}"
    # One year is said once ("June to September 2017") only where both ends are as precise: "15 September
    # to September 2022" would read as a slip.
    if first.start.year == last.start.year and first.precision == last.precision != Precision.YEAR:
        if first.precision == Precision.DAY and first.start.month == last.start.month:
            return f"{first.start.day}{to}{_day_words(last, with_year=True)}"
        return f"{_day_words(first, with_year=False)}{to}{_day_words(last, with_year=True)}"
    return f"{_day_words(first, with_year=True)}{to}{_day_words(last, with_year=True)}"


def _day_words(value: FuzzyDate, with_year: bool) -> str:
    year = f" {value.start.year}" if with_year else ""
    if value.precision == Precision.YEAR:
        return str(value.start.year)
    month = _MONTHS[value.start.month - 1]
    if value.precision == Precision.MONTH:
        return f"{month}{year}"
    return f"{value.start.day} {month}{year}"


def date_parts(value: FuzzyDate | None, to: str = " to ") -> tuple[str, str]:
    """A date in words and its qualifiers in words after it: ("October to December 2012", " (start approx.)"),
    ("2012", ""), ("undated", "")."""
    if value is None:
        return UNDATED, ""
    qualified = qualifiers(value)
    return when(value, to), f" ({qualified})" if qualified else ""


def date_words(value: FuzzyDate | None, to: str = " to ") -> str:
    """A date in words, with its qualifiers: `October to December 2012 (start approx.)`, or "undated"."""
    return "".join(date_parts(value, to))


def at(value: FuzzyDate) -> str:
    """A date as a time something holds at, after a verb: "on 15 May 2018", "in 2018", "in May 2018",
    "between June and September 2017"."""
    if value.is_span:
        return _sometime(value)
    return f"{'on' if value.precision is Precision.DAY else 'in'} {date_words(value)}"


def date_line(value: FuzzyDate | None, phrase: str | None = None) -> str:
    """A date on one line, the source's phrase for it last: `October to December 2012 (start approx.) ·
    “late 2012”`."""
    words = date_words(value)
    return f"{words}{BESIDE}{quoted(phrase)}" if phrase else words


def phase_dates(phase: Phase) -> str:
    """A phase's dates in words: `2011 DASH 2012 to 2022 (inferred)` (DASH an en dash, between the ends of a
    span that is itself one end); with no end given, the latest time the sources attest it:
    `May 2021 to … (last attested 2022 (inferred))`."""
    start = date_words(phase.start, DASH)
    if phase.end is not None:
        return f"{start} to {date_words(phase.end, DASH)}"
    if phase.last_attested is not None:
        return f"{start} to {OPEN_END} ({LAST_ATTESTED} {date_words(phase.last_attested, DASH)})"
    return f"{start} to {OPEN_END} ({NO_END})"


def role_dates(role: Role, between: str = ", ") -> str:
    """When the sources place a role: `began between June and September 2017, last attested September 2022
    (inferred)`, `first attested 2011, last attested 2011`, or "dates unknown"; `between` joins the two."""
    if not role.dated:
        return DATES_UNKNOWN
    parts = []
    if role.start is not None:
        parts.append(f"began {_sometime(role.start)}")
    elif role.first_attested is not None:
        parts.append(f"{FIRST_ATTESTED} {date_words(role.first_attested)}")
    if role.end is not None:
        parts.append(f"ended {_sometime(role.end)}")
    elif role.last_attested is not None:
        parts.append(f"{LAST_ATTESTED} {date_words(role.last_attested)}")
    return between.join(parts)


def _sometime(value: FuzzyDate) -> str:
    """A date a change happened at: a span is when it may have happened, not how long it lasted ("between June
    and September 2017")."""
    if not value.is_span:
        return date_words(value)
    words, qualified = date_parts(value, to=" and ")
    return f"between {words}{qualified}"


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


def undated(count: int, record_name: str) -> str:
    """So many records the sources do not place in time: "1 undated event", "36 undated events"."""
    return f"{count} {UNDATED} {record_name}{'s' * (count != 1)}"


def undated_left_out(count: int, record_name: str) -> str:
    return f"the date filter left out {undated(count, record_name)}, which the sources do not place in time"


def nobody_attested(on: FuzzyDate, latest: Iterable[tuple[str, str, FuzzyDate]]) -> str:
    """No holder of a role is attested on a date; (name, title, horizon) of those last attested."""
    who = "; ".join(f"{name} ({title}), {date_words(horizon)}" for name, title, horizon in latest)
    return f"no attested holder {at(on)}; {LAST_ATTESTED}: {who}"


def silent_on(actor: str, title: str, horizon: FuzzyDate, on: FuzzyDate) -> str:
    """A role the sources attest no later than `horizon`, asked about on a later date."""
    return f"{actor}: {title} is {LAST_ATTESTED} {date_words(horizon)}; the sources say nothing of it {at(on)}"


def held_later(held: Iterable[tuple[str, Role]]) -> str:
    """Holders the sources show in such a role only after the date asked: (name, role) of each."""
    who = "; ".join(f"{name} ({role.title}: {role_dates(role)})" for name, role in held)
    return f"the sources show such a role held only later (not whether it was held before): {who}"


def not_drawn(count: int, where: str) -> str:
    """Undated events a time axis cannot show: "TimelineJS shows only dated events: 36 undated events left out"."""
    return (
        f"{where} shows only dated events: {undated(count, 'event')} left out, which the sources do not place in time"
    )


def not_placed(held: Sequence[tuple[str, str]]) -> str:
    """Roles the sources show held at no known time: (name, title) of each."""
    who = "; ".join(f"{name} ({title})" for name, title in held)
    return f"the sources do not say when these held such a role ({DATES_UNKNOWN}): {who}"


def no_dated_role(on: FuzzyDate, undated: int = 0) -> str:
    """An actor with no role the sources place at a date; how many roles they do not place in time at all."""
    unplaced = f" ({undated} role{'s' * (undated > 1)} the sources do not place in time left out)" if undated else ""
    return f"No role the sources date is known to have been held {at(on)}{unplaced}."


def past_the_documents(horizon: FuzzyDate, latest: str = "") -> str:
    """A question about dates after the latest document: the documents end, and what they last say. A record
    dated "about 2022" may still answer a question about 2023: it is dated 2022, not later."""
    when = _sometime(horizon) if horizon.is_span else f"in {date_words(horizon)}"
    said = f"the documents end {when} and date nothing later"
    return f"{said}; {latest}" if latest else said


def latest_dated(records: Sequence[str]) -> str:
    """The records dated last, named with their dates: "the latest they date: ..."."""
    return f"the latest they date: {'; '.join(records)}" if records else ""


def last_attested(records: Sequence[str]) -> str:
    """Open-ended records as far as the sources attest them: "last attested: ..."."""
    return f"{LAST_ATTESTED}: {'; '.join(records)}" if records else ""


def dated(name: str, value: FuzzyDate | None) -> str:
    """A record named with its date: `Hamas statement on resuming its relationship, 15 September 2022 (year
    inferred)`."""
    return f"{name}, {date_words(value)}" if value is not None else name


def identified(name: str) -> str:
    """An actor a record speaks of without naming: `Hassan Nasrallah (identified, not named)`."""
    return f"{name} ({IDENTIFIED})"


def identification(name: str, described_as: str, note: str) -> str:
    """An identification at length: `Hassan Nasrallah, as “who's leader…”: the editors' reading; …`."""
    return f"{name}, for {quoted(described_as)} (the editors' reading: {note})"


def not_a_name(actor: str, name: str, kind: str, citations: Iterable[Citation]) -> str:
    """A lookup that found an actor by a way of referring to it, not by a name: `“the blasphemous traitor” is
    no name of Khaled Mashaal but an epithet, per the Syrian regime's media`."""
    who = attribution(citations)
    return f"{quoted(name)} is no name of {actor} but {'an' if kind[0] in 'aeiou' else 'a'} {kind}" + (
        f", {who}" if who else ""
    )


def referred(alias: Alias) -> str:
    """A way of referring to an actor that is no name, with what it is and who uses it: `“the blasphemous
    traitor” (epithet; per the Syrian regime's media; mena-2022; its note)`."""
    sources = ", ".join(dict.fromkeys(citation.source for citation in alias.sources))
    kind = alias.kind.value if alias.kind else None
    details = [part for part in (kind, attribution(alias.sources), sources, alias.note) if part]
    return quoted(alias.name) + (f" ({'; '.join(details)})" if details else "")


# --- pictures: a date less precise than the scale it is drawn on ----------------------------------------

YEAR_ONLY = "year only"  # the row of a text timeline on a scale of months for the events dated only by the year


def year_only_key(bracket: str) -> str:
    """What a bracket with a number on the "year only" row of a text timeline means."""
    return f"{bracket} three events dated only by the year, some time in it"


def no_closer(value: FuzzyDate) -> str:
    """A date drawn once for the events it is all the sources give for, on a scale finer than it: "dated no
    closer than 2022 (approx., inferred)"."""
    return f"dated no closer than {date_words(value)}"
