"""Finding documents: request parameters in, visible documents and facets out.

Shared by the search pages, the JSON API and the command line, so all three apply the
same parsing, the same visibility and the same answer shape.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from kennisnet.core.errors import InvalidInput
from kennisnet.core.extensions import db
from kennisnet.curation import catalogue, categories, synonyms
from kennisnet.curation.models import Theme
from kennisnet.documents.models import Document, DocumentFieldValue
from kennisnet.documents.operations import load_visible
from kennisnet.search import (
    FIELD_PREFIX,
    FILTERS,
    MAX_PER_PAGE,
    SORTS,
    SearchQuery,
    SearchResults,
    Viewer,
    backend,
    field_value_slug,
)
from kennisnet.search.analysis import DUTCH_STOP_WORDS, fold, normalise, stem

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500
DEFAULT_PER_PAGE = 20
MAX_PREFIX_CHARS = 100
MAX_COMPLETIONS = 8
MAX_TITLE_COMPLETIONS = 4
MAX_THEME_COMPLETIONS = 2
NEAREST_THEMES = 5
_WORDS = re.compile(r"[^\W_]+")


def _int(args: Mapping[str, Any], name: str, default: int, strict: bool) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        if strict:
            raise InvalidInput(
                _l("'%(name)s' moet een geheel getal zijn.", name=name), field=name
            ) from None
        return default
    if value < 1:
        if strict:
            raise InvalidInput(_l("'%(name)s' moet 1 of hoger zijn.", name=name), field=name)
        return default
    return value


def parse_query(args: MultiDict[str, str], viewer: Viewer, *, strict: bool) -> SearchQuery:
    """Build a SearchQuery from request arguments.

    With ``strict`` (the API) malformed numbers and sorts are a 400; the pages forgive them.
    The query text itself is never an error: the backend searches its words.
    """
    text = (args.get("q") or "").replace("\x00", " ").strip()[:MAX_QUERY_CHARS]
    names = [*FILTERS, *(n for n in args if _FIELD_FILTER.match(n))]
    filters = {
        name: tuple(v.strip() for v in args.getlist(name) if v and v.strip()) for name in names
    }
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        if strict:
            raise InvalidInput(_l("Sorteer op 'relevance' of 'newest'."), field="sort")
        sort = "relevance"
    per_page = min(_int(args, "per_page", DEFAULT_PER_PAGE, strict), MAX_PER_PAGE)
    page = min(_int(args, "page", 1, strict), 10_000)
    return SearchQuery(
        text=text,
        filters={k: v for k, v in filters.items() if v},
        viewer=viewer,
        page=page,
        per_page=per_page,
        sort=cast(Literal["relevance", "newest"], sort),
        field_facets=field_facet_names(),
    )


_FIELD_FILTER = re.compile(rf"^{re.escape(FIELD_PREFIX)}[a-z][a-z0-9_]{{0,59}}$")


def field_facet_names() -> tuple[str, ...]:
    """The type-specific fields admins marked as filters, as facet names ("field.<key>")."""
    return catalogue.current().field_facets


def field_facet_labels() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Titles of the field facets, and the display form of each value slug.

    The fixed choices come from the cached catalogue; the values documents hold are read here
    (they change with every upload), in one query, and only when some field is a facet.
    """
    known = catalogue.current()
    values = {name: dict(shown) for name, shown in known.field_choices.items()}
    facet_of = {i: name for name, ids in known.field_ids.items() for i in ids}
    if facet_of:
        for field_id, value in db.session.execute(
            select(DocumentFieldValue.field_id, DocumentFieldValue.value)
            .where(DocumentFieldValue.field_id.in_(list(facet_of)))
            .distinct()
        ):
            values[facet_of[field_id]].setdefault(field_value_slug(value), value)
    return dict(known.field_titles), values


@dataclass(frozen=True)
class Found:
    query: SearchQuery
    results: SearchResults
    documents: list[Document]
    snippets: dict[int, str]


