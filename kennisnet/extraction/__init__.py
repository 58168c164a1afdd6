"""Text extraction: the only place that opens uploaded documents with a parsing library.

Everything a caller needs is here: :func:`detect_kind` / :func:`detect_kind_path` decide what
an upload is from its content, :func:`extract` reads it in-process and
:func:`extract_isolated` reads it in a resource-limited child process (what the task queue
should use for untrusted files). Every failure is an :class:`ExtractionFailed` with a Dutch
message a volunteer can act on; no library exception escapes.

The format modules are imported on first use, so importing this package (as the web process
does to sniff uploads) does not load pypdf, pypdfium2, python-docx or odfpy.
"""

from __future__ import annotations

import importlib
import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

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

logger = logging.getLogger(__name__)

MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "text": "text/plain",
    "markdown": "text/markdown",
}

KINDS = frozenset(MEDIA_TYPES)

# kind -> module holding ``extract(path, *, max_pages) -> Extracted`` (raw, not yet cleaned)
_MODULES = {
    "pdf": "kennisnet.extraction.pdf",
    "docx": "kennisnet.extraction.docx",
    "odt": "kennisnet.extraction.odt",
    "text": "kennisnet.extraction.text",
    "markdown": "kennisnet.extraction.text",
}


@dataclass(frozen=True)
class Extracted:
    """The text of a document; ``text == ""`` is a success with no text (scans, images)."""

    text: str
    pages: int | None = None
    title: str | None = None
    meta: Mapping[str, str] = field(default_factory=dict)


class ExtractionFailed(Exception):
    """A document whose text cannot be read; ``message`` is Dutch and shown to volunteers.

    Codes: "encrypted", "corrupt", "unsupported", "too_large", "timeout", "crashed",
    "unreadable" (the stored file itself could not be opened).
    """

    def __init__(self, code: str, message: str) -> None:
        # Both go to Exception.args so the exception survives pickling (task queues).
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


MSG_CORRUPT = "Dit bestand is beschadigd of onleesbaar; de tekst kan niet worden gelezen."
MSG_UNSUPPORTED_KIND = (
    "Dit bestandstype wordt niet ondersteund. Upload een PDF, Word-document (.docx), "
    "OpenDocument-tekst (.odt), tekstbestand (.txt) of Markdown-bestand (.md)."
)
MSG_UNREADABLE = "Het opgeslagen bestand kon niet worden geopend; probeer het opnieuw te uploaden."
MSG_TOO_MUCH_MEMORY = (
    "Het lezen van de tekst had te veel geheugen nodig en is afgebroken; "
    "het bestand is te groot of te ingewikkeld."
)
MSG_TOO_COMPLEX = "Dit bestand is te diep genest of beschadigd; de tekst kan niet worden gelezen."


def extract(
    path: Path,
    kind: str,
    *,
    max_pages: int | None = None,
    max_chars: int | None = None,
) -> Extracted:
    """Read the text of ``path`` as ``kind`` in this process.

    Only for trusted or already-sniffed files in tests and tools: a hostile file can still
    use unbounded time or memory here. ``max_pages`` limits the PDF pages read (the page count
    stays the real one); ``max_chars`` truncates the text. Either sets ``meta["truncated"]``.
    It briefly swaps the process-wide warning filters (and, for ODT, ``sys.stdout``), so run
    one extraction per process at a time, as the task queue's worker does.
    """
    module_name = _MODULES.get(kind)
    if module_name is None:
        raise ExtractionFailed("unsupported", MSG_UNSUPPORTED_KIND)
    path = Path(path)
    if not path.is_file():
        raise ExtractionFailed("unreadable", MSG_UNREADABLE)
    # Outside the try: a missing library is a deployment error, not a broken file.
    module = importlib.import_module(module_name)
    try:
        # Parsers warn about broken files; with warnings as errors (tests, strict deployments)
        # a warning would abort a parse that can succeed, so record them here and log them.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            raw = module.extract(path, kind=kind, max_pages=max_pages)
        for warning in caught[:5]:
            logger.debug("warning while extracting %s: %s", path.name, warning.message)
        return _finish(raw, max_chars)
    except ExtractionFailed:
        raise
    except MemoryError:
        raise ExtractionFailed("too_large", MSG_TOO_MUCH_MEMORY) from None
    except RecursionError:
        raise ExtractionFailed("corrupt", MSG_TOO_COMPLEX) from None
    except OSError as exc:
        logger.warning("cannot open %s: %s", path, exc)
        raise ExtractionFailed("unreadable", MSG_UNREADABLE) from exc
    except Exception as exc:
        # Parsers raise KeyError, ValueError, BadZipFile, UnicodeDecodeError, ... on broken
        # input (see the team field notes, "Extraction"): all mean "this file cannot be read".
        logger.warning("extracting %s as %s failed: %r", path.name, kind, exc)
        raise ExtractionFailed("corrupt", MSG_CORRUPT) from exc


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
    from kennisnet.extraction import isolated  # lazy: keeps the package import light

    return isolated.run(
        Path(path),
        kind,
        timeout=timeout,
        memory_mb=memory_mb,
        max_pages=max_pages,
        max_chars=max_chars,
    )


def _finish(raw: Extracted, max_chars: int | None) -> Extracted:
    """Apply the cleaning every format shares, and the character limit."""
    from kennisnet.extraction.text import clean_text, clean_title, clean_value

    text = clean_text(raw.text)
    meta: dict[str, str] = {}
    for key, value in raw.meta.items():
        cleaned = clean_value(value)
        if cleaned:
            meta[key] = cleaned
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars]
        meta["truncated"] = ",".join(filter(None, (meta.get("truncated"), "chars")))
    return replace(raw, text=text, title=clean_title(raw.title), meta=meta)
