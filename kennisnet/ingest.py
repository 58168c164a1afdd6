"""Documents in: store the file, record it, and process it in the background.

The order makes every crash recoverable: the file is written atomically before any row
points to it; the row is committed before the task is queued (a lost task is found again by
``tasks.resume_unfinished``); the status becomes ``ready`` only after the index has it.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import PurePath
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kennisnet import audit, tasks
from kennisnet.errors import Conflict, DomainError, InvalidInput
from kennisnet.extensions import db
from kennisnet.extraction import (
    MEDIA_TYPES,
    Extracted,
    ExtractionFailed,
    detect_kind_path,
    extract,
    extract_isolated,
)
from kennisnet.fields import set_values, validate_values
from kennisnet.indexing import to_indexed
from kennisnet.models import (
    Document,
    DocumentFile,
    DocumentType,
    Organisation,
    Status,
    Theme,
    User,
    Visibility,
)
from kennisnet.moderation import moderation_enabled
from kennisnet.search import backend
from kennisnet.storage import FileStore, StoredFile, TooLarge
from kennisnet.tasks import fault_point

log = logging.getLogger(__name__)

MAX_TITLE = 300
MAX_SUMMARY = 5000
MAX_REGION = 200
MAX_FILENAME = 255
NO_TEXT = _l(
    "Er is geen tekst gevonden in dit bestand. Misschien is het een scan of bevat het "
    "alleen afbeeldingen. Het bestand is wel opgeslagen en te downloaden."
)
MISSING_FILE = "Het bestand ontbreekt op de server."


class RefusedUpload(DomainError):
    code = "refused"
    status = 400


class DuplicateUpload(Conflict):
    code = "duplicate"

    def __init__(self, existing_id: int) -> None:
        super().__init__(
            _l("Dit bestand staat al in Kennisnet (document %(id)s).", id=existing_id),
            existing_id=existing_id,
        )
        self.existing_id = existing_id


@dataclass
class Metadata:
    """What a member says about an upload; empty values take sensible defaults."""

    title: str = ""
    summary: str = ""
    type: str = ""  # slug
    themes: tuple[str, ...] = ()  # slugs
    visibility: str = Visibility.MEMBERS.value
    organisation: str = ""  # name or slug; defaults to the uploader's organisation
    region: str = ""
    year: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


def file_store() -> FileStore:
    return FileStore(current_app.config["UPLOAD_DIR"])


def clean_filename(name: str | None) -> str:
    """A display name for the file: no directories, no control characters, bounded."""
    name = unicodedata.normalize("NFC", name or "")
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        keep = MAX_FILENAME - len(ext) - 1 if dot and len(ext) <= 10 else MAX_FILENAME
        name = (stem[:keep] + "." + ext) if dot and len(ext) <= 10 else name[:MAX_FILENAME]
    return name or "bestand"


def title_from_filename(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    words = re.sub(r"[_\-.]+", " ", stem).split()
    title = " ".join(words)[:MAX_TITLE]
    return (title[:1].upper() + title[1:]) if title else name


def _clean_text(value: str | None, limit: int, field_name: str, label: str) -> str:
    value = unicodedata.normalize("NFC", (value or "").replace("\x00", "")).strip()
    if len(value) > limit:
        raise InvalidInput(
            _l("%(label)s is te lang (maximaal %(n)s tekens).", label=label, n=limit),
            field=field_name,
        )
    return value


def resolve_metadata(meta: Metadata, uploader: User | None) -> dict[str, object]:
    """Validate a member's metadata against the categories; raises InvalidInput."""
    title = _clean_text(meta.title, MAX_TITLE, "title", _l("De titel"))
    summary = _clean_text(meta.summary, MAX_SUMMARY, "summary", _l("De samenvatting"))
    region = _clean_text(meta.region, MAX_REGION, "region", _l("De wijk of gemeente"))
    type_slug = (meta.type or "overig").strip()
    doc_type = db.session.scalar(select(DocumentType).where(DocumentType.slug == type_slug))
    if doc_type is None:
        raise InvalidInput(_l("Kies een geldig soort document."), field="type")
    slugs = list(dict.fromkeys(s.strip() for s in meta.themes if s and s.strip()))
    themes = list(db.session.scalars(select(Theme).where(Theme.slug.in_(slugs)))) if slugs else []
    if len(themes) != len(slugs):
        unknown = sorted(set(slugs) - {t.slug for t in themes})
        shown = ", ".join(unknown[:5])
        if len(unknown) > 5:
            shown += str(_l(" en nog %(n)s", n=len(unknown) - 5))
        raise InvalidInput(_l("Onbekend thema: %(names)s.", names=shown), field="theme")
    if meta.visibility not in {v.value for v in Visibility}:
        raise InvalidInput(
            _l("Kies wie het document mag zien: iedereen of alleen leden."), field="visibility"
        )
    organisation = uploader.organisation if uploader is not None else None
    if meta.organisation:
        organisation = db.session.scalar(
            select(Organisation).where(
                (Organisation.slug == meta.organisation) | (Organisation.name == meta.organisation)
            )
        )
        if organisation is None:
            raise InvalidInput(_l("Onbekende organisatie."), field="organisation")
    this_year = datetime.now(UTC).year
    year = meta.year
    if year is not None and not 1900 <= year <= this_year + 1:
        raise InvalidInput(
            _l("Vul een jaartal in tussen 1900 en %(max)s.", max=this_year + 1), field="year"
        )
    return {
        "title": title,
        "summary": summary,
        "type": doc_type,
        "themes": themes,
        "visibility": Visibility(meta.visibility),
        "organisation": organisation,
        "region": region or (organisation.region if organisation else ""),
        "year": year or this_year,
        "fields": validate_values(doc_type, meta.extra),
    }


