"""The engine-neutral search flow: fallback, suggestion, autocomplete, the results' page."""

from __future__ import annotations

from kennisnet.search import flow, querylang
from kennisnet.search.base import SearchQuery


def test_fallback_to_any_word_only_when_all_words_find_nothing_visible() -> None:
    tree = querylang.parse("buurt tuin NOT hek")
    either = querylang.any_words(tree)
    found = {either: {2}}
    assert flow.fallback(tree, {1}, found.get, lambda m: 1 in m) == (tree, {1}, None)
    assert flow.fallback(tree, set(), found.get, bool) == (either, {2}, "or")
    assert flow.fallback(tree, set(), lambda _: set(), bool) == (tree, set(), None)
    one = querylang.parse("buurt")  # one word: nothing to fall back to
    assert flow.fallback(one, set(), found.get, bool) == (one, set(), None)


def test_suggest_replaces_unknown_words_and_checks_the_result() -> None:
    known = {"mantelzorg", "buurt"}
    suggestion = flow.suggest(
        "mantelzorgr in de buurt",
        lambda word: word.exact in known,
        lambda word: "mantelzorg" if word == "mantelzorgr" else None,
        lambda tree: True,
    )
    assert suggestion == "mantelzorg in de buurt"


def test_no_suggestion_without_a_correction_or_when_it_finds_nothing() -> None:
    def suggest(finds: bool, correction: str | None) -> str | None:
        return flow.suggest("geheum", lambda w: False, lambda w: correction, lambda t: finds)

    assert suggest(True, None) is None
    assert suggest(False, "geheim") is None
    assert suggest(True, "geheim") == "geheim"


def test_short_words_and_numbers_are_never_corrected() -> None:
    asked: list[str] = []
    flow.suggest("wmo 2015 ab", lambda w: False, lambda w: asked.append(w), lambda t: True)
    assert asked == []


def test_typed_splits_the_prefix() -> None:
    typed = flow.typed("De Buurt moes")
    assert typed == flow.Typed(before=["buurt"], last="moes")
    assert flow.typed("de") == flow.Typed(before=[], last="de")  # may start "dementie"
    assert flow.typed("buurt m") is None


def test_frequent_completions_are_visible_longer_and_most_frequent_first() -> None:
    frequency = {"moestuin": 3, "moes": 9, "moestuinen": 5, "moestuin2": 7, "moesson": 5}
    hidden = {"moesson"}
    offered = flow.frequent_completions(frequency, "moes", lambda t: t not in hidden, 8)
    assert offered == ["moestuinen", "moestuin"]


def test_results_clamp_the_page() -> None:
    results = flow.results(SearchQuery(text="x", page=9, per_page=10), 25, [], {}, None, None)
    assert (results.page, results.pages, results.per_page) == (3, 3, 10)
