"""Importing an archive of files from disk: each file stored, processed and indexed in turn.

The command line shows progress and prints the report; the work and the report are here.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from kennisnet.accounts.models import User
from kennisnet.accounts.organisations import ensure_organisation
from kennisnet.core import queue
from kennisnet.core.errors import DomainError
from kennisnet.core.extensions import db
from kennisnet.core.faults import fault_point
from kennisnet.core.storage import file_store
from kennisnet.documents import tasks
from kennisnet.documents.indexing import load_for_index
from kennisnet.documents.metadata import Metadata
from kennisnet.documents.models import Document, Status
from kennisnet.documents.processing import (
    ReadJob,
    Reads,
    finish_reading,
    readers,
    start_reading,
    warm_extraction,
)
from kennisnet.documents.uploads import (
    BatchRolledBack,
    DuplicateInBatch,
    DuplicateUpload,
    Put,
    Staged,
    add_staged,
    ingest_document,
    ingest_values,
    put_file,
    stage_files,
)


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    refused: list[dict[str, str]] = field(default_factory=list)  # path, error (Dutch)
    documents: list[dict[str, Any]] = field(default_factory=list)  # id, path, status

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "refused": self.refused,
            "documents": self.documents,
        }


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files named, and those below the folders named, hidden files and folders left out."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        else:
            files.append(path)
    return files


def import_files(
    files: Iterable[Path],
    meta: Metadata,
    uploader: User | None = None,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Store, extract and index the files in batches; when it returns, they are searchable.

    A batch is up to ``INDEX_BATCH_SIZE`` files, or what was stored within ``INDEX_BATCH_MS``:
    its rows are committed together, its files read in parallel, and it is indexed with one
    index write and one transaction. A file that is refused or unreadable is reported and
    skipped. A file already stored is reported as a duplicate of its document, and processed
    if a killed import left it unfinished, so running an import again finishes the job and
    stores nothing twice. ``on_progress(done, total)`` hears how many files have been handled.
    """
    if meta.organisation:
        ensure_organisation(meta.organisation, meta.region)
    warm_extraction()  # while the first batch is stored
    config = current_app.config
    # Once: every file shares the metadata and the moderation setting.
    values = ingest_values(meta, uploader)
    report = ImportReport()
    files = list(files)
    handled = 0
    reading: _Reading | None = None
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    with readers() as threads, _restored(session, expiring):
        for batch in _batches(files, config["INDEX_BATCH_SIZE"], config["INDEX_BATCH_MS"]):
            mark = (report.duplicates, len(report.refused), len(report.documents))
            try:
                stored = _store_batch(batch, meta, uploader, values, report, one_by_one=False)
            except BatchRolledBack:
                # The same bytes twice in the batch, or stored by another process meanwhile.
                report.duplicates = mark[0]
                del report.refused[mark[1] :], report.documents[mark[2] :]
                stored = _store_batch(batch, meta, uploader, values, report, one_by_one=True)
            file_store().sync()  # the batch's files are durable before its rows say they exist
            db.session.commit()
            fault_point("ingest.after_commit")
            # The extraction workers read this batch while the one before is indexed and the
            # next one stored: both cores busy, one writer.
            started = _Reading(start_reading(stored.jobs, threads), stored.entries, len(batch))
            if reading is not None:
                handled += _complete(reading, report)
                if on_progress is not None:
                    on_progress(handled, len(files))
            reading = started
        if reading is not None:
            handled += _complete(reading, report)
            if on_progress is not None:
                on_progress(handled, len(files))
    return report


# The reader threads wake when a worker answers and need the interpreter lock at once to
# hand it the next file; at Python's default (5 ms) they wait behind the writer that long.
READER_SWITCH_SECONDS = 0.0005


@contextmanager
def _restored(session: Session, expiring: bool) -> Iterator[None]:
    """For the import only: its own rows stay loaded across its commits (this process wrote
    them, and finishing a batch reads them after the next one is committed), and the reader
    threads get the interpreter lock sooner."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(READER_SWITCH_SECONDS)
    try:
        yield
    finally:
        session.expire_on_commit = expiring
        sys.setswitchinterval(interval)


@dataclass
class _Stored:
    """A stored batch: what its files' readings will finish, and their report entries."""

    jobs: list[ReadJob] = field(default_factory=list)
    entries: dict[int, dict[str, Any]] = field(default_factory=dict)  # by document id


@dataclass
class _Reading:
    reads: Reads
    entries: dict[int, dict[str, Any]]
    files: int


