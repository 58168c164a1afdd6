"""A real throwaway Redis server for tests and benchmarks, as tests/databases.py is for PostgreSQL.

``redis-server`` from Debian (`make test` installs it) listens on a unix socket in a temporary
folder only (``--port 0``), keeps nothing on disk (``--save ''``, no append-only file) and is
stopped at exit. ``server()`` gives the session's one server; ``RedisServer().start()`` a server
of a test's own (one to stop on purpose).
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

INSTALL_HINT = "apt-get install redis-server (make test installs it)"


def redis_binary() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").is_file() else None
    )


class RedisServer:
    """A ``redis-server`` on a unix socket in a temporary folder."""

    def __init__(self, name: str = "kn-redis") -> None:
        binary = redis_binary()
        if binary is None:
            raise RuntimeError(f"no redis-server here: {INSTALL_HINT}")
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        self.socket = self.root / "redis.sock"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
                "--logfile",
                str(self.root / "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = (self.root / "redis.log").read_text(errors="replace")[-2000:]
                self.stop()
                raise RuntimeError(f"redis-server did not start: {log}")
            time.sleep(0.02)
        return self

    def _answers(self) -> bool:
        import redis  # the client is a dependency of the app; loaded only once a server runs

        if not self.socket.exists():
            return False
        try:
            return bool(redis.Redis(unix_socket_path=str(self.socket)).ping())
        except redis.RedisError:
            return False

    def url(self, db: int = 0) -> str:
        """As ``KENNISNET_REDIS_URL`` takes it."""
        return f"unix://{self.socket}?db={db}"

    def client(self, db: int = 0):  # -> redis.Redis, untyped to keep the import lazy
        import redis  # see _answers

        return redis.Redis(unix_socket_path=str(self.socket), db=db)

    def flush(self) -> None:
        self.client().flushall()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


_server: RedisServer | None = None
_lock = threading.Lock()


def server() -> RedisServer:
    """The session's Redis server, started on first use and stopped at exit."""
    global _server
    with _lock:
        if _server is None:
            started = RedisServer().start()
            atexit.register(started.stop)
            _server = started
        return _server
