"""Every JSON shape the API (and ``kennisnet search --json``) answers with, in one place.

Links are absolute: inside a request they follow the request's host, elsewhere (the CLI, the
worker) they are built from ``BASE_URL``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kennisnet.accounts.models import Organisation
from kennisnet.core.links import external_url
from kennisnet.core.models import AuditEvent
from kennisnet.curation.models import Theme
from kennisnet.documents.fields import fields_json
from kennisnet.documents.finding import Found
from kennisnet.documents.models import Document


def document_json(doc: Document) -> dict[str, Any]:
    current = doc.file
    return {
        "id": doc.id,
        "title": doc.title,
        "summary": doc.summary,
        "type": doc.type.slug,
        "themes": [t.slug for t in doc.themes],
        "organisation": doc.organisation.slug if doc.organisation else None,
        "region": doc.region or None,
        "year": doc.year,
        "visibility": str(doc.visibility),
        "status": str(doc.status),
        "extraction_error": current.extraction_error if current else None,
        "text_source": current.text_source if current else None,
        "ocr_confidence": current.ocr_confidence if current else None,
        "extraction_notes": list(current.extraction_notes) if current else [],
        "author": doc.author or None,
        "file": {
            "name": current.original_name,
            "size": current.size,
            "media_type": current.media_type,
            "sha256": current.sha256,
            "pages": current.page_count,
        }
        if current
        else None,
        "fields": fields_json(doc),
        "uploader": doc.uploader.name if doc.uploader else None,
        "created_at": doc.created_at.isoformat() + "Z",
        "updated_at": doc.updated_at.isoformat() + "Z",
        "url": external_url("documents.detail", document_id=doc.id),
        "download_url": external_url("api.document_file", document_id=doc.id),
        "thumbnail_url": (
            external_url("documents.thumbnail", document_id=doc.id)
            if current and current.thumbnail_path
            else None
        ),
    }


def document_summary_json(
    doc: Document, snippet: str | None = None, search_id: str | None = None
) -> dict[str, Any]:
    # A search's result links carry its log token, so opening one counts for the search.
    opened = {"z": search_id} if search_id else {}
    return {
        "id": doc.id,
        "title": doc.title,
        "type": doc.type.slug,
        "themes": [t.slug for t in doc.themes],
        "organisation": doc.organisation.slug if doc.organisation else None,
        "year": doc.year,
        "snippet": snippet or "",
        "url": external_url("documents.detail", document_id=doc.id, **opened),
        "download_url": external_url("api.document_file", document_id=doc.id),
    }


def found_json(found: Found, search_id: str | None = None) -> dict[str, Any]:
    """``search_id``: the anonymous search log's token, when the search was logged."""
    shape: dict[str, Any] = {"search_id": search_id} if search_id else {}
    return {
        "query": found.query.text,
        **shape,
        "total": found.results.total,
        "page": found.results.page,
        "per_page": found.results.per_page,
        "results": [
            document_summary_json(d, found.snippets.get(d.id), search_id) for d in found.documents
        ],
        "facets": found.results.facets,
        "suggestion": found.results.suggestion,
        "fallback": found.results.fallback,
    }


def theme_json(theme: Theme, counts: dict[int, int]) -> dict[str, Any]:
    return {
        "slug": theme.slug,
        "name": theme.name,
        "description": theme.description,
        "documents": counts.get(theme.id, 0),
        "children": [theme_json(child, counts) for child in theme.children],
    }


def theme_tree_json(roots: Iterable[Theme], counts: dict[int, int]) -> list[dict[str, Any]]:
    return [theme_json(theme, counts) for theme in roots]


def profile_json(org: Organisation, document_count: int) -> dict[str, Any]:
    return {
        "slug": org.slug,
        "name": org.name,
        "kind": org.kind or None,
        "region": org.region or None,
        "description": org.description or None,
        "website": org.website or None,
        "contact": (
            {"name": org.contact_name, "email": org.contact_email or None}
            if org.contact_public and org.contact_name
            else None
        ),
        "documents": document_count,
    }


def event_json(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.at.isoformat() + "Z",
        "actor": event.actor,
        "action": event.action,
        "target": event.target,
        "details": event.details,
    }
