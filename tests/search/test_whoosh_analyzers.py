"""The Whoosh wrappers of the Dutch analysis: token streams, pickling, a real index."""

from __future__ import annotations

import pickle
import re
import unicodedata

import pytest
from whoosh import index, qparser
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

from kennisnet.search.analysis import words
from kennisnet.search.whoosh.analyzers import dutch_analyzer, exact_analyzer
from kennisnet.search.whoosh.backend import StackedPhrasePlugin

ANALYZER = dutch_analyzer()


def terms(text: str, **kwargs: object) -> list[str]:
    return [t.text for t in ANALYZER(text, **kwargs)]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_the_stream_is_the_per_word_analysis() -> None:
    # The wrapper adds nothing of its own: each word's term, then its compound parts.
    text = "De buurtinitiatieven en belangrijke subsidies van de gemeenten"
    assert terms(text) == [t for w in words(text) for t in (w.stem, *w.parts)]


def test_offsets_point_into_the_text_as_given() -> None:
    text = nfd("Een coöperatie, één café.")
    spans = [text[t.startchar : t.endchar] for t in ANALYZER(text, chars=True)]
    assert spans == [nfd("coöperatie"), nfd("café")]


def test_stop_words_are_removed_and_positions_close_up() -> None:
    tokens = [(t.text, t.pos) for t in ANALYZER("de vergadering van de leden", positions=True)]
    assert tokens == [("vergadering", 1), ("lid", 2)]


def test_stop_words_stay_marked_when_kept() -> None:
    # The highlighter asks for removestops=False; stop words must come through unstemmed.
    tokens = [(t.text, t.stopped) for t in ANALYZER("de subsidies", removestops=False)]
    assert tokens == [("de", True), ("subsidie", False)]


@pytest.mark.parametrize(
    "text", ["", " ", "\n\t  \r\n", "... -- !! ?", "_____", "de het een van", "\u00ad\u200b"]
)
def test_text_without_words_gives_no_tokens(text: str) -> None:
    assert terms(text, positions=True, chars=True) == []


def test_untokenized_value_is_one_term() -> None:
    # Wildcard and range queries ask for this.
    assert terms("Coöperat", tokenize=False, mode="query") == ["cooperat"]


def test_no_morph_skips_stemming_and_compound_parts() -> None:
    # Spelling suggestions ask for this: whole words as written.
    assert terms("Coöperaties", no_morph=True) == ["cooperaties"]
    assert terms("Buurtnetwerken", no_morph=True) == ["buurtnetwerken"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("De Coöperaties van de Buurtnetwerken", ["cooperaties", "buurtnetwerken"]),
        (nfd("Wijkcoöperatie, ĳsselmeer"), ["wijkcooperatie", "ijsselmeer"]),
        ("auto\u2019s en 2.1", ["auto's", "2.1"]),
        ("de het een", []),
    ],
)
def test_exact_analyzer_folds_but_neither_stems_nor_splits(text: str, expected: list[str]) -> None:
    assert [t.text for t in exact_analyzer()(text)] == expected


def test_exact_analyzer_keeps_offsets_and_closes_positions() -> None:
    text = nfd("de coöperatie van de buurt")
    tokens = [
        (t.text, t.pos, text[t.startchar : t.endchar])
        for t in exact_analyzer()(text, positions=True, chars=True)
    ]
    assert tokens == [("cooperatie", 1, nfd("coöperatie")), ("buurt", 2, "buurt")]


def test_pickle_round_trip_keeps_behaviour_and_drops_the_cache() -> None:
    analyzer = dutch_analyzer()
    text = "subsidies voor buurtinitiatieven"
    expected = ["subsidie", "buurtinitiatief", "buurt", "initiatief"]
    assert [t.text for t in analyzer(text)] == expected

    data = pickle.dumps(analyzer)
    restored = pickle.loads(data)  # noqa: S301 -- our own bytes

    assert b"subsidies" not in data
    assert b"buurt" not in data  # neither the split cache nor the word list
    assert len(data) < 2_000
    assert restored == analyzer
    assert [t.text for t in restored(text)] == expected
    assert pickle.loads(pickle.dumps(exact_analyzer())) == exact_analyzer()  # noqa: S301


# End to end: the analyzer inside a real Whoosh index, reopened from disk (unpickled schema).

DOCS = {
    "coop": "De wijk richt een cooperatie op voor zonne-energie.",
    "coop-nfd": nfd("Oprichting van de coöperatie in het dorp."),
    "subsidie": "Subsidie aangevraagd bij de gemeente voor het buurthuis.",
    "alv": "Verslag van de algemene ledenvergaderingen van 2024.",
    "ledenraad": "De ledenraad vergadering van maart.",
    "voorwaarden": "De algemene voorwaarden gelden voor iedere vergadering.",
    "mening": "Mijn mening: wij menen het.",
    "leeg": "   ",
}


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> index.Index:
    path = tmp_path_factory.mktemp("index")
    schema = Schema(
        id=ID(stored=True, unique=True),
        body=TEXT(analyzer=dutch_analyzer(), stored=True, chars=True),
    )
    writer = index.create_in(path, schema).writer()
    for doc_id, body in DOCS.items():
        writer.add_document(id=doc_id, body=body)
    writer.commit()
    return index.open_dir(path)


def make_parser(fieldname: str, schema: Schema) -> QueryParser:
    parser = QueryParser(fieldname, schema)
    parser.remove_plugin_class(qparser.PhrasePlugin)
    parser.add_plugin(StackedPhrasePlugin())
    return parser


def search_ids(ix: index.Index, querystring: str) -> set[str]:
    with ix.searcher() as searcher:
        query = make_parser("body", ix.schema).parse(querystring)
        return {hit["id"] for hit in searcher.search(query, limit=None)}


@pytest.mark.parametrize(
    ("querystring", "expected"),
    [
        ("coöperaties", {"coop", "coop-nfd"}),
        ("cooperatie", {"coop", "coop-nfd"}),
        ("subsidies", {"subsidie"}),
        ("gemeenten", {"subsidie"}),
        ("meningen", {"mening"}),
        ('"algemene ledenvergadering"', {"alv"}),
        ('"algemene ledenvergaderingen"', {"alv"}),
        # "vergadering" is a part of "ledenvergaderingen", at the compound's position.
        ('"algemene vergadering"', {"alv"}),
        ("algemene vergadering", {"alv", "voorwaarden"}),
        ('"ledenvergadering"', {"alv"}),
        ('"ledenraad vergadering"', {"ledenraad"}),
        ('"raad vergadering"', {"ledenraad"}),  # a part, then the next word
        ('"vergadering leden"', set()),
    ],
)
def test_index_finds_the_forms(ix: index.Index, querystring: str, expected: set[str]) -> None:
    assert search_ids(ix, querystring) == expected


def test_highlights_mark_the_matched_word(ix: index.Index) -> None:
    with ix.searcher() as searcher:
        query = QueryParser("body", ix.schema).parse("coöperaties")
        highlights = {hit["id"]: hit.highlights("body") for hit in searcher.search(query)}
    assert re.search(r'<b class="match term\d+">cooperatie</b>', highlights["coop"])
    # The stored NFD word is wrapped whole, its combining mark inside the tag.
    assert re.search(rf'<b class="match term\d+">{nfd("coöperatie")}</b>', highlights["coop-nfd"])
