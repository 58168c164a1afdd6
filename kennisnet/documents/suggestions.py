"""Theme suggestions: the themes of the documents a new text resembles most.

A nearest-neighbour vote through the search index: the text's most distinctive words form an
any-word query, and the themes of the best-matching documents are weighted by rank. The
member confirms; nothing is applied automatically.
"""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kennisnet.core.extensions import db
from kennisnet.curation.models import Theme
from kennisnet.documents.models import Document
from kennisnet.search import SearchQuery, Viewer, backend
from kennisnet.search.analysis import DUTCH_STOP_WORDS, fold, stem

KEY_TERMS = 12
NEIGHBOURS = 10
MIN_WORD = 5
NAME_WEIGHT = 1.0
_STOP_STEMS = frozenset({"wijk", "buurt"})  # in every document's vocabulary
_WORD = re.compile(rf"[^\W\d_]{{{MIN_WORD},}}")
_NAME_WORD = re.compile(r"[^\W\d_]{4,}")


def key_terms(text: str, limit: int = KEY_TERMS) -> list[str]:
    """The most frequent content words, folded (a cheap stand-in for tf-idf that needs no
    corpus statistics; stop words and short words are dropped)."""
    counts = Counter(
        word
        for word in (fold(w) for w in _WORD.findall(text or ""))
        if word not in DUTCH_STOP_WORDS
    )
    return [word for word, _ in counts.most_common(limit)]


def suggest_themes(
    text: str,
    *,
    exclude_document: int | None = None,
    already: tuple[str, ...] = (),
    limit: int = 3,
) -> list[str]:
    """Theme slugs, best first; themes the document already has are left out."""
    terms = key_terms(text)
    if not terms:
        return []
    results = backend().search(
        SearchQuery(
            text=" OR ".join(terms),
            viewer=Viewer(user_id=None, sees_members_only=True),
            per_page=NEIGHBOURS + 1,
        )
    )
    ids = [hit.id for hit in results.hits if hit.id != exclude_document][:NEIGHBOURS]
    # Every indexed document votes, members-only ones included: only theme slugs leave
    # this function, and those are public.
    themes_of = {
        doc.id: [t.slug for t in doc.themes]
        for doc in db.session.scalars(
            select(Document).where(Document.id.in_(ids)).options(selectinload(Document.themes))
        )
    }
    votes: dict[str, float] = {}  # a rank's vote weighs 1 / rank
    for rank, doc_id in enumerate(ids):
        for slug in themes_of.get(doc_id, ()):
            votes[slug] = votes.get(slug, 0.0) + 1.0 / (rank + 1)
    # A theme whose own name the text keeps using is a strong hint on its own.
    stems = Counter(stem(w) for w in (fold(x) for x in _NAME_WORD.findall(text)))
    for theme in db.session.scalars(select(Theme)):
        words = [stem(fold(w)) for w in _NAME_WORD.findall(theme.name)]
        mentions = sum(stems[w] for w in words if w not in _STOP_STEMS)
        if mentions:
            votes[theme.slug] = votes.get(theme.slug, 0.0) + NAME_WEIGHT * min(mentions, 5) / 5
    ranked = sorted(votes, key=lambda slug: -votes[slug])
    return [slug for slug in ranked if slug not in already][:limit]


def themes_for(doc: Document) -> list[Theme]:
    """Suggested themes for a document (its own text, else title and summary), as rows."""
    text = (doc.file.extracted_text if doc.file else "") or f"{doc.title} {doc.summary}"
    slugs = suggest_themes(text, exclude_document=doc.id, already=tuple(t.slug for t in doc.themes))
    by_slug = {t.slug: t for t in db.session.scalars(select(Theme).where(Theme.slug.in_(slugs)))}
    return [by_slug[slug] for slug in slugs if slug in by_slug]
