"""The Dutch analysis (``search.analysis``) as Whoosh analyzers: thin wrappers, no rules here.

Chain: ``DutchTokenizer`` (words of the original text, each normalised) -> ``FoldFilter`` ->
``DutchStopFilter`` -> ``DutchTermFilter`` (the word's index term, then its compound parts at the
same position, from ``analysis.word_terms``). ``exact_analyzer`` stops before the term filter.

What must stay true:

- Whoosh pickles the schema, analyzers included, into the index. Every class here is
  module-level and its pickled state is a few settings; lexicons, word lists and caches live in
  ``analysis`` and are loaded at run time. The module path and the class names are part of the
  on-disk format: renaming them needs ``backend.SCHEMA_VERSION`` bumped (old indexes then no
  longer open, and the start-up check rebuilds them).
- Every filter gives the same result in ``mode="index"`` and ``mode="query"``: query terms must
  meet index terms.
- Whoosh reuses one mutable ``Token`` for a whole stream: a filter reads ``t.text`` before it
  yields, and one that emits extra tokens yields copies (``t.copy()``).
- Stop words go before compound parts are added: the stop filter renumbers positions, and parts
  must share their compound's position or phrases break.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer, Filter, Token, Tokenizer

from kennisnet.search.analysis import (
    DUTCH_STOP_WORDS,
    MAX_TOKEN_LENGTH,
    PART_WEIGHT,
    TOKEN_PATTERN,
    fold,
    normalise,
    word_terms,
)

__all__ = [
    "DutchStopFilter",
    "DutchTermFilter",
    "DutchTokenizer",
    "FoldFilter",
    "dutch_analyzer",
    "exact_analyzer",
]


class DutchTokenizer(Tokenizer):
    """Finds words in the original text and normalises each one.

    Matching the original rather than a normalised copy keeps ``startchar``/``endchar`` valid
    for the stored text, which highlighting slices.
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        if not isinstance(value, str):
            raise TypeError(f"{value!r} is not text")
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Wildcard and range queries ask for the value as one term.
            t.text = normalise(value)
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        for pos, match in enumerate(TOKEN_PATTERN.finditer(value)):
            t.text = normalise(match.group())
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


class FoldFilter(Filter):
    """Lower case and diacritics folded, via ``analysis.fold``; offsets untouched."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold(t.text)
            yield t


class DutchStopFilter(Filter):
    """Drops ``DUTCH_STOP_WORDS`` and over-long tokens, like Whoosh's ``StopFilter``.

    Positions are renumbered so a phrase query matches across removed words ("vergadering van
    de leden" as "vergadering leden"); with ``removestops=False`` (the highlighter) stop words
    stay in the stream marked ``stopped``. Single characters are kept: "artikel 5", "bijlage B".
    """

    def __init__(self, renumber: bool = True) -> None:
        self.renumber = renumber

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        renumber = self.renumber
        pos = None
        for t in tokens:
            text = t.text
            if text and len(text) <= MAX_TOKEN_LENGTH and text not in DUTCH_STOP_WORDS:
                if renumber and t.positions:
                    if pos is None:
                        pos = t.pos
                    else:
                        pos += 1
                        t.pos = pos
                t.stopped = False
                yield t
            elif not t.removestops:
                t.stopped = True
                yield t


class DutchTermFilter(Filter):
    """The word's index term, then its compound parts: "buurtnetwerken" -> "buurtnetwerk",
    "buurt", "netwerk".

    Parts share the compound's position and offsets (a match on a part marks the whole word)
    and count ``PART_WEIGHT`` of a word: Whoosh sums token boosts into a term's weight.
    """

    is_morph = True  # Whoosh skips this filter for no_morph=True (spelling suggestions).

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if t.stopped:
                yield t
                continue
            terms = word_terms(t.text)
            if terms is None:
                yield t
                continue
            # Copies first: a later filter may rewrite t in place once it is yielded.
            extra = []
            for part in terms.parts:
                token = t.copy()
                token.text = part
                token.boost = t.boost * PART_WEIGHT
                extra.append(token)
            t.text = terms.stem
            yield t
            yield from extra


def dutch_analyzer() -> Analyzer:
    """The analyzer for every Dutch text field; see the module docstring for the chain."""
    return DutchTokenizer() | FoldFilter() | DutchStopFilter() | DutchTermFilter()


def exact_analyzer() -> Analyzer:
    """Words as written, folded, stop words out: no compound parts, no lemmas.

    For an unstemmed companion field: exact forms rank above mere term matches, and prefix
    queries ("coöp*") expand over real words rather than terms. Its terms are exactly the
    folded words, so ``fold(normalise(word))`` predicts them.
    """
    return DutchTokenizer() | FoldFilter() | DutchStopFilter()
