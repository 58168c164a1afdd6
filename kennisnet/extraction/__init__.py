"""Text extraction: the only place that opens uploaded documents with a parsing library.

Everything a caller needs is here: :func:`detect_kind` / :func:`detect_kind_path` decide what
an upload is from its content, :func:`extract` reads it in-process and
:func:`extract_isolated` reads it in a resource-limited child process (what the task queue
should use for untrusted files). Every failure is an :class:`ExtractionFailed` with a Dutch
message a volunteer can act on; no library exception escapes.

The format modules are imported on first use, so importing this package (as the web process
does to sniff uploads) does not load pypdf, pypdfium2, python-docx or odfpy. The shared types
are in ``base``, in-process reading in ``reading``, the child process in ``isolated``.
"""

from __future__ import annotations

from pathlib import Path

from kennisnet.extraction import isolated
from kennisnet.extraction.base import KINDS, MEDIA_TYPES, Extracted, ExtractionFailed
from kennisnet.extraction.reading import extract
from kennisnet.extraction.sniff import detect_kind, detect_kind_path

__all__ = [
    "KINDS",
    "MEDIA_TYPES",
    "Extracted",
    "ExtractionFailed",
    "detect_kind",
    "detect_kind_path",
    "extract",
    "extract_isolated",
]


def extract_isolated(
    path: Path,
    kind: str,
    *,
    timeout: float = 120,
    memory_mb: int = 1024,
    max_pages: int = 2000,
    max_chars: int = 5_000_000,
) -> Extracted:
    """Like :func:`extract`, but in a child process with CPU, memory and wall-clock limits.

    A child that is killed, times out or runs out of memory gives ``ExtractionFailed`` with
    code "timeout", "too_large" or "crashed".
    """
    return isolated.run(
        Path(path),
        kind,
        timeout=timeout,
        memory_mb=memory_mb,
        max_pages=max_pages,
        max_chars=max_chars,
    )
