"""Snippets: a short piece of a document's own text with the matched words in ``<mark>``.

Words are compared by their terms (``analysis.word_terms``, cached per word), so a snippet marks
every form the search matched: "mantelzorgers" for "mantelzorg", "buurtnetwerken" for
"netwerk". A compound in the query also matches its parts as words of their own ("initiatief in
de buurt" for "buurtinitiatief"), but not every word that shares a part ("buurthuis"). Only the
documents on the page shown are read, and each only until enough matches are found, so long
documents cost no more than short ones. Both engines build their hits' snippets here.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from kennisnet.search.analysis import TOKEN_PATTERN, word_terms, words

__all__ = ["SNIPPET_CHARS", "Marks", "hit_snippet", "marks", "plain_snippet", "snippet"]


@dataclass(frozen=True)
class Marks:
    """What a text word must have to be marked: any of its terms (its own, its exact form, its
    compound parts) in ``anywhere``, or its own term or exact form in ``alone``."""

    anywhere: frozenset[str] = frozenset()
    alone: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.anywhere or self.alone)


def marks(texts: Iterable[str]) -> Marks:
    """The marks of the query words and phrases in ``texts`` (those after NOT left out)."""
    anywhere: set[str] = set()
    alone: set[str] = set()
    for text in texts:
        for word in words(text):
            anywhere.update((word.stem, word.exact))
            alone.update(word.leaves)
    return Marks(frozenset(anywhere), frozenset(alone))


def hit_snippet(summary: str, body: str, found: Marks) -> str:
    """The snippet of one hit: from the body, else the summary, else the start of either."""
    if found:
        for text in (body, summary):
            piece = snippet(text, found)
            if piece:
                return piece
    return plain_snippet(summary or body)


SNIPPET_CHARS = 240
SURROUND = 70
MAX_MATCHES = 24  # matches looked at per document: the best window is among the first ones
# Text looked at per document, as Whoosh's highlighter (32 KB): a match further on still
# counts for the ranking, the snippet then shows the summary or the start.
MAX_CHARS = 32_768


def _matches(text: str, wanted: Marks) -> list[tuple[int, int, str]]:
    # Documents repeat their words: each different word is judged once per document.
    judged: dict[str, str | None] = {}
    found: list[tuple[int, int, str]] = []
    for match in TOKEN_PATTERN.finditer(text, 0, MAX_CHARS):
        token = match.group()
        try:
            stem = judged[token]
        except KeyError:
            word = word_terms(token)
            hit = word is not None and (
                word.stem in wanted.anywhere
                or word.exact in wanted.anywhere
                or not wanted.anywhere.isdisjoint(word.parts)
                or word.stem in wanted.alone
                or word.exact in wanted.alone
            )
            stem = judged[token] = word.stem if hit and word else None
        if stem is not None:
            found.append((match.start(), match.end(), stem))
            if len(found) >= MAX_MATCHES:
                break
    return found


def snippet(text: str, terms: Marks, chars: int = SNIPPET_CHARS) -> str | None:
    """HTML of the window of ``text`` with the most different matched words, or None."""
    if not text or not terms:
        return None
    found = _matches(text, terms)
    if not found:
        return None
    best, best_score = (0, 1), -1
    for i, (start, _end, _stem) in enumerate(found):
        j = i
        while j + 1 < len(found) and found[j + 1][1] - start <= chars - 2 * SURROUND // 3:
            j += 1
        score = len({stem for _s, _e, stem in found[i : j + 1]})
        if score > best_score:
            best, best_score = (i, j + 1), score
    window = found[best[0] : best[1]]
    first, last = window[0][0], window[-1][1]
    room = max(0, chars - (last - first))
    lo = max(0, first - min(SURROUND, room // 2))
    hi = min(len(text), last + (room - (first - lo)))
    lo, hi = _word_boundaries(text, lo, hi, first, last)
    out: list[str] = ["… " if lo > 0 else ""]
    pos = lo
    for start, end, _stem in window:
        out.append(_escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(_escape(text[pos:hi]))
    out.append(" …" if hi < len(text) else "")
    return "".join(out).strip()


def plain_snippet(text: str, chars: int = SNIPPET_CHARS) -> str:
    """The start of ``text``, escaped, for a result without matched words in its text."""
    text = " ".join((text or "").split())
    if len(text) > chars:
        text = text[:chars].rsplit(" ", 1)[0] + " …"
    return html.escape(text)


def _word_boundaries(text: str, lo: int, hi: int, first: int, last: int) -> tuple[int, int]:
    """Move the ends inward to whitespace so no word is cut in half, never past a match."""
    if lo > 0 and not text[lo - 1].isspace():
        space = text.find(" ", lo, first)
        lo = space + 1 if space >= 0 else first
    if hi < len(text) and not text[hi].isspace():
        space = text.rfind(" ", last, hi)
        hi = space if space >= 0 else last
    return lo, hi


def _escape(piece: str) -> str:
    # Line breaks and runs of spaces from extraction would show as nothing or as gaps.
    collapsed = " ".join(piece.split())
    if piece[:1].isspace():
        collapsed = " " + collapsed
    if piece[-1:].isspace() and collapsed.strip():
        collapsed += " "
    return html.escape(collapsed)
