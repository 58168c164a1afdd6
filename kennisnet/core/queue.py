"""The background queue (Huey): the instance, its binding to the app, the worker, inspection.

A leaf: it imports no domain module. The tasks themselves live with the work they run
(``documents/tasks.py``) and import that work at the top; the work never imports its tasks.
Every index write runs in a task, so request threads never hold the index writer. In tests and
with KENNISNET_TASKS_IMMEDIATE the tasks run inline (Huey's immediate mode).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask
from huey import SqliteHuey

from kennisnet.core.extensions import db
from kennisnet.core.faults import fault_point

log = logging.getLogger(__name__)

# Created in immediate (in-memory) mode so that importing this module touches no file;
# init_app() points it at the real storage under instance/.
huey = SqliteHuey("kennisnet", immediate=True, results=False)
_state: dict[str, Flask | None] = {"app": None}

T = TypeVar("T")

# Task names as Huey records them; the inspection below counts by name so that this module
# needs no import of the tasks.
PROCESS_TASK = "process_document"
INDEX_TASK = "index_documents"
REBUILD_TASK = "rebuild_index"


def init_app(app: Flask) -> None:
    _state["app"] = app
    huey.storage_kwargs = {"filename": str(app.config["INSTANCE_DIR"] / "huey.db")}
    immediate = bool(app.config["TASKS_IMMEDIATE"])
    if not immediate:
        app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
    # Toggling through True recreates the storage with the kwargs above.
    huey.immediate = True
    huey.immediate = immediate


def run_in_app(fn: Callable[..., T], *args: Any) -> T:
    """Run a task's work inside the app it was queued by (the worker has no request)."""
    app = _state["app"]
    if app is None:
        raise RuntimeError("queue.init_app() was not called")
    with app.app_context():
        return fn(*args)


def commit_then_enqueue(task: Callable[..., Any], *args: Any, fault: str | None = None) -> None:
    """Commit the session, then queue ``task``: a task never sees rows that are not there yet.

    A crash between the two leaves committed rows without a task; ``resume_unfinished`` and
    `kennisnet check --repair` find those again. ``fault`` names the crash point in between.
    """
    db.session.commit()
    if fault is not None:
        fault_point(fault)
    task(*args)


def queued_document_ids() -> set[int]:
    """Documents with a processing task waiting in the queue (pending or scheduled retry)."""
    if huey.immediate:
        return set()
    ids: set[int] = set()
    for task in [*huey.pending(), *huey.scheduled()]:
        if task.name == PROCESS_TASK and task.args:
            ids.add(int(task.args[0]))
    return ids


def pending_index_work() -> int:
    """How many documents still wait for an index update (shown to curators as progress)."""
    if huey.immediate:
        return 0
    count = 0
    for task in [*huey.pending(), *huey.scheduled()]:
        if task.name == INDEX_TASK and task.args:
            count += len(task.args[0])
        elif task.name == PROCESS_TASK:
            count += 1
    return count


def rebuild_queued() -> bool:
    return not huey.immediate and any(t.name == REBUILD_TASK for t in huey.pending())


def run_worker(workers: int) -> None:
    """Run the Huey consumer in this process (blocks; Ctrl-C or SIGTERM stops it)."""
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    consumer.run()
