"""Two app servers and two workers, as on two hosts, sharing PostgreSQL, Redis and an S3 store.

Uploads and searches go to both app servers. Mid-way one worker is SIGKILLed in the middle of a
task and one app server is SIGKILLed between requests. Every accepted upload must still be
processed and found through the surviving server, and `kennisnet check` must find everything
consistent.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kennisnet.core.config import ROOT
from tests import databases, s3server
from tests.redisserver import RedisServer
from tests.test_concurrency import free_port
from tests.test_workers import INSTRUMENTED_WORKER, read_log

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        databases.postgres_bindir() is None,
        reason=f"PostgreSQL is missing: {databases.INSTALL_HINT}",
    ),
]

UPLOADS = 16
KENNISNET = [sys.executable, "-m", "kennisnet.cli"]


class App:
    def __init__(self, base: str, token: str, process: subprocess.Popen[bytes]) -> None:
        self.base, self.token, self.process = base, token, process

    def call(self, path: str, data: bytes | None = None, ctype: str = "") -> tuple[int, object]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if ctype:
            headers["Content-Type"] = ctype
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def upload(self, word: str) -> int:
        boundary = uuid.uuid4().hex
        text = f"Verslag over {word}: de buurtbus van de wijkcoöperatie rijdt weer."
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="visibility"\r\n\r\n'
            f'public\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{word}.txt"\r\nContent-Type: text/plain\r\n\r\n{text}\r\n'
            f"--{boundary}--\r\n"
        ).encode()
        status, answer = self.call(
            "/api/v1/documents", body, f"multipart/form-data; boundary={boundary}"
        )
        assert status == 201, answer
        assert isinstance(answer, dict)
        return int(answer["id"])

    def finds(self, word: str) -> set[int]:
        status, answer = self.call("/api/v1/search?" + urllib.parse.urlencode({"q": word}))
        assert status == 200, answer
        assert isinstance(answer, dict)
        return {int(hit["id"]) for hit in answer["results"]}


def kennisnet(env: dict[str, str], *args: str, stdin: str = "") -> str:
    result = subprocess.run(
        [sys.executable, "-m", "kennisnet.cli", *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


@pytest.fixture
def cluster_env(tmp_path: Path, redis_server: RedisServer) -> Iterator[dict[str, str]]:
    pg = databases.server()
    name = f"cluster_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    pg.create_database(name, "template0")
    store = s3server.server()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISNET_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "KENNISNET_DATABASE_URL": pg.url(name),
            "KENNISNET_REDIS_URL": redis_server.url(),
            "KENNISNET_STORAGE_URL": store.new_bucket(),
            "KENNISNET_SEARCH_BACKEND": "postgres",
            "KENNISNET_SECRET_KEY": "cluster-test-secret",
            "KENNISNET_EXTRACTION_ISOLATED": "0",
            "KENNISNET_TASK_LEASE_SECONDS": "2",
            "KENNISNET_QUEUE_SWEEP_SECONDS": "0.5",
            **store.env,
        }
    )
    try:
        yield env
    finally:
        pg.drop_database(name)


def test_two_hosts_survive_a_killed_worker_and_a_killed_app(
    tmp_path: Path, cluster_env: dict[str, str]
) -> None:
    hosts = [tmp_path / "host-a", tmp_path / "host-b"]
    on = [{**cluster_env, "KENNISNET_DATA_DIR": str(host)} for host in hosts]
    kennisnet(on[0], "init")
    kennisnet(on[0], "create-admin", "beheer@example.org", "--password-stdin", stdin="x" * 16)
    token = kennisnet(on[0], "token", "create", "beheer@example.org").split()[-1]
    log_path = tmp_path / "workers.log"

    processes: list[subprocess.Popen[bytes]] = []
    apps: list[App] = []
    try:
        for host_env in on:
            port = free_port()
            with (tmp_path / f"app-{port}.log").open("wb") as log:
                process = subprocess.Popen(
                    [*KENNISNET, "serve", "--port", str(port), "--no-worker"],
                    env=host_env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                )
            processes.append(process)
            apps.append(App(f"http://127.0.0.1:{port}", token, process))
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", INSTRUMENTED_WORKER, "worker", "--workers", "1"],
                env={**host_env, "WORKER_LOG": str(log_path)},
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for host_env in on
        ]
        processes += workers

        def healthy(app: App) -> bool:
            try:
                return app.call("/healthz")[0] == 200
            except OSError:
                return False

        for app in apps:
            wait_until(lambda app=app: healthy(app), 60, f"{app.base} did not start")

        uploaded: dict[str, int] = {}
        for n in range(UPLOADS // 2):
            word = f"fietsproef{n}"
            uploaded[word] = apps[n % 2].upload(word)

        # SIGKILL a worker in the middle of a task (whichever is busy first: under load one
        # may start late), while the work of the first uploads is still going on.
        def busy_worker() -> subprocess.Popen[bytes] | None:
            events = read_log(log_path)
            for worker in workers:
                started = {d for e, p, d in events if e == "start" and p == worker.pid}
                done = {d for e, p, d in events if e == "done" and p == worker.pid}
                if started - done:
                    return worker
            return None

        wait_until(lambda: busy_worker() is not None, 60, "no worker ever took a task")
        doomed = busy_worker() or workers[0]
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()

        # Searches go to both app servers: what one host's worker indexed, the other finds.
        for n, (word, doc_id) in enumerate(list(uploaded.items())[:2]):
            wait_until(
                lambda app=apps[1 - n], word=word, doc_id=doc_id: doc_id in app.finds(word),
                90,
                f"{word} was not found on the other app server",
            )

        # Then the first app server goes, between requests.
        apps[0].process.send_signal(signal.SIGKILL)
        apps[0].process.wait()

        survivor = apps[1]
        for n in range(UPLOADS // 2, UPLOADS):
            word = f"fietsproef{n}"
            uploaded[word] = survivor.upload(word)

        for word, doc_id in uploaded.items():
            wait_until(
                lambda word=word, doc_id=doc_id: doc_id in survivor.finds(word),
                90,
                f"{word} (document {doc_id}) was not found",
            )
        assert not healthy(apps[0])

        events = read_log(log_path)
        finished = [d for e, _, d in events if e == "done"]
        assert set(uploaded.values()) <= set(finished)

        checked = subprocess.run(
            [sys.executable, "-m", "kennisnet.cli", "check", "--older-than", "0", "--json"],
            env=on[1],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