def ingest_document(
    stream: BinaryIO,
    filename: str | None,
    meta: Metadata,
    uploader: User | None,
    *,
    enqueue: bool = True,
) -> Document:
    """Store an uploaded file and create its document; extraction follows in the background.

    With ``enqueue=False`` the caller runs ``process_document`` itself (the CLI import does,
    so that its documents are indexed when it returns).
    """
    values = resolve_metadata(meta, uploader)
    stored, kind, name = _store_upload(stream, filename)

    def build() -> Document:
        title = values.pop("title") or title_from_filename(name)
        field_values = values.pop("fields")
        document = Document(
            title=title,
            title_is_default=not meta.title.strip(),
            uploader=uploader,
            status=Status.PROCESSING,
            published=not moderation_enabled(),
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

    document = _commit_new_file(stored, build)
    fault_point("ingest.after_commit")
    if enqueue:
        tasks.process_document(document.id)
        # In immediate mode the task has already run in its own session.
        db.session.refresh(document)
    return document


def add_version(
    document: Document, stream: BinaryIO, filename: str | None, actor: User | None
) -> Document:
    """A new file for an existing document: the older files stay downloadable, the index
    moves to the newest once it is extracted."""
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
    tasks.process_document(document.id)
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


def _store_upload(stream: BinaryIO, filename: str | None) -> tuple[StoredFile, str, str]:
    """Write the file and check it: size, duplicate, empty, kind from its content.

    A refused file is removed again, unless another document uses the same bytes.
    """
    name = clean_filename(filename)
    max_mb = current_app.config["MAX_UPLOAD_MB"]
    store = file_store()
    try:
        stored = store.put(stream, max_bytes=current_app.config["MAX_UPLOAD_BYTES"])
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
        kind = detect_kind_path(store.path(stored.relative_path), name)
        if kind is None:
            raise RefusedUpload(
                _l(
                    "Dit soort bestand kan Kennisnet niet verwerken. Upload een PDF, "
                    "Word-bestand (.docx), OpenDocument-tekst (.odt), tekstbestand of "
                    "Markdown-bestand."
                ),
                code="unsupported",
                status=415,
            )
    except BaseException:
        _forget_unreferenced(store, stored.sha256, stored.relative_path)
        raise
    return stored, kind, name


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


def _forget_unreferenced(store: FileStore, sha256: str, relative_path: str) -> None:
    still_used = db.session.scalar(select(DocumentFile.id).where(DocumentFile.sha256 == sha256))
    if still_used is None:
        store.remove(relative_path)


def _extract(path, kind: str) -> Extracted:  # type: ignore[no-untyped-def]
    config = current_app.config
    if not config["EXTRACTION_ISOLATED"]:
        return extract(path, kind)
    return extract_isolated(
        path,
        kind,
        timeout=config["EXTRACTION_TIMEOUT"],
        memory_mb=config["EXTRACTION_MEMORY_MB"],
    )


def process_document(document_id: int) -> Status | None:
    """Extract the text of a document's current file, index it, and mark it ready or failed.

    Idempotent: running it twice (a retried or re-enqueued task) gives the same result.
    """
    document = db.session.get(Document, document_id)
    if document is None or document.file is None:
        return None
    current = document.file
    path = file_store().path(current.stored_path)
    status = Status.READY
    error: str | None = None
    try:
        if not path.is_file():
            raise ExtractionFailed("missing", MISSING_FILE)
        extracted = _extract(path, current.kind)
    except ExtractionFailed as exc:
        log.info("extraction of document %s failed: %s", document_id, exc.code)
        status, error = Status.FAILED, str(exc.message)
        current.extracted_text = None
    else:
        text = extracted.text.replace("\x00", "")
        current.extracted_text = text
        current.page_count = extracted.pages
        if not text.strip():
            status, error = Status.FAILED, str(NO_TEXT)
        if document.title_is_default and extracted.title:
            document.title = extracted.title.strip()[:MAX_TITLE]
            document.title_is_default = False
    current.extraction_error = error
    # 'processing' until the index has it, failed documents too (they are indexed on their
    # title): a crash in between leaves a document that resume_unfinished and
    # `kennisnet check --repair` pick up, never a 'ready' or 'failed' one missing from the index.
    document.status = Status.PROCESSING
    db.session.commit()
    fault_point("process.after_extract")
    _index_then_mark(document, status)
    return status


def _index_then_mark(document: Document, status: Status) -> None:
    # Indexed with its final status (the row still says 'processing'), then committed.
    # A document awaiting moderation (or in the trash) stays out of the index.
    if document.published and document.deleted_at is None:
        backend().index([replace(to_indexed(document), status=str(status))])
    fault_point("process.after_index")
    document.status = status
    db.session.commit()
