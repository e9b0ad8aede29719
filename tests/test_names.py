"""Finding actors under any spelling, in Latin or Arabic script, and search across spellings."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hamsyr import FactBase, LookupFailed, load
from hamsyr.query.names import NameIndex, fold, loose_words, skeleton

from .conftest import CommandLine

# Spellings the two seed documents use (and common variants of them), with the actor each means.
DOCUMENT_SPELLINGS = {
    "Khaled Mashaal": "khaled-mashaal",
    "Khaled Mashal": "khaled-mashaal",
    "Khaled Meshaal": "khaled-mashaal",
    "Khaled Mishaal": "khaled-mashaal",
    "Khaled Mishal": "khaled-mashaal",
    "Mashal": "khaled-mashaal",
    "Meshal": "khaled-mashaal",
    "Khalil al-Haya": "khalil-al-hayya",
    "Khalil al-Hayya": "khalil-al-hayya",
    "Hayya": "khalil-al-hayya",
    "Yihya Sinwar": "yahya-sinwar",
    "Yahya Al-Sinwar": "yahya-sinwar",
    "Yahya Sinwar": "yahya-sinwar",
    "Saleh al-Arouri": "saleh-al-arouri",
    "Saleh Al-Arouri": "saleh-al-arouri",
    "Bashar Assad": "bashar-al-assad",
    "Bashar al-Assad": "bashar-al-assad",
    "President Bashar Assad": "bashar-al-assad",
    "Hafez al-Assad": "hafez-al-assad",
    "Ismail Haniyeh": "ismail-haniyeh",
    "Haniyeh": "ismail-haniyeh",
    "Musa Abu Marzouk": "musa-abu-marzouk",
    "Abu Marzouk": "musa-abu-marzouk",
    "Sheikh Ahmed Yassin": "ahmed-yassin",
    "Muhammad Nazzal": "muhammad-nazzal",
    "Mahmoud al-Zahar": "mahmoud-al-zahar",
    "Osama Hamdan": "osama-hamdan",
    "Talal Naji": "talal-naji",
    "Hassan Nasrallah": "hassan-nasrallah",
    "General Qassem Soleimani": "qassem-soleimani",
    "Issa al-Jabari": "issa-al-jabari",
    "Irit Lilian": "irit-lilian",
    "Tamim bin Hamad Al Thani": "tamim-bin-hamad-al-thani",
    "Emir of Qatar": "tamim-bin-hamad-al-thani",
    "Sheikh Ali Al-Qara Daghi": "ali-al-qaradaghi",
    "Sheikh Abdul Majeed Al-Zindani": "abdul-majeed-al-zindani",
    "Sheikh Essam Ahmed Al-Bashir": "essam-ahmed-al-bashir",
    "Mahmoud Abbas": "mahmoud-abbas",
    "Muslim Brotherhood": "muslim-brotherhood",
    "MB": "muslim-brotherhood",
    "Hezbollah": "hezbollah",
    "Popular Front for the Liberation of Palestine": "pflp",
    "Syrian Arab Republic": "syrian-regime",
    "Tel Aviv": "israel",
    "Tehran": "iran",
    "Moscow": "russia",
    "Ankara": "turkey",
    "Doha": "qatar",
    "Palestine Branch": "intelligence-branch-235",
    "Qassam Brigades": "qassam-brigades",
    "Islamic Jihad": "palestinian-islamic-jihad",
    "Reuters": "reuters",
    "Le Point": "le-point",
    # Variants a reader may type: other transliterations, typos, Arabic script.
    "Khalid Mishaal": "khaled-mashaal",
    "Hizbullah": "hezbollah",
    "Nasrala": "hassan-nasrallah",
    "Ismail Hanyeh": "ismail-haniyeh",
    "Mousa Abu Marzouq": "musa-abu-marzouk",
    "Salah Aruri": "saleh-al-arouri",
    "Qasem Suleimani": "qassem-soleimani",
    "خالد مشعل": "khaled-mashaal",
    "إسماعيل هنية": "ismail-haniyeh",
    "اسماعيل هنية": "ismail-haniyeh",  # without hamza
    "إسماعيل هنيه": "ismail-haniyeh",  # ta marbuta written as ha
    "إِسْمَاعِيل هَنِيَّة": "ismail-haniyeh",  # with diacritics
    "هنـــية": "ismail-haniyeh",  # with tatweel
    "الحيه": "khalil-al-hayya",
    "حزب الله": "hezbollah",
}


@pytest.fixture(scope="module")
def shipped() -> FactBase:
    return load()


@pytest.mark.parametrize(("spelling", "actor_id"), DOCUMENT_SPELLINGS.items())
def test_document_spellings_resolve(shipped: FactBase, spelling: str, actor_id: str) -> None:
    assert shipped.actor(spelling).id == actor_id


def test_document_spellings_resolve_through_the_cli(cli: CommandLine) -> None:
    for spelling, actor_id in DOCUMENT_SPELLINGS.items():
        result = cli("actor", spelling, "--format", "jsonl")
        assert result.code == 0, (spelling, result.err)
        assert f'"id":"{actor_id}"' in result.out.split("\n")[0], spelling


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Kh\u0101lid Mash\u2018al", "khalid mashal"),  # with macron and left quote for the ayn
        ("AL-ḤAYYA", "al hayya"),
        ("إِسْمَاعِيل", "اسماعيل"),
        ("أحمد", "احمد"),
        ("آل", "ال"),
        ("هنية", "هنيه"),
        ("مصطفى", "مصطفي"),
        ("هنـــية", "هنيه"),
        ("مؤتمر", "موتمر"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Mashaal", "Mashal", "Meshaal", "Mishaal", "Mishal"], "mshl"),
        (["Haniyeh", "Haniya", "Haniyya", "Hanieh"], "hnya"),
        (["Hayya", "Haya", "Hayyah"], "hya"),
        (["Marzouk", "Marzuq", "Marzouq"], "mrzk"),
        (["Osama", "Usama"], "asma"),
        (["Hezbollah", "Hizbullah", "Hizballah"], "hzbla"),
    ],
)
def test_transliteration_skeletons_agree(names: list[str], expected: str) -> None:
    assert {skeleton(fold(name)) for name in names} == {expected}


def test_articles_are_dropped_in_every_form() -> None:
    assert loose_words("Khalil al-Hayya") == loose_words("Khalil el Hayya") == loose_words("Khalil Hayya")
    assert loose_words("Izz ad-Din") == ["izz", "din"]
    assert loose_words("الحية") == ["حيه"]
    assert loose_words("al") == ["al"]  # a name that is only an article stays


def test_ambiguous_names_list_candidates_that_can_be_told_apart(shipped: FactBase) -> None:
    with pytest.raises(LookupFailed) as error:
        shipped.actor("Assad")
    ids = [candidate.split(" ")[0] for candidate in error.value.candidates]
    assert {"bashar-al-assad", "hafez-al-assad"} <= set(ids)
    assert len(set(error.value.candidates)) == len(error.value.candidates)  # each line says something different


def test_unknown_names_suggest_the_closest(shipped: FactBase) -> None:
    with pytest.raises(LookupFailed, match="did you mean") as error:
        shipped.actor("Mashrak")
    assert error.value.candidates[0].startswith("khaled-mashaal ")
    with pytest.raises(LookupFailed, match="hamsyr actors"):
        shipped.actor("Zzyzx")


def test_a_typo_resolves_but_the_cli_says_so(cli: CommandLine) -> None:
    result = cli("actor", "Hanieyh", "--json")
    assert result.code == 0
    assert "using the closest, Ismail Haniyeh (ismail-haniyeh)" in result.err


def test_resolution_is_deterministic_and_prefers_exact_levels() -> None:
    index = NameIndex([("a", ["Ali Hassan"]), ("b", ["Ali Hassani"]), ("c", ["Hassan"])])
    assert index.resolve("Hassan").owners == ("c",)  # the whole name beats a word of a longer one
    assert index.resolve("Ali").owners == ("a", "b")  # ambiguous, in a fixed order
    assert index.resolve("a").how == "id"
    assert [index.resolve("Ali Hasan").owners for _ in range(3)] == [("a",)] * 3


# --- property: any alias, typed with other case, accents, hyphens or articles, finds its actor ---------


def _accent(char: str) -> str:
    return unicodedata.normalize("NFC", char + "\u0301") if char.isalpha() and char.isascii() else char


@st.composite
def retyped_alias(draw: st.DrawFn, base: FactBase) -> tuple[str, str]:
    actor = draw(st.sampled_from(base.actors))
    name = draw(st.sampled_from((actor.name, *(alias.name for alias in actor.aliases if not alias.is_descriptor))))
    chars = []
    for char in name:
        if char == "-":
            char = draw(st.sampled_from(["-", " ", "\u2010"]))  # hyphen-minus, space, Unicode hyphen
        elif char.isalpha():
            char = draw(st.sampled_from([char.lower(), char.upper(), _accent(char)]))
        chars.append(char)
    retyped = "".join(chars)
    if draw(st.booleans()):
        words = retyped.split(" ")
        where = draw(st.integers(0, len(words) - 1))
        article = draw(st.sampled_from(["al-", "Al-", "el-", "al "]))
        words[where] = article + words[where]
        retyped = " ".join(words)
    return retyped, actor.id


_SHIPPED = load()


@given(retyped_alias(_SHIPPED))
def test_a_retyped_alias_still_finds_its_actor(case: tuple[str, str]) -> None:
    retyped, actor_id = case
    assert _SHIPPED.actor(retyped).id == actor_id


# --- search across spellings and scripts ----------------------------------------------------------------


def test_search_finds_names_under_other_spellings(shipped: FactBase) -> None:
    hits = shipped.search("Meshal headquarters")  # the event is written "Mashaal"
    assert hits[0].record.id == "mashaal-decides-hq-to-qatar"
    assert [hits[0].passage[a:b] for a, b in hits[0].spans] == ["Mashaal", "headquarters"]


def test_search_finds_arabic_without_hamza_or_ta_marbuta(shipped: FactBase) -> None:
    for query in ("إسماعيل هنية", "اسماعيل هنيه"):
        assert [hit.record.id for hit in shipped.search(query)] == ["ismail-haniyeh"]


def test_text_filter_uses_the_same_matching(shipped: FactBase) -> None:
    spelled = {e.id for e in shipped.find_events(text="Mishaal")}
    assert {"headquarters-to-qatar", "rupture-2011-mashaal"} <= spelled


def test_every_alias_of_the_shipped_base_resolves_through_the_cli(
    cli: CommandLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The base is loaded once and handed to every run, so that the CLI's own path is what is tested.
    monkeypatch.setattr("hamsyr.cli.answer.load", lambda paths, progress=None: _SHIPPED)
    for actor in _SHIPPED.actors:
        for name in (actor.id, actor.name, *(alias.name for alias in actor.aliases if not alias.is_descriptor)):
            result = cli("actor", name, "--format", "jsonl")
            assert result.code == 0, (name, result.err)
            assert result.out.startswith(f'{{"id":"{actor.id}"'), name
