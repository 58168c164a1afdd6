"""The per-word analysis (``analysis.word_terms``) gives exactly the Whoosh chain's terms."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from kennisnet.search.analysis import WordTerms, analyse, word_terms, words
from kennisnet.search.whoosh.analyzers import dutch_analyzer, exact_analyzer

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

TRICKY = [
    "Buurtnetwerken",
    "mantelzorgers",
    "Wijkcoöperaties",
    "Wijkcoo\u0308peraties",  # decomposed, as PDFs give it
    "subsidieaanvragen",
    "ledenvergaderingen",
    "gegevensbeschermingseffectbeoordeling",
    "gemeenten",
    "geleden",
    "strategieën",
    "auto's",
    "zo'n",
    "1.000,50",
    "COVID19",
    "ĳsbaan",
    "de",
    "x" * 80,
]


def whoosh_terms(word: str) -> WordTerms | None:
    """What the Whoosh analyzers make of one word, in the shape of ``WordTerms``."""
    by_position: dict[int, list[str]] = defaultdict(list)
    for token in dutch_analyzer()(word, positions=True):
        by_position[token.pos].append(token.text)
    exact = [t.text for t in exact_analyzer()(word)]
    if not by_position:
        assert not exact
        return None
    assert len(by_position) == 1, f"{word!r} is one word"
    stem, *parts = next(iter(by_position.values()))
    return WordTerms(exact[0], stem, tuple(p for p in dict.fromkeys(parts) if p != stem))


@pytest.mark.parametrize("word", TRICKY)
def test_tricky_words_agree_with_the_whoosh_chain(word: str) -> None:
    ours = word_terms(word)
    theirs = whoosh_terms(word)
    if theirs is None:
        assert ours is None
        return
    assert ours is not None
    assert (ours.exact, ours.stem, ours.parts) == (theirs.exact, theirs.stem, theirs.parts)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"test corpus not found at {CORPUS}")
def test_every_word_of_the_dutch_text_corpus_agrees() -> None:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in CORPUS.glob("text/nl-*")]
    assert texts, "the shared corpus has Dutch text files"
    vocabulary = {w for text in texts for w in re.findall(r"[^\W_]+(?:'[^\W_]+)*", text)}
    assert len(vocabulary) > 1_000
    different = []
    for word in sorted(vocabulary):
        ours, theirs = word_terms(word), whoosh_terms(word)
        if (ours and (ours.exact, ours.stem, ours.parts)) != (
            theirs and (theirs.exact, theirs.stem, theirs.parts)
        ):
            different.append((word, ours, theirs))
    assert different == []


def test_leaves_are_the_smallest_parts() -> None:
    word = word_terms("gegevensbeschermingseffectbeoordeling")
    assert word is not None
    assert set(word.leaves) <= set(word.parts)
    assert not any(a != b and a in b for a in word.leaves for b in word.leaves)
    assert word_terms("buurtinitiatief") == WordTerms(
        "buurtinitiatief", "buurtinitiatief", ("buurt", "initiatief"), ("buurt", "initiatief")
    )


def test_analyse_keeps_word_order_without_stop_words() -> None:
    stems, exact, parts = analyse(["De algemene ledenvergaderingen van de coöperatie"])
    assert stems.split() == [w.stem for w in words("algemene ledenvergaderingen coöperatie")]
    assert exact == "algemene ledenvergaderingen cooperatie"
    assert set(parts.split()) == {"lid", "vergadering"}
