"""A pool of long-lived, isolated extraction workers: the limits of a fresh child per file,
without paying for a fresh Python interpreter and its imports (about 0.2 s) every time.

Each worker is ``python -m kennisnet.extraction.child --serve`` in a process group of its own,
with the same memory, core-dump and file-write limits as a one-off child, and a CPU budget per
request. The parent keeps the wall clock: at a request's deadline it kills the worker's whole
group (Tesseract included) and the request fails exactly as a one-off child's would. A worker
is replaced after a crash, a kill, a failure that may have left it in a bad state (out of
memory, a crash inside a parser), after ``MAX_FILES`` files, and once it has grown past
``RETIRE_SHARE`` of its memory limit, so no slow leak builds up.

Any number of threads may ask at once; each takes an idle worker or starts one. Up to
``idle`` workers are kept for the next files (one per core by default).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import selectors
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, cast

from kennisnet.extraction.base import ExtractionFailed, ProgressCallback
from kennisnet.extraction.isolated import (
    _PROJECT_ROOT,
    MSG_CRASHED,
    _keep_tail,
    _kill_group,
    _msg_timeout,
    _outcome,
    _relay_progress,
)

logger = logging.getLogger(__name__)

# A successor's start costs about a second of CPU (every parser, the analysis' tables): at
# 500 files a worker of small files spent as much time starting as reading. A worker is
# retired after this many files, or sooner once it has grown past RETIRE_SHARE of its
# memory limit (a large file or a slow leak), before a leak could fail an innocent file.
MAX_FILES = 10_000
RETIRE_SHARE = 0.5
START_SECONDS = 60.0  # importing every parser and asking Tesseract for its languages
# Below this a worker holding every parser has no room left to read with; such a limit gets a
# fresh child per file, which imports only its own parser.
MIN_MEMORY_MB = 512
# A failure after which the worker's own state is suspect.
_RETIRING_CODES = frozenset({"too_large", "crashed"})


class _Died(Exception):
    """The worker ended without answering."""


class _NotDelivered(Exception):
    """The worker was gone before it got the request: not the file's fault."""


