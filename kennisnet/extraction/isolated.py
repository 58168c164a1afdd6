"""Extraction and preview rendering in a child process with CPU, memory and wall-clock limits.

Parsers of uploaded files are the easiest place for a hostile or broken file to hang a worker,
eat its memory or crash it (PDFium is C++). So the task queue runs every extraction in a
fresh interpreter (``python -m kennisnet.extraction.child``): the request goes in as JSON
on stdin, the result comes back as JSON on stdout. The child sets its own rlimits after its
imports, so the limits bound the parsing, not the interpreter's start-up. The child runs in a
process group of its own; the subprocesses it starts (Tesseract, antiword) inherit its limits
and are killed with it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import math
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Protocol, cast

from kennisnet.extraction.base import (
    IMAGE_KINDS,
    KINDS,
    MSG_UNSUPPORTED_KIND,
    N_,
    Extracted,
    ExtractionFailed,
    ProgressCallback,
    Rendered,
)

logger = logging.getLogger(__name__)

_PROJECT_ROOT = Path(__file__).resolve().parents[2]
_STDERR_TAIL = 2000
OCR_SHARE = 0.85
"""The share of the timeout in which the child may start recognising another page."""

MSG_CRASHED = N_(
    "Het programma dat de tekst leest is onverwacht gestopt; "
    "het bestand is waarschijnlijk beschadigd."
)
MSG_TOO_LARGE = N_(
    "Het lezen van de tekst had te veel geheugen nodig en is afgebroken; "
    "het bestand is te groot of te ingewikkeld."
)


class Pool(Protocol):
    """What ``pool.WorkerPool`` offers this module (named here so it needs no import of it)."""

    min_memory_mb: int

    def ask(
        self,
        path: Path,
        request: dict[str, Any],
        timeout: float,
        memory_mb: int,
        on_progress: ProgressCallback | None,
    ) -> dict[str, Any]: ...


def _msg_timeout(seconds: float) -> str:
    return N_(
        "Het lezen van de tekst duurde te lang (meer dan %(seconds)s seconden) en is "
        "afgebroken; het bestand is te groot of te ingewikkeld."
    ) % {"seconds": f"{seconds:g}"}


def run(
    path: Path,
    kind: str,
    *,
    timeout: float,
    memory_mb: int,
    max_pages: int,
    max_chars: int,
    ocr_max_pages: int = 50,
    on_progress: ProgressCallback | None = None,
    pool: Pool | None = None,
    analyser: str | None = None,
) -> Extracted:
    """Parent side of an extraction: start the child, relay its progress, read its answer."""
    if kind not in KINDS:
        raise ExtractionFailed("unsupported", MSG_UNSUPPORTED_KIND)
    request = {
        "mode": "extract",
        "max_pages": max_pages,
        "max_chars": max_chars,
        "ocr_max_pages": ocr_max_pages,
        "analyser": analyser,
    }
    payload = _run_child(path, kind, request, timeout, memory_mb, on_progress, pool)
    return Extracted(
        text=payload["text"],
        pages=payload["pages"],
        title=payload["title"],
        meta=payload["meta"],
        text_source=payload["text_source"],
        ocr_confidence=payload["ocr_confidence"],
        notes=tuple(payload["notes"]),
        author=payload["author"],
        created=payload["created"],
        analysis=payload.get("analysis"),
    )


def run_render(
    path: Path,
    kind: str,
    *,
    max_pages: int,
    thumb_width: int,
    page_width: int,
    timeout: float,
    memory_mb: int,
    pool: Pool | None = None,
) -> Rendered:
    """Parent side of rendering previews, with the same limits and outcomes as extraction."""
    if kind not in KINDS:
        raise ExtractionFailed("unsupported", MSG_UNSUPPORTED_KIND)
    if kind != "pdf" and kind not in IMAGE_KINDS:
        return Rendered(None, ())
    request = {
        "mode": "render",
        "max_pages": max_pages,
        "thumb_width": thumb_width,
        "page_width": page_width,
    }
    payload = _run_child(path, kind, request, timeout, memory_mb, None, pool)
    thumbnail = payload["thumbnail"]
    return Rendered(
        thumbnail=base64.b64decode(thumbnail) if thumbnail is not None else None,
        pages=tuple(base64.b64decode(page) for page in payload["pages"]),
    )


def _run_child(
    path: Path,
    kind: str,
    request: dict[str, Any],
    timeout: float,
    memory_mb: int,
    on_progress: ProgressCallback | None,
    pool: Pool | None,
) -> dict[str, Any]:
    """Run the child in a process group of its own and kill the whole group at the deadline.

    With a ``pool`` (and a memory limit a worker holding every parser can live with), a
    long-lived worker of the pool answers instead of a fresh child.

    Tesseract, antiword and catdoc are the child's subprocesses: they inherit its rlimits and
    its process group, so the wall-clock kill reaches them too. Progress comes back as lines
    "done total" on a pipe of its own, read while waiting for the answer.
    """
    request = {
        **request,
        "path": str(path.resolve()),
        "kind": kind,
        "memory_mb": memory_mb,
        "cpu_seconds": max(1, math.ceil(timeout)),
        # Stop starting OCR pages a little before the parent's deadline, so that a long scan
        # ends with the pages it read and a note instead of being killed.
        "ocr_seconds": max(0.0, timeout * OCR_SHARE - 1),
    }
    if pool is not None and memory_mb >= pool.min_memory_mb:
        return pool.ask(path, request, timeout, memory_mb, on_progress)
    progress_read, progress_write = os.pipe()
    request["progress_fd"] = progress_write
    try:
        process = subprocess.Popen(  # our own module, run by this interpreter
            [sys.executable, "-m", "kennisnet.extraction.child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=_PROJECT_ROOT,
            pass_fds=(progress_write,),
            start_new_session=True,
        )
    finally:
        os.close(progress_write)
    try:
        stdout, stderr = _communicate(
            process, json.dumps(request).encode(), progress_read, timeout, on_progress
        )
    except subprocess.TimeoutExpired:
        _kill_group(process)
        logger.warning("%s of %s timed out after %gs", request["mode"], path.name, timeout)
        raise ExtractionFailed("timeout", _msg_timeout(timeout)) from None
    finally:
        os.close(progress_read)
        if process.poll() is None:  # KeyboardInterrupt and the like: never leave it running
            _kill_group(process)
        else:
            _kill_group(process, reap=False)  # stray grandchildren, if any
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    return _outcome(path, process.returncode, stdout, stderr, timeout)


def _communicate(
    process: subprocess.Popen[bytes],
    request: bytes,
    progress_fd: int,
    timeout: float,
    on_progress: ProgressCallback | None,
) -> tuple[bytes, bytes]:
    """Like ``Popen.communicate`` with a timeout, also reading the progress pipe."""
    deadline = time.monotonic() + timeout
    assert process.stdin is not None and process.stdout is not None  # noqa: S101
    assert process.stderr is not None  # noqa: S101
    try:
        process.stdin.write(request)  # a few hundred bytes: fits the pipe's buffer
        process.stdin.close()
    except BrokenPipeError:
        pass  # the child died at once; its exit status tells why
    chunks: dict[int, list[bytes]] = {process.stdout.fileno(): [], process.stderr.fileno(): []}
    pending = b""
    with selectors.DefaultSelector() as selector:
        for fd in (*chunks, progress_fd):
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise subprocess.TimeoutExpired(process.args, timeout)
            for key, _ in selector.select(remaining):
                data = os.read(key.fd, 65536)
                if not data:
                    selector.unregister(key.fd)
                elif key.fd == progress_fd:
                    pending = _relay_progress(pending + data, on_progress)
                else:
                    chunks[key.fd].append(data)
                    if key.fd == process.stderr.fileno():
                        _keep_tail(chunks[key.fd])
    try:
        process.wait(max(0.01, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        raise subprocess.TimeoutExpired(process.args, timeout) from None
    return b"".join(chunks[process.stdout.fileno()]), b"".join(chunks[process.stderr.fileno()])


def _relay_progress(data: bytes, on_progress: ProgressCallback | None) -> bytes:
    *lines, rest = data.split(b"\n")
    for line in lines:
        try:
            done, total = (int(part) for part in line.split())
        except ValueError:
            continue
        if on_progress is not None:
            on_progress(done, total)
    return rest[-100:]


def _keep_tail(chunks: list[bytes]) -> None:
    """Keep only the end of what a chatty child says on stderr."""
    if sum(len(chunk) for chunk in chunks) > 4 * _STDERR_TAIL:
        joined = b"".join(chunks)[-_STDERR_TAIL:]
        chunks[:] = [joined]


def _kill_group(process: subprocess.Popen[bytes], *, reap: bool = True) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if reap:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(5)


def _outcome(
    path: Path, returncode: int, stdout: bytes, stderr: bytes, timeout: float
) -> dict[str, Any]:
    tail = stderr[-_STDERR_TAIL:].decode("utf-8", "replace")
    if tail:
        logger.debug("extraction child for %s said: %s", path.name, tail)
    if returncode == 0:
        try:
            payload = json.loads(stdout)
        except ValueError:
            logger.error("extraction child for %s sent no valid result: %s", path.name, tail)
            raise ExtractionFailed("crashed", MSG_CRASHED) from None
        if payload.get("ok"):
            return cast(dict[str, Any], payload)
        raise ExtractionFailed(payload["code"], payload["message"])
    if returncode == -signal.SIGXCPU:
        logger.warning("extraction of %s hit the CPU limit", path.name)
        raise ExtractionFailed("timeout", _msg_timeout(timeout))
    if "MemoryError" in tail:
        logger.warning("extraction of %s ran out of memory", path.name)
        raise ExtractionFailed("too_large", MSG_TOO_LARGE)
    logger.error("extraction child for %s ended with %s: %s", path.name, returncode, tail)
    raise ExtractionFailed("crashed", MSG_CRASHED)