def find(query: SearchQuery) -> Found:
    """Search, then load the hits the query's viewer may see, in hit order."""
    expanded = synonyms.expand(query.text)
    results = backend().search(replace(query, text=expanded) if expanded != query.text else query)
    if expanded != query.text and results.suggestion:
        # A correction of the expanded text would show the expansion's syntax to the member.
        results = replace(results, suggestion=None)
    documents = load_visible([h.id for h in results.hits], query.viewer)
    return Found(
        query=query,
        results=results,
        documents=documents,
        snippets={h.id: h.snippet for h in results.hits},
    )


def facet_labels() -> dict[str, dict[str, str]]:
    """Display names for facet slugs (the index only knows slugs)."""
    labels = {kind: dict(names) for kind, names in catalogue.current().names.items()}
    labels.update(field_facet_labels()[1])
    return labels


def _stems(text: str) -> set[str]:
    words = (fold(normalise(w)) for w in _WORDS.findall(text))
    return {stem(w) for w in words if w not in DUTCH_STOP_WORDS and len(w) > 1}


def nearest_themes(found: Found, limit: int = NEAREST_THEMES) -> list[Theme]:
    """Themes to offer when a search found little: those whose name or description shares
    a word with the query (name first), then the themes most common among the results."""
    text = found.query.text
    if not text:
        return []
    query_stems = _stems(text)
    scored: list[tuple[int, int, Theme]] = []
    themes = categories.themes_in_order()
    for position, theme in enumerate(themes):
        name = fold(normalise(theme.name))
        score = 2 * len(query_stems & _stems(theme.name))
        # A query word inside a compound name: "zorg" in "mantelzorg".
        score += sum(2 for s in query_stems if len(s) >= 4 and s in name)
        score += len(query_stems & _stems(theme.description or ""))
        if score:
            scored.append((-score, position, theme))
    chosen = [theme for _, _, theme in sorted(scored, key=lambda item: item[:2])]
    by_slug = {t.slug: t for t in themes}
    for slug in found.results.facets.get("theme", {}):  # most documents first
        extra = by_slug.get(slug)
        if extra is not None and extra not in chosen:
            chosen.append(extra)
    return chosen[:limit]


def similar_documents(doc: Document, viewer: Viewer, limit: int = 5) -> list[Document]:
    """Documents like ``doc`` that ``viewer`` may see; never ``doc`` itself."""
    try:
        ids = backend().more_like(doc.id, viewer, limit)
    except Exception:  # the page must show even when the index cannot answer
        log.exception("more-like-this failed for document %s", doc.id)
        return []
    return [d for d in load_visible(ids, viewer) if d.id != doc.id][:limit]


@dataclass(frozen=True)
class Suggestion:
    text: str
    kind: str  # "title", "theme" or "term"


@dataclass(frozen=True)
class Completed:
    query: str
    suggestions: list[Suggestion]


def completions(prefix: str, viewer: Viewer) -> Completed:
    """Autocomplete for the search box: visible titles, themes, then frequent words.

    Titles come back from the index as ids and are loaded through ``load_visible``, like
    search hits, so a title the viewer may not see can never be offered.
    """
    text = (prefix or "").replace("\x00", " ")[:MAX_PREFIX_CHARS]
    typed = [fold(normalise(w)) for w in _WORDS.findall(text)]
    if not typed or len(typed[-1]) < 2:
        return Completed(text, [])
    found = backend().complete(text, viewer, MAX_COMPLETIONS)
    suggestions: list[Suggestion] = []
    seen: set[str] = set()

    def add(value: str, kind: str) -> None:
        key = fold(value)
        if key not in seen and len(suggestions) < MAX_COMPLETIONS:
            seen.add(key)
            suggestions.append(Suggestion(value, kind))

    for doc in load_visible(found.title_ids, viewer)[:MAX_TITLE_COMPLETIONS]:
        add(doc.title, "title")
    matching_themes = [
        theme
        for theme in categories.themes_in_order()
        if all(any(word.startswith(t) for word in _WORDS.findall(fold(theme.name))) for t in typed)
    ]
    for theme in matching_themes[:MAX_THEME_COMPLETIONS]:
        add(theme.name, "theme")
    # A word completes the last one typed; the words before it stay as they were.
    head = text[: list(_WORDS.finditer(text))[-1].start()]
    for term in found.terms:
        add(f"{head}{term}", "term")
    return Completed(text, suggestions)
