"""The queue: an idle worker is woken at once; the queue in Redis, leases and the sweep."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from huey.consumer import Worker

from kennisnet.core import queue
from kennisnet.core.config import ROOT, limiter_storage_uri
from kennisnet.core.extensions import db
from kennisnet.core.queue import WAIT_SECONDS, KennisnetHuey
from kennisnet.documents import digest, digest_tasks, processing, tasks
from kennisnet.documents.metadata import Metadata
from kennisnet.documents.models import Document, Status
from kennisnet.documents.uploads import ingest_document
from tests.conftest import make_app
from tests.redisserver import RedisServer


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


# --- The shared queue: Redis, leases, the sweep ------------------------------------------------


@pytest.fixture
def redis_queue(app: Flask, redis_server: RedisServer) -> Iterator[RedisServer]:
    """The app's queue in a real Redis, for real (not immediate): nothing runs in the test."""
    app.config.update(REDIS_URL=redis_server.url(), TASKS_IMMEDIATE=False)
    queue.init_app(app)
    try:
        yield redis_server
    finally:
        app.config.update(REDIS_URL="", TASKS_IMMEDIATE=True)
        queue.init_app(app)


def _upload(text: str, name: str) -> Document:
    return ingest_document(
        io.BytesIO(text.encode()), name, Metadata(type="overig", visibility="public"), None
    )


def test_tasks_go_to_redis_and_inspection_reads_them(redis_queue: RedisServer) -> None:
    doc = _upload("Een verslag over de buurtkast.", "kast.txt")
    tasks.commit_then_index([1, 2])
    tasks.rebuild_index()
    assert redis_queue.client().llen("huey.redis.kennisnet") == 3  # in Redis, not in SQLite
    assert queue.queued_document_ids() == {doc.id}
    assert queue.pending_index_work() == 3
    assert queue.rebuild_queued()
    assert db.session.get(Document, doc.id).status == Status.PROCESSING  # nothing ran here


def test_a_scheduled_retry_counts_as_queued(redis_queue: RedisServer) -> None:
    doc = _upload("Een verslag over de buurtkast.", "kast.txt")
    queue.huey.flush()
    tasks.process_document.schedule((doc.id,), delay=60)
    assert queue.queued_document_ids() == {doc.id}
    assert tasks.resume_unfinished() == 0


def test_redis_down_keeps_the_upload_and_the_sweep_queues_it(app: Flask) -> None:
    server = RedisServer(name="kn-redis-down").start()
    app.config.update(REDIS_URL=server.url(), TASKS_IMMEDIATE=False)
    queue.init_app(app)
    try:
        server.stop()
        doc = _upload("Geschreven terwijl Redis weg was.", "weg.txt")  # no error
        assert db.session.get(Document, doc.id).status == Status.PROCESSING
        with pytest.raises(redis.RedisError):
            tasks.resume_unfinished()  # the sweep fails loudly, and runs again later
    finally:
        app.config.update(REDIS_URL="", TASKS_IMMEDIATE=True)
        queue.init_app(app)
    assert tasks.resume_unfinished() == 1  # back: the document is processed after all
    db.session.expire_all()
    assert db.session.get(Document, doc.id).status == Status.READY


def test_the_sweep_leaves_queued_and_leased_documents_alone(redis_queue: RedisServer) -> None:
    queued = _upload("Deze staat in de wachtrij.", "rij.txt")
    busy = _upload("Hier werkt een andere werker aan.", "bezig.txt")
    lost = _upload("De werker hiervan is gestorven.", "verloren.txt")
    queue.huey.flush()
    tasks.process_document(queued.id)
    other_worker = queue.RedisLeases(redis_queue.client(), ttl=30)
    assert other_worker.acquire(tasks.lease_key(busy.id))
    assert tasks.resume_unfinished() == 1  # only the lost one
    assert queue.queued_document_ids() == {queued.id, lost.id}


