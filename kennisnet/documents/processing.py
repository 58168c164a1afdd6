"""Processing a stored document: extract its text, index it, mark it ready or failed.

The order makes every crash recoverable: the text is committed before the index has it, and
the status becomes ``ready`` or ``failed`` only after the index has it (a document left in
``processing`` is found again by ``tasks.resume_unfinished`` and `kennisnet check --repair`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from kennisnet.core.extensions import db
from kennisnet.core.faults import fault_point
from kennisnet.core.i18n import N_
from kennisnet.core.storage import Store, file_store
from kennisnet.documents.indexing import load_for_index, to_indexed
from kennisnet.documents.metadata import MAX_AUTHOR, MAX_TITLE
from kennisnet.documents.models import Document, DocumentFile, Status
from kennisnet.extraction import IMAGE_KINDS, Extracted, ExtractionFailed, extract, extract_isolated
from kennisnet.extraction import pool as extraction_pool
from kennisnet.search import IndexedDocument, backend
from kennisnet.search.analysis import BODY_ANALYSER

log = logging.getLogger(__name__)

NO_TEXT = _l(
    "Er is geen tekst gevonden in dit bestand. Misschien is het een scan of bevat het "
    "alleen afbeeldingen. Het bestand is wel opgeslagen en te downloaden."
)
MISSING_FILE = N_("Het bestand ontbreekt op de server.")
NOTHING_PRINTED = _l(
    "Tekstherkenning heeft op deze scan of afbeelding geen leesbare tekst gevonden. Het "
    "document is te vinden op zijn titel, samenvatting en thema's."
)
# Kinds whose pages are read with text recognition when they have no text of their own.
RECOGNISED_KINDS = frozenset({"pdf", *IMAGE_KINDS})


@dataclass(frozen=True)
class ReadingSettings:
    """The app's extraction settings, taken once so reading needs no app context (threads)."""

    isolated: bool
    timeout: float
    memory_mb: int
    ocr_max_pages: int
    workers: int
    # The FTS5 engine takes the body's analysis from the extraction workers (every core);
    # the other engines analyse the body themselves.
    analyser: str | None = None

    @classmethod
    def from_app(cls) -> ReadingSettings:
        config = current_app.config
        return cls(
            isolated=bool(config["EXTRACTION_ISOLATED"]),
            timeout=float(config["EXTRACTION_TIMEOUT"]),
            memory_mb=int(config["EXTRACTION_MEMORY_MB"]),
            ocr_max_pages=int(config["OCR_MAX_PAGES"]),
            workers=int(config["EXTRACTION_WORKERS"]),
            analyser=BODY_ANALYSER if config["SEARCH_BACKEND"] == "sqlite" else None,
        )


def warm_extraction() -> None:
    """Start the extraction workers now, so the first file does not wait for them."""
    settings = ReadingSettings.from_app()
    if settings.isolated:
        preload = (settings.analyser,) if settings.analyser else ()
        extraction_pool.POOL.warm(settings.workers, settings.memory_mb, preload)


@dataclass(frozen=True)
class Reading:
    """What reading one file gave: its text and facts, or why it could not be read."""

    extracted: Extracted | None = None
    error: str | None = None


def read_file(
    path: Path,
    kind: str,
    settings: ReadingSettings,
    on_progress: Callable[[int, int], None] | None = None,
) -> Reading:
    """Read one stored file; never raises for a file that cannot be read."""
    try:
        if not path.is_file():
            raise ExtractionFailed("missing", MISSING_FILE)
        if not settings.isolated:
            return Reading(extract(path, kind, ocr_max_pages=settings.ocr_max_pages))
        return Reading(
            extract_isolated(
                path,
                kind,
                timeout=settings.timeout,
                memory_mb=settings.memory_mb,
                ocr_max_pages=settings.ocr_max_pages,
                on_progress=on_progress,
                analyser=settings.analyser,
            )
        )
    except ExtractionFailed as exc:
        log.info("extraction of %s failed: %s", path.name, exc.code)
        return Reading(error=str(exc.message))


