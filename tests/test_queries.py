from __future__ import annotations

import pytest

from hamsyr import DateRange, FactBase, LookupFailed, QueryError, parse_date


def ids(records: object) -> list[str]:
    return [r.id for r in records]  # type: ignore[attr-defined]


def dates(since: str | None = None, until: str | None = None) -> DateRange:
    return DateRange.of(parse_date(since) if since else None, parse_date(until) if until else None)


def test_events_come_in_date_order_with_undated_last(small: FactBase) -> None:
    assert ids(small.find_events()) == ["founded", "yassin-visit", "offices-sealed", "statement", "mediation"]
    assert ids(small.find_events(reverse=True)) == [
        "statement",
        "offices-sealed",
        "yassin-visit",
        "founded",
        "mediation",
    ]
    assert ids(small.find_events(limit=2)) == ["founded", "yassin-visit"]


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("1998-05-10", "1998-05-20", ["yassin-visit"]),
        ("1998", "1998", ["yassin-visit"]),
        ("2012-12-31", None, ["offices-sealed", "statement"]),
        (None, "1987-01-01", ["founded"]),
        ("2012-01", "2012-08", []),
        ("2012-09", "2012-09", ["offices-sealed"]),  # "2012-10~": an approximate month widens by a month
        ("2022-09-15", "2022-09-15", ["statement"]),
    ],
)
def test_date_ranges_select_by_overlap_and_drop_undated(
    since: str | None, until: str | None, expected: list[str], small: FactBase
) -> None:
    assert ids(small.find_events(dates=dates(since, until))) == expected


def test_an_inverted_range_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="--since 2013 is after --until 2012"):
        dates("2013", "2012")


def test_actor_filters_need_every_actor(small: FactBase) -> None:
    assert ids(small.find_events(actors=["hamas", "syria"])) == [
        "yassin-visit",
        "offices-sealed",
        "statement",
    ]
    assert ids(small.find_events(actors=["hamas", "syria", "hafez"])) == ["yassin-visit"]


def test_tag_source_and_text_filters(small: FactBase) -> None:
    assert ids(small.find_events(tags=["rupture"])) == ["offices-sealed"]
    assert ids(small.find_events(source="doc-b")) == ["offices-sealed", "mediation"]
    assert ids(small.find_events(text="WAX red")) == ["offices-sealed"]
    assert ids(small.find_events(text="syrian authorities")) == ["offices-sealed"]
    assert ids(small.find_events(text="late 2012")) == ["offices-sealed"]  # date_text is searched too
    assert ids(small.find_events(text="nothing-like-this")) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mashaal", "mashaal"),
        ("Khaled MESHAAL", "mashaal"),
        ("mishal", "mashaal"),
        ("Khalid Mashal", "mashaal"),  # the fixture's accented alias, its ayn mark folded away
        ("khaled-mashaal", "mashaal"),
        ("Bashar", "bashar"),
        ("bashar assad", "bashar"),
        ("hafez", "hafez"),
        ("حماس", "hamas"),
        ("islamic resistance", "hamas"),
        ("Damascus", "syria"),
    ],
)
def test_actor_resolution(small: FactBase, name: str, expected: str) -> None:
    assert small.actor(name).id == expected


def test_an_ambiguous_name_lists_what_tells_the_candidates_apart(small: FactBase) -> None:
    with pytest.raises(LookupFailed) as error:
        small.actor("Assad")
    assert error.value.exit_code == 1
    assert [c.split(" ")[0] for c in error.value.candidates] == ["bashar", "hafez"]
    assert "President of Syria in 1998" in error.value.candidates[1]


def test_a_close_typo_resolves_and_says_it_was_fuzzy(small: FactBase) -> None:
    match = small.resolve_actor("Mashaalx")
    assert (match.actor.id, match.how) == ("mashaal", "fuzzy")
    assert small.resolve_actor("Basher").how == "spelling"


