"""Load test: searches a second and their p95 on a real multi-process deployment, on loopback.

    python bench/load.py [--docs 2000] [--seconds 20] [--clients 10,50,100] [--processes 4]
                         [--uploads-per-second 5] [--search sqlite|postgres] [--path html|api]

Starts, in a temporary folder on this machine: a PostgreSQL server (Debian's binaries, fsync
on, as in production), a Redis server on a unix socket, ``kennisnet serve --workers N``
(gunicorn) and one ``kennisnet worker`` process. Imports ``--docs`` public Dutch documents, then
for each client count runs ``wrk`` (Debian: ``apt-get install wrk``) for ``--seconds`` against
the search page with a query drawn from the documents' words, while a thread uploads
``--uploads-per-second`` documents through the API. Reports requests a second, p50/p95/p99,
errors (connection errors, timeouts, non-2xx answers) and whether every upload was stored and
processed ("no lost upload"); ``kennisnet check`` must then be clean.

The reference measured in the same run: the same wrk against ``/healthz`` (one process
answering without the database or the index), so the ratio says what search costs over a
bare request on this machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.databases import PostgresServer  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench" / "import.py")
assert _spec and _spec.loader
bench_import = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_import)

WRK_SCRIPT = """
local words = {%(words)s}
local prefix = "%(prefix)s"
init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) %% 100000)
end
request = function()
  return wrk.format("GET", prefix .. words[math.random(#words)])
end
done = function(summary, latency, requests)
  io.write(string.format(
    '\\nRESULT {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d, "p50_ms": %%.2f, "p95_ms": %%.2f, ' ..
    '"p99_ms": %%.2f}\\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def start_redis(work: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is missing: apt-get install redis-server")
    sock = work / "redis.sock"
    process = subprocess.Popen(
        [binary, "--port", "0", "--unixsocket", str(sock), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not sock.exists():
        if time.monotonic() > deadline:
            raise SystemExit("redis-server did not start")
        time.sleep(0.05)
    return process, f"unix://{sock}"


def wait_healthy(base: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        time.sleep(0.3)
    raise SystemExit("the app did not become healthy")


def wrk(url: str, clients: int, seconds: int, script: Path) -> dict[str, float]:
    result = subprocess.run(
        [
            "wrk",
            f"-t{min(2, clients)}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [x for x in result.stdout.splitlines() if x.startswith("RESULT ")]
    if not lines:
        raise SystemExit(f"wrk said: {result.stdout[-1500:]} {result.stderr[-1500:]}")
    line = lines[0]
    raw = json.loads(line.removeprefix("RESULT "))
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {
        "clients": clients,
        "requests": raw["requests"],
        "per_second": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": raw["p50_ms"],
        "p95_ms": raw["p95_ms"],
        "p99_ms": raw["p99_ms"],
        "errors": errors,
    }


_UPLOADS = itertools.count(1)


class Uploader(threading.Thread):
    """Starts an upload of a small public text at a fixed rate through the API, whatever the
    answers' latency (each in a thread of its own, as separate members would), and keeps
    every answer."""

    def __init__(self, base: str, token: str, rate: float, work: Path) -> None:
        super().__init__(daemon=True)
        self.base, self.token, self.rate, self.work = base, token, rate, work
        self.stop = threading.Event()
        self.accepted: list[int] = []
        self.refused: list[str] = []
        self.started = 0
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def _upload(self, word: str) -> None:
        name, content = bench_import.sample("txt", word, self.work)
        payload, ctype = bench_import.multipart(name, content)
        try:
            answer = bench_import.request(
                f"{self.base}/api/v1/documents", self.token, payload, ctype
            )
            with self._lock:
                self.accepted.append(int(answer["id"]))
        except Exception as exc:  # counted, not raised: a refused upload is a finding
            with self._lock:
                self.refused.append(repr(exc))

    def run(self) -> None:
        next_at = time.monotonic()
        while not self.stop.is_set():
            # Unique across the runs of this process: the same text twice is a duplicate (409).
            word = f"lastproef{os.getpid()}x{next(_UPLOADS)}"
            thread = threading.Thread(target=self._upload, args=(word,), daemon=True)
            thread.start()
            self._threads.append(thread)
            self.started += 1
            next_at += 1 / self.rate
            self.stop.wait(max(0.0, next_at - time.monotonic()))
        for thread in self._threads:
            thread.join(timeout=120)


def all_processed(base: str, token: str, ids: list[int], seconds: float = 120) -> list[int]:
    """The uploads not ready (or failed) within ``seconds``: lost or stuck ones."""
    waiting = set(ids)
    deadline = time.monotonic() + seconds
    while waiting and time.monotonic() < deadline:
        for doc_id in sorted(waiting):
            try:
                doc = bench_import.request(f"{base}/api/v1/documents/{doc_id}", token)
            except urllib.error.HTTPError:
                continue
            if doc.get("status") in {"ready", "failed"}:
                waiting.discard(doc_id)
        time.sleep(0.5)
    return sorted(waiting)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", default="10,50,100")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--uploads-per-second", type=float, default=5)
    parser.add_argument("--search", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--path", choices=("html", "api"), default="html")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="kennisnet-load-"))
    pg = PostgresServer(
        name="kn-load-pg",
        settings={"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"},
    ).start()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        pg.create_database("kennisnet")
        redis, redis_url = start_redis(work)
        processes.append(redis)
        env = bench_import.environment(
            work / "data",
            KENNISNET_DATABASE_URL=pg.url("kennisnet"),
            KENNISNET_REDIS_URL=redis_url,
            KENNISNET_SEARCH_BACKEND=args.search,
            KENNISNET_TASKS_WORKERS="2",
        )
        bench_import.run(["init"], env)
        bench_import.run(
            ["create-admin", "bench@example.org", "--password-stdin"],
            env,
            stdin="lang genoeg wachtwoord\n",
        )
        token = bench_import.run(["token", "create", "bench@example.org"], env).split()[-1]
        folder = work / "docs"
        folder.mkdir()
        bench_import.generate(folder, args.docs, "text")
        started = time.perf_counter()
        bench_import.run(["import", str(folder), "--visibility", "public", "--json"], env)
        imported_in = time.perf_counter() - started

        port = bench_import.free_port()
        base = f"http://127.0.0.1:{port}"
        log = (work / "serve.log").open("wb")
        processes.append(
            subprocess.Popen(
                [
                    *bench_import.KENNISNET,
                    "serve",
                    "--port",
                    str(port),
                    "--workers",
                    str(args.processes),
                    "--threads",
                    str(args.threads),
                    "--no-worker",
                ],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=log,
            )
        )
        processes.append(
            subprocess.Popen(
                [*bench_import.KENNISNET, "worker"], env=env, cwd=ROOT, stdout=log, stderr=log
            )
        )
        wait_healthy(base)

        words = sorted({w for w in bench_import.WORDS if len(w) > 3})
        prefix = "/zoeken?q=" if args.path == "html" else "/api/v1/search?q="
        script = work / "search.lua"
        script.write_text(
            WRK_SCRIPT
            % {
                "words": ", ".join(json.dumps(urllib.parse.quote(w)) for w in words),
                "prefix": prefix,
            }
        )
        bare = work / "bare.lua"
        bare.write_text(WRK_SCRIPT % {"words": '""', "prefix": "/healthz"})
        wrk(f"{base}/", 10, 3, script)  # warm-up: every process opens its connections

        rows = []
        uploaded: list[int] = []
        refused: list[str] = []
        for clients in [int(c) for c in args.clients.split(",")]:
            uploader = Uploader(base, token, args.uploads_per_second, work)
            uploader.start()
            row = wrk(f"{base}/", clients, args.seconds, script)
            uploader.stop.set()
            uploader.join()
            reference = wrk(f"{base}/", clients, max(3, args.seconds // 4), bare)
            row["uploads_started"] = uploader.started
            row["uploads"] = len(uploader.accepted)
            row["uploads_refused"] = len(uploader.refused)
            row["reference_per_second"] = reference["per_second"]
            row["ratio_to_reference"] = round(row["per_second"] / reference["per_second"], 3)
            rows.append(row)
            uploaded += uploader.accepted
            refused += uploader.refused
        lost = all_processed(base, token, uploaded)
        check = subprocess.run(
            [*bench_import.KENNISNET, "check", "--json"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        report = {
            "machine_cores": os.cpu_count(),
            "docs": args.docs,
            "import_seconds": round(imported_in, 1),
            "processes": args.processes,
            "threads": args.threads,
            "search": args.search,
            "path": prefix,
            "runs": rows,
            "uploads": len(uploaded),
            "uploads_refused": len(refused),
            "uploads_not_processed": len(lost),
            "check_clean": check.returncode == 0,
        }
        print(json.dumps(report, indent=2))
        print()
        print("| clients | searches/s | p50 ms | p95 ms | p99 ms | errors | uploads | /healthz/s |")
        print("|---|---|---|---|---|---|---|---|")
        for r in rows:
            print(
                f"| {r['clients']} | {r['per_second']} | {r['p50_ms']} | {r['p95_ms']} | "
                f"{r['p99_ms']} | {r['errors']} | {r['uploads']} | {r['reference_per_second']} |"
            )
        if refused:
            print("refused uploads:", refused[:3], file=sys.stderr)
        if not report["check_clean"]:
            print(check.stdout[-2000:], check.stderr[-2000:], file=sys.stderr)
        return 0
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
