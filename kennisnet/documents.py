"""Reading, editing and deleting documents, with the visibility rules applied."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from slugify import slugify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kennisnet import tasks
from kennisnet.errors import Forbidden, NotFound
from kennisnet.extensions import db
from kennisnet.ingest import Metadata, file_store, resolve_metadata
from kennisnet.models import Document, DocumentFile, Organisation, User, visible_documents


def get_visible(document_id: int, user: User | None) -> Document:
    """A document the user may see; anything else is 'not found', so existence does not leak."""
    doc = db.session.scalar(visible_documents(user).where(Document.id == document_id))
    if doc is None:
        raise NotFound(_l("Dit document bestaat niet of u heeft geen toegang."))
    return doc


def load_visible(ids: Iterable[int], user: User | None) -> list[Document]:
    """Rows for search hits, in hit order; ids the user may not see (or gone) are dropped."""
    ids = list(ids)
    if not ids:
        return []
    rows = db.session.scalars(
        visible_documents(user)
        .where(Document.id.in_(ids))
        .options(
            selectinload(Document.themes),
            selectinload(Document.type),
            selectinload(Document.organisation),
            selectinload(Document.files),
        )
    )
    by_id = {d.id: d for d in rows}
    return [by_id[i] for i in ids if i in by_id]


def can_edit(user: User | None, doc: Document) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    return user.is_admin or doc.uploader_id == user.id


def _require_edit(user: User | None, doc: Document) -> None:
    if not can_edit(user, doc):
        raise Forbidden(_l("Alleen wie het document heeft geüpload of een beheerder mag dit."))


def update_document(doc: Document, meta: Metadata, actor: User) -> Document:
    _require_edit(actor, doc)
    values = resolve_metadata(meta, actor)
    if not meta.organisation:
        values["organisation"] = doc.organisation
        values["region"] = meta.region.strip() or doc.region
    if meta.year is None:
        values["year"] = doc.year
    title = values.pop("title")
    if title and title != doc.title:
        doc.title = title
        doc.title_is_default = False
    for key, value in values.items():
        setattr(doc, key, value)
    db.session.commit()
    tasks.enqueue_index([doc.id])
    return doc


def delete_document(doc: Document, actor: User) -> None:
    """Delete the row first: a crash afterwards leaves at most an unreferenced file or a stale
    index entry, both of which are invisible (hits are loaded from the database) and repaired
    by the next check."""
    _require_edit(actor, doc)
    paths = [(f.sha256, f.stored_path) for f in doc.files]
    doc_id = doc.id
    db.session.delete(doc)
    db.session.commit()
    tasks.remove_documents([doc_id])
    store = file_store()
    for sha256, path in paths:
        used = db.session.scalar(select(DocumentFile.id).where(DocumentFile.sha256 == sha256))
        if used is None:
            store.remove(path)


def ensure_organisation(name: str, region: str = "") -> Organisation:
    name = " ".join(name.split())[:200]
    slug = slugify(name, max_length=200)
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        org = Organisation(name=name, slug=slug, region=region.strip()[:200])
        db.session.add(org)
        db.session.commit()
    return org
