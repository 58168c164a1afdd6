"""PDF text: pypdfium2 first, pypdf when PDFium cannot parse the file.

PDFium (Chrome's PDF engine, in C) reads 1,200-1,300 pages a second here, pypdf (pure Python)
50-270. Each reads some files the other rejects (broken xref tables, JBIG2 content, AES without
the ``cryptography`` package), so using both leaves few readable files unread. Encrypted files
are opened with the empty password, which is all that "owner password only" files need.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image
from pypdf.errors import FileNotDecryptedError

from kennisnet.extraction import ocr as recognition
from kennisnet.extraction.base import N_, Extracted, ExtractionFailed, OcrRequest

logger = logging.getLogger(__name__)

MSG_ENCRYPTED = N_(
    "Dit PDF-bestand is beveiligd met een wachtwoord; de tekst kan niet worden gelezen. "
    "Sla het bestand op zonder wachtwoord en upload het opnieuw."
)
MSG_CORRUPT = N_("Dit PDF-bestand is beschadigd of onvolledig; de tekst kan niet worden gelezen.")

_PAGE_SEPARATOR = "\n\n"

# PDFium drops the line break and marks the hyphen with U+FFFE: "samen\ufffewerking".
_PDFIUM_HYPHEN = re.compile(r"(?<=[^\W\d_])\ufffe\n?(?=([^\W\d_]))")
# Dot leaders in tables of contents: "Inleiding ........ 4" or ". . . . .".
_DOT_LEADER = re.compile(r"[ \t]*(?:(?:[.\u00b7][ \t]?){4,}|(?:\u2026[ \t]?){2,})[ \t]*")
_PDF_DATE = re.compile(
    r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
    r"(?:([Zz+-])(?:(\d{2})'?(\d{2})?'?)?)?"
)
_METADATA_KEYS = {
    "author": "/Author",
    "subject": "/Subject",
    "keywords": "/Keywords",
    "creator": "/Creator",
    "producer": "/Producer",
    "created": "/CreationDate",
    "modified": "/ModDate",
}


def extract(
    path: Path, *, kind: str = "pdf", max_pages: int | None = None, ocr: OcrRequest | None = None
) -> Extracted:
    """Read up to ``max_pages`` pages; ``pages`` is always the document's real page count.

    With ``ocr``, pages whose text layer is empty (scans, or the scanned pages of a mixed
    document) are drawn with PDFium and read by Tesseract, within ``ocr.max_pages``.
    """
    del kind
    read = _read(path, max_pages)
    notes: list[str] = []
    confidence = None
    ocr_found = False
    if read.limit < read.page_count:
        notes.append(
            N_("Alleen de eerste %(read)s van de %(total)s pagina's zijn gelezen.")
            % {"read": read.limit, "total": read.page_count}
        )
    empty = [index for index, text in enumerate(read.texts) if not text.strip()]
    if ocr is not None and empty:
        outcome = _recognise(path, empty, ocr)
        for index, text in outcome.texts.items():
            read.texts[index] = text
        notes.extend(outcome.notes)
        confidence = outcome.confidence
        ocr_found = outcome.found_text
    result = _result(read.texts, read.page_count, read.limit, read.info)
    return replace(
        result,
        text_source="ocr" if ocr_found else None,
        ocr_confidence=confidence if ocr_found else None,
        notes=tuple(notes),
    )


@dataclass
class _Read:
    texts: list[str]
    page_count: int
    limit: int
    info: Mapping[str, object]


def _read(path: Path, max_pages: int | None) -> _Read:
    locked = False
    try:
        return _extract_with_pdfium(path, max_pages)
    except ExtractionFailed as exc:
        if exc.code != "encrypted":
            raise
        # PDFium cannot open some AES-256 files whose user password is empty; pypdf can.
        locked = True
    except (MemoryError, OSError):
        raise
    except Exception as exc:
        # PdfiumError (a broken file PDFium gives up on), and whatever else its binding
        # raises: pypdf may still read the file.
        logger.info("pypdfium2 cannot read %s (%r); trying pypdf", path.name, exc)
    try:
        return _extract_with_pypdf(path, max_pages)
    except (ExtractionFailed, MemoryError):
        raise
    except Exception as exc:
        # RecursionError (looping XObjects), PdfReadError, DependencyError, KeyError ...
        logger.info("pypdf cannot read %s either (%r)", path.name, exc)
        if locked:
            raise ExtractionFailed("encrypted", MSG_ENCRYPTED) from exc
        raise ExtractionFailed("corrupt", MSG_CORRUPT) from exc


def _recognise(path: Path, pages: list[int], request: OcrRequest) -> recognition.OcrOutcome:
    """Tesseract over the given pages, drawn by PDFium at 300 dpi (less for giant pages)."""
    try:
        document = pdfium.PdfDocument(str(path), password="")
    except pdfium.PdfiumError as exc:
        logger.info("PDFium cannot open %s for text recognition: %r", path.name, exc)
        outcome = recognition.OcrOutcome()
        outcome.notes.append(recognition.pages_note(pages, recognition.REASON_FAILED))
        return outcome

    def draw(index: int) -> Image.Image:
        page = document[index]
        try:
            width, height = page.get_size()
            scale = recognition.fit_scale(
                width, height, recognition.OCR_DPI / 72, recognition.MAX_OCR_PIXELS
            )
            bitmap = page.render(scale=scale, grayscale=True)
            try:
                return bitmap.to_pil().copy()
            finally:
                bitmap.close()
        finally:
            page.close()

    try:
        return recognition.recognise_pages(pages, draw, request, dpi=recognition.OCR_DPI)
    finally:
        document.close()


def tidy_pdf_text(text: str) -> str:
    """Undo layout artefacts: PDFium's hyphen marks and dot leaders.

    Words hyphenated at a line end stay as printed; the index joins them (``to_indexed``).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _PDFIUM_HYPHEN.sub(lambda m: "" if m.group(1).islower() else "-", text)
    return collapse_dot_leaders(text)


