"""The Dutch analysis chain: the terms it makes, and that Whoosh can store and query them."""

from __future__ import annotations

import hashlib
import pickle
import re
import unicodedata

import pytest
from whoosh import index, qparser
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

from kennisnet.search import compounds
from kennisnet.search.analysis import (
    ANALYSIS_VERSION,
    DUTCH_STOP_WORDS,
    MAX_TOKEN_LENGTH,
    STEM_OVERRIDES,
    TOKEN_PATTERN,
    fold,
    normalise,
    stem,
    word_terms,
)
from kennisnet.search.whoosh.analyzers import dutch_analyzer, exact_analyzer
from kennisnet.search.whoosh.backend import StackedPhrasePlugin

ANALYZER = dutch_analyzer()


def terms(text: str, **kwargs: object) -> list[str]:
    return [t.text for t in ANALYZER(text, **kwargs)]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    "forms",
    [
        ("subsidie", "subsidies"),
        ("coöperatie", "coöperaties", "cooperatie", "cooperaties", "Coöperaties"),
        ("initiatief", "initiatieven"),
        ("plan", "plannen"),
        ("huis", "huizen"),
        ("mantelzorg", "mantelzorger", "mantelzorgers"),
        ("jaarverslag", "jaarverslagen"),
        ("buurtinitiatief", "buurtinitiatieven"),
        ("wijkcoöperatie", "wijkcooperaties"),
        ("buurt", "buurten"),
        ("vergadering", "vergaderingen"),
        ("wonen", "woning", "woningen"),
        ("gemeente", "gemeenten", "gemeentes"),
        ("lid", "leden"),
        ("kind", "kinderen"),
        ("dag", "dagen"),
        ("verslag", "verslagen"),
        ("plaats", "plaatsen"),
        ("gezond", "gezondheid"),
        ("zonnepaneel", "zonnepanelen"),
        ("strategie", "strategieën", "strategieen"),
        ("idee", "ideeën"),
        ("auto", "auto's", "auto\u2019s"),
        ("café", "cafe", "cafés"),
    ],
)
def test_word_forms_meet(forms: tuple[str, ...]) -> None:
    # The whole stream: a compound's own term and its parts all meet.
    assert len({tuple(terms(form)) for form in forms}) == 1, {f: terms(f) for f in forms}


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("gemeente", "mening"),
        ("gemeenten", "menen"),
        ("gemeente", "gemeen"),
        ("leden", "geleden"),
        ("gebied", "bieden"),
        ("gewoon", "wonen"),
        ("gezin", "zin"),
        ("gezondheid", "zon"),
        ("gelijk", "lijken"),
        ("geweld", "wel"),
        ("genieten", "niet"),
        ("plaats", "plaat"),
        ("beleid", "bleiden"),
    ],
)
def test_unrelated_words_stay_apart(word: str, other: str) -> None:
    # stem() rather than the analyzer: some of the others are stop words.
    assert stem(word) != stem(other)


def test_override_targets_stem_to_themselves() -> None:
    # Otherwise a search for the lemma itself ("gebied") would miss its forms.
    for target in set(STEM_OVERRIDES.values()):
        assert stem(target) == target


def test_tables_hold_folded_words() -> None:
    # Tokens are folded before these lookups; an accented entry could never match.
    for word in [*DUTCH_STOP_WORDS, *STEM_OVERRIDES]:
        assert fold(word) == word


@pytest.mark.parametrize(
    "word", ["Subsidies", "coo\u0308peraties", "ĳsselmeer", "financiële", "auto\u2019s", "2.1"]
)
def test_stem_predicts_the_analyzer(word: str) -> None:
    assert terms(word) == [stem(word)]


@pytest.mark.parametrize(
    ("word", "term"),
    [
        ("Jaarverslagen", "jaarverslag"),  # the head goes through the override table
        ("buurtinitiatieven", "buurtinitiatief"),
        ("Wijkcoo\u0308peraties", "wijkcoopereer"),
        ("mantelzorgers", "mantelzorg"),
    ],
)
def test_stem_predicts_a_compounds_own_term(word: str, term: str) -> None:
    assert stem(word) == term
    assert terms(word)[0] == term


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Coöperatie", "cooperatie"),
        ("CAFÉ", "cafe"),
        ("ĳsselmeer", "ijsselmeer"),  # the single-letter ij ligature
        ("ﬁets", "fiets"),
        ("Ærøskøbing", "aeroskobing"),
        ("Straße", "strasse"),
        ("gewoon", "gewoon"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        (nfd("coöperatie"), "coöperatie"),
        ("auto\u2019s", "auto's"),
        ("ge\u00admeente\u200b", "gemeente"),
        ("Gewoon ASCII.", "Gewoon ASCII."),
    ],
)
def test_normalise(text: str, normalised: str) -> None:
    assert normalise(text) == normalised


