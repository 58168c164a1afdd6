"""Two real `kennisnet worker` processes share one Redis queue and one PostgreSQL database.

One is SIGKILLed while it processes a document. Every document must still end 'ready',
processed to the end exactly once, and `kennisnet check` must find nothing wrong.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from kennisnet.core import queue
from kennisnet.core.config import ROOT
from kennisnet.core.extensions import db
from kennisnet.curation import categories
from kennisnet.documents.metadata import Metadata
from kennisnet.documents.models import Document, Status
from kennisnet.documents.uploads import ingest_document
from tests import databases
from tests.conftest import make_app
from tests.redisserver import RedisServer

pytestmark = pytest.mark.slow

DOCUMENTS = 30

# The worker, instrumented from outside: every document it starts and every one it finishes
# (the index written and the status committed) is a line in a shared log, and reading a file
# takes 0.3 s, so that a kill lands in the middle of a task.
INSTRUMENTED_WORKER = """
import os, sys, time
from kennisnet.documents import processing

LOG = os.environ["WORKER_LOG"]

def note(event, ids):
    with open(LOG, "a") as out:
        out.write("".join(f"{event} {os.getpid()} {i}\\n" for i in ids))

real_read, real_mark = processing.read_file, processing._index_then_mark

def slow_read(*args, **kwargs):
    time.sleep(0.3)
    return real_read(*args, **kwargs)

def process(document_id, _real=processing.process_document):
    note("start", [document_id])
    return _real(document_id)

def mark(batch, *args):
    real_mark(batch, *args)
    note("done", [document_id for document_id, _ in batch])

processing.read_file = slow_read
processing.process_document = process
processing._index_then_mark = mark
from kennisnet.cli import main
sys.argv[0] = "kennisnet"
main()
"""


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    if databases.postgres_bindir() is None:
        pytest.skip(f"no PostgreSQL server: {databases.INSTALL_HINT}")
    pg = databases.server()
    name = f"workers_{os.getpid()}_{tmp_path.name}".replace("-", "_").lower()[:60]
    pg.drop_database(name)
    pg.create_database(name, "template0")
    try:
        yield pg.url(name)
    finally:
        pg.drop_database(name)


def read_log(path: Path) -> list[tuple[str, int, int]]:
    if not path.exists():
        return []
    lines = [line.split() for line in path.read_text().splitlines()]
    return [(event, int(pid), int(doc)) for event, pid, doc in lines]


def test_a_killed_worker_loses_no_document(
    tmp_path: Path, postgres_url: str, redis_server: RedisServer
) -> None:
    data_dir = tmp_path / "data"
    log_path = tmp_path / "worker.log"
    settings = {
        "KENNISNET_DATA_DIR": str(data_dir),
        "KENNISNET_DATABASE_URL": postgres_url,
        "KENNISNET_REDIS_URL": redis_server.url(),
        "KENNISNET_SECRET_KEY": "workers-test-secret",
        "KENNISNET_EXTRACTION_ISOLATED": "0",
        "KENNISNET_TASK_LEASE_SECONDS": "2",
        "KENNISNET_QUEUE_SWEEP_SECONDS": "0.5",
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISNET_")}
    env.update(settings, PYTHONPATH=str(ROOT), WORKER_LOG=str(log_path))

    # The uploads come from this process, through the queue in Redis (nothing runs here).
    app: Flask = make_app(
        data_dir,
        SQLALCHEMY_DATABASE_URI=postgres_url,
        REDIS_URL=redis_server.url(),
        TASKS_IMMEDIATE=False,
    )
    try:
        with app.app_context():
            upgrade()
            categories.seed()
            for n in range(DOCUMENTS):
                ingest_document(
                    io.BytesIO(f"Verslag {n} van de wijkcoöperatie over de bakfiets.".encode()),
                    f"verslag-{n}.txt",
                    Metadata(type="overig", visibility="public"),
                    None,
                )
            assert len(queue.queued_document_ids()) == DOCUMENTS
            db.session.remove()

        def start_worker() -> subprocess.Popen[str]:
            return subprocess.Popen(
                [sys.executable, "-c", INSTRUMENTED_WORKER, "worker", "--workers", "1"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )

        doomed, survivor = start_worker(), start_worker()
        try:
            # Kill one worker in the middle of a task, once both have done some work.
            deadline = time.monotonic() + 60
            while True:
                events = read_log(log_path)
                started = {d for e, p, d in events if e == "start" and p == doomed.pid}
                done = {d for e, p, d in events if e == "done" and p == doomed.pid}
                others = {d for e, p, d in events if e == "done" and p == survivor.pid}
                if len(done) >= 2 and others and started - done:
                    doomed.send_signal(signal.SIGKILL)
                    doomed.wait()
                    interrupted = started - done
                    break
                assert doomed.poll() is None and survivor.poll() is None, "a worker stopped"
                assert time.monotonic() < deadline, f"no moment to kill: {events}"
                time.sleep(0.02)

            deadline = time.monotonic() + 90
            with app.app_context():
                while True:
                    statuses = Counter(db.session.scalars(select(Document.status)))
                    db.session.remove()
                    if statuses[Status.READY] == DOCUMENTS:
                        break
                    assert survivor.poll() is None, "the surviving worker stopped"
                    assert time.monotonic() < deadline, f"not all processed: {statuses}"
                    time.sleep(0.2)
        finally:
            survivor.send_signal(signal.SIGINT)
            _, errors = survivor.communicate(timeout=30)
            if doomed.poll() is None:
                doomed.kill()
            doomed.communicate()
        assert survivor.returncode == 0, errors

        events = read_log(log_path)
        finished = Counter(d for e, _, d in events if e == "done")
        ids = set(finished)
        assert len(ids) == DOCUMENTS
        assert set(finished.values()) == {1}, f"processed twice: {finished}"
        # The document the kill interrupted was taken over by the other worker.
        (lost,) = interrupted
        assert {p for e, p, d in events if e == "done" and d == lost} == {survivor.pid}
        assert queue.queued_document_ids() == set()

        checked = subprocess.run(
            [sys.executable, "-m", "kennisnet.cli", "check", "--older-than", "0"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        queue.huey.immediate = True  # as every other test expects it
