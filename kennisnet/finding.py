"""Finding documents: request parameters in, visible documents and facets out.

Shared by the search pages, the JSON API and the command line, so all three apply the
same parsing, the same visibility and the same answer shape.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from kennisnet import curation, synonyms
from kennisnet.documents import load_visible
from kennisnet.errors import InvalidInput
from kennisnet.extensions import db
from kennisnet.models import (
    Document,
    DocumentFieldValue,
    DocumentType,
    FieldDefinition,
    Organisation,
    Theme,
    User,
)
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


def viewer_for(user: User | None) -> Viewer:
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return Viewer()
    return Viewer(user_id=user.id, sees_members_only=True)


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


def parse_query(args: MultiDict[str, str], user: User | None, *, strict: bool) -> SearchQuery:
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
        viewer=viewer_for(user),
        page=page,
        per_page=per_page,
        sort=sort,  # type: ignore[arg-type]
        field_facets=field_facet_names(),
    )


_FIELD_FILTER = re.compile(rf"^{re.escape(FIELD_PREFIX)}[a-z][a-z0-9_]{{0,59}}$")


def field_facet_names() -> tuple[str, ...]:
    """The type-specific fields admins marked as filters, as facet names ("field.<key>")."""
    keys = db.session.scalars(select(FieldDefinition.key).where(FieldDefinition.facet).distinct())
    return tuple(f"{FIELD_PREFIX}{key}" for key in sorted(keys))


def field_facet_labels() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Titles of the field facets, and the display form of each value slug."""
    titles: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    for field in db.session.scalars(select(FieldDefinition).where(FieldDefinition.facet)):
        name = f"{FIELD_PREFIX}{field.key}"
        titles.setdefault(name, field.label)
        shown = values.setdefault(name, {})
        for choice in field.choices:
            shown[field_value_slug(choice)] = choice
        for value in db.session.scalars(
            select(DocumentFieldValue.value).where(DocumentFieldValue.field_id == field.id)
        ):
            shown.setdefault(field_value_slug(value), value)
    return titles, values


@dataclass(frozen=True)
class Found:
    query: SearchQuery
    results: SearchResults
    documents: list[Document]
    snippets: dict[int, str]


def find(query: SearchQuery, user: User | None) -> Found:
    expanded = synonyms.expand(query.text)
    results = backend().search(replace(query, text=expanded) if expanded != query.text else query)
    if expanded != query.text and results.suggestion:
        # A correction of the expanded text would show the expansion's syntax to the member.
        results = replace(results, suggestion=None)
    documents = load_visible([h.id for h in results.hits], user)
    return Found(
        query=query,
        results=results,
        documents=documents,
        snippets={h.id: h.snippet for h in results.hits},
    )


def facet_labels() -> dict[str, dict[str, str]]:
    """Display names for facet slugs (the index only knows slugs)."""

    def names(model: type[Theme] | type[DocumentType] | type[Organisation]) -> dict[str, str]:
        return {slug: name for slug, name in db.session.execute(select(model.slug, model.name))}

    labels = {
        "theme": names(Theme),
        "type": names(DocumentType),
        "organisation": names(Organisation),
    }
    labels.update(field_facet_labels()[1])
    return labels


def document_summary_json(doc: Document, snippet: str | None = None) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "type": doc.type.slug,
        "themes": [t.slug for t in doc.themes],
        "organisation": doc.organisation.slug if doc.organisation else None,
        "year": doc.year,
        "snippet": snippet or "",
        "url": url_for("documents.detail", document_id=doc.id, _external=True),
        "download_url": url_for("api.document_file", document_id=doc.id, _external=True),
    }


def found_json(found: Found) -> dict[str, Any]:
    return {
        "query": found.query.text,
        "total": found.results.total,
        "page": found.results.page,
        "per_page": found.results.per_page,
        "results": [document_summary_json(d, found.snippets.get(d.id)) for d in found.documents],
        "facets": found.results.facets,
        "suggestion": found.results.suggestion,
        "fallback": found.results.fallback,
    }


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
    themes = curation.themes_in_order()
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
        theme = by_slug.get(slug)
        if theme is not None and theme not in chosen:
            chosen.append(theme)
    return chosen[:limit]


def similar_documents(doc: Document, user: User | None, limit: int = 5) -> list[Document]:
    """Documents like ``doc`` that ``user`` may see; never ``doc`` itself."""
    try:
        ids = backend().more_like(doc.id, viewer_for(user), limit)
    except Exception:  # the page must show even when the index cannot answer
        log.exception("more-like-this failed for document %s", doc.id)
        return []
    return [d for d in load_visible(ids, user) if d.id != doc.id][:limit]


def completions(prefix: str, user: User | None) -> dict[str, Any]:
    """Autocomplete for the search box: visible titles, themes, then frequent words.

    Titles come back from the index as ids and are loaded through ``load_visible``, like
    search hits, so a title the user may not see can never be offered.
    """
    text = (prefix or "").replace("\x00", " ")[:MAX_PREFIX_CHARS]
    answer: dict[str, Any] = {"query": text, "suggestions": []}
    typed = [fold(normalise(w)) for w in _WORDS.findall(text)]
    if not typed or len(typed[-1]) < 2:
        return answer
    found = backend().complete(text, viewer_for(user), MAX_COMPLETIONS)
    suggestions: list[dict[str, str]] = []
    seen: set[str] = set()

    def add(value: str, kind: str) -> None:
        key = fold(value)
        if key not in seen and len(suggestions) < MAX_COMPLETIONS:
            seen.add(key)
            suggestions.append({"text": value, "kind": kind})

    for doc in load_visible(found.title_ids, user)[:MAX_TITLE_COMPLETIONS]:
        add(doc.title, "title")
    matching_themes = [
        theme
        for theme in curation.themes_in_order()
        if all(any(word.startswith(t) for word in _WORDS.findall(fold(theme.name))) for t in typed)
    ]
    for theme in matching_themes[:MAX_THEME_COMPLETIONS]:
        add(theme.name, "theme")
    # A word completes the last one typed; the words before it stay as they were.
    head = text[: list(_WORDS.finditer(text))[-1].start()]
    for term in found.terms:
        add(f"{head}{term}", "term")
    answer["suggestions"] = suggestions
    return answer
