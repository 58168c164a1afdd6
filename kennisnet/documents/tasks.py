"""The documents' background tasks: thin wrappers that run the work in the app.

The work lives in ``processing``, ``indexing`` and ``trash`` and never enqueues; services that
must queue a task call ``queue.commit_then_enqueue`` with one of these.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from huey import crontab
from sqlalchemy import select

from kennisnet.core import queue
from kennisnet.core.extensions import db
from kennisnet.core.queue import huey, run_in_app
from kennisnet.documents import indexing, previews, processing, trash
from kennisnet.documents.models import Document, Status

log = logging.getLogger(__name__)


def lease_key(document_id: int) -> str:
    return f"document:{document_id}"


@huey.task(retries=3, retry_delay=5)
def process_document(document_id: int) -> None:
    """Process a document once, whichever worker on whichever host takes which copy.

    The lease keeps two workers off one document at a time; under it, a document no longer in
    'processing' was finished already (by a copy that ``resume_unfinished`` queued again while
    this one waited) and is left alone. A worker that dies lets go of the lease and a sweep
    queues the document again, so a lost task costs time, never a document.
    """
    with queue.lease(lease_key(document_id)) as ours:
        if not ours:
            log.info("document %s is being processed by another worker", document_id)
            return
        if run_in_app(processing.process_pending, document_id) is None:
            return
    # Previews after the document is searchable: they never delay finding it.
    make_previews(document_id)


@huey.task(retries=1, retry_delay=30)
def make_previews(document_ids: int | list[int]) -> None:
    """Previews of one document, or of a batch (one task for an imported batch, not one each)."""
    ids = [document_ids] if isinstance(document_ids, int) else document_ids
    for document_id in ids:
        run_in_app(previews.make_previews, document_id)


@huey.task(retries=3, retry_delay=5)
def index_documents(ids: list[int]) -> None:
    run_in_app(indexing.index_documents, ids)


@huey.task(retries=3, retry_delay=5)
def remove_documents(ids: list[int]) -> None:
    run_in_app(indexing.remove_documents, ids)


@huey.task(retries=1, retry_delay=30)
def rebuild_index() -> None:
    run_in_app(indexing.rebuild_index)


@huey.periodic_task(crontab(hour="3", minute="17"))
def purge_trash() -> None:
    """Nightly: documents in the trash for more than 30 days go for good."""
    queue.run_alone("periodic:purge_trash", trash.purge_trash)


def commit_then_index(ids: Iterable[int]) -> None:
    """Commit, then bring the index in line for these documents (nothing queued for none)."""
    ids = sorted(set(ids))
    if ids:
        queue.commit_then_enqueue(index_documents, ids)
    else:
        db.session.commit()


def resume_unfinished() -> int:
    """Queue again the documents in 'processing' that no worker has: their task was never
    queued (a crash between commit and enqueue, Redis down) or died with its worker.

    Runs at every worker start and every ``QUEUE_SWEEP_SECONDS`` in each worker. Read in this
    order (database, queue, leases), a task moving from the queue to a worker is always seen in
    one of the two; one queued twice does no harm (``process_document``).
    """
    ids = list(db.session.scalars(select(Document.id).where(Document.status == Status.PROCESSING)))
    if not ids:
        return 0
    # Not again what is still queued: a second run would set a 'ready' document back to
    # 'processing' for a moment (seen when `kennisnet serve` starts its worker under uploads).
    queued = queue.queued_document_ids()
    ids = [i for i in ids if i not in queued]
    busy = queue.leased([lease_key(i) for i in ids])
    ids = [i for i in ids if lease_key(i) not in busy]
    for document_id in ids:
        process_document(document_id)
    return len(ids)


def ensure_index() -> str:
    """Start-up repair: make search answer without errors now, and complete in the background.

    An outdated index keeps answering while ``rebuild_index`` builds the new generation. An
    unreadable one is first replaced by an empty generation (searches then find nothing
    instead of failing) and is filled by the same task. Returns the state found.
    """
    state = indexing.make_answerable()
    if state != "ok" and not queue.rebuild_queued():  # serve and its worker both start here
        log.warning("search index %s: rebuild queued", state)
        rebuild_index()
    return state
