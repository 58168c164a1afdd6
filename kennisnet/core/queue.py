"""The background queue (Huey): the instance, its binding to the app, the worker, inspection.

A leaf: it imports no domain module. The tasks themselves live with the work they run
(``documents/tasks.py``) and import that work at the top; the work never imports its tasks.
Every index write runs in a task, so request threads never hold the index writer. In tests and
with KENNISNET_TASKS_IMMEDIATE the tasks run inline (Huey's immediate mode).

The queue lives in SQLite under instance/ (one machine) or, with KENNISNET_REDIS_URL, in Redis
(shared by workers on several hosts). A task taken from Redis is gone from it, so a worker that
dies mid-task would lose it: the database stays the truth instead. A worker holds a *lease* on
the document it processes (a Redis key with a time to live, renewed while it works; on one
machine a file lock the kernel lets go of when the process dies), and every worker regularly
queues again the documents still in 'processing' that are neither queued nor leased.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import select
import stat
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol, TypeVar

import redis
from flask import Flask
from huey import SqliteHuey
from huey.storage import RedisStorage, SqliteStorage

from kennisnet.core.config import check_redis_url
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

T = TypeVar("T")

# Task names as Huey records them; the inspection below counts by name so that this module
# needs no import of the tasks.
PROCESS_TASK = "process_document"
INDEX_TASK = "index_documents"
REBUILD_TASK = "rebuild_index"


class Leases(Protocol):
    """Who is working on what right now, seen from every worker that shares the queue."""

    def acquire(self, key: str) -> str | None:
        """A token when the lease on ``key`` is ours now; None when someone holds it."""

    def renew(self, key: str, token: str) -> bool: ...

    def release(self, key: str, token: str) -> None: ...

    def held(self, keys: Iterable[str]) -> set[str]: ...


class MemoryLeases:
    """Immediate mode: tasks run inline in this process."""

    def __init__(self) -> None:
        self._held: dict[str, str] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> str | None:
        with self._lock:
            if key in self._held:
                return None
            token = self._held[key] = uuid.uuid4().hex
            return token

    def renew(self, key: str, token: str) -> bool:
        return self._held.get(key) == token

    def release(self, key: str, token: str) -> None:
        with self._lock:
            if self._held.get(key) == token:
                del self._held[key]

    def held(self, keys: Iterable[str]) -> set[str]:
        return {k for k in keys if k in self._held}


class FileLeases:
    """One machine (the SQLite queue): a lease is an flock on a file, held by the process.

    The kernel drops the lock when the process dies, however it dies, so no heartbeat and no
    expiry are needed. A released lease's file is removed; the inode check in ``acquire`` makes
    that safe against a process that opened the file just before it went.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._fds: dict[str, int] = {}

    def _path(self, key: str) -> Path:
        return self.folder / (key.replace("/", "_").replace(":", "-") + ".lock")

    def acquire(self, key: str) -> str | None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return None
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                token = uuid.uuid4().hex
                self._fds[token] = fd
                return token
            os.close(fd)  # removed by its last holder meanwhile: lock the new file instead

    def renew(self, key: str, token: str) -> bool:
        return token in self._fds

    def release(self, key: str, token: str) -> None:
        fd = self._fds.pop(token, None)
        if fd is None:
            return
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()
        os.close(fd)

    def held(self, keys: Iterable[str]) -> set[str]:
        found = set()
        for key in keys:
            try:
                fd = os.open(self._path(key), os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                found.add(key)
            finally:
                os.close(fd)
        return found


# Compare-and-set in Redis: only the holder renews or releases its own lease.
_RENEW = """if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"""
_RELEASE = """if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1]) else return 0 end"""


class RedisLeases:
    """Several hosts: a lease is a Redis key with a time to live that its holder renews.

    A worker killed mid-task stops renewing; its lease expires after ``ttl`` seconds.
    """

    PREFIX = "kennisnet:lease:"

    def __init__(self, client: redis.Redis, ttl: float) -> None:
        self.client = client
        self.ttl_ms = max(1, int(ttl * 1000))

    def acquire(self, key: str) -> str | None:
        token = uuid.uuid4().hex
        if self.client.set(self.PREFIX + key, token, nx=True, px=self.ttl_ms):
            return token
        return None

    def renew(self, key: str, token: str) -> bool:
        return bool(self.client.eval(_RENEW, 1, self.PREFIX + key, token, self.ttl_ms))

    def release(self, key: str, token: str) -> None:
        self.client.eval(_RELEASE, 1, self.PREFIX + key, token)

    def held(self, keys: Iterable[str]) -> set[str]:
        keys = list(keys)
        if not keys:
            return set()
        values = self.client.mget([self.PREFIX + k for k in keys])
        return {k for k, v in zip(keys, values, strict=True) if v is not None}


_state: dict[str, Any] = {"app": None, "redis": None, "leases": MemoryLeases(), "ttl": 60.0}


def redis_client(url: str) -> redis.Redis:
    """A client for ``KENNISNET_REDIS_URL``; a down Redis fails fast instead of hanging."""
    check_redis_url(url)
    pool = redis.ConnectionPool.from_url(
        url, socket_connect_timeout=2, socket_timeout=10, health_check_interval=30
    )
    return redis.Redis(connection_pool=pool)


def init_app(app: Flask) -> None:
    _state["app"] = app
    url = app.config.get("REDIS_URL") or ""
    client = redis_client(url) if url else None
    _state["redis"] = client
    _state["ttl"] = float(app.config.get("TASK_LEASE_SECONDS") or 60)
    immediate = bool(app.config["TASKS_IMMEDIATE"])
    if client is not None:
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"connection_pool": client.connection_pool}
    else:
        huey.storage_class = WakeableSqliteStorage
        huey.storage_kwargs = {"filename": str(app.config["INSTANCE_DIR"] / "huey.db")}
    if immediate:
        _state["leases"] = MemoryLeases()
    elif client is not None:
        _state["leases"] = RedisLeases(client, _state["ttl"])
    else:
        _state["leases"] = FileLeases(app.config["INSTANCE_DIR"] / "leases")
    if not immediate:
        app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
    # Toggling through True recreates the storage with the class and kwargs above.
    huey.immediate = True
    huey.immediate = immediate


