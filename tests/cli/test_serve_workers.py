"""`kennisnet serve --workers N`: gunicorn with N processes that share sessions and CSRF."""

from __future__ import annotations

import http.cookiejar
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.test_concurrency import cli, free_port
from tests.test_faults import ROOT, kennisnet_env


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


@pytest.mark.slow
def test_two_processes_serve_one_signed_in_member(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    cli(data_dir, "init")
    cli(
        data_dir,
        "create-admin",
        "beheer@example.org",
        "--password-stdin",
        stdin="een lang wachtwoord\n",
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = kennisnet_env(data_dir, KENNISNET_TASKS_IMMEDIATE="")
    log = tmp_path / "server.stderr"
    with log.open("w") as err:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kennisnet.cli",
                "serve",
                "--port",
                str(port),
                "--workers",
                "2",
                "--no-worker",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text()
            try:
                if browser.open(f"{base}/healthz", timeout=5).status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        while len(children(server.pid)) < 2:
            assert time.monotonic() < deadline, "gunicorn did not start two workers"
            time.sleep(0.2)
        assert len(children(server.pid)) == 2

        # Sessions and CSRF tokens are signed with the shared key: any process accepts them.
        page = browser.open(f"{base}/inloggen", timeout=10).read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert token is not None
        form = urllib.parse.urlencode(
            {
                "csrf_token": token.group(1),
                "email": "beheer@example.org",
                "password": "een lang wachtwoord",
            }
        ).encode()
        assert browser.open(f"{base}/inloggen", data=form, timeout=10).status == 200
        for _ in range(12):  # spread over both processes
            account = browser.open(f"{base}/account", timeout=10)
            assert account.status == 200 and account.url.endswith("/account")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
