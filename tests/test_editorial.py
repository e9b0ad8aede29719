"""The shipped base says no more than its two documents: the rules of its editorial review that a machine can
check (data/coverage.md maps the documents to the records, for people to check the rest)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from hamsyr import FactBase, check, load
from hamsyr.loading.files import shipped_path
from hamsyr.output.render import Format, render
from hamsyr.records.model import Event, EventKind, Quote
from hamsyr.views.listings import EventList
from hamsyr.views.pages import RecordView

SEEDS = {"ben-menachem-2022": "000_abdbf1e4c0dee406.txt", "mena-2022": "002_94d96c86cc60ce9a.txt"}
COVERAGE = Path(__file__).resolve().parent.parent / "data" / "coverage.md"
# A document's own loaded words: they may stand only inside quotation marks, in a record that gives them to
# whoever says them (an assessment, a report, a statement, or an attributed citation), never in a neutral
# description.
LOADED = (
    "axis of evil",
    "bloody coup",
    "military coup",
    "pro-iranian current",
    "godfather",
    "fawning",
    "blasphemous traitor",
    "betrayal",
    "terrorist",
    "massacre",
    "stabbed",
)


@pytest.fixture(scope="module")
def shipped() -> FactBase:
    return load()


def test_the_shipped_base_has_no_problem_even_strictly() -> None:
    assert check(shipped_path()) == []  # no error, and no warning: every role and description is cited


def test_every_description_and_role_is_cited(shipped: FactBase) -> None:
    assert [a.id for a in shipped.actors if a.description and not a.sources] == []
    assert [(a.id, r.title) for a in shipped.actors for r in a.roles if not r.sources] == []


def test_every_event_says_what_it_is(shipped: FactBase) -> None:
    assert all(isinstance(event.kind, EventKind) for event in shipped.events)


def test_listed_titles_are_kept_apart_and_cited_by_nothing(shipped: FactBase) -> None:
    listed = {source.id for source in shipped.sources if source.listed_in}
    assert len(listed) == 8
    cited = {c.source for record in (*shipped.events, *shipped.quotes, *shipped.phases) for c in record.sources}
    cited |= {c.source for a in shipped.actors for c in (*a.sources, *(c for r in a.roles for c in r.sources))}
    assert not listed & cited


def test_who_says_so_is_shown_with_every_attributed_record(shipped: FactBase) -> None:
    attributed = [e for e in shipped.events if any(c.attributed_to for c in e.sources)]
    assert attributed
    for event in attributed:
        out = io.StringIO()
        render(EventList([event]), Format.TABLE, out, environ={"COLUMNS": "200"})
        for citation in event.sources:
            if citation.attributed_to:
                assert f"per {citation.attributed_to}" in " ".join(out.getvalue().split()), event.id
        page = io.StringIO()  # wide enough that no attribution is folded across lines
        render(RecordView(event), Format.TABLE, page, environ={"COLUMNS": "1000"})
        shown = " ".join(page.getvalue().split())
        assert all(c.attributed_to in shown for c in event.sources if c.attributed_to), event.id


def _unquoted(text: str) -> str:
    """The text without what it puts in quotation marks (single, double or curly; an apostrophe inside a word,
    as in "Hamas's", is no quotation mark)."""
    return re.sub(r"(?<!\w)['\"\u2018\u201c][^'\"\u2019\u201d]*['\"\u2019\u201d](?!\w)", " ", text).lower()


def test_loaded_words_stay_the_documents_own(shipped: FactBase) -> None:
    for actor in shipped.actors:
        assert not [word for word in LOADED if word in (actor.description or "").lower()], actor.id
    for event in shipped.events:
        given_to_someone = event.kind is not EventKind.OCCURRENCE or any(c.attributed_to for c in event.sources)
        for text in (event.title, event.summary):
            found = [word for word in LOADED if word in _unquoted(text)]
            assert not found or given_to_someone, (event.id, found)
    for phase in shipped.phases:
        assert not [word for word in LOADED if word in _unquoted(f"{phase.label} {phase.summary}")], phase.id


def _stated(record: Event | Quote, years: set[str]) -> bool:
    return any(
        year in text for year in years for text in [*(c.excerpt for c in record.sources), record.date_text or ""]
    )


def test_a_year_no_document_states_is_marked_inferred(shipped: FactBase) -> None:
    """A date's year must be in the record's excerpts or the source's phrase for the date, or be stated by
    another record of the same date (a quote dated by its event), or bound a span of years stated elsewhere
    ("During its presence in Syria": 1999 to 2012); else the editors inferred it, and it carries `?`."""
    facts: list[Event | Quote] = [*shipped.events, *shipped.quotes]
    stated_years = {
        str(year)
        for record in facts
        if record.date
        for year in (record.date.start.year, record.date.end.year)
        if _stated(record, {str(year)})
    }
    unmarked = []
    for record in facts:
        if record.date is None or record.date.uncertain:
            continue
        years = {str(year) for year in range(record.date.start.year, record.date.end.year + 1)}
        if _stated(record, years) or (record.date.approximate and record.date_text):
            continue
        same_date = [r for r in facts if r is not record and r.date and r.date.text == record.date.text]
        if any(_stated(other, years) for other in same_date):
            continue
        ends = {str(record.date.start.year), str(record.date.end.year)}
        if record.date.is_span and record.date_text and ends <= stated_years:
            continue
        unmarked.append((record.id, record.date.text))
    assert unmarked == []
    assert [r.id for r in facts if r.date and r.date.uncertain and not (getattr(r, "note", None) or r.date_text)] == []


def test_every_excerpt_and_quote_is_verbatim_in_its_document(shipped: FactBase) -> None:
    seeds = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("the source documents are not beside the checkout")
    texts = {source: (seeds / name).read_text(encoding="utf-8") for source, name in SEEDS.items()}
    citations = [
        *(c for record in (*shipped.events, *shipped.quotes, *shipped.phases) for c in record.sources),
        *(c for a in shipped.actors for c in (*a.sources, *(c for r in a.roles for c in r.sources))),
        *(c for a in shipped.actors for alias in a.aliases for c in alias.sources),
        *(c for d in shipped.disputes for claim in d.claims for c in claim.sources),
    ]
    assert [c.excerpt for c in citations if c.excerpt not in texts[c.source]] == []
    for quote in shipped.quotes:
        assert any(quote.text in texts[c.source] for c in quote.sources), quote.id


def test_the_ledger_covers_every_record(shipped: FactBase) -> None:
    ledger = COVERAGE.read_text(encoding="utf-8")
    records = [*shipped.events, *shipped.quotes, *shipped.phases, *shipped.disputes]
    assert [record.id for record in records if f"`{record.id}`" not in ledger] == []
