"""Finding documents: request parameters in, visible documents and facets out.

Shared by the search pages, the JSON API and the command line, so all three apply the
same parsing, the same visibility and the same answer shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from kennisnet.documents import load_visible
from kennisnet.errors import InvalidInput
from kennisnet.extensions import db
from kennisnet.models import Document, DocumentType, Organisation, Theme, User
from kennisnet.search import (
    FILTERS,
    MAX_PER_PAGE,
    SORTS,
    SearchQuery,
    SearchResults,
    Viewer,
    backend,
)

MAX_QUERY_CHARS = 500
DEFAULT_PER_PAGE = 20


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
    filters = {
        name: tuple(v.strip() for v in args.getlist(name) if v and v.strip()) for name in FILTERS
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
    )


@dataclass(frozen=True)
class Found:
    query: SearchQuery
    results: SearchResults
    documents: list[Document]
    snippets: dict[int, str]


def find(query: SearchQuery, user: User | None) -> Found:
    results = backend().search(query)
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

    return {"theme": names(Theme), "type": names(DocumentType), "organisation": names(Organisation)}


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
