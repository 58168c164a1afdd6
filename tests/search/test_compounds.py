"""Compound splitting: which words split and how, and what that does to search in Whoosh."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh import index
from whoosh.fields import ID, TEXT, Schema

from kennisnet.search import compounds
from kennisnet.search.analysis import fold
from kennisnet.search.whoosh.analyzers import dutch_analyzer
from tests.search.test_whoosh_analyzers import make_parser

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "kennisnet" / "search" / "data"
ANALYZER = dutch_analyzer()


def parts(word: str) -> list[str]:
    folded = fold(word)
    return [folded[start:end] for start, end in compounds.split(folded)]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("wijkcoöperaties", ["wijk", "cooperaties"]),
        ("buurtnetwerken", ["buurt", "netwerken"]),
        ("mantelzorgers", ["mantel", "zorgers"]),
        ("mantelzorg", ["mantel", "zorg"]),  # so that "zorg" finds it
        ("subsidieaanvragen", ["subsidie", "aanvragen"]),
        ("buurtinitiatieven", ["buurt", "initiatieven"]),
        ("ledenvergadering", ["leden", "vergadering"]),
        ("Ledenvergaderingen", ["leden", "vergaderingen"]),
        (
            "gegevensbeschermingseffectbeoordeling",
            ["gegevensbescherming", "effect", "beoordeling"],
        ),
        ("zorgcoöperatie", ["zorg", "cooperatie"]),
        ("bewonersinitiatief", ["bewoners", "initiatief"]),
        ("ontmoetingsplekken", ["ontmoeting", "plekken"]),
        ("vrijwilligerswerk", ["vrijwilligers", "werk"]),
        ("wijkeconomie", ["wijk", "economie"]),
        ("jaarverslagen", ["jaar", "verslagen"]),
        ("gemeenteraad", ["gemeente", "raad"]),
    ],
)
def test_compounds_split_into_words(word: str, expected: list[str]) -> None:
    assert parts(word) == expected


@pytest.mark.parametrize(
    "word",
    [
        # Frequent words that happen to contain other words.
        "gemeente",
        "bestuur",
        "vereniging",
        "verenigingen",
        "coöperatie",
        "stichting",
        "stichtingen",
        "initiatief",
        "kinderen",  # not "kind" + "eren"
        "verslagen",  # not "vers" + "lagen"
        "vergadering",
        "samenwerking",
        "voorwaarden",
        "netwerken",
        # Derivations whose ending is also a word.
        "rapporteren",  # not "rapport" + "eren"
        "veranderende",
        "bevoegdheden",
        "kinderopvang",  # not "kind" + "erop" + "vang"
        # Too short to hold two parts, or not a word.
        "buurt",
        "covid19",
        "auto's",
    ],
)
def test_words_that_must_stay_whole(word: str) -> None:
    assert parts(word) == []


def test_linking_letters_belong_to_no_part() -> None:
    assert compounds.split("ontmoetingsplekken") == ((0, 10), (11, 18))


def test_no_part_is_shorter_than_the_minimum() -> None:
    for word in compounds.lexicon():
        for start, end in compounds.split(word):
            assert end - start >= compounds.MIN_PART, word


def test_split_cache_is_bounded() -> None:
    assert compounds.split.cache_info().maxsize == 50_000


def test_word_list_is_shipped_small_folded_and_attributed() -> None:
    path = DATA / compounds.WORDLIST
    assert path.stat().st_size < 500_000
    words = compounds.lexicon()
    assert 30_000 <= len(words) <= 60_000
    assert all(fold(word) == word and word.isalpha() for word in words)
    header = gzip.decompress(path.read_bytes()).decode()[:400]
    assert "CC-BY-SA 4.0" in header
    attribution = (DATA / "ATTRIBUTION.md").read_text()
    for required in ("OpenTaal", "CC-BY 3.0", "BSD", "wordfreq", "CC-BY-SA 4.0"):
        assert required in attribution


def test_word_list_is_loaded_on_first_split_only() -> None:
    # The analyzer is imported with the app; the list costs ~0.1 s and only indexing needs it.
    code = (
        "from kennisnet.search import compounds\n"
        "from kennisnet.search.whoosh import analyzers\n"
        "analyzers.dutch_analyzer()\n"
        "assert not compounds._lexicon.loaded\n"
        "list(analyzers.dutch_analyzer()('buurtnetwerken'))\n"
        "assert compounds._lexicon.loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_the_compound_comes_first_and_parts_share_its_position_and_offsets() -> None:
    text = "De buurtnetwerken groeien"
    tokens = [
        (t.text, t.pos, text[t.startchar : t.endchar])
        for t in ANALYZER(text, positions=True, chars=True)
    ]
    assert tokens == [
        ("buurtnetwerk", 1, "buurtnetwerken"),
        ("buurt", 1, "buurtnetwerken"),
        ("netwerk", 1, "buurtnetwerken"),
        ("groeien", 2, "groeien"),
    ]


def test_parts_go_through_the_override_table() -> None:
    # "leden" -> "lid" and "gegevens" -> "gegeven" come from lemmas.OVERRIDES.
    assert [t.text for t in ANALYZER("ledenvergaderingen")] == [
        "ledenvergadering",
        "lid",
        "vergadering",
    ]
    assert "gegeven" in [t.text for t in ANALYZER("gegevensbescherming")]


def test_long_compounds_also_give_their_sub_compounds() -> None:
    assert [t.text for t in ANALYZER("gegevensbeschermingseffectbeoordeling")] == [
        "gegevensbeschermingseffectbeoordeling",
        "gegevensbeschermingseffect",
        "effectbeoordeling",
        "gegevensbescherming",
        "gegeven",
        "bescherming",
        "effect",
        "beoordeling",
    ]


def test_stop_words_kept_for_the_highlighter_are_not_split() -> None:
    tokens = [(t.text, t.stopped) for t in ANALYZER("de buurthuis", removestops=False)]
    assert tokens == [("de", True), ("buurthuis", False), ("buurt", False), ("huis", False)]


# End to end in Whoosh, with the query parser the backend uses (all words required) and with
# compound tokens OR-ed (field multitoken_query="or").

DOCS = {
    "buurtnetwerken": "De buurtnetwerken in Oost groeien elk jaar.",
    "mantelzorgers": "Ondersteuning voor mantelzorgers in het dorp.",
    "buurtinitiatief": "Ons buurtinitiatief plant bomen langs de singel.",
    "initiatief-in-de-buurt": "Een initiatief in de buurt plant bomen langs de singel.",
    "buurt": "De buurt heeft een nieuwe speeltuin.",
    "subsidieaanvragen": "Tips voor subsidieaanvragen bij het fonds.",
    "alv": "Verslag van de algemene ledenvergaderingen.",
    "voorwaarden": "De algemene voorwaarden gelden op iedere vergadering.",
    "cooperatie": "Een coöperatie van bewoners zoekt leden.",
    "wijkcooperatie": "Een wijkcoöperatie van bewoners zoekt leden.",
}


def _index(path: Path, multitoken_query: str) -> index.Index:
    schema = Schema(
        id=ID(stored=True, unique=True),
        body=TEXT(
            analyzer=dutch_analyzer(), stored=True, chars=True, multitoken_query=multitoken_query
        ),
    )
    writer = index.create_in(path, schema).writer()
    for doc_id, body in DOCS.items():
        writer.add_document(id=doc_id, body=body)
    writer.commit()
    return index.open_dir(path)  # the schema and analyzer come back unpickled


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> index.Index:
    return _index(tmp_path_factory.mktemp("and"), "default")


@pytest.fixture(scope="module")
def ix_or(tmp_path_factory: pytest.TempPathFactory) -> index.Index:
    return _index(tmp_path_factory.mktemp("or"), "or")


def ranked_ids(ix: index.Index, querystring: str) -> list[str]:
    with ix.searcher() as searcher:
        query = make_parser("body", ix.schema).parse(querystring)
        return [hit["id"] for hit in searcher.search(query, limit=None)]


@pytest.mark.parametrize(
    ("querystring", "expected"),
    [
        ("netwerk", {"buurtnetwerken"}),
        ("netwerken", {"buurtnetwerken"}),
        ("mantelzorg", {"mantelzorgers"}),
        ("mantelzorger", {"mantelzorgers"}),
        ("initiatief", {"buurtinitiatief", "initiatief-in-de-buurt"}),
        ("initiatief buurt", {"buurtinitiatief", "initiatief-in-de-buurt"}),
        ("buurtinitiatieven", {"buurtinitiatief"}),
        ("subsidie", {"subsidieaanvragen"}),
        ("aanvraag", {"subsidieaanvragen"}),
        ("vergadering", {"alv", "voorwaarden"}),
        ("wijkcooperaties", {"wijkcooperatie"}),
        ('"algemene ledenvergadering"', {"alv"}),
    ],
)
def test_words_find_the_compounds_that_hold_them(
    ix: index.Index, querystring: str, expected: set[str]
) -> None:
    assert set(ranked_ids(ix, querystring)) == expected


def test_a_compound_query_finds_its_parts_and_ranks_the_exact_compound_first(
    ix_or: index.Index,
) -> None:
    ranked = ranked_ids(ix_or, "buurtinitiatief")
    assert ranked[:2] == ["buurtinitiatief", "initiatief-in-de-buurt"]
    assert set(ranked) == {"buurtinitiatief", "initiatief-in-de-buurt", "buurt", "buurtnetwerken"}


def test_a_word_ranks_above_the_compounds_that_hold_it(ix: index.Index) -> None:
    # Parts weigh half a word (PART_WEIGHT): the texts differ only in "wijk".
    assert ranked_ids(ix, "coöperatie") == ["cooperatie", "wijkcooperatie"]


@pytest.mark.parametrize("querystring", ["netwerk", "buurtnetwerk"])
def test_highlights_mark_the_whole_compound(ix_or: index.Index, querystring: str) -> None:
    with ix_or.searcher() as searcher:
        query = make_parser("body", ix_or.schema).parse(querystring)
        hits = {hit["id"]: hit.highlights("body") for hit in searcher.search(query)}
    # One mark around the word as written, however many of its terms matched.
    assert re.match(
        r'De <b class="match term\d+">buurtnetwerken</b> in Oost', hits["buurtnetwerken"]
    )
    assert hits["buurtnetwerken"].count("buurtnetwerken") == 1
