"""``search.explain``: what the analysis makes of each word, for curators and the CLI."""

from __future__ import annotations

import json
import unicodedata

from kennisnet.search import explain
from kennisnet.search.analysis import word_terms, words


def test_one_entry_per_word_in_order_with_exactly_these_keys() -> None:
    result = explain("De buurtnetwerken van de coöperatie")
    assert [entry["word"] for entry in result] == [
        "De",
        "buurtnetwerken",
        "van",
        "de",
        "coöperatie",
    ]
    assert all(set(entry) == {"word", "term", "exact", "parts"} for entry in result)


def test_stop_words_have_no_term() -> None:
    first, *_ = explain("De subsidies")
    assert first == {"word": "De", "term": None, "exact": "de", "parts": []}


def test_a_compound_lists_its_part_terms() -> None:
    (entry,) = explain("Buurtnetwerken")
    terms = word_terms("Buurtnetwerken")
    assert terms is not None
    assert entry == {
        "word": "Buurtnetwerken",
        "term": terms.stem,
        "exact": "buurtnetwerken",
        "parts": ["buurt", "netwerk"],
    }


def test_terms_are_those_the_index_holds() -> None:
    text = "Jaarverslagen, ideeën en auto\u2019s van de wijkcoöperaties in 2.1"
    indexed = [(w.stem, w.exact, list(w.parts)) for w in words(text)]
    explained = [(e["term"], e["exact"], e["parts"]) for e in explain(text) if e["term"]]
    assert explained == indexed


def test_words_come_normalised_and_the_result_is_json() -> None:
    (entry,) = explain(unicodedata.normalize("NFD", "coöperatie"))
    assert entry["word"] == "coöperatie"  # NFC, as typed on most keyboards
    assert json.loads(json.dumps(explain("Coöperatie 't Zuid"))) == explain("Coöperatie 't Zuid")


def test_text_without_words_gives_nothing() -> None:
    assert explain("") == []
    assert explain(" -- !! ") == []


def test_the_documented_example() -> None:
    assert explain("belangrijke") == [
        {"word": "belangrijke", "term": "belangrijk", "exact": "belangrijke", "parts": []}
    ]
