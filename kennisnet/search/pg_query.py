"""PostgreSQL ``tsvector`` passages and ``tsquery`` expressions, for ``postgres_backend``.

The Dutch analysis (``analysis``) makes the terms; PostgreSQL only stores and matches them,
with the ``simple`` parsing of a cast (``'term':3A``), never a text-search configuration.

One passage's vector holds, per analysed word, at the word's position:

- its term (``stem``) with the weight of its field: title A, summary B, body C, meta D
  (theme, type and organisation names, field values);
- its exact folded form as ``=exact`` (title, summary and body), for ranking the form typed
  higher, prefix completion and spelling;
- a compound's part terms, weight A in the title and D elsewhere (a part counts less than a
  word, except in the title).

Fields are ``GAP`` positions apart, so a phrase never spans two fields. PostgreSQL keeps at
most 16,383 positions and 256 per term, so a long body is cut into passages of at most
``PASSAGE_POSITIONS`` positions that overlap by ``OVERLAP`` words (a phrase across a cut is
still found); the first passage also holds the title, summary and meta.

The head (title, summary, meta) is also a vector of its own, small enough to stay in its row:
ranking's first phase scores it for every match, the second phase scores whole passages for the
best of those only (``postgres_backend``).

Every term is quoted (``lexeme``), so nothing a member types is ever ``tsquery`` syntax.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from kennisnet.search.analysis import WordTerms, words
from kennisnet.search.querylang import Node, Not, Phrase, Word

__all__ = [
    "EXACT",
    "OVERLAP",
    "PASSAGE_POSITIONS",
    "RANK_WEIGHTS",
    "Expr",
    "Passage",
    "atoms",
    "compile_query",
    "evaluate",
    "lexeme",
    "passages",
    "rank_query",
    "render",
]

EXACT = "="  # prefix of exact forms: never the start of a term (terms start with a letter)
GAP = 64  # positions between fields: more than a query's longest phrase (MAX_ITEMS)
PASSAGE_POSITIONS = 16_000  # under PostgreSQL's 16,383
OVERLAP = 32  # words repeated at the start of the next passage
MAX_POSITIONS = 256  # per term in one vector, PostgreSQL's limit
# ts_rank's weights in {D, C, B, A} order: meta and parts, body, summary, title.
RANK_WEIGHTS = (0.2, 0.33, 0.5, 1.0)


def lexeme(term: str) -> str:
    """``term`` as one quoted lexeme of a ``tsvector`` or ``tsquery``."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


# -- documents -> passages -----------------------------------------------------------------
class Passage:
    """One passage's terms with their positions; ``text()`` is its ``tsvector`` input."""

    def __init__(self) -> None:
        self.positions: dict[str, list[str]] = defaultdict(list)

    def add(self, term: str, position: int, weight: str) -> None:
        found = self.positions[term]
        if len(found) < MAX_POSITIONS:
            found.append(f"{position}{weight}")

    def add_word(self, word: WordTerms, position: int, weight: str, exact: bool) -> None:
        self.add(word.stem, position, weight)
        if exact:
            self.add(EXACT + word.exact, position, weight)
        for part in word.parts:
            self.add(part, position, "A" if weight == "A" else "D")

    def text(self) -> str:
        return " ".join(f"{lexeme(t)}:{','.join(p)}" for t, p in self.positions.items())


def passages(title: str, summary: str, meta: Iterable[str], body: str) -> tuple[str, list[Passage]]:
    """The head's ``tsvector`` text (title, summary and meta alone: the first phase of
    ranking) and the passages of one document, the first one first."""
    first = Passage()
    position = 1
    for text, weight, exact in ((title, "A", True), (summary, "B", True)):
        for word in words(text):
            first.add_word(word, position, weight, exact)
            position += 1
        position += GAP
    for text in meta:
        for word in words(text):
            first.add_word(word, position, "D", False)
            position += 1
        position += GAP
    head = first.text()
    body_words = words(body)
    out = []
    vector, start = first, 0
    while True:
        # A head longer than a passage (never seen) is clamped by PostgreSQL, not looped on.
        room = max(PASSAGE_POSITIONS - position, 2 * OVERLAP)
        for word in body_words[start : start + room]:
            vector.add_word(word, position, "C", True)
            position += 1
        out.append(vector)
        start += room
        if start >= len(body_words):
            return head, out
        start -= OVERLAP
        vector, position = Passage(), 1


