"""The background queue (Huey) and its tasks.

Every index write runs here, so that request threads never hold the index writer. In tests
and with KENNISNET_TASKS_IMMEDIATE the tasks run inline (Huey's immediate mode).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Flask
from huey import SqliteHuey
from sqlalchemy import select

log = logging.getLogger(__name__)

# Created in immediate (in-memory) mode so that importing this module touches no file;
# init_app() points it at the real storage under instance/.
huey = SqliteHuey("kennisnet", immediate=True, results=False)
_state: dict[str, Flask | None] = {"app": None}

T = TypeVar("T")


def init_app(app: Flask) -> None:
    _state["app"] = app
    huey.storage_kwargs = {"filename": str(app.config["INSTANCE_DIR"] / "huey.db")}
    immediate = bool(app.config["TASKS_IMMEDIATE"])
    if not immediate:
        app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
    # Toggling through True recreates the storage with the kwargs above.
    huey.immediate = True
    huey.immediate = immediate


def _run_in_app(fn: Callable[..., T], *args: Any) -> T:
    app = _state["app"]
    if app is None:
        raise RuntimeError("tasks.init_app() was not called")
    with app.app_context():
        return fn(*args)


@huey.task(retries=3, retry_delay=5)
def process_document(document_id: int) -> None:
    from kennisnet.ingest import process_document as run

    _run_in_app(run, document_id)


@huey.task(retries=3, retry_delay=5)
def index_documents(ids: list[int]) -> None:
    from kennisnet.indexing import index_documents as run

    _run_in_app(run, ids)


@huey.task(retries=3, retry_delay=5)
def remove_documents(ids: list[int]) -> None:
    from kennisnet.indexing import remove_documents as run

    _run_in_app(run, ids)


@huey.task(retries=1, retry_delay=30)
def rebuild_index() -> None:
    from kennisnet.indexing import rebuild_index as run

    _run_in_app(run)


def enqueue_index(ids: Iterable[int]) -> None:
    ids = sorted(set(ids))
    if ids:
        index_documents(ids)


def resume_unfinished() -> int:
    """Re-enqueue documents left in 'processing' by a crash between commit and enqueue.

    Processing is idempotent, so a document that is also still in the queue is harmless.
    """
    from kennisnet.extensions import db
    from kennisnet.models import Document, Status

    ids = list(db.session.scalars(select(Document.id).where(Document.status == Status.PROCESSING)))
    for document_id in ids:
        process_document(document_id)
    return len(ids)


def run_worker(workers: int) -> None:
    """Run the Huey consumer in this process (blocks; Ctrl-C or SIGTERM stops it)."""
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=False)
    consumer.run()