def collapse_dot_leaders(text: str) -> str:
    """Replace a run of four or more leader dots by one space."""
    return _DOT_LEADER.sub(" ", text)


def _extract_with_pypdf(path: Path, max_pages: int | None) -> _Read:
    reader = pypdf.PdfReader(path, strict=False)
    if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
        raise ExtractionFailed("encrypted", MSG_ENCRYPTED)
    try:
        page_count = len(reader.pages)
        limit = page_count if max_pages is None else min(page_count, max_pages)
        texts = [reader.pages[index].extract_text() or "" for index in range(limit)]
    except FileNotDecryptedError:
        raise ExtractionFailed("encrypted", MSG_ENCRYPTED) from None
    try:
        info: Mapping[str, object] = reader.metadata or {}
    except Exception as exc:  # a broken /Info dictionary must not cost us the text
        logger.info("unreadable PDF metadata in %s: %r", path.name, exc)
        info = {}
    return _Read(texts, page_count, limit, info)


def _extract_with_pdfium(path: Path, max_pages: int | None) -> _Read:
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_raw.FPDF_ERR_PASSWORD, pdfium_raw.FPDF_ERR_SECURITY):
            raise ExtractionFailed("encrypted", MSG_ENCRYPTED) from None
        raise
    try:
        page_count = len(document)
        limit = page_count if max_pages is None else min(page_count, max_pages)
        texts = [_pdfium_page_text(document, index) for index in range(limit)]
        info = {f"/{key}": value for key, value in document.get_metadata_dict().items()}
    finally:
        document.close()
    return _Read(texts, page_count, limit, info)


def _pdfium_page_text(document: pdfium.PdfDocument, index: int) -> str:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            return textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()


def _result(texts: list[str], page_count: int, limit: int, info: Mapping[str, object]) -> Extracted:
    meta = {}
    for name, key in _METADATA_KEYS.items():
        value = _string(info.get(key))
        if value and name in ("created", "modified"):
            value = _iso_date(value)
        if value:
            meta[name] = value
    if limit < page_count:
        meta["truncated"] = "pages"
    text = _PAGE_SEPARATOR.join(tidy_pdf_text(text) for text in texts)
    return Extracted(text=text, pages=page_count, title=_string(info.get("/Title")), meta=meta)


def _string(value: object) -> str | None:
    """Metadata values may be indirect objects, byte strings or garbage; keep real strings."""
    if hasattr(value, "get_object"):
        try:
            value = value.get_object()
        except Exception:
            return None
    return value if isinstance(value, str) else None


def _iso_date(value: str) -> str | None:
    """ISO 8601 from a PDF date ("D:20200928143000+02'00'"), None when it makes no sense."""
    match = _PDF_DATE.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, sign, tz_hour, tz_minute = match.groups()
    try:
        moment = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=_zone(sign, tz_hour, tz_minute),
        )
    except ValueError:
        return None
    return moment.isoformat()


def _zone(sign: str | None, hours: str | None, minutes: str | None) -> timezone | None:
    if sign in ("Z", "z"):
        return UTC
    if sign is None or hours is None:
        return None
    offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if offset >= timedelta(hours=24):
        return None
    return timezone(-offset if sign == "-" else offset)
