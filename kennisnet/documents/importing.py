"""Importing an archive of files from disk: each file stored, processed and indexed in turn.

The command line shows progress and prints the report; the work and the report are here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app

from kennisnet.accounts.models import User
from kennisnet.accounts.organisations import ensure_organisation
from kennisnet.core import queue
from kennisnet.core.errors import DomainError
from kennisnet.core.extensions import db
from kennisnet.core.faults import fault_point
from kennisnet.core.storage import file_store
from kennisnet.documents import tasks
from kennisnet.documents.metadata import Metadata, resolve_metadata
from kennisnet.documents.models import Document, Status
from kennisnet.documents.moderation import moderation_enabled
from kennisnet.documents.processing import process_documents, warm_extraction
from kennisnet.documents.uploads import BatchRolledBack, DuplicateUpload, ingest_document


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
    resolved = {**resolve_metadata(meta, uploader), "published": not moderation_enabled()}
    report = ImportReport()
    files = list(files)
    handled = 0
    for batch in _batches(files, config["INDEX_BATCH_SIZE"], config["INDEX_BATCH_MS"]):
        mark = (report.duplicates, len(report.refused), len(report.documents))
        try:
            new, unfinished = _store_batch(batch, meta, uploader, resolved, report, commit=False)
        except BatchRolledBack:
            report.duplicates = mark[0]
            del report.refused[mark[1] :], report.documents[mark[2] :]
            new, unfinished = _store_batch(batch, meta, uploader, resolved, report, commit=True)
        file_store().sync()  # the batch's files are durable before its rows say they exist
        db.session.commit()
        fault_point("ingest.after_commit")
        statuses = process_documents([doc_id for doc_id, _ in new] + unfinished)
        for doc_id, path in new:
            report.imported += 1
            report.documents.append(
                {"id": doc_id, "path": str(path), "status": str(statuses.get(doc_id))}
            )
        # Previews follow in the background: they never hold up finding the documents.
        if statuses:
            queue.commit_then_enqueue(tasks.make_previews, list(statuses))
        handled += len(batch)
        if on_progress is not None:
            on_progress(handled, len(files))
    return report


def _batches(files: Iterable[Path], size: int, milliseconds: int) -> Iterator[list[Path]]:
    """Files in batches of ``size``, or of what came within ``milliseconds``."""
    batch: list[Path] = []
    started = time.monotonic()
    for path in files:
        if not batch:
            started = time.monotonic()
        batch.append(path)
        if len(batch) >= size or (time.monotonic() - started) * 1000 >= milliseconds:
            yield batch
            batch = []
    if batch:
        yield batch


def _store_batch(
    batch: list[Path],
    meta: Metadata,
    uploader: User | None,
    resolved: Mapping[str, object],
    report: ImportReport,
    *,
    commit: bool,
) -> tuple[list[tuple[int, Path]], list[int]]:
    """Store the files and add their rows (uncommitted, or one commit each as the fallback);
    returns the new documents, and the stored ones a killed import left unfinished."""
    new: list[tuple[int, Path]] = []
    unfinished: list[int] = []
    for path in batch:
        try:
            with path.open("rb") as stream:
                doc = ingest_document(
                    stream,
                    path.name,
                    meta,
                    uploader,
                    enqueue=False,
                    commit=commit,
                    resolved=resolved,
                )
        except DuplicateUpload as exc:
            report.duplicates += 1
            report.documents.append(
                {"id": exc.existing_id, "path": str(path), "status": "duplicate"}
            )
            existing = db.session.get(Document, exc.existing_id)
            if existing is not None and existing.status == Status.PROCESSING:
                unfinished.append(existing.id)
            continue
        except DomainError as exc:
            report.refused.append({"path": str(path), "error": str(exc.message)})
            continue
        except OSError as exc:
            report.refused.append(
                {"path": str(path), "error": f"Kan het bestand niet lezen: {exc.strerror}"}
            )
            continue
        new.append((doc.id, path))
    return new, unfinished
