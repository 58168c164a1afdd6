"""Reading, editing and deleting documents, with the visibility rules applied."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kennisnet import audit, tasks
from kennisnet.errors import Forbidden, InvalidInput, NotFound
from kennisnet.extensions import db
from kennisnet.fields import set_values
from kennisnet.ingest import Metadata, file_store, resolve_metadata
from kennisnet.models import (
    Document,
    DocumentFile,
    User,
    Visibility,
    utcnow,
    visible_documents,
)
from kennisnet.organisations import ensure_organisation  # noqa: F401 - callers import it here


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
    # Curators edit any document: moderating means approving, editing or sending back.
    return user.is_curator or doc.uploader_id == user.id


def _require_edit(user: User | None, doc: Document) -> None:
    if not can_edit(user, doc):
        raise Forbidden(
            _l("Alleen wie het document heeft geüpload, een redacteur of een beheerder mag dit.")
        )


def metadata_snapshot(doc: Document) -> dict[str, object]:
    """The document's metadata as plain values, for the audit log's before/after."""
    return {
        "title": doc.title,
        "summary": doc.summary,
        "type": doc.type.slug if doc.type else None,
        "themes": sorted(t.slug for t in doc.themes),
        "organisation": doc.organisation.slug if doc.organisation else None,
        "region": doc.region,
        "year": doc.year,
        "visibility": str(doc.visibility),
    }


def metadata_of(doc: Document) -> dict[str, object]:
    """The document's current metadata as ``Metadata`` keyword arguments."""
    return {
        "title": doc.title,
        "summary": doc.summary,
        "type": doc.type.slug,
        "themes": tuple(t.slug for t in doc.themes),
        "visibility": str(doc.visibility),
        "organisation": doc.organisation.slug if doc.organisation else "",
        "region": doc.region,
        "year": doc.year,
    }


def update_document(doc: Document, meta: Metadata, actor: User) -> Document:
    _require_edit(actor, doc)
    before = metadata_snapshot(doc)
    values = resolve_metadata(meta, actor)
    if not meta.organisation:
        values["organisation"] = doc.organisation
        values["region"] = meta.region.strip() or doc.region
    if meta.year is None:
        values["year"] = doc.year
    title = values.pop("title")
    field_values = values.pop("fields")
    if title and title != doc.title:
        doc.title = title
        doc.title_is_default = False
    for key, value in values.items():
        setattr(doc, key, value)
    changes = audit.diff(before, metadata_snapshot(doc))
    changes.update({f"fields.{k}": v for k, v in set_values(doc, field_values).items()})
    if changes:
        audit.record(
            "document.update",
            actor=actor,
            target=f"document:{doc.id}",
            document_id=doc.id,
            details=changes,
        )
    db.session.commit()
    tasks.enqueue_index([doc.id])
    return doc


TRASH_DAYS = 30


def delete_document(doc: Document, actor: User) -> None:
    """Move a document to the trash: out of every listing and the index, restorable for
    TRASH_DAYS days by its uploader or an admin; ``purge_trash`` deletes it for good."""
    _require_edit(actor, doc)
    doc.deleted_at = utcnow()
    audit.record(
        "document.delete",
        actor=actor,
        target=f"document:{doc.id}",
        document_id=doc.id,
        details={"title": doc.title},
    )
    db.session.commit()
    tasks.remove_documents([doc.id])


def trashed_documents(user: User | None) -> list[Document]:
    """The trash as this user may see it: admins all of it, others their own uploads."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return []
    query = select(Document).where(Document.deleted_at.is_not(None))
    if not user.is_admin:
        query = query.where(Document.uploader_id == user.id)
    return list(db.session.scalars(query.order_by(Document.deleted_at.desc())))


def get_trashed(document_id: int, user: User | None) -> Document:
    for doc in trashed_documents(user):
        if doc.id == document_id:
            return doc
    raise NotFound(_l("Dit document staat niet in uw prullenbak."))


def restore_document(doc: Document, actor: User) -> Document:
    _require_edit(actor, doc)
    doc.deleted_at = None
    audit.record("document.restore", actor=actor, target=f"document:{doc.id}", document_id=doc.id)
    db.session.commit()
    tasks.enqueue_index([doc.id])
    return doc


def purge_trash(now: datetime | None = None) -> int:
    """Delete documents that have been in the trash longer than TRASH_DAYS, with their files.

    The rows go first: a crash afterwards leaves at most unreferenced files, which the
    consistency check removes.
    """
    cutoff = (now or utcnow()) - timedelta(days=TRASH_DAYS)
    expired = list(
        db.session.scalars(
            select(Document).where(Document.deleted_at.is_not(None), Document.deleted_at < cutoff)
        )
    )
    paths = [(f.sha256, f.stored_path) for doc in expired for f in doc.files]
    for doc in expired:
        audit.record("document.purge", actor=None, target=f"document:{doc.id}", document_id=doc.id)
        db.session.delete(doc)
    db.session.commit()
    store = file_store()
    for sha256, path in paths:
        used = db.session.scalar(select(DocumentFile.id).where(DocumentFile.sha256 == sha256))
        if used is None:
            store.remove(path)
    return len(expired)


BULK_FIELDS = ("type", "themes", "visibility", "organisation")


def bulk_update(
    ids: Iterable[int],
    actor: User,
    *,
    type: str | None = None,
    themes: tuple[str, ...] | None = None,
    visibility: str | None = None,
    organisation: str | None = None,
) -> list[int]:
    """Curators set type, themes, visibility or organisation on many documents at once.

    Every value is validated once, up front, so either all documents change or none; each
    document gets its own audit event with before/after values.
    """
    if not getattr(actor, "is_curator", False):
        raise Forbidden(_l("Alleen redacteuren en beheerders mogen documenten samen bewerken."))
    ids = list(dict.fromkeys(int(i) for i in ids))
    docs = (
        list(db.session.scalars(visible_documents(actor).where(Document.id.in_(ids))))
        if ids
        else []
    )
    if not docs:
        raise InvalidInput(_l("Kies minstens één document."), field="ids")
    probe = Metadata(
        type=type or docs[0].type.slug,
        themes=themes or (),
        visibility=visibility or Visibility.MEMBERS.value,
        organisation=organisation or "",
    )
    values = resolve_metadata(probe, actor)
    for doc in docs:
        before = metadata_snapshot(doc)
        if type is not None:
            doc.type = values["type"]
            set_values(doc, {})  # fields of the old type go
        if themes is not None:
            doc.themes = list(values["themes"])
        if visibility is not None:
            doc.visibility = values["visibility"]
        if organisation is not None:
            doc.organisation = values["organisation"]
        changes = audit.diff(before, metadata_snapshot(doc))
        if changes:
            audit.record(
                "document.update",
                actor=actor,
                target=f"document:{doc.id}",
                document_id=doc.id,
                details={**changes, "bulk": True},
            )
    db.session.commit()
    tasks.enqueue_index([doc.id for doc in docs])
    return [doc.id for doc in docs]
