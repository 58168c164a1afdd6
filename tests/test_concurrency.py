"""A real server with its worker under parallel uploads and searches (127.0.0.1 only)."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from kennisnet.core.config import ROOT
from kennisnet.core.extensions import db
from kennisnet.maintenance import consistency
from tests import databases
from tests.conftest import make_app
from tests.test_faults import kennisnet_env

pytestmark = pytest.mark.slow

UPLOADS = 20
SEARCHES = 50
TIMEOUT = 90  # seconds for everything to be processed; normally a few


@dataclass
class Server:
    base: str
    token: str
    data_dir: Path
    stderr: Path

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str):
        req = urllib.request.Request(
            self.base + path,
            data=body,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", **headers},
        )
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(data_dir: Path, *args: str, stdin: str = "") -> str:
    env = kennisnet_env(data_dir, KENNISNET_TASKS_IMMEDIATE="")
    result = subprocess.run(
        [sys.executable, "-m", "kennisnet.cli", *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    data_dir = tmp_path / "data"
    cli(data_dir, "init")
    cli(
        data_dir,
        "create-admin",
        "beheer@example.org",
        "--password-stdin",
        stdin="lang genoeg wachtwoord\n",
    )
    token = cli(data_dir, "token", "create", "beheer@example.org").strip().splitlines()[-1]
    port = free_port()
    stderr = tmp_path / "server.stderr"
    env = kennisnet_env(data_dir, KENNISNET_TASKS_IMMEDIATE="", KENNISNET_TASKS_WORKERS="2")
    with stderr.open("w") as err:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kennisnet.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    srv = Server(f"http://127.0.0.1:{port}", token, data_dir, stderr)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, stderr.read_text()
            try:
                if srv.request("GET", "/api/v1/search")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield srv
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: text/plain\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload(srv: Server, n: int) -> tuple[int, object]:
    text = f"Verslag nummer {n} van het buurtfeest in de wijk, met {n * 7} bezoekers."
    body, content_type = multipart(
        {"title": f"Buurtfeest {n}", "visibility": "public"}, f"feest-{n}.txt", text.encode()
    )
    return srv.request("POST", "/api/v1/documents", body, **{"Content-Type": content_type})


def search(srv: Server) -> tuple[int, object]:
    return srv.request("GET", "/api/v1/search?q=buurtfeest&per_page=100")


def test_parallel_uploads_and_searches(server: Server) -> None:
    with ThreadPoolExecutor(max_workers=24) as pool:
        uploads = [pool.submit(upload, server, n) for n in range(UPLOADS)]
        searches = [pool.submit(search, server) for _ in range(SEARCHES)]
        uploaded = [f.result() for f in uploads]
        searched = [f.result() for f in searches]
    assert [status for status, _ in uploaded] == [201] * UPLOADS, uploaded
    assert [status for status, _ in searched] == [200] * SEARCHES, searched
    ids = {body["id"] for _, body in uploaded}
    assert len(ids) == UPLOADS

    deadline = time.monotonic() + TIMEOUT
    pending = set(ids)
    while pending and time.monotonic() < deadline:
        for document_id in sorted(pending):
            status, body = server.request("GET", f"/api/v1/documents/{document_id}")
            assert status == 200, body
            if body["status"] == "ready":
                pending.discard(document_id)
        time.sleep(0.2)
    assert not pending, f"not ready within {TIMEOUT}s: {sorted(pending)}"

    status, body = search(server)
    assert status == 200
    assert {r["id"] for r in body["results"]} == ids
    log = server.stderr.read_text()
    for bad in ("Traceback", "database is locked", "LockError", " 500 "):
        assert bad not in log, log

    app: Flask = make_app(
        server.data_dir,
        SQLALCHEMY_DATABASE_URI=databases.database_url(server.data_dir, "kennisnet.db"),
    )
    with app.app_context():
        report = consistency.check(older_than=0)
        assert report.clean, report.lines()
        db.session.remove()
        db.engine.dispose()
