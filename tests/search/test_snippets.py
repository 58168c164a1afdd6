"""Snippets: the document's own text, escaped, with every matched form in <mark>."""

from __future__ import annotations

from kennisnet.search.snippets import (
    MAX_CHARS,
    SNIPPET_CHARS,
    Marks,
    hit_snippet,
    marks,
    plain_snippet,
    snippet,
)


def query_terms(text: str) -> Marks:
    return marks([text])


def test_marks_inflections_compounds_and_accents() -> None:
    text = "De Mantelzorgers van de wijkcoöperaties bouwen buurtnetwerken."
    html = snippet(text, query_terms("mantelzorg cooperatie netwerk"))
    assert html == (
        "De <mark>Mantelzorgers</mark> van de <mark>wijkcoöperaties</mark> bouwen"
        " <mark>buurtnetwerken</mark>."
    )


def test_decomposed_text_is_marked_whole() -> None:
    text = "Statuten van de coo\u0308peratie"
    expected = "Statuten van de <mark>coo\u0308peratie</mark>"
    assert snippet(text, query_terms("coöperatie")) == expected


def test_text_is_escaped_and_whitespace_collapsed() -> None:
    text = "<script>alert(1)</script>\n\n  Een   buurtkamer\tvoor iedereen & meer"
    html = snippet(text, query_terms("buurtkamer"))
    assert html is not None
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Een <mark>buurtkamer</mark> voor iedereen &amp; meer" in html


def test_window_goes_where_most_different_words_are() -> None:
    filler = "woorden zonder betekenis hier " * 40
    text = f"Alleen subsidie. {filler} Een subsidie voor de buurtkamer in de wijk. {filler}"
    html = snippet(text, query_terms("subsidie buurtkamer"))
    assert html is not None
    assert "<mark>subsidie</mark> voor de <mark>buurtkamer</mark>" in html
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html.replace("<mark>", "").replace("</mark>", "")) <= SNIPPET_CHARS + 4


def test_no_match_gives_none_and_plain_snippet_shortens() -> None:
    assert snippet("Over de buurt", query_terms("mantelzorg")) is None
    assert snippet("", query_terms("mantelzorg")) is None
    long = "woord " * 100
    assert plain_snippet(long).endswith(" …")
    assert plain_snippet("<b>kort</b>") == "&lt;b&gt;kort&lt;/b&gt;"


def test_matches_beyond_the_reading_limit_are_not_looked_for() -> None:
    text = "x " * (MAX_CHARS // 2) + "mantelzorg"
    assert snippet(text, query_terms("mantelzorg")) is None


def test_a_compound_query_marks_its_parts_alone_but_not_words_sharing_them() -> None:
    text = "Ons buurtinitiatief in het buurthuis: een initiatief voor de buurt."
    html = snippet(text, query_terms("buurtinitiatief"))
    assert html == (
        "Ons <mark>buurtinitiatief</mark> in het buurthuis: een <mark>initiatief</mark>"
        " voor de <mark>buurt</mark>."
    )


def test_a_word_marks_the_compounds_it_is_part_of() -> None:
    html = snippet("De buurtnetwerken en het netwerk.", query_terms("netwerken"))
    assert html == "De <mark>buurtnetwerken</mark> en het <mark>netwerk</mark>."


def test_hit_snippet_falls_back_to_the_summary_then_the_start() -> None:
    found = query_terms("mantelzorg")
    assert hit_snippet("Voor mantelzorgers", "Over iets anders", found) == (
        "Voor <mark>mantelzorgers</mark>"
    )
    assert hit_snippet("Samenvatting", "Tekst", found) == "Samenvatting"
    assert hit_snippet("", "Tekst", Marks()) == "Tekst"
