"""The background queue (Huey) and its tasks.

Every index write runs here, so that request threads never hold the index writer. In tests
and with KENNISNET_TASKS_IMMEDIATE the tasks run inline (Huey's immediate mode).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Flask
from huey import SqliteHuey, crontab
from sqlalchemy import select

log = logging.getLogger(__name__)

# Created in immediate (in-memory) mode so that importing this module touches no file;
# init_app() points it at the real storage under instance/.
huey = SqliteHuey("kennisnet", immediate=True, results=False)
_state: dict[str, Flask | None] = {"app": None}

T = TypeVar("T")


def fault_point(name: str) -> None:
    """Die here, like a power cut, when KENNISNET_FAULT names this point (crash tests only).

    Points: ``ingest.after_store`` (file in uploads/, no row yet), ``ingest.after_commit``
    (row committed, no task queued), ``process.after_extract`` (text committed, not indexed),
    ``process.after_index`` (indexed, status not yet ready/failed). tests/test_faults.py kills
    each one and checks that `kennisnet check --repair` recovers.
    """
    if os.environ.get("KENNISNET_FAULT") == name:
        log.warning("fault point %s: killing process %d", name, os.getpid())
        os.kill(os.getpid(), signal.SIGKILL)


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
    """Re-enqueue documents left in 'processing' by a crash between commit and enqueue."""
    from kennisnet.extensions import db
    from kennisnet.models import Document, Status

    ids = list(db.session.scalars(select(Document.id).where(Document.status == Status.PROCESSING)))
    # Not again what is still queued: a second run would set a 'ready' document back to
    # 'processing' for a moment (seen when `kennisnet serve` starts its worker under uploads).
    queued = queued_document_ids()
    ids = [i for i in ids if i not in queued]
    for document_id in ids:
        process_document(document_id)
    return len(ids)


def queued_document_ids() -> set[int]:
    """Documents with a processing task waiting in the queue (pending or scheduled retry)."""
    if huey.immediate:
        return set()
    ids: set[int] = set()
    for task in [*huey.pending(), *huey.scheduled()]:
        if task.name == process_document.task_class.__name__ and task.args:
            ids.add(int(task.args[0]))
    return ids


def pending_index_work() -> int:
    """How many documents still wait for an index update (shown to curators as progress)."""
    if huey.immediate:
        return 0
    count = 0
    for task in [*huey.pending(), *huey.scheduled()]:
        if task.name == index_documents.task_class.__name__ and task.args:
            count += len(task.args[0])
        elif task.name == process_document.task_class.__name__:
            count += 1
    return count


def index_state() -> str:
    """'ok', 'outdated' (readable, other schema version) or 'unreadable' (missing or corrupt)."""
    from kennisnet.search import backend

    search = backend()
    try:
        search.indexed_ids()  # a missing index is created empty: nothing to rebuild then
    except Exception:  # any engine error: the files cannot be read
        log.warning("search index unreadable", exc_info=True)
        return "unreadable"
    needs_rebuild = getattr(search, "needs_rebuild", None)
    return "outdated" if needs_rebuild is not None and needs_rebuild() else "ok"


def note_index_version(app: Flask) -> None:
    """The cheap start-up check of create_app: two small files read, no engine opened.

    It only reports; `kennisnet serve` and `kennisnet worker` repair (``ensure_index``), so
    that creating an app (tests, the CLI, a WSGI server) never writes the index.
    """
    search = app.extensions["kennisnet.search"]
    current = getattr(search, "schema_version", None)
    # The version the running code writes; backends keep it beside their schema.
    expected = getattr(sys.modules.get(type(search).__module__), "SCHEMA_VERSION", None)
    if current is None:
        return
    found = current()
    if found is None:
        log.info("no search index yet under %s", app.config["INDEX_DIR"])
    elif expected is not None and found != expected:
        log.warning("search index has schema %s, expected %s: rebuild needed", found, expected)
        app.extensions["kennisnet.index_outdated"] = True


def ensure_index() -> str:
    """Start-up repair: make search answer without errors now, and complete in the background.

    An outdated index keeps answering while ``rebuild_index`` builds the new generation. An
    unreadable one is first replaced by an empty generation (searches then find nothing
    instead of failing) and is filled by the same task. Returns the state found.
    """
    from kennisnet.search import backend

    state = index_state()
    if state == "unreadable":
        log.warning("search index unreadable: serving an empty index until it is rebuilt")
        backend().rebuild([])
    if state != "ok" and not _rebuild_queued():  # serve and its worker both start here
        log.warning("search index %s: rebuild queued", state)
        rebuild_index()
    return state


def _rebuild_queued() -> bool:
    return not huey.immediate and any(t.name == "rebuild_index" for t in huey.pending())


def run_worker(workers: int) -> None:
    """Run the Huey consumer in this process (blocks; Ctrl-C or SIGTERM stops it)."""
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    consumer.run()


@huey.periodic_task(crontab(hour="3", minute="17"))
def purge_trash() -> None:
    """Nightly: documents in the trash for more than 30 days go for good."""
    from kennisnet.documents import purge_trash as run

    _run_in_app(run)
