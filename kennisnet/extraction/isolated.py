"""Extraction in a child process with CPU, memory and wall-clock limits.

Parsers of uploaded files are the easiest place for a hostile or broken file to hang a worker,
eat its memory or crash it (PDFium is C++). So the task queue runs every extraction in a
fresh interpreter (``python -m kennisnet.extraction.isolated``): the request goes in as JSON
on stdin, the result comes back as JSON on stdout. The child sets its own rlimits after its
imports, so the limits bound the parsing, not the interpreter's start-up.
"""

from __future__ import annotations

import importlib
import json
import logging
import math
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from kennisnet.extraction.base import (
    FORMAT_MODULES,
    KINDS,
    MSG_UNSUPPORTED_KIND,
    Extracted,
    ExtractionFailed,
)
from kennisnet.extraction.reading import extract

logger = logging.getLogger(__name__)

_PROJECT_ROOT = Path(__file__).resolve().parents[2]
_STDERR_TAIL = 2000

MSG_CRASHED = (
    "Het programma dat de tekst leest is onverwacht gestopt; "
    "het bestand is waarschijnlijk beschadigd."
)
MSG_TOO_LARGE = (
    "Het lezen van de tekst had te veel geheugen nodig en is afgebroken; "
    "het bestand is te groot of te ingewikkeld."
)


def _msg_timeout(seconds: float) -> str:
    return (
        f"Het lezen van de tekst duurde te lang (meer dan {seconds:g} seconden) en is "
        "afgebroken; het bestand is te groot of te ingewikkeld."
    )


def run(
    path: Path,
    kind: str,
    *,
    timeout: float,
    memory_mb: int,
    max_pages: int,
    max_chars: int,
) -> Extracted:
    """Parent side: start the child, enforce the wall clock, translate how it ended."""
    if kind not in KINDS:
        raise ExtractionFailed("unsupported", MSG_UNSUPPORTED_KIND)
    request = {
        "path": str(path.resolve()),
        "kind": kind,
        "max_pages": max_pages,
        "max_chars": max_chars,
        "memory_mb": memory_mb,
        "cpu_seconds": max(1, math.ceil(timeout)),
    }
    process = subprocess.Popen(  # our own module, run by this interpreter
        [sys.executable, "-m", "kennisnet.extraction.isolated"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=_PROJECT_ROOT,
    )
    try:
        stdout, stderr = process.communicate(json.dumps(request).encode(), timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        logger.warning("extraction of %s timed out after %gs", path.name, timeout)
        raise ExtractionFailed("timeout", _msg_timeout(timeout)) from None
    finally:
        if process.poll() is None:  # KeyboardInterrupt and the like: never leave it running
            process.kill()
            process.wait()
    return _outcome(path, process.returncode, stdout, stderr, timeout)


def _outcome(
    path: Path, returncode: int, stdout: bytes, stderr: bytes, timeout: float
) -> Extracted:
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
            return Extracted(
                text=payload["text"],
                pages=payload["pages"],
                title=payload["title"],
                meta=payload["meta"],
            )
        raise ExtractionFailed(payload["code"], payload["message"])
    if returncode == -signal.SIGXCPU:
        logger.warning("extraction of %s hit the CPU limit", path.name)
        raise ExtractionFailed("timeout", _msg_timeout(timeout))
    if "MemoryError" in tail:
        logger.warning("extraction of %s ran out of memory", path.name)
        raise ExtractionFailed("too_large", MSG_TOO_LARGE)
    logger.error("extraction child for %s ended with %s: %s", path.name, returncode, tail)
    raise ExtractionFailed("crashed", MSG_CRASHED)


def _limit_resources(memory_mb: int, cpu_seconds: int) -> None:
    import resource  # POSIX only, and only the child needs it

    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # SIGXCPU at the soft limit ends the child; the hard limit (SIGKILL) is a backstop.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 2))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Parsing never writes files; Python ignores SIGXFSZ, so a write just fails.
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def main() -> int:
    """Child side: read the request, limit ourselves, extract, write one JSON object."""
    # Anything a library prints must not corrupt the result: fd 1 becomes stderr and the
    # result goes to a private duplicate of the original stdout.
    result_fd = os.dup(1)
    os.dup2(2, 1)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # one line per broken object
    request = json.loads(sys.stdin.buffer.read())
    importlib.import_module(FORMAT_MODULES[request["kind"]])  # import before limiting memory
    _limit_resources(request["memory_mb"], request["cpu_seconds"])
    payload: dict[str, Any]
    try:
        extracted = extract(
            Path(request["path"]),
            request["kind"],
            max_pages=request["max_pages"],
            max_chars=request["max_chars"],
        )
    except ExtractionFailed as exc:
        payload = {"ok": False, "code": exc.code, "message": exc.message}
    else:
        payload = {
            "ok": True,
            "text": extracted.text,
            "pages": extracted.pages,
            "title": extracted.title,
            "meta": dict(extracted.meta),
        }
    with os.fdopen(result_fd, "w", encoding="utf-8") as result:
        json.dump(payload, result, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
