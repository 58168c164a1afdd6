"""The background queue (Huey): the instance, its binding to the app, the worker, inspection.

A leaf: it imports no domain module. The tasks themselves live with the work they run
(``documents/tasks.py``) and import that work at the top; the work never imports its tasks.
Every index write runs in a task, so request threads never hold the index writer. In tests and
with KENNISNET_TASKS_IMMEDIATE the tasks run inline (Huey's immediate mode).
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import stat
import time
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask
from huey import SqliteHuey
from huey.storage import SqliteStorage

from kennisnet.core.extensions import db
from kennisnet.core.faults import fault_point

log = logging.getLogger(__name__)

WAIT_SECONDS = 1.0  # how long an idle worker waits for a wake-up before it looks again


class WakeableSqliteStorage(SqliteStorage):
    """Huey's SQLite queue, with idle workers woken at once instead of polling.

    Huey's consumer backs off up to ten seconds between looks at an empty SQLite queue, so a new
    upload could wait that long. Here an idle worker waits on a FIFO beside the database, and
    every enqueue (from any process on this host) writes a byte to it. The queue in the database
    stays the truth: a lost wake-up only costs ``WAIT_SECONDS``.
    """

    blocking = True  # the consumer then leaves the waiting to ``dequeue``

    def __init__(self, name: str = "huey", filename: str = "huey.db", **kwargs: Any) -> None:
        super().__init__(name, filename=filename, **kwargs)
        self.fifo = f"{filename}.wake"
        self._reader: int | None = None

    def enqueue(self, data: bytes, priority: int | None = None) -> None:
        super().enqueue(data, priority)
        self._wake()

    def dequeue(self) -> bytes | None:
        data = super().dequeue()
        if data is None and self._wait():
            data = super().dequeue()
        return data

    def _fifo_ready(self) -> bool:
        """Whether the wake-up FIFO exists (made now if need be); False where FIFOs cannot be
        made or something else has the name: workers then simply look every WAIT_SECONDS."""
        try:
            os.mkfifo(self.fifo, 0o600)
        except FileExistsError:
            pass
        except OSError:
            log.warning("no wake-up FIFO at %s: workers poll instead", self.fifo, exc_info=True)
            return False
        try:
            return stat.S_ISFIFO(os.stat(self.fifo).st_mode)
        except OSError:
            return False

    def _wake(self) -> None:
        # Never fails the enqueue: the task is stored already; a lost wake-up costs a second.
        if not self._fifo_ready():
            return
        try:
            fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # ENXIO: no worker is listening; it looks at the queue when it starts
            return
        try:
            with contextlib.suppress(BlockingIOError):  # a full pipe: the workers are awake
                os.write(fd, b"!")
        finally:
            os.close(fd)

    def _wait(self) -> bool:
        """Wait until an enqueue wakes us or ``WAIT_SECONDS`` pass; True when woken."""
        if self._reader is None:
            if not self._fifo_ready():
                time.sleep(WAIT_SECONDS)
                return False
            # Read-write, so the FIFO never reports end-of-file when no writer has it open.
            self._reader = os.open(self.fifo, os.O_RDWR | os.O_NONBLOCK)
            # Closed with this storage: init_app recreates the storage on each toggle.
            weakref.finalize(self, os.close, self._reader)
        ready, _, _ = select.select([self._reader], [], [], WAIT_SECONDS)
        if not ready:
            return False
        with contextlib.suppress(BlockingIOError):  # another worker thread drained it first
            os.read(self._reader, 4096)
        return True


class KennisnetHuey(SqliteHuey):
    storage_class = WakeableSqliteStorage


# Created in immediate (in-memory) mode so that importing this module touches no file;
# init_app() points it at the real storage under instance/.
huey = KennisnetHuey("kennisnet", immediate=True, results=False)
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
