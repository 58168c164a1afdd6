"""Database, files and index compared: what `kennisnet check` reports and `--repair` fixes.

The database is the source of truth. Files are content-addressed and written before any row
points to them; the index is derived from the rows. So every inconsistency a crash can leave
has one safe repair: rows whose file is gone are flagged (never deleted), files no row uses
are removed, and the index is brought in line with the rows.

Anything younger than ``older_than`` seconds is left alone: an upload between its rename and
its commit, a temporary file still being written and a document a worker is processing look
exactly like crash leftovers until they are old enough.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from kennisnet.core import queue
from kennisnet.core.extensions import db
from kennisnet.core.storage import file_store, preview_store
from kennisnet.documents import indexing, tasks
from kennisnet.documents.indexing import index_documents, indexable, rebuild_index
from kennisnet.documents.models import Document, DocumentFile, Status
from kennisnet.documents.previews import preview_in_use, preview_paths
from kennisnet.documents.processing import MISSING_FILE, process_document
from kennisnet.search import backend

log = logging.getLogger(__name__)

DEFAULT_OLDER_THAN = 600  # seconds; longer than an extraction with its retries


def _leftover(name: str) -> str:
    # A bucket's unfinished multipart upload is named by its key; a folder's by its tmp file.
    return f"uploads/{name}" if "?uploadId=" in name else f"uploads/.tmp/{name}"


@dataclass(frozen=True)
class MissingFile:
    document_id: int
    file_id: int
    stored_path: str
    current: bool  # the document's current file (older versions are history)


@dataclass
class Report:
    missing_files: list[MissingFile] = field(default_factory=list)
    orphan_files: list[str] = field(default_factory=list)  # relative to uploads/
    # names in uploads/.tmp, or unfinished multipart uploads (key?uploadId=...) in a bucket
    tmp_leftovers: list[str] = field(default_factory=list)
    orphan_previews: list[str] = field(default_factory=list)  # relative to previews/
    stale_index: list[int] = field(default_factory=list)  # indexed, no row
    hidden_indexed: list[int] = field(default_factory=list)  # indexed, must not be (trash...)
    unindexed: list[int] = field(default_factory=list)  # ready/failed, not indexed
    stuck: list[int] = field(default_factory=list)  # processing, not queued
    recovered: list[int] = field(default_factory=list)  # flagged missing, file is back
    index: str = "ok"  # ok | outdated | unreadable
    flagged_missing: list[int] = field(default_factory=list)  # informational, not a problem

    @property
    def problems(self) -> int:
        return (
            len(self.missing_files)
            + len(self.orphan_files)
            + len(self.tmp_leftovers)
            + len(self.orphan_previews)
            + len(self.stale_index)
            + len(self.hidden_indexed)
            + len(self.unindexed)
            + len(self.stuck)
            + len(self.recovered)
            + (self.index != "ok")
        )

    @property
    def clean(self) -> bool:
        return self.problems == 0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "problems": self.problems, "clean": self.clean}

    def lines(self) -> list[str]:
        """One Dutch line per finding, for people reading the command's output."""
        out: list[str] = []
        if self.index == "unreadable":
            out.append("index: onleesbaar of ontbreekt; moet opnieuw worden opgebouwd")
        elif self.index == "outdated":
            out.append("index: gebouwd met een andere schemaversie; moet opnieuw worden opgebouwd")
        for m in self.missing_files:
            which = "huidige" if m.current else "oudere versie,"
            out.append(f"bestand ontbreekt: document {m.document_id} ({which} {m.stored_path})")
        out += [f"bestand zonder document: uploads/{p}" for p in self.orphan_files]
        out += [f"restant van onderbroken upload: {_leftover(p)}" for p in self.tmp_leftovers]
        out += [f"voorbeeldafbeelding zonder document: previews/{p}" for p in self.orphan_previews]
        out += [f"verouderd in de index (geen document): {i}" for i in self.stale_index]
        out += [
            f"in de index maar niet zoekbaar bedoeld (prullenbak, niet gepubliceerd): document {i}"
            for i in self.hidden_indexed
        ]
        out += [f"ontbreekt in de index: document {i}" for i in self.unindexed]
        out += [f"blijft hangen in 'processing': document {i}" for i in self.stuck]
        out += [f"bestand is terug, opnieuw verwerken: document {i}" for i in self.recovered]
        return out


@dataclass
class Repairs:
    index_rebuilt: int | None = None  # documents in the rebuilt index
    flagged: list[int] = field(default_factory=list)
    stale_removed: list[int] = field(default_factory=list)
    reindexed: list[int] = field(default_factory=list)
    reprocessed: list[int] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    tmp_removed: list[str] = field(default_factory=list)
    previews_removed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out: list[str] = []
        if self.index_rebuilt is not None:
            out.append(f"index opnieuw opgebouwd: {self.index_rebuilt} documenten")
        out += [f"gemarkeerd als mislukt (bestand ontbreekt): document {i}" for i in self.flagged]
        out += [f"uit de index gehaald: {i}" for i in self.stale_removed]
        out += [f"opnieuw geïndexeerd: document {i}" for i in self.reindexed]
        out += [f"opnieuw verwerkt: document {i}" for i in self.reprocessed]
        out += [f"verwijderd: uploads/{p}" for p in self.files_removed]
        out += [f"verwijderd: {_leftover(p)}" for p in self.tmp_removed]
        out += [f"verwijderd: previews/{p}" for p in self.previews_removed]
        return out


