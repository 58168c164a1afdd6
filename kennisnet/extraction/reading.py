"""Extraction in this process: the format module for a kind, then the cleaning all share.

The isolated child runs this too, inside its limits; the web process never does.
"""

from __future__ import annotations

import importlib
import logging
import re
import warnings
from dataclasses import replace
from datetime import date
from pathlib import Path

from kennisnet.extraction.base import (
    FORMAT_MODULES,
    MSG_CORRUPT,
    MSG_TOO_COMPLEX,
    MSG_TOO_MUCH_MEMORY,
    MSG_UNREADABLE,
    MSG_UNSUPPORTED_KIND,
    OCR_KINDS,
    Extracted,
    ExtractionFailed,
    OcrRequest,
    ProgressCallback,
)
from kennisnet.extraction.text import clean_text, clean_title, clean_value

logger = logging.getLogger(__name__)

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_OLDEST_YEAR = 1900


def extract(
    path: Path,
    kind: str,
    *,
    max_pages: int | None = None,
    max_chars: int | None = None,
    ocr_max_pages: int = 50,
    on_progress: ProgressCallback | None = None,
    ocr_deadline: float | None = None,
) -> Extracted:
    """Read the text of ``path`` as ``kind`` in this process.

    Only for trusted or already-sniffed files in tests and tools: a hostile file can still
    use unbounded time or memory here. ``max_pages`` limits the PDF pages read (the page count
    stays the real one); ``max_chars`` truncates the text. Either sets ``meta["truncated"]``.
    ``ocr_max_pages`` limits the pages read with text recognition (PDF pages without text,
    pictures); the pages left out are named in ``notes``. It briefly swaps the process-wide
    warning filters (and, for ODT, ``sys.stdout``), so run one extraction per process at a
    time, as the task queue's worker does.
    """
    module_name = FORMAT_MODULES.get(kind)
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
            if kind in OCR_KINDS:
                ocr = OcrRequest(ocr_max_pages, on_progress, ocr_deadline)
                raw = module.extract(path, kind=kind, max_pages=max_pages, ocr=ocr)
            else:
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


def _finish(raw: Extracted, max_chars: int | None) -> Extracted:
    """Apply the cleaning every format shares, and the character limit."""
    text = clean_text(raw.text)
    meta: dict[str, str] = {}
    for key, value in raw.meta.items():
        cleaned = clean_value(value)
        if cleaned:
            meta[key] = cleaned
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars]
        meta["truncated"] = ",".join(filter(None, (meta.get("truncated"), "chars")))
    has_text = bool(text.strip())
    source = raw.text_source if raw.text_source == "ocr" else "text"
    return replace(
        raw,
        text=text,
        title=clean_title(raw.title),
        meta=meta,
        text_source=source if has_text else None,
        ocr_confidence=raw.ocr_confidence if has_text and source == "ocr" else None,
        notes=tuple(note for note in (clean_value(n) for n in raw.notes) if note),
        author=clean_value(raw.author or meta.get("author")),
        created=plausible_date(raw.created or meta.get("created")),
    )


def plausible_date(value: str | None, *, today: date | None = None) -> str | None:
    """The ISO date (YYYY-MM-DD) at the start of ``value``, if it is a real date between 1900
    and today; metadata dates in the future or far past are tool defaults, not facts."""
    match = _ISO_DATE.match(value.strip()) if value else None
    if match is None:
        return None
    try:
        moment = date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    if moment.year < _OLDEST_YEAR or moment > (today or date.today()):
        return None
    return moment.isoformat()
