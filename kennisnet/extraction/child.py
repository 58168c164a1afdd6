"""The child side of isolated extraction: limits itself, then reads files (one, or many).

``python -m kennisnet.extraction.child`` reads one request as JSON on stdin and answers with one
JSON object. With ``--serve PROGRESS_FD MEMORY_MB`` it is a long-lived pool worker: it imports
every parser once, limits its memory, then answers one JSON line per request line, each request
under a CPU budget of its own. The parent side is ``isolated`` (one child per file) and ``pool``.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from kennisnet.extraction.base import (
    FORMAT_MODULES,
    OCR_KINDS,
    ExtractionFailed,
    ProgressCallback,
)
from kennisnet.extraction.isolated import MSG_TOO_LARGE
from kennisnet.extraction.reading import extract


def _limit_resources(memory_mb: int, cpu_seconds: int) -> None:
    import resource  # POSIX only, and only the child needs it

    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # SIGXCPU at the soft limit ends the child; the hard limit (SIGKILL) is a backstop.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 2))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Parsing never writes files; Python ignores SIGXFSZ, so a write just fails. Tesseract,
    # antiword and catdoc inherit all four limits and talk through pipes only.
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def serve(progress_fd: int, memory_mb: int, preload: tuple[str, ...] = ()) -> int:
    """A pool worker: every parser imported once, then one answer line per request line.

    The memory, core-dump and file-write limits hold for the worker's whole life; each request
    gets a CPU budget of its own on top of what the worker has used so far. The parent kills
    the worker at a request's wall-clock deadline and replaces it after a crash, a kill, a
    failure that may have left it in a bad state, or a set number of files.
    """
    import resource  # POSIX only, and only the child needs it

    result_fd = os.dup(1)
    os.dup2(2, 1)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    for module in sorted(set(FORMAT_MODULES.values())):
        importlib.import_module(module)
    importlib.import_module("kennisnet.extraction.previews")
    importlib.import_module("kennisnet.extraction.ocr").languages()
    for analyser in preload:
        _analyser(analyser)("warm")  # its imports and tables, while files may be read
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    progress = os.fdopen(progress_fd, "w", buffering=1, encoding="ascii")
    answers = os.fdopen(result_fd, "w", buffering=1, encoding="utf-8")

    def report(done: int, total: int) -> None:
        with contextlib.suppress(OSError):
            progress.write(f"{done} {total}\n")

    answers.write('{"ready": true}\n')
    for line in sys.stdin:
        request = json.loads(line)
        started = time.monotonic()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        budget = int(usage.ru_utime + usage.ru_stime) + 1 + request["cpu_seconds"]
        # SIGXCPU at this soft limit ends the worker like a one-off child; the hard limit
        # stays open, since the budget moves up with every request.
        resource.setrlimit(resource.RLIMIT_CPU, (budget, resource.RLIM_INFINITY))
        answer = _answer(request, report, started)
        answer["resident_mb"] = _resident_mb()
        answers.write(json.dumps(answer, ensure_ascii=False) + "\n")
    return 0


def _resident_mb() -> int:
    """The memory this worker holds now. Not ``ru_maxrss``: Linux carries the peak of the
    process it was forked from across the exec, so a worker of a large parent would seem
    large from its first file."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)


def _answer(request: dict[str, Any], report: ProgressCallback, started: float) -> dict[str, Any]:
    try:
        if request["mode"] == "render":
            return _render(request)
        return _extract(request, report, started + request["ocr_seconds"])
    except ExtractionFailed as exc:
        return {"ok": False, "code": exc.code, "message": exc.message}


def main() -> int:
    """Child side: read the request, limit ourselves, do the work, write one JSON object."""
    if sys.argv[1:2] == ["--serve"]:
        return serve(int(sys.argv[2]), int(sys.argv[3]), tuple(sys.argv[4:]))
    # Anything a library prints must not corrupt the result: fd 1 becomes stderr and the
    # result goes to a private duplicate of the original stdout.
    result_fd = os.dup(1)
    os.dup2(2, 1)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # one line per broken object
    started = time.monotonic()
    request = json.loads(sys.stdin.buffer.read())
    kind = request["kind"]
    progress = os.fdopen(request["progress_fd"], "w", buffering=1, encoding="ascii")
    # Import before limiting memory; ask Tesseract for its languages while files may be read.
    if request["mode"] == "render":
        importlib.import_module("kennisnet.extraction.previews")
    else:
        importlib.import_module(FORMAT_MODULES[kind])
        if kind in OCR_KINDS:
            importlib.import_module("kennisnet.extraction.ocr").languages()
    _limit_resources(request["memory_mb"], request["cpu_seconds"])

    def report(done: int, total: int) -> None:
        with contextlib.suppress(OSError):
            progress.write(f"{done} {total}\n")

    payload = _answer(request, report, started)
    with contextlib.suppress(OSError):
        progress.close()
    with os.fdopen(result_fd, "w", encoding="utf-8") as result:
        json.dump(payload, result, ensure_ascii=False)
    return 0


def _extract(request: dict[str, Any], report: ProgressCallback, deadline: float) -> dict[str, Any]:
    extracted = extract(
        Path(request["path"]),
        request["kind"],
        max_pages=request["max_pages"],
        max_chars=request["max_chars"],
        ocr_max_pages=request["ocr_max_pages"],
        on_progress=report,
        ocr_deadline=deadline,
    )
    analyser = request.get("analyser")
    return {
        "ok": True,
        "analysis": _analyser(analyser)(extracted.text) if analyser else None,
        "text": extracted.text,
        "pages": extracted.pages,
        "title": extracted.title,
        "meta": dict(extracted.meta),
        "text_source": extracted.text_source,
        "ocr_confidence": extracted.ocr_confidence,
        "notes": list(extracted.notes),
        "author": extracted.author,
        "created": extracted.created,
    }


def _analyser(name: str) -> Callable[[str], Any]:
    """The caller's ``module:function`` to run on the text read (the search index's analysis,
    so it runs on every core); named, so extraction does not depend on search."""
    module, _, function = name.partition(":")
    return cast(Callable[[str], Any], getattr(importlib.import_module(module), function))


def _render(request: dict[str, Any]) -> dict[str, Any]:
    render = importlib.import_module("kennisnet.extraction.previews").render
    try:
        rendered = render(
            Path(request["path"]),
            request["kind"],
            max_pages=request["max_pages"],
            thumb_width=request["thumb_width"],
            page_width=request["page_width"],
        )
    except MemoryError:
        raise ExtractionFailed("too_large", MSG_TOO_LARGE) from None
    thumbnail = rendered.thumbnail
    return {
        "ok": True,
        "thumbnail": base64.b64encode(thumbnail).decode() if thumbnail is not None else None,
        "pages": [base64.b64encode(page).decode() for page in rendered.pages],
    }


if __name__ == "__main__":
    sys.exit(main())
