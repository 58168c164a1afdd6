"""Documents in: store the file, record it, and queue its processing.

The order makes every crash recoverable: the file is written atomically before any row
points to it; the row is committed before the task is queued (a lost task is found again by
``tasks.resume_unfinished``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import IO, cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kennisnet.accounts import permissions
from kennisnet.accounts.models import User
from kennisnet.core import audit, queue
from kennisnet.core.errors import Conflict, DomainError
from kennisnet.core.extensions import db
from kennisnet.core.faults import fault_point
from kennisnet.core.storage import StorageUnavailable, Store, StoredFile, TooLarge, file_store
from kennisnet.documents import tasks
from kennisnet.documents.fields import set_values
from kennisnet.documents.metadata import (
    Metadata,
    clean_filename,
    resolve_metadata,
    title_from_filename,
)
from kennisnet.documents.models import Document, DocumentFile, Status
from kennisnet.documents.moderation import moderation_enabled
from kennisnet.extraction import MEDIA_TYPES, detect_kind_path

log = logging.getLogger(__name__)


class RefusedUpload(DomainError):
    code = "refused"
    status = 400


class BatchRolledBack(Exception):
    """A caller's uncommitted batch was rolled back (another process stored the same bytes at
    the same moment); the caller stores the batch again, file by file."""


class DuplicateUpload(Conflict):
    code = "duplicate"

    def __init__(self, existing_id: int) -> None:
        super().__init__(
            _l("Dit bestand staat al in Kennisnet (document %(id)s).", id=existing_id),
            existing_id=existing_id,
        )
        self.existing_id = existing_id


def ingest_document(
    stream: IO[bytes],
    filename: str | None,
    meta: Metadata,
    uploader: User | None,
    *,
    enqueue: bool = True,
    commit: bool = True,
    resolved: Mapping[str, object] | None = None,
) -> Document:
    """Store an uploaded file and create its document; extraction follows in the background.

    With ``enqueue=False`` the caller runs the processing itself (the CLI import does, so that
    its documents are indexed when it returns); with ``commit=False`` as well, the row is only
    flushed and the file not yet fsynced: the caller syncs the file store and commits a whole
    batch at once. ``resolved`` is
    ``resolve_metadata(meta, uploader)`` when the caller checked it once for many files; it
    may carry ``published`` as well, the moderation setting read once for them all.
    """
    values = dict(resolved) if resolved is not None else resolve_metadata(meta, uploader)
    if "published" not in values:
        values["published"] = not moderation_enabled()
    if "themes" in values:  # a list of its own per document
        values["themes"] = list(cast(list[object], values["themes"]))
    stored, kind, name = _store_upload(stream, filename, durable=commit)

    def build() -> Document:
        title = str(values.pop("title")) or title_from_filename(name)
        field_values = cast(dict[str, str], values.pop("fields"))
        document = Document(
            title=title,
            title_is_default=not meta.title.strip(),
            year_is_default=meta.year is None,
            uploader=uploader,
            status=Status.PROCESSING,
            **values,
        )
        set_values(document, field_values)
        document.files.append(_file_row(stored, kind, name))
        db.session.add(document)
        db.session.flush()  # the id, for the audit event committed with the row
        audit.record(
            "document.create",
            actor=uploader,
            target=f"document:{document.id}",
            document_id=document.id,
            details={"title": document.title, "file": name},
        )
        return document

    document = _commit_new_file(stored, build, commit=commit)
    if not enqueue:
        if commit:  # a caller's batch has its crash point after its own commit
            fault_point("ingest.after_commit")
        return document
    queue.commit_then_enqueue(tasks.process_document, document.id, fault="ingest.after_commit")
    # In immediate mode the task has already run in its own session.
    db.session.refresh(document)
    return document


def add_version(
    document: Document, stream: IO[bytes], filename: str | None, actor: User | None
) -> Document:
    """A new file for an existing document: the older files stay downloadable, the index
    moves to the newest once it is extracted."""
    permissions.require(actor, "document.add_version", document)
    stored, kind, name = _store_upload(stream, filename)

    def build() -> Document:
        document.files.append(_file_row(stored, kind, name))
        document.status = Status.PROCESSING
        audit.record(
            "document.version",
            actor=actor,
            target=f"document:{document.id}",
            document_id=document.id,
            details={"file": name, "version": len(document.files)},
        )
        return document

    _commit_new_file(stored, build)
    queue.commit_then_enqueue(tasks.process_document, document.id)
    db.session.refresh(document)
    return document


def _file_row(stored: StoredFile, kind: str, name: str) -> DocumentFile:
    return DocumentFile(
        original_name=name,
        sha256=stored.sha256,
        size=stored.size,
        media_type=MEDIA_TYPES[kind],
        kind=kind,
        stored_path=stored.relative_path,
    )


def _store_upload(
    stream: IO[bytes], filename: str | None, *, durable: bool = True
) -> tuple[StoredFile, str, str]:
    """Write the file and check it: size, duplicate, empty, kind from its content.

    A refused file is removed again, unless another document uses the same bytes.
    """
    name = clean_filename(filename)
    max_mb = current_app.config["MAX_UPLOAD_MB"]
    store = file_store()
    try:
        stored = store.put(
            stream, max_bytes=current_app.config["MAX_UPLOAD_BYTES"], durable=durable
        )
    except TooLarge as exc:
        raise RefusedUpload(
            _l("Het bestand is te groot. Het maximum is %(mb)s MB.", mb=max_mb),
            code="too_large",
            status=413,
        ) from exc
    fault_point("ingest.after_store")
    existing = db.session.scalar(
        select(DocumentFile.document_id).where(DocumentFile.sha256 == stored.sha256)
    )
    if existing is not None:
        raise DuplicateUpload(existing)
    try:
        if stored.size == 0:
            raise RefusedUpload(_l("Het bestand is leeg."), code="empty")
        with store.local_path(stored.relative_path) as path:
            kind = detect_kind_path(path, name)
        if kind is None:
            raise RefusedUpload(
                _l(
                    "Dit soort bestand kan Kennisnet niet verwerken. Upload een PDF, "
                    "Word-bestand (.docx of .doc), RTF-bestand, OpenDocument-bestand (.odt, "
                    ".ods of .odp), Excel-bestand (.xlsx), PowerPoint-bestand (.pptx), "
                    "tekstbestand, Markdown-bestand of een foto (JPEG, PNG, TIFF of WebP)."
                ),
                code="unsupported",
                status=415,
            )
    except BaseException:
        _forget_unreferenced(store, stored.sha256, stored.relative_path)
        raise
    return stored, kind, name


def _commit_new_file(
    stored: StoredFile, build: Callable[[], Document], *, commit: bool = True
) -> Document:
    """Add the rows ``build`` makes and commit (or flush, for a caller's batch); on any failure
    no unused file stays behind."""
    try:
        document = build()
        if commit:
            db.session.commit()
        else:
            db.session.flush()
    except IntegrityError as exc:
        # Two uploads of the same bytes at once: the other one won the unique sha256.
        db.session.rollback()
        if not commit:  # the rollback took the caller's earlier rows with it
            raise BatchRolledBack from exc
        existing = db.session.scalar(
            select(DocumentFile.document_id).where(DocumentFile.sha256 == stored.sha256)
        )
        if existing is not None:
            raise DuplicateUpload(existing) from exc
        raise
    except BaseException:
        db.session.rollback()
        _forget_unreferenced(file_store(), stored.sha256, stored.relative_path)
        raise
    return document


def _forget_unreferenced(store: Store, sha256: str, relative_path: str) -> None:
    still_used = db.session.scalar(select(DocumentFile.id).where(DocumentFile.sha256 == sha256))
    if still_used is None:
        try:
            store.remove(relative_path)
        except StorageUnavailable:
            # The first error is the one to report; `kennisnet check` removes the file later.
            log.warning("could not remove unused %s: the store does not answer", relative_path)
