"""API routes for documents: upload, read, patch, download, delete."""

from __future__ import annotations

from typing import Any, cast

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kennisnet.accounts import permissions
from kennisnet.core.errors import InvalidInput
from kennisnet.documents.metadata import Metadata
from kennisnet.documents.models import Visibility
from kennisnet.documents.operations import delete_document, get_visible, patch_document
from kennisnet.documents.uploads import ingest_document
from kennisnet.views.api.base import bp, year_value
from kennisnet.views.api.serializers import document_json
from kennisnet.views.documents import send_document_file

STANDARD_FORM_FIELDS = frozenset(
    {"title", "summary", "type", "theme", "visibility", "organisation", "region", "year"}
)


@bp.post("/documents")
def upload() -> ResponseReturnValue:
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
        year=year_value(form.get("year")),
        # Type-specific fields travel as form fields of their own names ("deadline", ...).
        extra={k: v for k, v in form.items() if k not in STANDARD_FORM_FIELDS},
    )
    doc = ingest_document(storage.stream, storage.filename, meta, current_user)
    response = jsonify(document_json(doc))
    response.status_code = 201
    response.headers["Location"] = url_for("api.document", document_id=doc.id)
    return response


@bp.get("/documents/<int:document_id>")
def document(document_id: int) -> ResponseReturnValue:
    return jsonify(document_json(get_visible(document_id, current_user)))


@bp.patch("/documents/<int:document_id>")
def edit(document_id: int) -> ResponseReturnValue:
    """Change metadata; fields not sent keep their value. Form fields or a JSON object, with
    the same names as for the upload (type-specific fields included)."""
    doc = get_visible(document_id, current_user)
    # Who may edit is answered before what was sent is judged: a 403, never a 400, for others.
    permissions.require(current_user, "document.edit", doc)
    body = request.get_json(silent=True) if request.is_json else None
    if request.is_json and not isinstance(body, dict):
        raise InvalidInput(_l("Stuur een JSON-object mee."), field="body")
    sent: dict[str, Any] = body if body is not None else request.form.to_dict(flat=True)
    themes = body.get("theme") if body is not None else request.form.getlist("theme") or None
    patch_document(doc, _changes(sent, themes), current_user)
    return jsonify(document_json(doc))


def _changes(sent: dict[str, Any], themes: object) -> dict[str, Any]:
    """What a PATCH asks to change: texts when sent, choices when sent non-empty."""
    changes: dict[str, Any] = {
        key: str(sent[key] or "") for key in ("title", "summary", "region") if key in sent
    }
    changes.update({k: str(sent[k]) for k in ("type", "visibility", "organisation") if sent.get(k)})
    if themes is not None:
        changes["themes"] = (themes,) if isinstance(themes, str) else tuple(cast(list[str], themes))
    if sent.get("year") not in (None, ""):
        changes["year"] = year_value(sent["year"])
    changes["fields"] = {
        k: str(v) for k, v in sent.items() if k not in STANDARD_FORM_FIELDS and v is not None
    }
    return changes


@bp.get("/documents/<int:document_id>/file")
def document_file(document_id: int) -> ResponseReturnValue:
    return send_document_file(get_visible(document_id, current_user))


@bp.delete("/documents/<int:document_id>")
def remove(document_id: int) -> ResponseReturnValue:
    delete_document(get_visible(document_id, current_user), current_user)
    return "", 204