def check(older_than: float = DEFAULT_OLDER_THAN) -> Report:
    """Compare rows, files and index; changes nothing (an absent index is created empty)."""
    report = Report()
    store = file_store()
    cutoff = time.time() - older_than
    row_cutoff = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=older_than)

    rows = db.session.execute(
        select(
            DocumentFile.id,
            DocumentFile.document_id,
            DocumentFile.stored_path,
            DocumentFile.extraction_error,
            Document.status,
            Document.updated_at,
        )
        .join(Document, Document.id == DocumentFile.document_id)
        .order_by(DocumentFile.document_id, DocumentFile.id)
    ).all()
    # Listed after the rows are read: a row's file was stored before the row was committed, so
    # it is listed. One listing, not a lookup a row: a bucket lists a thousand keys a request.
    listed = {f.relative_path: f.modified for f in store.listing()}
    current_file: dict[int, int] = {}
    for file_id, document_id, *_ in rows:
        current_file[document_id] = file_id  # ordered by id: the last one is current
    referenced = set()
    missing_docs: set[int] = set()
    for file_id, document_id, stored_path, error, status, _updated in rows:
        referenced.add(stored_path)
        is_current = current_file[document_id] == file_id
        if stored_path in listed:
            if is_current and status == Status.FAILED and error == MISSING_FILE:
                report.recovered.append(document_id)
            continue
        if is_current and status == Status.FAILED and error == MISSING_FILE:
            report.flagged_missing.append(document_id)
        else:
            report.missing_files.append(MissingFile(document_id, file_id, stored_path, is_current))
        if is_current:
            missing_docs.add(document_id)

    report.orphan_files = sorted(
        path for path, modified in listed.items() if path not in referenced and modified <= cutoff
    )
    shown = preview_paths()
    report.orphan_previews = sorted(
        f.relative_path
        for f in preview_store().listing()
        if f.relative_path not in shown and f.modified <= cutoff
    )
    report.tmp_leftovers = sorted(
        f.relative_path for f in store.leftovers() if f.modified <= cutoff
    )

    statuses: dict[int, Status] = {}
    should_index: set[int] = set()
    for doc in db.session.scalars(select(Document)):
        statuses[doc.id] = doc.status
        if indexable(doc):  # the index's own rule: ready or failed, and meant to be found
            should_index.add(doc.id)
    report.index = indexing.index_state()
    if report.index == "unreadable":
        indexed: set[int] = set()
    else:
        indexed = backend().indexed_ids()
    report.stale_index = sorted(indexed - statuses.keys())
    # A document being processed may be indexed a moment before it is marked ready.
    report.hidden_indexed = sorted(
        i
        for i in indexed & statuses.keys()
        if i not in should_index and statuses[i] != Status.PROCESSING
    )
    if report.index == "ok":
        report.unindexed = sorted(should_index - indexed)
    queued = queue.queued_document_ids()
    updated = {document_id: upd for _f, document_id, _p, _e, _s, upd in rows}
    report.stuck = sorted(
        i
        for i, s in statuses.items()
        if s == Status.PROCESSING
        and i not in queued
        and i not in missing_docs
        and (updated.get(i) is None or updated[i] <= row_cutoff)
    )
    return report


def repair(report: Report) -> Repairs:
    """Fix what ``report`` found. Safe to run while the app runs: each step re-checks."""
    done = Repairs()
    store = file_store()

    for missing in report.missing_files:
        if not missing.current:
            continue  # an older version's file: history only, nothing to flag
        current = db.session.get(DocumentFile, missing.file_id)
        if current is None or store.exists(current.stored_path):
            continue
        current.extraction_error = MISSING_FILE
        current.document.status = Status.FAILED
        db.session.commit()
        done.flagged.append(missing.document_id)

    if report.index != "ok":
        done.index_rebuilt = rebuild_index()
    else:
        if report.stale_index:
            gone = set(report.stale_index) - set(
                db.session.scalars(select(Document.id).where(Document.id.in_(report.stale_index)))
            )
            backend().remove(sorted(gone))
            done.stale_removed = sorted(gone)
        # index_documents adds what should be found and removes what should not.
        todo = sorted(set(report.unindexed) | set(report.hidden_indexed) | set(done.flagged))
        if todo:
            index_documents(todo)
            done.reindexed = todo

    for document_id in sorted(set(report.stuck) | set(report.recovered)):
        if process_document(document_id) is not None:
            done.reprocessed.append(document_id)
            queue.commit_then_enqueue(tasks.make_previews, document_id)

    for relative in report.orphan_files:
        still_used = db.session.scalar(
            select(DocumentFile.id).where(DocumentFile.stored_path == relative)
        )
        if still_used is None:
            store.remove(relative)
            done.files_removed.append(relative)
    for relative in report.orphan_previews:
        if not preview_in_use(relative):
            preview_store().remove(relative)
            done.previews_removed.append(relative)
    for name in report.tmp_leftovers:
        store.remove_leftover(name)
        done.tmp_removed.append(name)
    for line in done.lines():
        log.info("repair: %s", line)
    return done
