"""Preview images: a thumbnail and page images of PDFs (PDFium) and pictures (Pillow).

All images are WebP (:data:`RENDER_MEDIA_TYPE`): every current browser shows it, and a page of
text is several times smaller than as PNG. Pictures are drawn upright (EXIF orientation) and
copied pixel by pixel into a fresh image, so no EXIF, GPS, XMP or ICC data reaches a preview;
the original download keeps the uploader's bytes. Like extraction, this runs in the isolated
child for uploads (:func:`kennisnet.extraction.render_isolated`).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image

from kennisnet.extraction import image as pictures
from kennisnet.extraction import ocr as recognition
from kennisnet.extraction.base import (
    IMAGE_KINDS,
    MSG_UNREADABLE,
    RENDER_FORMAT,
    ExtractionFailed,
    Rendered,
)
from kennisnet.extraction.pdf import MSG_CORRUPT as MSG_PDF_CORRUPT
from kennisnet.extraction.pdf import MSG_ENCRYPTED as MSG_PDF_ENCRYPTED

logger = logging.getLogger(__name__)

MAX_RENDER_PIXELS = 12_000_000
"""A page image is never larger than this, whatever shape the page has."""
_QUALITY = 80


def render(
    path: Path,
    kind: str,
    *,
    max_pages: int = 50,
    thumb_width: int = 320,
    page_width: int = 1240,
) -> Rendered:
    """Previews in this process (tests and tools); uploads go through ``render_isolated``."""
    path = Path(path)
    if not path.is_file():
        raise ExtractionFailed("unreadable", MSG_UNREADABLE)
    if kind == "pdf":
        return _render_pdf(path, max_pages, thumb_width, page_width)
    if kind in IMAGE_KINDS:
        return _render_picture(path, kind, thumb_width, page_width)
    return Rendered(None, ())


def encode(image: Image.Image) -> bytes:
    """WebP bytes of ``image`` with nothing but its pixels."""
    buffer = io.BytesIO()
    image.save(buffer, RENDER_FORMAT, quality=_QUALITY, method=4)
    return buffer.getvalue()


def _thumbnail(image: Image.Image, width: int) -> bytes:
    thumb = image.copy()
    thumb.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
    return encode(thumb)


def _render_pdf(path: Path, max_pages: int, thumb_width: int, page_width: int) -> Rendered:
    try:
        document = pdfium.PdfDocument(str(path), password="")
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_raw.FPDF_ERR_PASSWORD, pdfium_raw.FPDF_ERR_SECURITY):
            raise ExtractionFailed("encrypted", MSG_PDF_ENCRYPTED) from None
        raise ExtractionFailed("corrupt", MSG_PDF_CORRUPT) from exc
    try:
        count = len(document)
        if count == 0:
            return Rendered(None, ())
        pages: list[bytes] = []
        thumbnail = None
        for index in range(max(1, min(count, max_pages))):
            image = _draw_page(document, index, page_width)
            if index == 0:
                thumbnail = _thumbnail(image, thumb_width)
            if index < max_pages:
                pages.append(encode(image))
        return Rendered(thumbnail, tuple(pages))
    except pdfium.PdfiumError as exc:
        raise ExtractionFailed("corrupt", MSG_PDF_CORRUPT) from exc
    finally:
        document.close()


def _draw_page(document: pdfium.PdfDocument, index: int, width: int) -> Image.Image:
    page = document[index]
    try:
        page_width, page_height = page.get_size()
        scale = width / max(page_width, 1.0)
        scale = recognition.fit_scale(page_width, page_height, scale, MAX_RENDER_PIXELS)
        bitmap = page.render(scale=scale)
        try:
            return bitmap.to_pil().convert("RGB")
        finally:
            bitmap.close()
    finally:
        page.close()


def _render_picture(path: Path, kind: str, thumb_width: int, page_width: int) -> Rendered:
    with pictures.open_picture(path, kind) as picture:
        upright = pictures.frame(picture, 0, max_pixels=MAX_RENDER_PIXELS)
        mode = (
            "RGBA"
            if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            else "RGB"
        )
        pixels = upright.convert(mode)
    if pixels.width > page_width:
        height = max(1, round(pixels.height * page_width / pixels.width))
        pixels = pixels.resize((page_width, height), Image.Resampling.LANCZOS)
    # A fresh image holds the pixels only: no EXIF (GPS), XMP, ICC profile or comments.
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    return Rendered(_thumbnail(clean, thumb_width), (encode(clean),))
