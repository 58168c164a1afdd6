"""Uploading, showing, downloading, editing and deleting documents."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from kennisnet.accounts import permissions
from kennisnet.core import audit
from kennisnet.core.errors import DomainError, InvalidInput
from kennisnet.core.storage import file_store, preview_store
from kennisnet.curation import insights
from kennisnet.documents.fields import display_values
from kennisnet.documents.finding import similar_documents
from kennisnet.documents.models import Document, DocumentFile, Status
from kennisnet.documents.operations import (
    bulk_update,
    delete_document,
    get_visible,
    patch_document,
    restore_document,
    update_document,
)
from kennisnet.documents.suggestions import themes_for
from kennisnet.documents.trash import TRASH_DAYS, get_trashed, trashed_documents
from kennisnet.documents.uploads import DuplicateUpload, add_version, ingest_document
from kennisnet.extraction import RENDER_MEDIA_TYPE
from kennisnet.views.auth import safe_next
from kennisnet.views.errors import wants_json
from kennisnet.views.files import send_stored
from kennisnet.views.forms import DocumentForm, UploadForm

bp = Blueprint("documents", __name__)
PREVIEW_CHARS = 3000


@bp.route("/uploaden", methods=["GET", "POST"])
@login_required
def upload() -> ResponseReturnValue:
    form = UploadForm()
    if request.method == "POST" and wants_json():
        return _upload_one_as_json(form)
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


STATUS_LABELS = {
    Status.PROCESSING: _l("Wordt verwerkt"),
    Status.READY: _l("Klaar"),
    Status.FAILED: _l("Tekst niet gelezen"),
}


def _upload_one_as_json(form: UploadForm) -> ResponseReturnValue:
    """The drop zone's variant: one file per request, the outcome as JSON for its card.

    The same form, checks and service as the page, so a script upload can do nothing the
    plain form cannot.
    """
    if not form.validate_on_submit():
        fields = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        first = next(iter(fields.values()), [_("Het verzoek klopt niet.")])[0]
        body = {"error": {"code": "invalid", "message": first, "fields": fields}}
        return jsonify(body), 400
    files = [f for f in form.files.data if getattr(f, "filename", "")]
    if len(files) != 1:
        message = _("Stuur precies één bestand per verzoek.")
        return jsonify({"error": {"code": "invalid", "message": message}}), 400
    storage = files[0]
    try:
        doc = ingest_document(storage.stream, storage.filename, form.metadata(), current_user)
    except DuplicateUpload as exc:
        existing = url_for("documents.detail", document_id=exc.existing_id)
        message = _("%(file)s: dit bestand staat al in Kennisnet.", file=storage.filename)
        duplicate = {"code": "duplicate", "message": message}
        return jsonify({"error": duplicate, "duplicate_of": existing}), 409
    return jsonify(_status_json(doc)), 201


def _status_json(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "status": str(doc.status),
        "label": str(STATUS_LABELS.get(doc.status, doc.status)),
        "url": url_for("documents.detail", document_id=doc.id),
        "status_url": url_for("documents.status", document_id=doc.id),
    }


@bp.get("/documenten/<int:document_id>/status")
def status(document_id: int) -> ResponseReturnValue:
    """What an upload card polls: visible exactly like the document page, else 404."""
    response = jsonify(_status_json(get_visible(document_id, current_user)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/documenten/<int:document_id>")
def detail(document_id: int) -> ResponseReturnValue:
    doc = get_visible(document_id, current_user)
    # Opened from a search result: the search counts as one whose results were opened.
    insights.mark_opened(request.args.get("z"))
    text = (doc.file.extracted_text or "") if doc.file else ""
    editable = permissions.can(current_user, "document.edit", doc)
    curator = permissions.can(current_user, "document.moderate")
    return render_template(
        "documents/detail.html",
        doc=doc,
        preview=text[:PREVIEW_CHARS],
        preview_truncated=len(text) > PREVIEW_CHARS,
        editable=editable,
        similar=similar_documents(doc, permissions.viewer(current_user)),
        fields=display_values(doc),
        # The history names who changed what: for the uploader and the editors only.
        history=audit.events(document_id=doc.id, limit=50) if editable or curator else [],
        suggested=themes_for(doc) if editable else [],
    )


@bp.post("/documenten/<int:document_id>/themas-toevoegen")
@login_required
def add_themes(document_id: int) -> ResponseReturnValue:
    """The member confirms suggested themes; they are added to the ones it has."""
    doc = get_visible(document_id, current_user)
    if not permissions.can(current_user, "document.edit", doc):
        abort(403)
    wanted = tuple(dict.fromkeys([*(t.slug for t in doc.themes), *request.form.getlist("themes")]))
    patch_document(doc, {"themes": wanted}, current_user)
    flash(_("De thema's zijn toegevoegd."), "success")
    return redirect(url_for("documents.detail", document_id=doc.id))


def send_document_file(doc: Document, version: DocumentFile | None = None) -> ResponseReturnValue:
    current = version or doc.file
    if current is None:
        abort(404)
    return send_stored(
        file_store(),
        current.stored_path,
        etag=current.sha256,
        mimetype=current.media_type,
        download_name=current.original_name,
    )


@bp.get("/documenten/<int:document_id>/bestand")
def download(document_id: int) -> ResponseReturnValue:
    return send_document_file(get_visible(document_id, current_user))


def _send_image(relative: str | None) -> ResponseReturnValue:
    if not relative:
        abort(404)
    # Preview images are content-addressed too: the name is the digest.
    etag = relative.rsplit("/", 1)[-1]
    return send_stored(preview_store(), relative, etag=etag, mimetype=RENDER_MEDIA_TYPE)


@bp.get("/documenten/<int:document_id>/voorbeeld")
def thumbnail(document_id: int) -> ResponseReturnValue:
    """The first-page thumbnail, for exactly those who may download the file."""
    doc = get_visible(document_id, current_user)
    return _send_image(doc.file.thumbnail_path if doc.file else None)


def _page_image_path(doc: Document, page: int) -> str | None:
    pages = doc.file.page_paths if doc.file else []
    return pages[page - 1] if 1 <= page <= len(pages) else None


@bp.get("/documenten/<int:document_id>/paginas/<int:page>")
def page_viewer(document_id: int, page: int) -> ResponseReturnValue:
    """One rendered page with links to the previous and next: no script, no PDF viewer."""
    doc = get_visible(document_id, current_user)
    if doc.file is None or _page_image_path(doc, page) is None:
        abort(404)
    return render_template(
        "documents/pages.html", doc=doc, page=page, pages=len(doc.file.page_paths)
    )


@bp.get("/documenten/<int:document_id>/paginas/<int:page>/afbeelding")
def page_image(document_id: int, page: int) -> ResponseReturnValue:
    return _send_image(_page_image_path(get_visible(document_id, current_user), page))


@bp.route("/documenten/<int:document_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit(document_id: int) -> ResponseReturnValue:
    doc = get_visible(document_id, current_user)
    if not permissions.can(current_user, "document.edit", doc):
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
    return render_template(
        "documents/edit.html",
        form=form,
        doc=doc,
        field_values={v.field.key: v.value for v in doc.field_values},
    ), status


@bp.post("/documenten/<int:document_id>/verwijderen")
@login_required
def delete(document_id: int) -> ResponseReturnValue:
    doc = get_visible(document_id, current_user)
    delete_document(doc, current_user)
    flash(
        _(
            "‘%(title)s’ staat nu in de prullenbak. U kunt het daar %(days)s dagen lang "
            "terugzetten.",
            title=doc.title,
            days=TRASH_DAYS,
        ),
        "success",
    )
    return redirect(url_for("search.index"))


@bp.get("/prullenbak")
@login_required
def trash() -> ResponseReturnValue:
    return render_template(
        "documents/trash.html", documents=trashed_documents(current_user), days=TRASH_DAYS
    )


@bp.post("/prullenbak/<int:document_id>/terugzetten")
@login_required
def restore(document_id: int) -> ResponseReturnValue:
    doc = restore_document(get_trashed(document_id, current_user), current_user)
    flash(_("‘%(title)s’ is teruggezet.", title=doc.title), "success")
    return redirect(url_for("documents.detail", document_id=doc.id))


@bp.post("/documenten/samen-bewerken")
@login_required
def bulk_edit() -> ResponseReturnValue:
    """Curators: set one or more properties on the documents ticked in the search results."""
    form = request.form
    changes: dict[str, Any] = {}
    if form.get("type"):
        changes["type"] = form["type"]
    if form.getlist("themes"):
        changes["themes"] = tuple(form.getlist("themes"))
    if form.get("visibility"):
        changes["visibility"] = form["visibility"]
    if form.get("organisation"):
        changes["organisation"] = form["organisation"]
    try:
        if not changes:
            raise InvalidInput(_l("Kies wat u wilt veranderen."))
        ids = [int(i) for i in form.getlist("ids") if i.isdigit()]
        changed = bulk_update(ids, current_user, **changes)
    except DomainError as exc:
        if exc.status == 403:
            raise
        flash(str(exc.message), "error")
    else:
        flash(_("%(n)s document(en) bijgewerkt.", n=len(changed)), "success")
    return redirect(safe_next(form.get("terug")))


@bp.post("/documenten/<int:document_id>/nieuwe-versie")
@login_required
def new_version(document_id: int) -> ResponseReturnValue:
    doc = get_visible(document_id, current_user)
    if not permissions.can(current_user, "document.edit", doc):
        abort(403)
    storage = request.files.get("bestand")
    if storage is None or not storage.filename:
        flash(_("Kies een bestand voor de nieuwe versie."), "error")
        return redirect(url_for("documents.detail", document_id=doc.id))
    try:
        add_version(doc, storage.stream, storage.filename, current_user)
    except DuplicateUpload as exc:
        flash(
            _("Dit bestand staat al in Kennisnet (document %(id)s).", id=exc.existing_id), "error"
        )
    except DomainError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("De nieuwe versie is ontvangen. De tekst wordt nu gelezen."), "success")
    return redirect(url_for("documents.detail", document_id=doc.id))


@bp.get("/documenten/<int:document_id>/versies/<int:file_id>")
def download_version(document_id: int, file_id: int) -> ResponseReturnValue:
    doc = get_visible(document_id, current_user)
    version = next((f for f in doc.files if f.id == file_id), None)
    if version is None:
        abort(404)
    return send_document_file(doc, version)