def read_stored(
    store: Store,
    relative_path: str,
    kind: str,
    settings: ReadingSettings,
    on_progress: Callable[[int, int], None] | None = None,
) -> Reading:
    """``read_file`` on a stored file, through a local copy when the store is remote.

    A file the store does not have is read as missing; a store that does not answer raises
    ``StorageUnavailable``, so the task is retried and the document stays 'processing'
    (never marked failed for a passing outage).
    """
    with ExitStack() as stack:
        try:
            path = stack.enter_context(store.local_path(relative_path))
        except FileNotFoundError:
            return Reading(error=MISSING_FILE)
        return read_file(path, kind, settings, on_progress)


def process_document(document_id: int) -> Status | None:
    """Extract the text of a document's current file, index it, and mark it ready or failed.

    Idempotent: running it twice (a retried or re-enqueued task) gives the same result.
    """
    document = db.session.get(Document, document_id)
    if document is None or document.file is None:
        return None
    current = document.file

    def progress(done: int, total: int) -> None:
        # Its own commit per page: the document page shows how far text recognition is.
        current.progress_done, current.progress_total = done, total
        db.session.commit()

    settings = ReadingSettings.from_app()
    reading = read_stored(file_store(), current.stored_path, current.kind, settings, progress)
    return _finish([(document, reading)])[document.id]


def process_pending(document_id: int) -> Status | None:
    """``process_document`` for a document still waiting for it ('processing'); None, and
    nothing done, for one that is finished, gone or without a file."""
    status = db.session.scalar(select(Document.status).where(Document.id == document_id))
    if status != Status.PROCESSING:
        return None
    return process_document(document_id)


def process_documents(ids: Iterable[int]) -> dict[int, Status]:
    """``process_document`` for many at once: files read in parallel (one per extraction
    worker), then one transaction and one index write for the whole batch."""
    documents = [d for d in load_for_index(ids) if d.file is not None]
    jobs = [ReadJob(d.id, d.file.stored_path, d.file.kind) for d in documents if d.file]
    with readers() as threads:
        readings = start_reading(jobs, threads).wait()
    return _finish(list(zip(documents, readings, strict=True)))


@dataclass(frozen=True)
class ReadJob:
    """A document's current file, to be read; with the document itself when the caller holds
    it loaded and unexpired (the import does), so finishing it loads nothing again."""

    document_id: int
    stored_path: str
    kind: str
    document: Document | None = field(default=None, compare=False)


class Reads:
    """Files being read in the background, one per extraction worker; ``finish_reading``
    waits for them and finishes their documents."""

    def __init__(self, jobs: list[ReadJob], readers: Executor) -> None:
        settings = ReadingSettings.from_app()
        store = file_store()
        self.jobs = jobs
        self._futures = [
            readers.submit(read_stored, store, job.stored_path, job.kind, settings) for job in jobs
        ]

    def wait(self) -> list[Reading]:
        return [future.result() for future in self._futures]


def readers() -> ThreadPoolExecutor:
    """Threads that hand files to the extraction workers, one per worker: batches read one
    after another share them, so their files queue for the workers instead of starting more."""
    return ThreadPoolExecutor(max_workers=max(1, ReadingSettings.from_app().workers))


def start_reading(jobs: list[ReadJob], readers: Executor) -> Reads:
    """Start reading the files of a batch while the caller goes on (stores the next batch)."""
    return Reads(jobs, readers)


def finish_reading(reads: Reads) -> dict[int, Status]:
    """Wait for a batch's files, then extract, index and mark its documents in one transaction
    and one index write. A document whose current file changed meanwhile is left to the
    processing its new version queued."""
    readings = reads.wait()
    documents = {job.document_id: job.document for job in reads.jobs if job.document is not None}
    missing = [job.document_id for job in reads.jobs if job.document is None]
    documents.update((d.id, d) for d in load_for_index(missing))
    batch = []
    for job, reading in zip(reads.jobs, readings, strict=True):
        document = documents.get(job.document_id)
        if document is not None and document.file and document.file.stored_path == job.stored_path:
            batch.append((document, reading))
    return _finish(batch) if batch else {}