# -- parsed queries -> tsquery ---------------------------------------------------------------
@dataclass(frozen=True)
class Expr:
    """A boolean query over atoms; an atom is a ``tsquery`` a single passage must match."""

    op: Literal["atom", "and", "or", "not"]
    atom: str = ""
    items: tuple[Expr, ...] = ()


def _join(op: Literal["and", "or"], items: list[Expr]) -> Expr | None:
    if not items:
        return None
    return items[0] if len(items) == 1 else Expr(op, items=tuple(items))


def _word(word: WordTerms) -> Expr:
    atom = lexeme(word.stem)
    if word.leaves:
        # A compound also matches its parts apart ("initiatief in de buurt"); the passage
        # with the compound itself ranks higher, as it holds more of the ranking terms.
        atom = f"({atom} | ({' & '.join(lexeme(leaf) for leaf in word.leaves)}))"
    return Expr("atom", atom)


def compile_query(node: Node | None, op: Literal["and", "or"] = "and") -> Expr | None:
    """The boolean query of a parsed query, or None when nothing is left to match."""
    if node is None or isinstance(node, Not):
        return None  # a Not is only meaningful inside an "and" group, handled there
    if isinstance(node, Word):
        return _join(op, [_word(w) for w in words(node.text)])
    if isinstance(node, Phrase):
        found = words(node.text)
        if len(found) <= 1:
            return _join(op, [_word(w) for w in found])
        return Expr("atom", "(" + " <-> ".join(lexeme(w.stem) for w in found) + ")")
    positive = [compile_query(n, node.op) for n in node.nodes if not isinstance(n, Not)]
    expression = _join(node.op, [e for e in positive if e])
    if node.op == "and" and expression is not None:
        negative = [compile_query(n.node, "or") for n in node.nodes if isinstance(n, Not)]
        excluded = _join("or", [e for e in negative if e])
        if excluded is not None:
            expression = Expr("and", items=(expression, Expr("not", items=(excluded,))))
    return expression


def render(expr: Expr) -> str:
    """``expr`` as ``tsquery`` text."""
    if expr.op == "atom":
        return expr.atom
    if expr.op == "not":
        return f"!({render(expr.items[0])})"
    joined = (" & " if expr.op == "and" else " | ").join(render(e) for e in expr.items)
    return f"({joined})"


def atoms(expr: Expr) -> list[str]:
    """Every atom of ``expr`` once, in order."""
    if expr.op == "atom":
        return [expr.atom]
    return list(dict.fromkeys(a for item in expr.items for a in atoms(item)))


def evaluate(expr: Expr, found: set[str]) -> bool:
    """Whether a document whose passages matched the atoms ``found`` matches ``expr``."""
    if expr.op == "atom":
        return expr.atom in found
    if expr.op == "not":
        return not evaluate(expr.items[0], found)
    results = (evaluate(item, found) for item in expr.items)
    return all(results) if expr.op == "and" else any(results)


def _positive_words(node: Node | None) -> list[WordTerms]:
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Word | Phrase):
        return words(node.text)
    return [w for child in node.nodes for w in _positive_words(child)]


def rank_query(node: Node | None) -> str | None:
    """Every term a match can contain, OR-ed: what ``ts_rank`` scores.

    The exact form adds to its term's score (the form typed ranks higher), a compound's parts
    add less (weight D outside the title). Only the order changes, never the matches.
    """
    terms: list[str] = []
    for word in _positive_words(node):
        terms += [word.stem, EXACT + word.exact, *word.leaves]
    unique = dict.fromkeys(lexeme(t) for t in terms)
    return " | ".join(unique) or None
