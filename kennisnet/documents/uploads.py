"""Documents in: store the file, record it, and queue its processing.

The order makes every crash recoverable: the file is written atomically before any row
points to it; the row is committed before the task is queued (a lost task is found again by
``tasks.resume_unfinished``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
    resolved: Mapping[str, object] | None = None,
) -> Document:
    """Store an uploaded file and create its document; extraction follows in the background.

    With ``enqueue=False`` the caller runs the processing itself. ``resolved`` is
    ``resolve_metadata(meta, uploader)`` when the caller checked it once for many files; it
    may carry ``published`` as well, the moderation setting read once for them all.
    """
    values = _with_published(resolved, meta, uploader)
    stored, kind, name = _store_upload(stream, filename)

    def build() -> Document:
        document = new_document(stored, kind, name, values, meta, uploader)
        db.session.add(document)
        db.session.flush()  # the id, for the audit event committed with the row
        record_created([document], uploader)
        return document

    document = _commit_new_file(stored, build)
    if not enqueue:
        fault_point("ingest.after_commit")
        return document
    queue.commit_then_enqueue(tasks.process_document, document.id, fault="ingest.after_commit")
    # In immediate mode the task has already run in its own session.
    db.session.refresh(document)
    return document


@dataclass(frozen=True)
class Put:
    """A file of a batch, written to the store (not yet durable) but not yet checked."""

    stored: StoredFile
    name: str


@dataclass(frozen=True)
class Staged:
    """A file of a batch, stored and checked, with its document added to the session."""

    document: Document
    stored: StoredFile
    kind: str


class DuplicateInBatch(Exception):
    """The file has the same bytes as an earlier file of the same batch (not yet flushed)."""

    def __init__(self, first: Document) -> None:
        super().__init__(first)
        self.first = first


def put_file(stream: IO[bytes], filename: str | None) -> Put:
    """Write one file of a batch to the store, not yet durable; ``stage_files`` checks it."""
    return Put(_put(stream, durable=False), clean_filename(filename))


def stage_files(
    puts: list[Put], meta: Metadata, uploader: User | None, values: Mapping[str, object]
) -> list[Staged | DomainError | DuplicateInBatch]:
    """Check the files of a batch and add a document to the session for each one accepted.

    One query finds the files stored before. For each file in turn: the ``Staged`` document,
    or why it has none: ``DuplicateUpload``, ``DuplicateInBatch`` or ``RefusedUpload``, as
    ``ingest_document`` would raise them. ``values`` is ``ingest_values``. The rows are not
    yet flushed (keep autoflush off): ``add_staged`` flushes them all, then the caller syncs
    the store and commits.
    """
    shas = {put.stored.sha256 for put in puts}
    found = db.session.execute(
        select(DocumentFile.sha256, DocumentFile.document_id).where(DocumentFile.sha256.in_(shas))
    )
    existing = {sha: document_id for sha, document_id in found}
    staged: dict[str, Staged] = {}
    out: list[Staged | DomainError | DuplicateInBatch] = []
    for put in puts:
        sha = put.stored.sha256
        if sha in existing:
            out.append(DuplicateUpload(existing[sha]))
        elif sha in staged:
            out.append(DuplicateInBatch(staged[sha].document))
        else:
            try:
                kind = _checked_kind(file_store(), put.stored, put.name)
            except DomainError as exc:
                out.append(exc)
                continue
            document = new_document(put.stored, kind, put.name, dict(values), meta, uploader)
            db.session.add(document)
            staged[sha] = Staged(document, put.stored, kind)
            out.append(staged[sha])
    return out


def ingest_values(meta: Metadata, uploader: User | None) -> dict[str, object]:
    """The resolved metadata and moderation setting, once for a batch of files."""
    return _with_published(None, meta, uploader)


def add_staged(staged: list[Staged], uploader: User | None) -> None:
    """Flush the staged documents of a batch in one go and record their audit events.

    When another process stored the same bytes meanwhile (or the batch holds the same bytes
    twice), the whole session is rolled back and ``BatchRolledBack`` raised: the caller
    stores the batch again file by file. On any other failure no unused file stays behind.
    """
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise BatchRolledBack from exc
    except BaseException:
        db.session.rollback()
        for item in staged:
            _forget_unreferenced(file_store(), item.stored.sha256, item.stored.relative_path)
        raise
    record_created([item.document for item in staged], uploader)


def new_document(
    stored: StoredFile,
    kind: str,
    name: str,
    values: dict[str, object],
    meta: Metadata,
    uploader: User | None,
) -> Document:
    """The document row of a stored file, with its file row; not yet in the session."""
    values = dict(values)
    if "themes" in values:  # a list of its own per document
        values["themes"] = list(cast(list[object], values["themes"]))
    title = str(values.pop("title")) or title_from_filename(name)
    field_values = cast(dict[str, str], values.pop("fields"))
    document = Document(
        title=title,
        title_is_default=not meta.title.strip(),
        year_is_default=meta.year is None,
        uploader=uploader,
        status=Status.PROCESSING,
        # Given, so a batch that keeps its rows loaded after the commit (the import) finds them
        # in memory instead of loading each one again.
        deleted_at=None,
        field_values=[],
        **values,
    )
    set_values(document, field_values)
    document.files.append(_file_row(stored, kind, name))
    return document


def record_created(documents: list[Document], uploader: User | None) -> None:
    """The audit events of new (flushed) documents, committed with their rows."""
    for document in documents:
        audit.record(
            "document.create",
            actor=uploader,
            target=f"document:{document.id}",
            document_id=document.id,
            details={"title": document.title, "file": document.files[0].original_name},
        )


def _with_published(
    resolved: Mapping[str, object] | None, meta: Metadata, uploader: User | None
) -> dict[str, object]:
    values = dict(resolved) if resolved is not None else resolve_metadata(meta, uploader)
    if "published" not in values:
        values["published"] = not moderation_enabled()
    return values


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
    store = file_store()
    stored = _put(stream, durable=durable)
    existing = db.session.scalar(
        select(DocumentFile.document_id).where(DocumentFile.sha256 == stored.sha256)
    )
    if existing is not None:
        raise DuplicateUpload(existing)
    return stored, _checked_kind(store, stored, name), name


def _put(stream: IO[bytes], *, durable: bool) -> StoredFile:
    try:
        stored = file_store().put(
            stream, max_bytes=current_app.config["MAX_UPLOAD_BYTES"], durable=durable
        )
    except TooLarge as exc:
        raise RefusedUpload(
            _l(
                "Het bestand is te groot. Het maximum is %(mb)s MB.",
                mb=current_app.config["MAX_UPLOAD_MB"],
            ),
            code="too_large",
            status=413,
        ) from exc
    fault_point("ingest.after_store")
    return stored


def _checked_kind(store: Store, stored: StoredFile, name: str) -> str:
    """The kind of a newly stored file from its content; a refused file is removed again,
    unless another document uses the same bytes."""
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
    return kind


def _commit_new_file(stored: StoredFile, build: Callable[[], Document]) -> Document:
    """Add the rows ``build`` makes and commit; on any failure no unused file stays behind."""
    try:
        document = build()
        db.session.commit()
    except IntegrityError as exc:
        # Two uploads of the same bytes at once: the other one won the unique sha256.
        db.session.rollback()
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
