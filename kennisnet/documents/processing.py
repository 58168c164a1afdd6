"""Processing a stored document: extract its text, index it, mark it ready or failed.

The order makes every crash recoverable: the text is committed before the index has it, and
the status becomes ``ready`` or ``failed`` only after the index has it (a document left in
``processing`` is found again by ``tasks.resume_unfinished`` and `kennisnet check --repair`).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from kennisnet.core.extensions import db
from kennisnet.core.faults import fault_point
from kennisnet.core.storage import file_store
from kennisnet.documents.indexing import to_indexed
from kennisnet.documents.metadata import MAX_AUTHOR, MAX_TITLE
from kennisnet.documents.models import Document, DocumentFile, Status
from kennisnet.extraction import Extracted, ExtractionFailed, extract, extract_isolated
from kennisnet.search import backend

log = logging.getLogger(__name__)

NO_TEXT = _l(
    "Er is geen tekst gevonden in dit bestand. Misschien is het een scan of bevat het "
    "alleen afbeeldingen. Het bestand is wel opgeslagen en te downloaden."
)
MISSING_FILE = "Het bestand ontbreekt op de server."


def _extract(path: Path, kind: str, current: DocumentFile) -> Extracted:
    config = current_app.config
    if not config["EXTRACTION_ISOLATED"]:
        return extract(path, kind, ocr_max_pages=config["OCR_MAX_PAGES"])

    def progress(done: int, total: int) -> None:
        # Its own commit per page: the document page shows how far text recognition is.
        current.progress_done, current.progress_total = done, total
        db.session.commit()

    return extract_isolated(
        path,
        kind,
        timeout=config["EXTRACTION_TIMEOUT"],
        memory_mb=config["EXTRACTION_MEMORY_MB"],
        ocr_max_pages=config["OCR_MAX_PAGES"],
        on_progress=progress,
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
        extracted = _extract(path, current.kind, current)
    except ExtractionFailed as exc:
        log.info("extraction of document %s failed: %s", document_id, exc.code)
        status, error = Status.FAILED, str(exc.message)
        current.extracted_text = None
        current.text_source = current.ocr_confidence = None
        current.extraction_notes = []
    else:
        text = extracted.text.replace("\x00", "")
        current.extracted_text = text
        current.page_count = extracted.pages
        current.text_source = extracted.text_source if text.strip() else None
        current.ocr_confidence = extracted.ocr_confidence
        current.extraction_notes = list(extracted.notes)
        if not text.strip():
            status, error = Status.FAILED, str(NO_TEXT)
        _take_defaults(document, extracted)
    current.extraction_error = error
    current.progress_done = current.progress_total = None
    # 'processing' until the index has it, failed documents too (they are indexed on their
    # title): a crash in between leaves a document that resume_unfinished and
    # `kennisnet check --repair` pick up, never a 'ready' or 'failed' one missing from the index.
    document.status = Status.PROCESSING
    db.session.commit()
    fault_point("process.after_extract")
    _index_then_mark(document, status)
    return status


def _take_defaults(document: Document, extracted: Extracted) -> None:
    """Title, author and year from the file's own metadata, where the member left them empty."""
    if document.title_is_default and extracted.title:
        document.title = extracted.title.strip()[:MAX_TITLE]
        document.title_is_default = False
    if not document.author and extracted.author:
        document.author = extracted.author.strip()[:MAX_AUTHOR]
    year = _year_of(extracted.created)
    if document.year_is_default and year is not None:
        document.year = year
        document.year_is_default = False


def _year_of(created: str | None) -> int | None:
    """The year of an ISO date; None for a missing, malformed, future or pre-1900 date."""
    if not created:
        return None
    try:
        moment = date.fromisoformat(created[:10])
    except ValueError:
        return None
    return moment.year if date(1900, 1, 1) <= moment <= datetime.now(UTC).date() else None


def _index_then_mark(document: Document, status: Status) -> None:
    # Indexed with its final status (the row still says 'processing'), then committed.
    # A document awaiting moderation (or in the trash) stays out of the index.
    if document.published and document.deleted_at is None:
        backend().index([replace(to_indexed(document), status=str(status))])
    fault_point("process.after_index")
    document.status = status
    db.session.commit()