def test_an_unknown_name_suggests_the_closest(small: FactBase) -> None:
    with pytest.raises(LookupFailed, match="did you mean") as error:
        small.actor("Mashrak")
    assert error.value.candidates[0].startswith("mashaal ")
    with pytest.raises(LookupFailed, match="hamsyr actors"):
        small.actor("Zzyzx")


def test_quotes_by_speaker_about_and_date(small: FactBase) -> None:
    assert ids(small.find_quotes()) == ["opened-the-world", "we-cannot-forget"]
    assert ids(small.find_quotes(speaker="mashaal")) == ["opened-the-world"]
    assert ids(small.find_quotes(about="syria")) == ["we-cannot-forget"]
    assert ids(small.find_quotes(dates=dates("2020"))) == ["we-cannot-forget"]
    assert ids(small.find_quotes(text="whole world")) == ["opened-the-world"]


def test_actors_listing_filters_by_words_and_kind(small: FactBase) -> None:
    assert ids(small.find_actors("assad")) == ["bashar", "hafez"]
    from hamsyr.records.model import ActorKind

    assert ids(small.find_actors(kind=ActorKind.GOVERNMENT)) == ["syria"]
    assert len(small.find_actors()) == 6


def test_sources_supports_and_lookup(small: FactBase) -> None:
    supports = small.supports("doc-b")
    # Everything the document supports, of every kind: records in date order (the phase starts in 2011),
    # undated last by type; a part of a record it is cited for is named.
    assert [(s.record.id, s.part, s.citation.attributed_to) for s in supports] == [
        ("break", "", None),
        ("offices-sealed", "", "Syrian sources"),
        ("mediation", "", None),
        ("why-the-break", "claims[1]", "Hamas officials"),
        ("haniyeh", "role Guest speaker", None),
    ]
    assert small.source("Document B").id == "doc-b"
    with pytest.raises(LookupFailed, match="is ambiguous"):
        small.source("Document")
    with pytest.raises(LookupFailed) as error:
        small.source("doc-c")
    assert "doc-a" in error.value.candidates


def test_search_ranks_titles_above_summaries_and_finds_every_type(small: FactBase) -> None:
    hits = small.search("assad")
    assert [h.record.id for h in hits][:2] == ["bashar", "hafez"]  # names outrank summaries
    assert {type(h.record).__name__ for h in small.search("hamas")} == {"Event", "Quote", "Actor", "Dispute", "Phase"}
    assert [h.record.id for h in small.search("world whole")] == ["opened-the-world"]
    assert [h.record.id for h in small.search("document", types=["source"])] == ["doc-a", "doc-b"]
    with pytest.raises(QueryError):
        small.search("  ")


def test_search_passage_marks_each_match(small: FactBase) -> None:
    (hit,) = small.search("red wax")
    assert [hit.passage[a:b] for a, b in hit.spans] == ["red", "wax"]


def test_disputes_by_record_and_source(small: FactBase) -> None:
    assert ids(small.find_disputes()) == ["why-the-break"]
    assert ids(small.find_disputes(record_id="offices-sealed")) == ["why-the-break"]
    assert ids(small.find_disputes(record_id="founded")) == []
    assert ids(small.find_disputes(source="doc-b")) == ["why-the-break"]
    assert [h.record.id for h in small.search("massacres")] == ["why-the-break"]


def test_timeline_groups_by_year(small: FactBase) -> None:
    groups = small.timeline()
    assert [(g.year, ids(g.events)) for g in groups] == [
        (1987, ["founded"]),
        (1998, ["yassin-visit"]),
        (2012, ["offices-sealed"]),
        (2022, ["statement"]),
        (None, ["mediation"]),
    ]
    assert [g.year for g in small.timeline(actors=["bashar"])] == [2022, None]


def test_tags_resolve_case_insensitively_and_suggest(small: FactBase) -> None:
    assert small.tag("Rupture") == "rupture"
    with pytest.raises(LookupFailed, match="did you mean") as error:
        small.tag("ruptur")
    assert error.value.candidates == ("rupture",)
