"""Queue benchmark: Huey on SQLite (today's queue), on Redis and on PostgreSQL, side by side.

    .venv/bin/python bench/taskqueue.py [--tasks 5000] [--samples 200] [--engines sqlite,redis,...]
                                    [--json out.json]

Each engine gets a fresh server or file (Redis and PostgreSQL are throwaway servers on unix
sockets, as the tests start them: tests/redisserver.py, tests/databases.py) and is measured
three ways, with the same Huey task (one small argument, no result stored):

- ``enqueue/s``: one process queues ``--tasks`` tasks, one after another (what an upload pays);
- ``dequeue/s``: one process then takes them all out again (what a worker pays per task);
- ``latency``: a real consumer (``huey`` Consumer, one worker thread, in its own process, as
  ``kennisnet worker`` runs it) waits on the empty queue; ``--samples`` tasks are queued 50 ms
  apart and each records how long after its enqueue it started. p50 and p95 in ms.

SQLite is the reference: the ratio column divides each figure by SQLite's from the same run.
Engines: ``sqlite`` (KennisnetHuey: SqliteHuey woken through a FIFO), ``redis`` (RedisHuey,
a list and BRPOP), ``redis-priority`` (PriorityRedisHuey, a sorted set and BZPOPMIN),
``redis-expire`` (RedisExpireHuey: results expire; same queue as ``redis``), ``postgres``
(Huey 3's PostgresHuey: DELETE ... FOR UPDATE SKIP LOCKED and LISTEN/NOTIFY).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's folder comes first on the path, and its name would hide the
# standard library's ``queue`` from everything imported below (redis-py uses it).
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

import huey as huey_module  # noqa: E402

from kennisnet.core.queue import KennisnetHuey  # noqa: E402

ENGINES = ("sqlite", "redis", "redis-priority", "redis-expire", "postgres")


def make_huey(engine: str, where: str) -> huey_module.Huey:
    """The Huey of one engine; ``where`` is a file, a Redis URL or a PostgreSQL DSN."""
    name = "bench"
    if engine == "sqlite":
        return KennisnetHuey(name, filename=where, results=False)
    if engine == "redis":
        return huey_module.RedisHuey(name, url=where, results=False)
    if engine == "redis-priority":
        return huey_module.PriorityRedisHuey(name, url=where, results=False)
    if engine == "redis-expire":
        return huey_module.RedisExpireHuey(name, url=where, results=False)
    if engine == "postgres":
        return huey_module.PostgresHuey(name, dsn=where, results=False)
    raise SystemExit(f"unknown engine {engine}")


def register(h: huey_module.Huey, log_path: str | None = None):
    @h.task(name="note")
    def note(queued_at: float) -> None:
        if log_path:
            started = time.time()
            with open(log_path, "a") as out:
                out.write(f"{started - queued_at}\n")

    return note


def consume(engine: str, where: str, log_path: str) -> None:
    """Child process: a Huey consumer with one thread, as the worker runs it."""
    h = make_huey(engine, where)
    register(h, log_path)
    consumer = h.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.run()


def measure(engine: str, where: str, tasks: int, samples: int, tmp: Path) -> dict[str, float]:
    h = make_huey(engine, where)
    note = register(h)
    h.flush()
    started = time.perf_counter()
    for _ in range(tasks):
        note(0.0)
    enqueue_rate = tasks / (time.perf_counter() - started)
    assert h.pending_count() == tasks
    started = time.perf_counter()
    # Exactly as many as were queued: one more would wait on the empty queue (blocking reads).
    taken = sum(1 for _ in range(tasks) if h.dequeue() is not None)
    dequeue_rate = taken / (time.perf_counter() - started)
    assert taken == tasks, (taken, tasks)

    log_path = tmp / f"{engine}.latency"
    log_path.write_text("")
    child = subprocess.Popen(
        [sys.executable, __file__, "--consume", engine, "--where", where, "--log", str(log_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(2.0)  # the consumer is up and idle
        for _ in range(samples):
            note(time.time())
            time.sleep(0.05)
        deadline = time.monotonic() + 30
        while len(log_path.read_text().split()) < samples and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        child.terminate()
        child.wait(timeout=20)
    latencies = sorted(float(x) * 1000 for x in log_path.read_text().split())
    assert len(latencies) == samples, f"{engine}: {len(latencies)} of {samples} tasks ran"
    return {
        "enqueue_per_s": enqueue_rate,
        "dequeue_per_s": dequeue_rate,
        "latency_p50_ms": statistics.median(latencies),
        "latency_p95_ms": latencies[int(len(latencies) * 0.95) - 1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--consume", help=argparse.SUPPRESS)
    parser.add_argument("--where", help=argparse.SUPPRESS)
    parser.add_argument("--log", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.consume:
        consume(args.consume, args.where, args.log)
        return

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="kn-bench-queue-") as folder:
        tmp = Path(folder)
        for engine in engines:
            if engine == "sqlite":
                where = str(tmp / "huey.db")
                results[engine] = measure(engine, where, args.tasks, args.samples, tmp)
            elif engine.startswith("redis"):
                from tests.redisserver import RedisServer  # only when Redis is measured

                redis_server = RedisServer().start()
                try:
                    where = redis_server.url()
                    results[engine] = measure(engine, where, args.tasks, args.samples, tmp)
                finally:
                    redis_server.stop()
            elif engine == "postgres":
                from tests.databases import PostgresServer  # only when PostgreSQL is measured

                pg = PostgresServer(name="kn-bench-pg").start()
                try:
                    pg.create_database("queue")
                    # Durable commits, as a production server has them (the test server's
                    # fsync=off would flatter PostgreSQL against SQLite and Redis).
                    pg.execute("ALTER SYSTEM SET fsync = on")
                    pg.execute("ALTER SYSTEM SET synchronous_commit = on")
                    pg.execute("SELECT pg_reload_conf()")
                    where = pg.libpq_url("queue")
                    results[engine] = measure(engine, where, args.tasks, args.samples, tmp)
                finally:
                    pg.stop()
            else:
                raise SystemExit(f"unknown engine {engine}")
            print(engine, json.dumps({k: round(v, 2) for k, v in results[engine].items()}))

    reference = results.get("sqlite")
    print()
    print(
        f"{args.tasks} tasks, {args.samples} latency samples, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"huey {huey_module.__version__}"
    )
    print(
        "| engine | enqueue/s | dequeue/s | start latency p50 / p95 (ms) "
        "| enqueue, dequeue × SQLite |"
    )
    print("|---|---|---|---|---|")
    for engine, r in results.items():
        ratio = (
            f"{r['enqueue_per_s'] / reference['enqueue_per_s']:.1f} / "
            f"{r['dequeue_per_s'] / reference['dequeue_per_s']:.1f}"
            if reference
            else "–"
        )
        print(
            f"| {engine} | {r['enqueue_per_s']:,.0f} | {r['dequeue_per_s']:,.0f} | "
            f"{r['latency_p50_ms']:.1f} / {r['latency_p95_ms']:.1f} | {ratio} |"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
