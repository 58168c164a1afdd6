"""What every engine does the same way around its own matching: the AND→OR fallback, checking
a did-you-mean suggestion, and the autocomplete flow.

Each function takes the engine's own operations as callables, so the rules (when to fall back,
what a suggestion must satisfy, which words autocomplete offers) are written once, for every
backend. Hits' snippets are built in ``snippets.hit_snippet``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from kennisnet.search import querylang
from kennisnet.search.analysis import TOKEN_PATTERN, WordTerms, fold, normalise, word_terms, words
from kennisnet.search.base import Completions, Hit, SearchQuery, SearchResults, page_window
from kennisnet.search.querylang import Node

__all__ = [
    "MIN_CORRECTABLE",
    "MIN_PREFIX",
    "Typed",
    "complete",
    "correctable",
    "fallback",
    "frequent_completions",
    "results",
    "suggest",
    "typed",
]

# Shorter words have too many neighbours at edit distance 1 to correct.
MIN_CORRECTABLE = 4
MIN_PREFIX = 2
MAX_TYPED = 10  # words of an autocomplete prefix looked at

M = TypeVar("M")


def fallback(
    tree: Node | None,
    matched: M,
    match: Callable[[Node], M | None],
    allowed: Callable[[M], bool],
) -> tuple[Node | None, M, str | None]:
    """The query to answer with: as typed, or, when no document the viewer may see (``allowed``)
    has every word, any of its words (those after NOT stay excluded) and "or" to say so.

    ``matched`` is what the engine matched for ``tree``; ``match`` matches another tree (None
    when nothing is left to match).
    """
    if tree is None or allowed(matched):
        return tree, matched, None
    either = querylang.any_words(tree)
    if either is None or either == tree:
        return tree, matched, None
    found = match(either)
    if found is None or not allowed(found):
        return tree, matched, None
    return either, found, "or"


def results(
    query: SearchQuery,
    total: int,
    hits: list[Hit],
    facets: dict[str, dict[str, int]],
    suggestion: str | None,
    fallback: str | None,
) -> SearchResults:
    """The answer to ``query``: its page clamped to those that exist, as the engine paged."""
    return SearchResults(
        total=total,
        page=page_window(total, query.page, query.per_page)[0],
        per_page=query.per_page,
        hits=hits,
        facets=facets,
        suggestion=suggestion,
        fallback=fallback,
    )


def correctable(word: WordTerms) -> bool:
    """Whether a did-you-mean may replace this word (not numbers, codes or short words)."""
    return len(word.exact) >= MIN_CORRECTABLE and word.exact.isalpha()


def suggest(
    text: str,
    known: Callable[[WordTerms], bool],
    correction: Callable[[str], str | None],
    finds: Callable[[Node], bool],
) -> str | None:
    """A corrected query, or None.

    Every word ``known`` does not find is replaced by its ``correction`` (None when one has
    none: then nothing is suggested), and the result must ``find`` documents the way a search
    would: all words, or else any of them. The engine's callables look only at documents the
    viewer may see, so a suggestion never reveals a word from a document they cannot open.
    """
    replacements: list[tuple[int, int, str]] = []
    for match in TOKEN_PATTERN.finditer(text or ""):
        word = word_terms(match.group())
        if word is None or not correctable(word) or known(word):
            continue
        better = correction(word.exact)
        if better is None:
            return None
        replacements.append((match.start(), match.end(), better))
    if not replacements:
        return None
    corrected = text
    for start, end, better in reversed(replacements):
        corrected = corrected[:start] + better + corrected[end:]
    corrected = " ".join(corrected.split())
    tree = querylang.parse(corrected)
    for candidate in (tree, querylang.any_words(tree)):
        if candidate is not None and finds(candidate):
            return corrected
    return None


@dataclass(frozen=True)
class Typed:
    """An autocomplete prefix: the words typed before (exact forms, stop words left out), which
    narrow the titles, and the last word, which is being typed."""

    before: list[str]
    last: str


def typed(prefix: str) -> Typed | None:
    """What was typed, or None when the last word is too short to complete.

    Stop words count as the last word ("de" may start "dementie").
    """
    found = [fold(normalise(w)) for w in TOKEN_PATTERN.findall(prefix or "")][:MAX_TYPED]
    if not found or len(found[-1]) < MIN_PREFIX:
        return None
    *before, last = found
    return Typed([word.exact for word in words(" ".join(before))], last)


def complete(
    prefix: str,
    titles: Callable[[Typed], list[int]],
    terms: Callable[[str], list[str]],
) -> Completions:
    """Titles and words starting with the last word typed, from visible documents.

    Earlier words typed narrow the titles ("buurt moes" finds titles with "buurt" and a word
    starting "moes"); the word list only looks at the last one. ``titles`` gives the ids of
    the matching titles the viewer may see, newest first; ``terms`` the words to offer.
    """
    found = typed(prefix)
    if found is None:
        return Completions(title_ids=[], terms=[])
    return Completions(title_ids=titles(found), terms=terms(found.last))


def frequent_completions(
    frequency: Mapping[str, int], prefix: str, visible: Callable[[str], bool], limit: int
) -> list[str]:
    """Index words longer than ``prefix``, most frequent first (then alphabetical), that the
    viewer could find: the index counts every document, ``visible`` only theirs."""
    candidates = {t: n for t, n in frequency.items() if t.isalpha() and len(t) > len(prefix)}
    out: list[str] = []
    for term in sorted(candidates, key=lambda t: (-candidates[t], t)):
        if visible(term):
            out.append(term)
            if len(out) >= limit:
                break
    return out
