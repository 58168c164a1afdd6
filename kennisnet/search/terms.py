"""The Dutch analysis chain as plain functions: one word in, its index terms out.

Same rules as the Whoosh analyzers in ``analysis`` (normalise, fold, stop words, compound
pieces, Snowball 3 with the override table, a compound stemmed on its last part), computed once
per distinct word and cached. Engines that take pre-analysed text (SQLite FTS5, PostgreSQL)
and the highlighter use this; a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from kennisnet.search.analysis import (
    _MIN_COMPOUND,
    DUTCH_STOP_WORDS,
    MAX_TOKEN_LENGTH,
    TOKEN_PATTERN,
    _is_stemmable,
    _new_stemmer,
    _pieces,
    _stem_folded,
    fold,
    normalise,
)

__all__ = ["WordTerms", "analyse", "word_terms", "words"]


@dataclass(frozen=True, slots=True)
class WordTerms:
    """The terms of one word: ``exact`` is folded, ``stem`` its index term; for a compound,
    ``parts`` are its stemmed sub-compounds and parts, ``leaves`` the smallest of those."""

    exact: str
    stem: str
    parts: tuple[str, ...] = ()
    leaves: tuple[str, ...] = ()

    def terms(self) -> tuple[str, ...]:
        return (self.exact, self.stem, *self.parts)


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    if not _is_stemmable(word):
        return word
    return _stem_folded(word, _new_stemmer())


def _stem_piece(piece: str, head: int) -> str:
    return piece[:head] + _stem(piece[head:])


@lru_cache(maxsize=200_000)
def word_terms(token: str) -> WordTerms | None:
    """Terms of one token as ``TOKEN_PATTERN`` finds it; None for a stop word or junk."""
    folded = fold(normalise(token))
    if not folded or len(folded) > MAX_TOKEN_LENGTH or folded in DUTCH_STOP_WORDS:
        return None
    pieces = _pieces(folded) if len(folded) >= _MIN_COMPOUND else ()
    if not pieces:
        return WordTerms(folded, _stem(folded))
    whole = _stem_piece(*pieces[0])
    stemmed = dict.fromkeys(_stem_piece(piece, head) for piece, head in pieces[1:])
    parts = tuple(p for p in stemmed if p != whole)
    # Sub-compounds of long words are left out of a query: the leaves carry the meaning.
    leaves = tuple(p for p in parts if not any(q != p and q in p for q in parts)) or parts
    return WordTerms(folded, whole, parts, leaves)


def words(text: str) -> list[WordTerms]:
    """The analysed words of ``text`` in order, stop words left out."""
    out = []
    for match in TOKEN_PATTERN.finditer(text or ""):
        terms = word_terms(match.group())
        if terms is not None:
            out.append(terms)
    return out


def analyse(texts: Iterable[str]) -> tuple[str, str, str]:
    """Stems, exact forms and compound parts of ``texts``, each as space-separated terms.

    Stems and exact forms keep the word order (phrases match on them, stop words removed so
    "vergadering van de leden" is the phrase "vergadering leden"); parts are a bag.
    """
    stems: list[str] = []
    exact: list[str] = []
    parts: list[str] = []
    for text in texts:
        for terms in words(text):
            stems.append(terms.stem)
            exact.append(terms.exact)
            parts.extend(terms.parts)
    return " ".join(stems), " ".join(exact), " ".join(parts)