def _complete(reading: _Reading, report: ImportReport) -> int:
    """Finish a batch whose files are being read; returns how many files it had."""
    statuses = finish_reading(reading.reads)
    for doc_id, entry in reading.entries.items():
        report.imported += 1
        entry["status"] = str(statuses.get(doc_id))
    # Previews follow in the background: they never hold up finding the documents.
    if statuses:
        queue.commit_then_enqueue(tasks.make_previews, list(statuses))
    return reading.files


# The first batch is this small, and each next one twice as large up to the batch size: the
# extraction workers start reading at once, and the writer has a batch to finish while they
# read the next (an archive of long PDFs would otherwise be one batch, read while the writer
# waits, then written while the workers wait).
FIRST_BATCH = 8


def _batches(files: Iterable[Path], size: int, milliseconds: int) -> Iterator[list[Path]]:
    """Files in batches growing from ``FIRST_BATCH`` to ``size``, or of what came within
    ``milliseconds``."""
    batch: list[Path] = []
    started = time.monotonic()
    limit = min(size, FIRST_BATCH)
    for path in files:
        if not batch:
            started = time.monotonic()
        batch.append(path)
        if len(batch) >= limit or (time.monotonic() - started) * 1000 >= milliseconds:
            yield batch
            batch = []
            limit = min(size, limit * 2)
    if batch:
        yield batch


def _store_batch(
    batch: list[Path],
    meta: Metadata,
    uploader: User | None,
    values: Mapping[str, object],
    report: ImportReport,
    *,
    one_by_one: bool,
) -> _Stored:
    """Store the files and add their rows, flushed together (or one commit each, the
    fallback). Duplicates and refusals go to the report at once; the new documents get an
    entry whose status their processing fills in. A stored document that a killed import left
    unfinished is read again."""
    stored = _Stored()
    unfinished: list[int] = []
    puts: list[tuple[Put, Path]] = []
    for path in batch:
        try:
            with path.open("rb") as stream:
                if one_by_one:
                    doc = ingest_document(
                        stream, path.name, meta, uploader, enqueue=False, resolved=values
                    )
                    first = doc.files[-1]
                    job = ReadJob(doc.id, first.stored_path, first.kind, doc)
                    _add_new(stored, report, path, job)
                else:
                    puts.append((put_file(stream, path.name), path))
        except (DomainError, OSError) as exc:
            _report_not_new(report, path, exc, unfinished)
    if puts:
        with db.session.no_autoflush:
            outcomes = stage_files([put for put, _ in puts], meta, uploader, values)
        staged = [outcome for outcome in outcomes if isinstance(outcome, Staged)]
        if staged:
            add_staged(staged, uploader)
        for (_put, path), outcome in zip(puts, outcomes, strict=True):
            if isinstance(outcome, Staged):
                document = outcome.document
                job = ReadJob(document.id, outcome.stored.relative_path, outcome.kind, document)
                _add_new(stored, report, path, job)
            elif isinstance(outcome, DuplicateInBatch):
                report.duplicates += 1
                report.documents.append(
                    {"id": outcome.first.id, "path": str(path), "status": "duplicate"}
                )
            else:
                _report_not_new(report, path, outcome, unfinished)
    for document in load_for_index(unfinished):
        if (current := document.file) is not None:
            stored.jobs.append(ReadJob(document.id, current.stored_path, current.kind, document))
    return stored


def _add_new(stored: _Stored, report: ImportReport, path: Path, job: ReadJob) -> None:
    entry: dict[str, Any] = {"id": job.document_id, "path": str(path), "status": None}
    report.documents.append(entry)
    stored.entries[job.document_id] = entry
    stored.jobs.append(job)


def _report_not_new(
    report: ImportReport, path: Path, error: Exception, unfinished: list[int]
) -> None:
    """A file that gave no new document: a duplicate (its document read again if a killed
    import left it unfinished), refused, or unreadable."""
    if isinstance(error, DuplicateUpload):
        report.duplicates += 1
        report.documents.append({"id": error.existing_id, "path": str(path), "status": "duplicate"})
        existing = db.session.get(Document, error.existing_id)
        if existing is not None and existing.status == Status.PROCESSING:
            unfinished.append(existing.id)
    elif isinstance(error, DomainError):
        report.refused.append({"path": str(path), "error": str(error.message)})
    elif isinstance(error, OSError):
        report.refused.append(
            {"path": str(path), "error": f"Kan het bestand niet lezen: {error.strerror}"}
        )
    else:
        raise error
