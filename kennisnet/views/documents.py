"""Uploading, showing, downloading, editing and deleting documents."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kennisnet.documents import can_edit, delete_document, get_visible, update_document
from kennisnet.errors import DomainError
from kennisnet.forms import DocumentForm, UploadForm
from kennisnet.ingest import DuplicateUpload, file_store, ingest_document
from kennisnet.models import Document

bp = Blueprint("documents", __name__)
PREVIEW_CHARS = 3000


@bp.route("/uploaden", methods=["GET", "POST"])
@login_required
def upload():  # type: ignore[no-untyped-def]
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("documents/upload.html", form=form), 400 if form.errors else 200
    files = [f for f in form.files.data if getattr(f, "filename", "")]
    meta = form.metadata()
    if len(files) > 1 and meta.title:
        # One typed title cannot name several documents; each takes its own.
        meta.title = ""
    created: list[Document] = []
    problems: list[str] = []
    for storage in files:
        try:
            created.append(ingest_document(storage.stream, storage.filename, meta, current_user))
        except DuplicateUpload as exc:
            problems.append(
                _("%(file)s: dit bestand staat al in Kennisnet.", file=storage.filename)
            )
            flash(
                _(
                    "Bekijk het bestaande document: %(url)s",
                    url=url_for("documents.detail", document_id=exc.existing_id),
                ),
                "info",
            )
        except DomainError as exc:
            problems.append(f"{storage.filename}: {exc.message}")
    if created:
        flash(
            _("%(n)s document(en) ontvangen. De tekst wordt nu gelezen.", n=len(created)),
            "success",
        )
    if problems:
        form.files.errors = list(problems)
        status = 400 if not created else 200
        return render_template("documents/upload.html", form=form, created=created), status
    if len(created) == 1:
        return redirect(url_for("documents.detail", document_id=created[0].id))
    return redirect(url_for("search.index", sort="newest"))


@bp.get("/documenten/<int:document_id>")
def detail(document_id: int):  # type: ignore[no-untyped-def]
    doc = get_visible(document_id, current_user)
    text = (doc.file.extracted_text or "") if doc.file else ""
    return render_template(
        "documents/detail.html",
        doc=doc,
        preview=text[:PREVIEW_CHARS],
        preview_truncated=len(text) > PREVIEW_CHARS,
        editable=can_edit(current_user, doc),
    )


def send_document_file(doc: Document):  # type: ignore[no-untyped-def]
    current = doc.file
    if current is None:
        abort(404)
    path = file_store().path(current.stored_path)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=current.media_type,
        as_attachment=True,
        download_name=current.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/documenten/<int:document_id>/bestand")
def download(document_id: int):  # type: ignore[no-untyped-def]
    return send_document_file(get_visible(document_id, current_user))


@bp.route("/documenten/<int:document_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit(document_id: int):  # type: ignore[no-untyped-def]
    doc = get_visible(document_id, current_user)
    if not can_edit(current_user, doc):
        abort(403)
    form = DocumentForm(obj=doc)
    if not form.is_submitted():
        form.type.data = doc.type.slug
        form.themes.data = [t.slug for t in doc.themes]
        form.visibility.data = str(doc.visibility)
    if form.validate_on_submit():
        try:
            update_document(doc, form.metadata(), current_user)
        except DomainError as exc:
            field = getattr(form, getattr(exc, "field", "") or "title", form.title)
            field.errors = [*field.errors, str(exc.message)]
        else:
            flash(_("De wijzigingen zijn opgeslagen."), "success")
            return redirect(url_for("documents.detail", document_id=doc.id))
    status = 400 if form.errors else 200
    return render_template("documents/edit.html", form=form, doc=doc), status


@bp.post("/documenten/<int:document_id>/verwijderen")
@login_required
def delete(document_id: int):  # type: ignore[no-untyped-def]
    doc = get_visible(document_id, current_user)
    title = doc.title
    delete_document(doc, current_user)
    flash(_("Het document ‘%(title)s’ is verwijderd.", title=title), "success")
    return redirect(url_for("search.index"))