def test_decomposed_text_gives_the_same_terms() -> None:
    text = "De coöperatie en het café in IJsselstein"
    assert terms(nfd(text)) == terms(text) == ["coopereer", "cafe", "ijsselstein"]


def test_offsets_point_into_the_text_as_given() -> None:
    text = nfd("Een coöperatie, één café.")
    spans = [text[t.startchar : t.endchar] for t in ANALYZER(text, chars=True)]
    assert spans == [nfd("coöperatie"), nfd("café")]


def test_stop_words_are_removed_and_positions_close_up() -> None:
    tokens = [(t.text, t.pos) for t in ANALYZER("de vergadering van de leden", positions=True)]
    assert tokens == [("vergader", 1), ("lid", 2)]


def test_stop_words_stay_marked_when_kept() -> None:
    # The highlighter asks for removestops=False; stop words must come through unstemmed.
    tokens = [(t.text, t.stopped) for t in ANALYZER("de subsidies", removestops=False)]
    assert tokens == [("de", True), ("subsidie", False)]


@pytest.mark.parametrize(
    "text", ["", " ", "\n\t  \r\n", "... -- !! ?", "_____", "de het een van", "\u00ad\u200b"]
)
def test_text_without_words_gives_no_tokens(text: str) -> None:
    assert terms(text, positions=True, chars=True) == []


def test_numbers_codes_and_single_letters_are_kept() -> None:
    assert terms("Artikel 2.1 van bijlage B: € 1.000,50 voor covid19") == [
        "artikel",
        "2.1",
        "bijlag",
        "b",
        "1.000,50",
        "covid19",
    ]


def test_words_split_on_hyphens_dots_and_underscores() -> None:
    assert terms("Noord-Holland einde.Volgende veld_naam") == [
        "noord",
        "holland",
        "eind",
        "volg",
        "veld",
        "naam",
    ]


def test_overlong_tokens_are_dropped() -> None:
    assert terms("a" * (MAX_TOKEN_LENGTH + 1) + " buurt") == ["buurt"]


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


def test_word_cache_is_bounded() -> None:
    # Indexing a large corpus must not grow the process without limit.
    assert word_terms.cache_info().maxsize is not None


# Changing any output of the chain means existing indexes hold other terms: bump
# ANALYSIS_VERSION (the backend then rebuilds) and record the new output here under it.
PINNED_SAMPLE = (
    "De Algemene Ledenvergadering van Wijkcoöperatie 't Zuid besprak de subsidies, "
    "ideeën en zonnepanelen van de gemeenten; auto\u2019s 2.1"
)
PINNED: dict[int, tuple[list[str], str]] = {
    1: (
        [
            "almeen",
            "ledenvergader",
            "wijkcoopereer",
            "zuid",
            "besprak",
            "subsidie",
            "idee",
            "zonnepaneel",
            "gemeente",
            "auto",
            "2.1",
        ],
        "659ff1cec52f",
    ),
    2: (
        [
            "almeen",
            "ledenvergader",
            "lid",
            "vergader",
            "wijkcoopereer",
            "wijk",
            "coopereer",
            "zuid",
            "besprak",
            "subsidie",
            "idee",
            "zonnepaneel",
            "gemeente",
            "auto",
            "2.1",
        ],
        "a03e1d26f54f",
    ),
}


def _tables_digest() -> str:
    tables = repr(
        (
            sorted(DUTCH_STOP_WORDS),
            sorted(STEM_OVERRIDES.items()),
            TOKEN_PATTERN.pattern,
            MAX_TOKEN_LENGTH,
            compounds.MIN_PART,
            compounds.KEEP_WHOLE_ZIPF,
            compounds.LINKERS,
            sorted(compounds.NOT_A_PART),
            sorted(compounds.lexicon().items()),  # regenerating the word list changes terms too
        )
    )
    return hashlib.sha256(tables.encode()).hexdigest()[:12]


def test_output_is_pinned_to_analysis_version() -> None:
    expected_terms, expected_digest = PINNED[ANALYSIS_VERSION]
    assert terms(PINNED_SAMPLE) == expected_terms
    assert _tables_digest() == expected_digest


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
