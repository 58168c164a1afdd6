"""The index's life-cycle: database rows into index entries, state checks, rebuilds.

The index is always derivable from the database. This module does the work; the tasks that
run it in the worker are in ``tasks``, and nothing here enqueues.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Literal

from flask import Flask
from slugify import slugify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kennisnet.core.extensions import db
from kennisnet.documents.models import Document, DocumentFieldValue, DocumentFile, Status
from kennisnet.search import IndexedDocument, backend
from kennisnet.search.analysis import rejoin_hyphenated

log = logging.getLogger(__name__)
BATCH = 200


def to_indexed(doc: Document) -> IndexedDocument:
    """The index entry of a document; words hyphenated at a line end are joined here, once."""
    current = doc.file
    organisation = doc.organisation
    return IndexedDocument(
        id=doc.id,
        title=doc.title,
        summary=rejoin_hyphenated(doc.summary or ""),
        body=rejoin_hyphenated((current.extracted_text or "") if current else ""),
        themes=tuple(t.slug for t in doc.themes),
        theme_names=tuple(t.name for t in doc.themes),
        type=doc.type.slug,
        type_name=doc.type.name,
        organisation=organisation.slug if organisation else "",
        organisation_name=organisation.name if organisation else "",
        region=slugify(doc.region) if doc.region else "",
        region_name=doc.region or "",
        year=doc.year,
        visibility=str(doc.visibility),
        status=str(doc.status),
        created=doc.created_at,
        fields=tuple((v.field.key, v.value) for v in doc.field_values),
    )


def load_for_index(ids: Iterable[int]) -> list[Document]:
    """The documents with everything ``to_indexed`` reads, one query per relation."""
    ids = list(ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Document)
            .where(Document.id.in_(ids))
            .options(
                selectinload(Document.themes),
                selectinload(Document.files),
                selectinload(Document.type),
                selectinload(Document.organisation),
                selectinload(Document.field_values).selectinload(DocumentFieldValue.field),
            )
        )
    )


def indexable(doc: Document) -> bool:
    """Only finished, published documents outside the trash are searchable.

    Documents awaiting moderation stay out of the index altogether, so no search result,
    snippet or facet count can reveal them; their uploader and curators reach them through
    their pages and the moderation queue.
    """
    return doc.status != Status.PROCESSING and doc.deleted_at is None and doc.published


def index_documents(ids: Iterable[int]) -> int:
    """Bring the index in line with the database for these ids (adds, updates, removals)."""
    ids = list(dict.fromkeys(ids))
    docs = {d.id: d for d in load_for_index(ids)}
    present = [to_indexed(d) for d in docs.values() if indexable(d)]
    # A document being (re)processed is left as it is: the worker indexes it when done, and
    # removing it here could undo that work if an edit races the worker.
    absent = [
        i
        for i in ids
        if i not in docs or (not indexable(docs[i]) and docs[i].status != Status.PROCESSING)
    ]
    search = backend()
    search.index(present)
    search.remove(absent)
    return len(present)


def remove_documents(ids: Iterable[int]) -> None:
    backend().remove(ids)


def _all_indexable(
    on_progress: Callable[[int, int], None] | None = None,
) -> Iterator[IndexedDocument]:
    ids = list(
        db.session.scalars(
            select(Document.id)
            .where(
                Document.status != Status.PROCESSING,
                Document.deleted_at.is_(None),
                Document.published,
            )
            .order_by(Document.id)
        )
    )
    for start in range(0, len(ids), BATCH):
        for doc in load_for_index(ids[start : start + BATCH]):
            yield to_indexed(doc)
        db.session.expunge_all()
        if on_progress is not None:
            on_progress(min(start + BATCH, len(ids)), len(ids))


def rebuild_index(on_progress: Callable[[int, int], None] | None = None) -> int:
    """Build a new index generation from the database and swap it in; returns its size.

    ``on_progress(done, total)`` hears how many documents have been read so far.
    """
    count = backend().rebuild(_all_indexable(on_progress))
    log.info("index rebuilt with %d documents", count)
    return count


def documents_with_file(sha256: str) -> Document | None:
    return db.session.scalar(
        select(Document).join(DocumentFile).where(DocumentFile.sha256 == sha256)
    )


IndexState = Literal["ok", "outdated", "unreadable"]


def index_state() -> IndexState:
    """'ok', 'outdated' (readable, other schema version) or 'unreadable' (missing or corrupt)."""
    search = backend()
    try:
        search.indexed_ids()  # a missing index is created empty: nothing to rebuild then
    except Exception:  # any engine error: the files cannot be read
        log.warning("search index unreadable", exc_info=True)
        return "unreadable"
    return "outdated" if search.needs_rebuild() else "ok"


def note_index_version(app: Flask) -> None:
    """The cheap start-up check of create_app: a small file read, no engine opened.

    It only reports; `kennisnet serve` and `kennisnet worker` repair (``tasks.ensure_index``),
    so that creating an app (tests, the CLI, a WSGI server) never writes the index.
    """
    if app.extensions["kennisnet.search"].schema_version() is None:
        log.info("no search index yet under %s", app.config["INDEX_DIR"])


def make_answerable() -> IndexState:
    """Make search answer without errors now; returns the state found.

    An unreadable index is replaced by an empty generation, so that searches find nothing
    instead of failing until a rebuild fills it; an outdated one keeps answering as it is.
    """
    state = index_state()
    if state == "unreadable":
        log.warning("search index unreadable: serving an empty index until it is rebuilt")
        backend().rebuild([])
    return state
