"""Invariants of the shipped fact base (not counts, which every new fact would change)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hamsyr import FactBase, check, load
from hamsyr.loading.files import shipped_path
from hamsyr.records.model import Citation

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
# The two seed documents, by the id the fact base gives them.
SEED_FILES = {"ben-menachem-2022": "000_abdbf1e4c0dee406.txt", "mena-2022": "002_94d96c86cc60ce9a.txt"}


@pytest.fixture(scope="module")
def shipped() -> FactBase:
    return load()


def _squeezed(text: str) -> str:
    """Line breaks in the documents are layout, not text: compare with runs of white space as one space."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def seed_texts() -> dict[str, str]:
    if not all((SEEDS / name).is_file() for name in SEED_FILES.values()):
        pytest.skip(f"seed documents not found in {SEEDS}")
    return {source: _squeezed((SEEDS / name).read_text(encoding="utf-8")) for source, name in SEED_FILES.items()}


def test_shipped_base_is_valid() -> None:
    assert shipped_path().is_file()
    assert check() == []


def citations(base: FactBase) -> list[tuple[str, Citation]]:
    """(record id, citation) for every citation in the base, disputes' claims included."""
    found = [(record.id, c) for record in (*base.events, *base.quotes) for c in record.sources]
    found += [(d.id, c) for d in base.disputes for claim in d.claims for c in claim.sources]
    return found


def test_every_excerpt_is_verbatim_and_short(shipped: FactBase, seed_texts: dict[str, str]) -> None:
    for record_id, citation in citations(shipped):
        if citation.source in seed_texts:
            assert _squeezed(citation.excerpt) in seed_texts[citation.source], (record_id, citation.excerpt)
        # One sentence at most: no sentence end followed by more text inside the excerpt.
        assert not re.search(r"[a-z]{2}[.!?]”? [A-Z]", citation.excerpt), (record_id, "more than one sentence")


def test_every_quote_is_verbatim_in_a_cited_document(shipped: FactBase, seed_texts: dict[str, str]) -> None:
    for quote in shipped.quotes:
        cited = [seed_texts[c.source] for c in quote.sources if c.source in seed_texts]
        assert any(_squeezed(quote.text) in text for text in cited), quote.id


def test_every_name_and_alias_resolves_to_its_actor(shipped: FactBase) -> None:
    for actor in shipped.actors:
        for name in (actor.id, actor.name, *(alias.name for alias in actor.aliases if not alias.is_descriptor)):
            assert shipped.actor(name).id == actor.id, name


def test_events_and_quotes_cite_the_seed_documents(shipped: FactBase) -> None:
    for record in (*shipped.events, *shipped.quotes):
        assert any(c.source in SEED_FILES for c in record.sources), record.id
