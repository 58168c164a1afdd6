"""Text recognition with Tesseract, one page at a time, through pipes.

Tesseract reads the page image on stdin and writes TSV (words with their confidence) on
stdout, so no temporary file is written: the isolated child keeps its "no file writes" limit,
and Tesseract, as its subprocess, inherits its memory and CPU limits and its process group
(the parent kills the whole group at the wall-clock timeout). ``OMP_THREAD_LIMIT=1``: with
OpenMP on two cores Tesseract 5.3 took 8.5 s for a page it reads in 1.9 s single-threaded.

The format modules (PDF, pictures) decide which pages need recognition and how to draw them;
:func:`recognise_pages` applies the page limit, the deadline and the progress callback, and
names every page it leaves out in a Dutch note.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

from PIL import Image

from kennisnet.extraction.base import N_, OcrRequest

logger = logging.getLogger(__name__)

LANGUAGES = ("nld", "eng")
OCR_DPI = 300
MAX_OCR_PIXELS = 40_000_000
"""Pages are drawn no larger than this (A3 at 300 dpi is 17.5 million pixels)."""
_PAGE_TIMEOUT = 300.0  # seconds; the parent's wall clock is the real bound

REASON_LIMIT = N_("maximaal %(limit)s pagina's")
REASON_LIMIT_ONE = N_("maximaal 1 pagina")
REASON_TIME = N_("de tijd voor het lezen van dit bestand was op")
REASON_UNAVAILABLE = N_("tekstherkenning is op deze server niet beschikbaar")
REASON_FAILED = N_("de pagina kon niet worden verwerkt")


@dataclass(frozen=True)
class PageText:
    text: str
    confidences: tuple[float, ...]


@dataclass
class OcrOutcome:
    """Recognised text per page index (0-based), mean confidence, notes for the member."""

    texts: dict[int, str] = field(default_factory=dict)
    confidence: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def found_text(self) -> bool:
        return any(text.strip() for text in self.texts.values())


class OcrError(Exception):
    """Tesseract could not read one page."""


@cache
def languages() -> str | None:
    """The "+"-joined Tesseract languages to use, or None when Tesseract is missing."""
    binary = shutil.which("tesseract")
    if binary is None:
        return None
    try:
        listing = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            [binary, "--list-langs"], capture_output=True, timeout=30, check=False
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return None
    installed = {line.strip() for line in listing.splitlines()[1:]}
    wanted = [language for language in LANGUAGES if language in installed]
    return "+".join(wanted) or None


def available() -> bool:
    return languages() is not None


def recognise(
    image: Image.Image, *, dpi: int | None = None, timeout: float = _PAGE_TIMEOUT
) -> PageText:
    """Words of one page image, as lines and paragraphs, with their confidences."""
    langs = languages()
    binary = shutil.which("tesseract")
    if langs is None or binary is None:
        raise OcrError("tesseract is not installed")
    buffer = io.BytesIO()
    image.convert("L").save(buffer, "PPM")  # PGM: the cheapest format for Leptonica to read
    command = [binary, "stdin", "stdout", "-l", langs, "--psm", "3"]
    if dpi:
        command += ["--dpi", str(dpi)]
    command.append("tsv")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        # A fixed argument list, no shell; only the image comes from the upload (on stdin).
        done = subprocess.run(  # noqa: S603
            command,
            input=buffer.getvalue(),
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrError("tesseract timed out") from exc
    if done.returncode != 0:
        tail = done.stderr[-500:].decode("utf-8", "replace")
        raise OcrError(f"tesseract ended with {done.returncode}: {tail}")
    return parse_tsv(done.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> PageText:
    """Tesseract's TSV as text: a line per line, a blank line between paragraphs."""
    paragraphs: dict[tuple[str, str], dict[str, list[str]]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        _level, _page, block, paragraph, line = cells[:5]
        paragraphs.setdefault((block, paragraph), {}).setdefault(line, []).append(cells[11])
        try:
            confidence = float(cells[10])
        except ValueError:
            continue
        if confidence >= 0:
            confidences.append(confidence)
    text = "\n\n".join(
        "\n".join(" ".join(words) for words in lines.values()) for lines in paragraphs.values()
    )
    return PageText(text, tuple(confidences))


def recognise_pages(
    pages: Sequence[int],
    draw: Callable[[int], Image.Image],
    request: OcrRequest,
    *,
    dpi: int | None = None,
) -> OcrOutcome:
    """Recognise ``pages`` (0-based indices) drawn by ``draw``, within the request's limits.

    Pages beyond ``request.max_pages``, pages left when the deadline comes near, and pages
    Tesseract fails on are named in the outcome's notes, never dropped silently.
    """
    outcome = OcrOutcome()
    if not pages:
        return outcome
    todo = list(pages[: max(0, request.max_pages)])
    beyond = list(pages[len(todo) :])
    if not available():
        outcome.notes.append(pages_note(list(pages), REASON_UNAVAILABLE))
        return outcome
    if beyond:
        reason = REASON_LIMIT_ONE if request.max_pages == 1 else REASON_LIMIT
        outcome.notes.append(pages_note(beyond, reason % {"limit": request.max_pages}))
    confidences: list[float] = []
    failed: list[int] = []
    _report(request, 0, len(todo))
    slowest = 0.0
    for done, index in enumerate(todo):
        if request.deadline is not None and time.monotonic() + slowest > request.deadline:
            outcome.notes.insert(0, pages_note(todo[done:], REASON_TIME))
            break
        started = time.monotonic()
        try:
            timeout = _PAGE_TIMEOUT
            if request.deadline is not None:
                timeout = max(1.0, request.deadline - started)
            page = recognise(draw(index), dpi=dpi, timeout=timeout)
        except OcrError as exc:
            logger.warning("text recognition failed on page %d: %s", index + 1, exc)
            failed.append(index)
        else:
            outcome.texts[index] = page.text
            confidences.extend(page.confidences)
        slowest = max(slowest, time.monotonic() - started)
        _report(request, done + 1, len(todo))
    if failed:
        outcome.notes.append(pages_note(failed, REASON_FAILED))
    if confidences:
        outcome.confidence = round(sum(confidences) / len(confidences), 1)
    return outcome


def _report(request: OcrRequest, done: int, total: int) -> None:
    if request.on_progress is not None:
        request.on_progress(done, total)


def pages_note(pages: Sequence[int], reason: str) -> str:
    """ "Pagina 51 tot en met 80 zijn niet met tekstherkenning gelezen (maximaal 50 pagina's)."

    ``pages`` are 0-based indices; the note names them 1-based, contiguous runs as ranges.
    """
    numbers = sorted({index + 1 for index in pages})
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    parts = [str(a) if a == b else f"{a} tot en met {b}" for a, b in runs]
    if len(parts) == 1 and len(numbers) == 1:
        return N_("Pagina %(pages)s is niet met tekstherkenning gelezen (%(reason)s).") % {
            "pages": parts[0],
            "reason": reason,
        }
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]
    if len(parts) == 1:
        message = N_("Pagina %(pages)s zijn niet met tekstherkenning gelezen (%(reason)s).")
    else:
        message = N_("Pagina's %(pages)s zijn niet met tekstherkenning gelezen (%(reason)s).")
    return message % {"pages": listed, "reason": reason}


def fit_scale(width: float, height: float, scale: float, max_pixels: int) -> float:
    """``scale``, reduced so that a ``width`` x ``height`` page stays within ``max_pixels``."""
    area = max(width, 1.0) * max(height, 1.0) * scale * scale
    if area <= max_pixels:
        return scale
    return scale * (max_pixels / area) ** 0.5 * 0.995  # renderers round sizes up
