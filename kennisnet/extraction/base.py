"""What every extraction module shares: the result, the failure, the kinds and their modules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "text": "text/plain",
    "markdown": "text/markdown",
    "doc": "application/msword",
    "rtf": "application/rtf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "tiff": "image/tiff",
    "webp": "image/webp",
}

KINDS = frozenset(MEDIA_TYPES)
IMAGE_KINDS = frozenset({"jpeg", "png", "tiff", "webp"})
"""Pictures: read with OCR, previewed with Pillow."""
OCR_KINDS = frozenset({"pdf"}) | IMAGE_KINDS
"""Kinds whose text may come from text recognition."""

# kind -> module holding ``extract(path, *, kind, max_pages[, ocr]) -> Extracted`` (raw)
FORMAT_MODULES = {
    "pdf": "kennisnet.extraction.pdf",
    "docx": "kennisnet.extraction.docx",
    "odt": "kennisnet.extraction.odt",
    "text": "kennisnet.extraction.text",
    "markdown": "kennisnet.extraction.text",
    "doc": "kennisnet.extraction.doc",
    "rtf": "kennisnet.extraction.rtf",
    "xlsx": "kennisnet.extraction.xlsx",
    "ods": "kennisnet.extraction.ods",
    "pptx": "kennisnet.extraction.pptx",
    "odp": "kennisnet.extraction.odp",
    **dict.fromkeys(IMAGE_KINDS, "kennisnet.extraction.image"),
}

ProgressCallback = Callable[[int, int], None]
"""``on_progress(done_pages, total_pages)`` while pages are being recognised."""


@dataclass(frozen=True)
class Extracted:
    """The text of a document; ``text == ""`` is a success with no text (scans, images).

    ``text_source`` is "ocr" when any of the text comes from text recognition, "text" when it
    was all read from the file, None when there is no text. ``ocr_confidence`` is Tesseract's
    mean word confidence (0-100) over the recognised pages. ``notes`` are Dutch sentences for
    the member about what was not read (pages beyond the OCR limit, for instance). ``created``
    is an ISO date (YYYY-MM-DD) from the file's metadata, never in the future or before 1900.
    ``analysis`` is what the caller's ``analyser`` made of the text in the worker, if it asked.
    """

    text: str
    pages: int | None = None
    title: str | None = None
    meta: Mapping[str, str] = field(default_factory=dict)
    text_source: str | None = None
    ocr_confidence: float | None = None
    notes: tuple[str, ...] = ()
    author: str | None = None
    created: str | None = None
    analysis: Any = None


@dataclass(frozen=True)
class OcrRequest:
    """How text recognition may run for one extraction."""

    max_pages: int = 50
    on_progress: ProgressCallback | None = None
    deadline: float | None = None
    """A ``time.monotonic()`` moment after which no further page is started."""


@dataclass(frozen=True)
class Rendered:
    """Preview images of a document, all in :data:`RENDER_MEDIA_TYPE`; empty for other kinds."""

    thumbnail: bytes | None = None
    pages: tuple[bytes, ...] = ()


RENDER_FORMAT = "WEBP"
RENDER_MEDIA_TYPE = "image/webp"


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


def N_(message: str) -> str:
    """Mark a Dutch message for translation where it is shown; it is stored in Dutch.

    The same marker as ``kennisnet.core.i18n.N_``, here so the extraction child needs no Flask.
    """
    return message


MSG_CORRUPT = N_("Dit bestand is beschadigd of onleesbaar; de tekst kan niet worden gelezen.")
MSG_UNSUPPORTED_KIND = N_(
    "Dit bestandstype wordt niet ondersteund. Upload een PDF, Word-document (.docx of .doc), "
    "OpenDocument-bestand (.odt, .ods, .odp), Excel-bestand (.xlsx), PowerPoint-bestand "
    "(.pptx), RTF-bestand, tekstbestand (.txt), Markdown-bestand (.md) of afbeelding "
    "(JPEG, PNG, TIFF, WebP)."
)
MSG_UNREADABLE = N_(
    "Het opgeslagen bestand kon niet worden geopend; probeer het opnieuw te uploaden."
)
MSG_TOO_MUCH_MEMORY = N_(
    "Het lezen van de tekst had te veel geheugen nodig en is afgebroken; "
    "het bestand is te groot of te ingewikkeld."
)
MSG_TOO_COMPLEX = N_(
    "Dit bestand is te diep genest of beschadigd; de tekst kan niet worden gelezen."
)