def test_a_dead_workers_lease_expires(redis_server: RedisServer) -> None:
    leases = queue.RedisLeases(redis_server.client(), ttl=0.3)
    token = leases.acquire("document:7")
    assert token and leases.acquire("document:7") is None
    assert leases.held(["document:7", "document:8"]) == {"document:7"}
    assert leases.renew("document:7", token)
    time.sleep(0.5)  # nobody renewed: the holder is gone
    assert leases.held(["document:7"]) == set()
    assert not leases.renew("document:7", token)
    again = leases.acquire("document:7")
    assert again
    leases.release("document:7", token)  # a stale holder cannot release the new lease
    assert leases.held(["document:7"]) == {"document:7"}
    leases.release("document:7", again)
    assert leases.held(["document:7"]) == set()


def test_a_lease_is_renewed_while_the_work_runs(app: Flask, redis_queue: RedisServer) -> None:
    app.config["TASK_LEASE_SECONDS"] = 0.3
    queue.init_app(app)
    observer = queue.RedisLeases(redis_queue.client(), ttl=0.3)
    with queue.lease("document:9") as ours:
        assert ours
        time.sleep(0.8)  # longer than the lease: the heartbeat keeps it
        assert observer.held(["document:9"]) == {"document:9"}
        with queue.lease("document:9") as second:
            assert not second
    assert observer.held(["document:9"]) == set()


HOLD_LEASE = """
import sys, time
from pathlib import Path
from kennisnet.core.queue import FileLeases
assert FileLeases(Path(sys.argv[1])).acquire("document:3")
print("held", flush=True)
time.sleep(60)
"""


def test_a_file_lease_goes_with_its_killed_process(tmp_path: Path) -> None:
    leases = queue.FileLeases(tmp_path / "leases")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LEASE, str(tmp_path / "leases")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert leases.held(["document:3", "document:4"]) == {"document:3"}
        assert leases.acquire("document:3") is None
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate()
    assert leases.held(["document:3"]) == set()
    token = leases.acquire("document:3")
    assert token is not None
    leases.release("document:3", token)
    assert not (tmp_path / "leases" / "document-3.lock").exists()


def test_a_finished_document_is_not_processed_again(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _upload("Al klaar.", "klaar.txt")
    assert doc.status == Status.READY
    runs: list[int] = []
    monkeypatch.setattr(processing, "process_document", lambda i: runs.append(i))
    tasks.process_document(doc.id)  # a copy queued again while the first one ran
    assert runs == []


def test_a_document_leased_elsewhere_is_left_to_that_worker(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _upload("Wordt elders verwerkt.", "elders.txt")
    doc.status = Status.PROCESSING
    db.session.commit()
    runs: list[int] = []
    monkeypatch.setattr(processing, "process_document", lambda i: runs.append(i))
    with queue.lease(tasks.lease_key(doc.id)):
        tasks.process_document(doc.id)
    assert runs == []
    tasks.process_document(doc.id)
    assert runs == [doc.id]


def test_a_bad_redis_url_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="KENNISNET_REDIS_URL"):
        make_app(tmp_path, REDIS_URL="http://localhost:6379")


def test_limiter_storage_follows_the_redis_url() -> None:
    assert limiter_storage_uri("") == "memory://"
    assert limiter_storage_uri("redis://cache:6379/2") == "redis://cache:6379/2"
    assert limiter_storage_uri("unix:///run/redis.sock?db=1") == "redis+unix:///run/redis.sock?db=1"


def test_a_periodic_task_runs_on_one_worker_at_a_time(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every worker's consumer queues the periodic tasks: the digest must not go out twice."""
    sent: list[bool] = []
    monkeypatch.setattr(digest, "send_scheduled_digests", lambda: sent.append(True))
    with queue.lease("periodic:send_digests"):  # another worker is sending right now
        digest_tasks.send_digests()
    assert sent == []
    digest_tasks.send_digests()
    assert sent == [True]
