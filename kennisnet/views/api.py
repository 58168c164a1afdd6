"""JSON API v1: the same services as the pages, with JSON answers and JSON errors.

Authentication is the session cookie or ``Authorization: Bearer <token>``. State-changing
calls that ride on a session cookie must carry the CSRF token (X-CSRFToken); token calls
need none, since a browser never adds the header by itself.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kennisnet import curation
from kennisnet.documents import (
    can_edit,
    delete_document,
    get_visible,
    metadata_of,
    update_document,
)
from kennisnet.errors import DomainError, Forbidden, InvalidInput
from kennisnet.extensions import csrf
from kennisnet.fields import fields_json
from kennisnet.finding import completions, find, found_json, parse_query
from kennisnet.ingest import Metadata, ingest_document
from kennisnet.models import Document, Visibility
from kennisnet.views.documents import send_document_file

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401


@bp.before_request
def _authenticate_writes() -> None:
    if request.headers.get("Authorization") and not current_user.is_authenticated:
        raise Unauthorized(_l("Dit API-token is onbekend of ingetrokken."), code="invalid_token")
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    if not current_user.is_authenticated:
        raise Unauthorized(_l("Log in of gebruik een API-token (Authorization: Bearer …)."))
    if not g.get("auth_via_token"):
        csrf.protect()


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
        "url": url_for("documents.detail", document_id=doc.id, _external=True),
        "download_url": url_for("api.document_file", document_id=doc.id, _external=True),
    }


@bp.get("/search")
def search():  # type: ignore[no-untyped-def]
    query = parse_query(request.args, current_user, strict=True)
    return jsonify(found_json(find(query, current_user)))


@bp.get("/autocomplete")
def autocomplete():  # type: ignore[no-untyped-def]
    return jsonify(completions(request.args.get("q", ""), current_user))


def _year(raw: str | None) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(_l("Het jaar moet een getal zijn, zoals 2025."), field="year") from None


STANDARD_FORM_FIELDS = frozenset(
    {"title", "summary", "type", "theme", "visibility", "organisation", "region", "year"}
)


@bp.post("/documents")
def upload():  # type: ignore[no-untyped-def]
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        raise InvalidInput(_l("Stuur een bestand mee in het veld 'file'."), field="file")
    form = request.form
    meta = Metadata(
        title=form.get("title", ""),
        summary=form.get("summary", ""),
        type=form.get("type", "") or "overig",
        themes=tuple(form.getlist("theme")),
        visibility=form.get("visibility", "") or Visibility.MEMBERS.value,
        organisation=form.get("organisation", ""),
        region=form.get("region", ""),
        year=_year(form.get("year")),
        # Type-specific fields travel as form fields of their own names ("deadline", ...).
        extra={k: v for k, v in form.items() if k not in STANDARD_FORM_FIELDS},
    )
    doc = ingest_document(storage.stream, storage.filename, meta, current_user)
    response = jsonify(document_json(doc))
    response.status_code = 201
    response.headers["Location"] = url_for("api.document", document_id=doc.id)
    return response


@bp.get("/documents/<int:document_id>")
def document(document_id: int):  # type: ignore[no-untyped-def]
    return jsonify(document_json(get_visible(document_id, current_user)))


@bp.patch("/documents/<int:document_id>")
def edit(document_id: int):  # type: ignore[no-untyped-def]
    """Change metadata; fields not sent keep their value. Form fields or a JSON object, with
    the same names as for the upload (type-specific fields included)."""
    doc = get_visible(document_id, current_user)
    if not can_edit(current_user, doc):
        raise Forbidden(_l("Alleen wie het document heeft geüpload of de redactie mag dit."))
    body = request.get_json(silent=True) if request.is_json else None
    if request.is_json and not isinstance(body, dict):
        raise InvalidInput(_l("Stuur een JSON-object mee."), field="body")
    sent: dict[str, Any] = body if body is not None else request.form.to_dict(flat=True)
    themes = body.get("theme") if body is not None else request.form.getlist("theme") or None
    current = metadata_of(doc)
    if isinstance(themes, str):
        themes = [themes]
    meta = Metadata(
        title=str(sent.get("title", current["title"]) or ""),
        summary=str(sent.get("summary", current["summary"]) or ""),
        type=str(sent.get("type") or current["type"]),
        themes=tuple(themes) if themes is not None else current["themes"],  # type: ignore[arg-type]
        visibility=str(sent.get("visibility") or current["visibility"]),
        organisation=str(sent.get("organisation") or current["organisation"]),
        region=str(sent.get("region", current["region"]) or ""),
        year=_year(str(sent["year"])) if sent.get("year") not in (None, "") else current["year"],  # type: ignore[arg-type]
        extra={
            k: str(v) for k, v in sent.items() if k not in STANDARD_FORM_FIELDS and v is not None
        },
    )
    update_document(doc, meta, current_user)
    return jsonify(document_json(doc))


@bp.get("/documents/<int:document_id>/file")
def document_file(document_id: int):  # type: ignore[no-untyped-def]
    return send_document_file(get_visible(document_id, current_user))


@bp.delete("/documents/<int:document_id>")
def remove(document_id: int):  # type: ignore[no-untyped-def]
    doc = get_visible(document_id, current_user)
    if not can_edit(current_user, doc):
        raise Forbidden(_l("Alleen wie het document heeft geüpload of een beheerder mag dit."))
    delete_document(doc, current_user)
    return "", 204


@bp.get("/themes")
def themes():  # type: ignore[no-untyped-def]
    """The theme tree, with document counts as the caller may see them."""
    return jsonify(curation.theme_tree_json(current_user))


@bp.get("/types")
def types():  # type: ignore[no-untyped-def]
    return jsonify(
        [
            {"slug": t.slug, "name": t.name, "description": t.description}
            for t in curation.types_in_order()
        ]
    )