class _Worker:
    def __init__(self, memory_mb: int, preload: tuple[str, ...] = ()) -> None:
        self.memory_mb = memory_mb
        self.files = 0
        self.resident_mb = 0  # the memory the worker held after its last answer, as it said
        progress_read, progress_write = os.pipe()
        try:
            self.process = subprocess.Popen(  # noqa: S603 - our own module, this interpreter
                [
                    sys.executable,
                    "-m",
                    "kennisnet.extraction.child",
                    "--serve",
                    str(progress_write),
                    str(memory_mb),
                    *preload,
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=_PROJECT_ROOT,
                pass_fds=(progress_write,),
                start_new_session=True,
            )
        finally:
            os.close(progress_write)
        self.progress = progress_read
        self._stdout = b""
        self._stderr: list[bytes] = []
        line = self._read_line(START_SECONDS, None)
        if json.loads(line) != {"ready": True}:
            self.kill()
            raise _Died(line)

    def ask(
        self, request: dict[str, Any], timeout: float, on_progress: ProgressCallback | None
    ) -> dict[str, Any]:
        assert self.process.stdin is not None  # noqa: S101 - made with stdin=PIPE
        self._stderr = []
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            raise _NotDelivered from None
        self.files += 1
        payload = cast(dict[str, Any], json.loads(self._read_line(timeout, on_progress)))
        self.resident_mb = int(payload.pop("resident_mb", 0))
        return payload

    def _read_line(self, timeout: float, on_progress: ProgressCallback | None) -> bytes:
        """The worker's next answer line, relaying progress and keeping stderr's tail."""
        assert self.process.stdout is not None and self.process.stderr is not None  # noqa: S101
        stdout, stderr = self.process.stdout.fileno(), self.process.stderr.fileno()
        deadline = time.monotonic() + timeout
        pending = b""
        with selectors.DefaultSelector() as selector:
            for fd in (stdout, stderr, self.progress):
                selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._stdout:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise subprocess.TimeoutExpired(self.process.args, timeout)
                for key, _ in selector.select(remaining):
                    data = os.read(key.fd, 65536)
                    if key.fd == self.progress:
                        pending = _relay_progress(pending + data, on_progress)
                    elif key.fd == stderr:
                        self._stderr.append(data)
                        _keep_tail(self._stderr)
                    elif not data:
                        raise _Died(b"".join(self._stderr))
                    else:
                        self._stdout += data
                    if not data:
                        selector.unregister(key.fd)
        line, _, self._stdout = self._stdout.partition(b"\n")
        return line

    @property
    def stderr(self) -> bytes:
        return b"".join(self._stderr)

    def close(self) -> None:
        """Let an idle worker end by itself (end of input), then make sure it has."""
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            _kill_group(self.process)
        self._release()

    def kill(self) -> None:
        _kill_group(self.process)
        self._release()

    def _release(self) -> None:
        _kill_group(self.process, reap=False)  # stray grandchildren, if any
        with contextlib.suppress(OSError):
            os.close(self.progress)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


class WorkerPool:
    """Long-lived workers for ``isolated.run`` and ``isolated.run_render``; thread-safe."""

    min_memory_mb = MIN_MEMORY_MB

    def __init__(self, idle: int | None = None, max_files: int = MAX_FILES) -> None:
        self.idle = idle or os.cpu_count() or 1
        self.max_files = max_files
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._starting: Counter[int] = Counter()  # background starts in flight, by memory limit
        # Analysers (``module:function``) asked for: new workers load them before their limits.
        self.preload: tuple[str, ...] = ()

    def ask(
        self,
        path: Path,
        request: dict[str, Any],
        timeout: float,
        memory_mb: int,
        on_progress: ProgressCallback | None,
    ) -> dict[str, Any]:
        analyser = request.get("analyser")
        if analyser and analyser not in self.preload:
            self.preload = (*self.preload, analyser)
        worker = self._take(memory_mb)
        try:
            try:
                payload = worker.ask(request, timeout, on_progress)
            except _NotDelivered:
                worker.kill()
                worker = self._take(memory_mb)
                payload = worker.ask(request, timeout, on_progress)
        except subprocess.TimeoutExpired:
            worker.kill()
            logger.warning("%s of %s timed out after %gs", request["mode"], path.name, timeout)
            raise ExtractionFailed("timeout", _msg_timeout(timeout)) from None
        except (_Died, _NotDelivered):
            try:
                worker.process.wait(5)
            except subprocess.TimeoutExpired:
                worker.kill()
            stderr = worker.stderr
            worker.kill()
            return _outcome(path, worker.process.returncode, b"", stderr, timeout)
        except BaseException:  # a bad answer, KeyboardInterrupt: never reuse that worker
            worker.kill()
            raise
        if payload.get("ok"):
            self._give(worker)
            return payload
        if payload.get("code") in _RETIRING_CODES:
            worker.kill()
        else:
            self._give(worker)
        raise ExtractionFailed(payload["code"], payload["message"])

    def warm(self, count: int, memory_mb: int, preload: tuple[str, ...] = ()) -> None:
        """Start ``count`` workers in the background, so the first upload does not wait for one;
        they (and every later one) load the analysers in ``preload`` ahead of a request."""
        self.preload = tuple(dict.fromkeys((*self.preload, *preload)))

        def start() -> None:
            try:
                self._give(_Worker(memory_mb, self.preload))
            except (_Died, subprocess.TimeoutExpired, OSError, ValueError):
                logger.warning("could not start an extraction worker ahead of time", exc_info=True)
            finally:
                with self._changed:
                    self._starting[memory_mb] -= 1
                    self._changed.notify_all()

        for _ in range(min(count, self.idle)):
            with self._lock:
                self._starting[memory_mb] += 1
            threading.Thread(target=start, daemon=True, name="extraction-warm-up").start()

    def _take(self, memory_mb: int) -> _Worker:
        deadline = time.monotonic() + START_SECONDS
        with self._changed:
            while True:
                for worker in list(self._workers):
                    if worker.process.poll() is not None:  # died while idle: not this file's fault
                        self._workers.remove(worker)
                        worker.kill()
                    elif worker.memory_mb == memory_mb:
                        self._workers.remove(worker)
                        return worker
                # One on its way (a warm-up, a replacement) is sooner than starting another.
                remaining = deadline - time.monotonic()
                if self._starting[memory_mb] <= 0 or remaining <= 0:
                    break
                self._changed.wait(remaining)
        try:
            return _Worker(memory_mb, self.preload)
        except (_Died, subprocess.TimeoutExpired, OSError, ValueError) as exc:
            logger.error("could not start an extraction worker: %r", exc)
            raise ExtractionFailed("crashed", MSG_CRASHED) from None

    def _give(self, worker: _Worker) -> None:
        if worker.process.poll() is not None:
            worker.close()
            return
        if worker.files >= self.max_files or worker.resident_mb > worker.memory_mb * RETIRE_SHARE:
            worker.close()
            # Its successor starts in the background, while the other workers go on.
            self.warm(1, worker.memory_mb)
            return
        with self._changed:
            if len(self._workers) < self.idle:
                self._workers.append(worker)
                self._changed.notify_all()
                return
        worker.close()

    def close(self) -> None:
        with self._lock:
            workers, self._workers = self._workers, []
        for worker in workers:
            worker.close()


POOL = WorkerPool()
atexit.register(POOL.close)
