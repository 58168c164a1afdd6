"""The queue wakes an idle worker at once: no polling delay between an upload and its work."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from huey.consumer import Worker

from kennisnet.core.queue import WAIT_SECONDS, KennisnetHuey


def test_an_idle_worker_takes_a_new_task_at_once(tmp_path: Path) -> None:
    huey = KennisnetHuey("wake-test", filename=str(tmp_path / "q.db"), results=False)
    done: list[float] = []

    @huey.task()
    def note() -> None:
        done.append(time.monotonic())

    stop = threading.Event()
    # Huey's own back-off, made steep: without the wake-up the task would wait two seconds.
    worker = Worker(huey, stop, default_delay=1.0, max_delay=10.0, backoff=2)

    def run() -> None:
        while not stop.is_set():
            worker.loop()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        time.sleep(1.5)
        queued = time.monotonic()
        note()
        deadline = queued + 5
        while not done and time.monotonic() < deadline:
            time.sleep(0.01)
        assert done, "the task never ran"
        assert done[0] - queued < 0.5
    finally:
        stop.set()
        thread.join(timeout=WAIT_SECONDS + 5)


def test_a_wake_up_without_a_worker_is_harmless(tmp_path: Path) -> None:
    huey = KennisnetHuey("no-worker", filename=str(tmp_path / "q.db"), results=False)

    @huey.task()
    def nothing() -> None:
        pass

    nothing()
    nothing()
    assert len(huey.pending()) == 2


def test_a_name_that_is_no_fifo_neither_fails_enqueue_nor_spins(tmp_path: Path) -> None:
    huey = KennisnetHuey("plain-file", filename=str(tmp_path / "q.db"), results=False)
    (tmp_path / "q.db.wake").write_text("not a fifo")

    @huey.task()
    def nothing() -> None:
        pass

    nothing()  # the wake-up is skipped, the task is stored
    assert len(huey.pending()) == 1
    huey.dequeue()
    started = time.monotonic()
    assert huey.storage.dequeue() is None
    assert time.monotonic() - started >= WAIT_SECONDS * 0.9  # waited, did not spin


def test_queue_inspection_names_the_real_tasks() -> None:
    """The queue counts tasks by name without importing them; the names must stay true."""
    from kennisnet.core import queue
    from kennisnet.documents import tasks

    assert tasks.process_document.task_class.__name__ == queue.PROCESS_TASK
    assert tasks.index_documents.task_class.__name__ == queue.INDEX_TASK
    assert tasks.rebuild_index.task_class.__name__ == queue.REBUILD_TASK
