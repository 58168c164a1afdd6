"""A real local S3 server for the tests: moto's server mode, in a child process on a free port.

One server runs for the whole session (started on first use, stopped at exit); every test
that asks for the S3 store gets a bucket of its own. ``extra_server()`` gives a test a server of
its own, which it may stop to see what a store that is down does. boto3 finds the server
through the same settings an installation uses (``AWS_ENDPOINT_URL_S3`` and the credentials),
so the tests exercise the documented configuration.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "kennisnet-test",
    "AWS_SECRET_ACCESS_KEY": "kennisnet-test-secret",
    "AWS_DEFAULT_REGION": "eu-west-1",
}
_buckets = itertools.count(1)
# Runs a test once on the local folders and once on a bucket (conftest's storage_url).
BOTH_STORES = pytest.mark.parametrize("storage_url", ["local", "s3"], indirect=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class S3Server:
    def __init__(self) -> None:
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                break
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("moto's S3 server did not start (pip install 'moto[server]')")
            time.sleep(0.05)

    @property
    def env(self) -> dict[str, str]:
        """The settings that point boto3 (and so Kennisnet) at this server."""
        return {**CREDENTIALS, "AWS_ENDPOINT_URL_S3": self.endpoint}

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
            config=Config(s3={"addressing_style": "path"}),
        )

    def new_bucket(self) -> str:
        """A fresh bucket; returns its ``KENNISNET_STORAGE_URL``."""
        name = f"kennisnet-test-{os.getpid()}-{next(_buckets)}"
        self.client().create_bucket(
            Bucket=name,
            CreateBucketConfiguration={"LocationConstraint": CREDENTIALS["AWS_DEFAULT_REGION"]},
        )
        return f"s3://{name}/kn"

    def keys(self, url: str) -> list[str]:
        """Every key under a storage URL's prefix."""
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        found = self.client().list_objects_v2(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for item in found.get("Contents", []))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


_server: S3Server | None = None
_lock = threading.Lock()


def server() -> S3Server:
    """The session's S3 server, started on first use."""
    global _server
    with _lock:
        if _server is None:
            _server = S3Server()
            atexit.register(_server.stop)
        return _server


@contextlib.contextmanager
def extra_server() -> Iterator[S3Server]:
    started = S3Server()
    try:
        yield started
    finally:
        started.stop()
