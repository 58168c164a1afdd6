"""The moderation queue: approve uploads or send them back, and switch moderation on or off."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from kennisnet.core.errors import DomainError
from kennisnet.core.extensions import db
from kennisnet.documents import moderation
from kennisnet.documents.models import Document
from kennisnet.documents.suggestions import themes_for
from kennisnet.views.admin.base import bp, requires


@bp.get("/moderatie")
@requires("document.moderate")
def moderation_queue() -> ResponseReturnValue:
    pending = moderation.pending_documents()
    suggestions = {doc.id: [t.name for t in themes_for(doc)] for doc in pending}
    return render_template(
        "admin/moderation.html",
        enabled=moderation.moderation_enabled(),
        pending=pending,
        suggestions=suggestions,
    )


@bp.post("/moderatie/instelling")
@requires("moderation.configure")
def moderation_setting() -> ResponseReturnValue:
    enabled = request.form.get("moderatie") == "aan"
    moderation.set_moderation(enabled, actor=current_user)
    flash(
        _("Nieuwe uploads wachten nu op een redacteur.")
        if enabled
        else _("Nieuwe uploads worden nu meteen gepubliceerd."),
        "success",
    )
    return redirect(url_for("admin.moderation_queue"))


def _pending(document_id: int) -> Document:
    doc = db.session.get(Document, document_id)
    if doc is None or doc.deleted_at is not None:
        abort(404)
    return doc


@bp.post("/moderatie/<int:document_id>/goedkeuren")
@requires("document.moderate")
def approve(document_id: int) -> ResponseReturnValue:
    doc = moderation.approve(_pending(document_id), actor=current_user)
    flash(_("‘%(title)s’ is gepubliceerd.", title=doc.title), "success")
    return redirect(url_for("admin.moderation_queue"))


@bp.post("/moderatie/<int:document_id>/terugsturen")
@requires("document.moderate")
def send_back(document_id: int) -> ResponseReturnValue:
    doc = _pending(document_id)
    try:
        moderation.send_back(doc, request.form.get("bericht", ""), actor=current_user)
    except DomainError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("‘%(title)s’ is teruggestuurd naar de uploader.", title=doc.title), "success")
    return redirect(url_for("admin.moderation_queue"))