def ping() -> None:
    """Raise when the queue cannot be reached (the health check)."""
    client = _state["redis"]
    if client is not None:
        client.ping()
    else:
        huey.pending_count()


@contextlib.contextmanager
def lease(key: str) -> Iterator[bool]:
    """Hold the lease on ``key`` while the block runs; yields False when another holds it.

    The lease is renewed every third of its time to live, from a thread of its own, so a long
    extraction keeps it; it goes when the block ends, raises, or the process dies.
    """
    leases: Leases = _state["leases"]
    token = leases.acquire(key)
    if token is None:
        yield False
        return
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(_state["ttl"] / 3):
            try:
                if not leases.renew(key, token):
                    log.warning("lease on %s lost while working on it", key)
                    return
            except redis.RedisError:
                log.warning("could not renew the lease on %s", key, exc_info=True)

    heartbeat = threading.Thread(target=renew, name=f"lease {key}", daemon=True)
    heartbeat.start()
    try:
        yield True
    finally:
        stop.set()
        heartbeat.join()
        try:
            leases.release(key, token)
        except redis.RedisError:  # it expires by itself
            log.warning("could not release the lease on %s", key, exc_info=True)


def leased(keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` a live worker holds a lease on now."""
    leases: Leases = _state["leases"]
    return leases.held(keys)


def run_in_app(fn: Callable[..., T], *args: Any) -> T:
    """Run a task's work inside the app it was queued by (the worker has no request)."""
    app = _state["app"]
    if app is None:
        raise RuntimeError("queue.init_app() was not called")
    with app.app_context():
        return fn(*args)


def run_alone(key: str, fn: Callable[..., T], *args: Any) -> T | None:
    """``run_in_app`` unless a worker somewhere runs the same ``key`` right now.

    For periodic tasks: each worker's consumer queues them, so with workers on several hosts
    they arrive once per worker at the same minute; the digest must not go out twice.
    """
    with lease(key) as ours:
        if not ours:
            log.info("%s runs on another worker already", key)
            return None
        return run_in_app(fn, *args)


def commit_then_enqueue(task: Callable[..., Any], *args: Any, fault: str | None = None) -> None:
    """Commit the session, then queue ``task``: a task never sees rows that are not there yet.

    A crash between the two leaves committed rows without a task; ``resume_unfinished`` and
    `kennisnet check --repair` find those again. ``fault`` names the crash point in between.
    So does a queue that cannot be reached (Redis down): the change is committed and the
    request succeeds; the workers' sweep (or `kennisnet check --repair`) does the rest.
    """
    db.session.commit()
    if fault is not None:
        fault_point(fault)
    try:
        task(*args)
    except redis.RedisError:
        log.error("queue unreachable: %s%r not queued", getattr(task, "name", task), args)


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


def run_worker(workers: int, sweep: Callable[[], int] | None = None, every: float = 60.0) -> None:
    """Run the Huey consumer in this process (blocks; Ctrl-C or SIGTERM stops it).

    ``sweep`` (queue again what no worker has) runs every ``every`` seconds in a thread of its
    own, inside the app: so a task lost with a dead worker on another host is found again.
    """
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    stop = threading.Event()
    if sweep is not None:

        def sweeping() -> None:
            while not stop.wait(every):
                try:
                    resumed = run_in_app(sweep)
                except Exception:  # a down database or Redis: look again next time
                    log.warning("queue sweep failed", exc_info=True)
                else:
                    if resumed:
                        log.warning("queued %d unfinished documents again", resumed)

        threading.Thread(target=sweeping, name="queue sweep", daemon=True).start()
    try:
        consumer.run()
    finally:
        stop.set()
