"""The trash: deleted documents stay restorable for TRASH_DAYS days, then go for good.

Moving into and out of the trash are operations (``operations``); this module reads the
trash and purges it, and never enqueues (the nightly task runs ``purge_trash``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kennisnet.accounts import permissions
from kennisnet.accounts.models import User
from kennisnet.core import audit
from kennisnet.core.errors import NotFound
from kennisnet.core.extensions import db
from kennisnet.core.models import utcnow
from kennisnet.core.storage import file_store
from kennisnet.documents.models import Document, DocumentFile
from kennisnet.documents.previews import forget_preview

TRASH_DAYS = 30


def trashed_documents(user: User | None) -> list[Document]:
    """The trash as this user may see it: admins all of it, others their own uploads."""
    if user is None or not permissions.signed_in(user):
        return []
    query = select(Document).where(Document.deleted_at.is_not(None))
    if not permissions.can(user, "trash.see_all"):
        query = query.where(Document.uploader_id == user.id)
    return list(db.session.scalars(query.order_by(Document.deleted_at.desc())))


def get_trashed(document_id: int, user: User | None) -> Document:
    for doc in trashed_documents(user):
        if doc.id == document_id:
            return doc
    raise NotFound(_l("Dit document staat niet in uw prullenbak."))


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
    previews = [p for doc in expired for f in doc.files for p in f.preview_paths()]
    for doc in expired:
        audit.record("document.purge", actor=None, target=f"document:{doc.id}", document_id=doc.id)
        db.session.delete(doc)
    db.session.commit()
    store = file_store()
    for sha256, path in paths:
        used = db.session.scalar(select(DocumentFile.id).where(DocumentFile.sha256 == sha256))
        if used is None:
            store.remove(path)
    for path in dict.fromkeys(previews):
        forget_preview(path)
    return len(expired)