def _finish(batch: list[tuple[Document, Reading]]) -> dict[int, Status]:
    applied = {document.id: _apply(document, reading) for document, reading in batch}
    statuses = {document_id: status for document_id, (status, _) in applied.items()}
    db.session.execute(update(DocumentFile), [row for _, row in applied.values()])
    # Taken before the commit expires the rows, so nothing is loaded twice. A document
    # awaiting moderation (or in the trash) stays out of the index.
    entries = [
        replace(
            to_indexed(document),
            status=str(statuses[document.id]),
            body_terms=_body_terms(reading),
        )
        for document, reading in batch
        if document.published and document.deleted_at is None
    ]
    # 'processing' until the index has it, failed documents too (they are indexed on their
    # title): a crash in between leaves a document that resume_unfinished and
    # `kennisnet check --repair` pick up, never a 'ready' or 'failed' one missing from the index.
    db.session.commit()
    fault_point("process.after_extract")
    _index_then_mark(list(statuses.items()), entries)
    for document, _reading in batch:  # as the UPDATE left them, for a caller that goes on
        set_committed_value(document, "status", statuses[document.id])
    return statuses


def _body_terms(reading: Reading) -> tuple[str, str, str] | None:
    """The body's analysis an extraction worker made (``analysis.body_terms``), if any."""
    analysis = reading.extracted.analysis if reading.extracted is not None else None
    if isinstance(analysis, list) and len(analysis) == 3:
        return (str(analysis[0]), str(analysis[1]), str(analysis[2]))
    return None


def _apply(document: Document, reading: Reading) -> tuple[Status, dict[str, object]]:
    """What was read, for the document's current file: the status the document will get, and
    the file's new column values by its id (for one UPDATE of the whole batch).

    The values are also set on the loaded file as committed: the batch's UPDATE writes them,
    and the unit of work has nothing left to compare (a tenth of the cost per document).
    """
    current = document.file
    assert current is not None  # noqa: S101 - only documents with a file are processed
    status = Status.READY
    error = reading.error
    extracted = reading.extracted
    values: dict[str, object]
    if extracted is None:
        status = Status.FAILED
        values = {"extracted_text": None, "page_count": current.page_count}
        values |= {"text_source": None, "ocr_confidence": None, "extraction_notes": []}
    else:
        text = extracted.text.replace("\x00", "")
        notes = list(extracted.notes)
        if not text.strip() and current.kind in RECOGNISED_KINDS:
            # Text recognition looked and found nothing printed: a photo or a drawing is
            # still a document, found by its title and description.
            notes.append(str(NOTHING_PRINTED))
        elif not text.strip():
            status, error = Status.FAILED, str(NO_TEXT)
        values = {
            "extracted_text": text,
            "page_count": extracted.pages,
            "text_source": extracted.text_source if text.strip() else None,
            "ocr_confidence": extracted.ocr_confidence,
            "extraction_notes": notes,
        }
        _take_defaults(document, extracted)
    values |= {"extraction_error": error, "progress_done": None, "progress_total": None}
    for key, value in values.items():
        set_committed_value(current, key, value)
    document.status = Status.PROCESSING
    return status, {"id": current.id, **values}


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


def _index_then_mark(batch: list[tuple[int, Status]], entries: list[IndexedDocument]) -> None:
    # One index write and one transaction for the batch; the statuses are set with one
    # statement each, since the commit before expired the rows.
    if entries:
        backend().index(entries)
    fault_point("process.after_index")
    by_status: dict[Status, list[int]] = {}
    for document_id, status in batch:
        by_status.setdefault(status, []).append(document_id)
    for status, ids in by_status.items():
        db.session.execute(
            update(Document).where(Document.id.in_(ids)).values(status=status),
            execution_options={"synchronize_session": False},
        )
    db.session.commit()
