"""FTS5 expressions from parsed queries, filters and visibility, for ``sqlite_backend``.

Every term that reaches FTS5 is quoted (``quote``) and every filter value is a hex tag, so no
text a member types is ever FTS5 syntax. See ``sqlite_backend`` for the columns' roles.
"""

from __future__ import annotations

from kennisnet.search.analysis import WordTerms, words
from kennisnet.search.base import SearchQuery, Viewer, filter_target
from kennisnet.search.querylang import Node, Not, Phrase, Word

__all__ = [
    "COLUMNS",
    "EXACT_COLUMNS",
    "PHRASE_COLUMNS",
    "STEM_COLUMNS",
    "WEIGHTS",
    "compile_query",
    "conjunction",
    "filter_expression",
    "filter_terms",
    "quote",
    "tag",
    "visibility_expression",
]

COLUMNS = (
    "title",
    "summary",
    "body",
    "meta",
    "parts",
    "title_parts",
    "title_exact",
    "summary_exact",
    "body_exact",
    "tags",
)
# BM25 weight per column, in COLUMNS order. A compound's parts count half a word, so a text
# about "coöperaties" ranks above one that mentions a "wijkcoöperatie"; but a part in the title
# is a title match ("netwerk" in "Buurtnetwerken versterken"); exact forms add to the stem's
# score; tags never score.
WEIGHTS = (3.0, 1.5, 1.0, 1.5, 0.5, 3.0, 3.0, 1.5, 1.0, 0.0)
STEM_COLUMNS = "{title summary body meta parts title_parts}"
PHRASE_COLUMNS = "{title summary body meta}"
TITLE_COLUMNS = "{title title_parts}"
BODY_COLUMNS = "{summary body meta parts}"
# One exact column per stem column, so an exact phrase never spans summary and body where the
# stem phrase (which decides the matches) cannot: the ranked page holds only counted documents.
EXACT_COLUMNS = "{title_exact summary_exact body_exact}"


def quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def tag(kind: str, value: str) -> str:
    """One term for a filter value; hex keeps any slug a single FTS5 token."""
    return f"{kind}x{value.encode('utf-8').hex()}"


# -- query text -> FTS5 expression ------------------------------------------------------------
def word_expression(word: WordTerms, boosted: bool) -> str:
    if boosted:
        # BM25 in FTS5 saturates per phrase, not per column: the title as a phrase of its own
        # scores on top of a body that says the word fifty times (as BM25F would), and the
        # exact form as a phrase of its own ranks "coöperaties" above "coöperatie".
        options = [
            f"{TITLE_COLUMNS}: {quote(word.stem)}",
            f"{BODY_COLUMNS}: {quote(word.stem)}",
            f"{EXACT_COLUMNS}: {quote(word.exact)}",
        ]
    else:
        options = [f"{STEM_COLUMNS}: {quote(word.stem)}"]
    if word.leaves:
        # A compound also matches its parts apart ("initiatief in de buurt"), ranked below the
        # compound itself, which matches more of the Or.
        parts = " AND ".join(f"{STEM_COLUMNS}: {quote(leaf)}" for leaf in word.leaves)
        options.append(f"({parts})")
    return join("or", options) or options[0]


def join(op: str, expressions: list[str]) -> str | None:
    if not expressions:
        return None
    if len(expressions) == 1:
        return expressions[0]
    return "(" + f" {op.upper()} ".join(expressions) + ")"


def compile_query(node: Node | None, op: str = "and", boosted: bool = False) -> str | None:
    """The FTS5 MATCH expression for a parsed query, or None when nothing is left to match.

    ``boosted`` adds phrases that only change the score, never the documents matched (an
    exact form implies its stem; the title is one of the stem columns): the ranked page query
    uses them, the cheaper plain form finds the set of matches for totals and facets.
    """
    if node is None:
        return None
    if isinstance(node, Word):
        return join(op, [word_expression(w, boosted) for w in words(node.text)])
    if isinstance(node, Phrase):
        found = words(node.text)
        if len(found) <= 1:
            return join(op, [word_expression(w, boosted) for w in found])
        stems = f"{PHRASE_COLUMNS}: {quote(' '.join(w.stem for w in found))}"
        if not boosted:
            return stems
        exact = " ".join(w.exact for w in found)
        return f"({stems} OR {EXACT_COLUMNS}: {quote(exact)})"
    if isinstance(node, Not):
        return None  # only meaningful inside an "and" group, handled there
    positive = [compile_query(n, node.op, boosted) for n in node.nodes if not isinstance(n, Not)]
    expression = join(node.op, [e for e in positive if e])
    if node.op == "and" and expression is not None:
        negative = [compile_query(n.node, "or") for n in node.nodes if isinstance(n, Not)]
        excluded = join("or", [e for e in negative if e])
        if excluded:
            expression = f"({expression} NOT {excluded})"
    return expression


def conjunction(first: str, *more: str | None) -> str:
    """``first`` and every further expression given (None ones are left out)."""
    return join("and", [first, *(e for e in more if e)]) or first


def visibility_expression(viewer: Viewer) -> str | None:
    if viewer.sees_members_only:
        return None  # every indexed document is public or members-only
    return f"{{tags}}: {quote(tag('vis', 'public'))}"


def filter_terms(query: SearchQuery) -> dict[str, tuple[str, tuple[str, ...]]]:
    out = {}
    for name, values in query.filters.items():
        facet, terms = filter_target(name, tuple(values or ()))
        if facet and terms:
            out[name] = (facet, terms)
    return out


def filter_expression(query: SearchQuery) -> str | None:
    """Visibility and filters as an FTS5 expression over ``tags``."""
    parts = [visibility_expression(query.viewer)]
    for facet, values in filter_terms(query).values():
        options = " OR ".join(f"{{tags}}: {quote(tag(facet, v))}" for v in dict.fromkeys(values))
        parts.append(f"({options})")
    return join("and", [part for part in parts if part])
