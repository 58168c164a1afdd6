"""Text extraction and previews: the only place that opens uploaded documents with a parser.

Everything a caller needs is here: :func:`detect_kind` / :func:`detect_kind_path` decide what
an upload is from its content, :func:`extract` reads it in-process and
:func:`extract_isolated` reads it in a resource-limited child process (what the task queue
should use for untrusted files); :func:`render` / :func:`render_isolated` draw a thumbnail and
page images the same two ways. Every failure is an :class:`ExtractionFailed` with a Dutch
message a volunteer can act on; no library exception escapes.

The format modules are imported on first use, so importing this package (as the web process
does to sniff uploads) does not load pypdf, pypdfium2, Pillow, python-docx or odfpy. The shared
types are in ``base``, in-process reading in ``reading``, text recognition in ``ocr``, previews
in ``previews``, the child process in ``isolated``.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from kennisnet.extraction import isolated, pool
from kennisnet.extraction.base import (
    IMAGE_KINDS,
    KINDS,
    MEDIA_TYPES,
    RENDER_MEDIA_TYPE,
    Extracted,
    ExtractionFailed,
    ProgressCallback,
    Rendered,
)
from kennisnet.extraction.reading import extract
from kennisnet.extraction.sniff import detect_kind, detect_kind_path

__all__ = [
    "IMAGE_KINDS",
    "KINDS",
    "MEDIA_TYPES",
    "RENDER_MEDIA_TYPE",
    "Extracted",
    "ExtractionFailed",
    "Rendered",
    "detect_kind",
    "detect_kind_path",
    "extract",
    "extract_isolated",
    "render",
    "render_isolated",
]


def extract_isolated(
    path: Path,
    kind: str,
    *,
    timeout: float = 120,
    memory_mb: int = 1024,
    max_pages: int = 2000,
    max_chars: int = 5_000_000,
    ocr_max_pages: int = 50,
    on_progress: ProgressCallback | None = None,
    analyser: str | None = None,
) -> Extracted:
    """Like :func:`extract`, but in a child process with CPU, memory and wall-clock limits:
    a long-lived worker of ``pool.POOL``, or a fresh child for a memory limit under 512 MB.

    A child that is killed, times out or runs out of memory gives ``ExtractionFailed`` with
    code "timeout", "too_large" or "crashed". Text recognition (scanned PDF pages, pictures)
    runs in the child under the same limits, for at most ``ocr_max_pages`` pages; the pages
    left out are named in ``notes``. ``on_progress(done, total)`` is called in this process
    after each recognised page (and once with ``done == 0`` before the first). ``analyser``
    names a ``module:function`` the child runs on the text; its JSON-able result comes back
    as ``Extracted.analysis``.
    """
    return isolated.run(
        Path(path),
        kind,
        timeout=timeout,
        memory_mb=memory_mb,
        max_pages=max_pages,
        max_chars=max_chars,
        ocr_max_pages=ocr_max_pages,
        on_progress=on_progress,
        pool=pool.POOL,
        analyser=analyser,
    )


def render(
    path: Path,
    kind: str,
    *,
    max_pages: int = 50,
    thumb_width: int = 320,
    page_width: int = 1240,
) -> Rendered:
    """A thumbnail and page images in this process (tests, tools); see :func:`render_isolated`."""
    # Imported on first use: pypdfium2 and Pillow are not for the web process.
    previews = importlib.import_module("kennisnet.extraction.previews")
    result: Rendered = previews.render(
        Path(path), kind, max_pages=max_pages, thumb_width=thumb_width, page_width=page_width
    )
    return result


def render_isolated(
    path: Path,
    kind: str,
    *,
    max_pages: int = 50,
    thumb_width: int = 320,
    page_width: int = 1240,
    timeout: float = 120,
    memory_mb: int = 1024,
) -> Rendered:
    """Previews of a PDF (thumbnail of page 1, up to ``max_pages`` page images ``page_width``
    wide) or a picture (thumbnail and one larger preview, without any metadata), drawn in a
    child process with the limits and failures of :func:`extract_isolated`. Other kinds give
    ``Rendered(None, ())``. Every image is :data:`RENDER_MEDIA_TYPE`."""
    return isolated.run_render(
        Path(path),
        kind,
        max_pages=max_pages,
        thumb_width=thumb_width,
        page_width=page_width,
        timeout=timeout,
        memory_mb=memory_mb,
        pool=pool.POOL,
    )
