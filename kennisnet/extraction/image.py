"""Pictures (JPEG, PNG, TIFF, WebP): text by recognition, opened safely with Pillow.

Pillow only decodes the format the content was sniffed as, and a picture is refused before
decoding when its declared size is past Pillow's decompression-bomb limit (a few kilobytes
can declare a 100,000 x 100,000 image). A multi-page TIFF (a fax, a scanner's batch) has a page
per frame, each read within the OCR page limit like a PDF's pages. The orientation from EXIF
is applied before recognition, as a viewer would.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from kennisnet.extraction import ocr as recognition
from kennisnet.extraction.base import N_, Extracted, ExtractionFailed, OcrRequest

logger = logging.getLogger(__name__)

MAX_PICTURE_PIXELS = 89_478_485
"""Pillow's own default limit (about 9,500 x 9,500): what a camera makes passes."""

PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF", "webp": "WEBP"}

MSG_CORRUPT = N_("Deze afbeelding is beschadigd of onvolledig; ze kan niet worden gelezen.")
MSG_TOO_LARGE = N_(
    "Deze afbeelding is te groot om te verwerken (meer dan 89 miljoen beeldpunten, mogelijk "
    "een 'decompressiebom'); het bestand wordt niet gelezen."
)


@contextmanager
def open_picture(path: Path, kind: str) -> Iterator[Image.Image]:
    """The picture, opened as its sniffed format and checked against the size limit."""
    try:
        image = Image.open(path, formats=[PILLOW_FORMATS[kind]])
    except Image.DecompressionBombError as exc:
        raise ExtractionFailed("too_large", MSG_TOO_LARGE) from exc
    except (UnidentifiedImageError, SyntaxError, ValueError, EOFError, OSError) as exc:
        raise ExtractionFailed("corrupt", MSG_CORRUPT) from exc
    try:
        check_size(image)
        yield image
    finally:
        image.close()


def check_size(image: Image.Image) -> None:
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ExtractionFailed("corrupt", MSG_CORRUPT)
    if width * height > MAX_PICTURE_PIXELS:
        raise ExtractionFailed("too_large", MSG_TOO_LARGE)


def frame_count(image: Image.Image) -> int:
    """Pages of a picture: TIFF frames; an animated WebP or PNG is one picture."""
    if image.format != "TIFF":
        return 1
    return max(1, int(getattr(image, "n_frames", 1)))


def frame(image: Image.Image, index: int, *, max_pixels: int) -> Image.Image:
    """Frame ``index``, decoded, upright (EXIF orientation), at most ``max_pixels`` large."""
    try:
        image.seek(index)
        check_size(image)
        if image.format == "JPEG":
            # Let libjpeg decode at a reduced size right away when the photo is huge.
            scale = recognition.fit_scale(*image.size, 1.0, max_pixels)
            image.draft("RGB", (int(image.width * scale), int(image.height * scale)))
        image.load()
        upright = ImageOps.exif_transpose(image) or image
    except ExtractionFailed:
        raise
    except Image.DecompressionBombError as exc:
        raise ExtractionFailed("too_large", MSG_TOO_LARGE) from exc
    except (SyntaxError, ValueError, EOFError, OSError) as exc:  # truncated or broken data
        raise ExtractionFailed("corrupt", MSG_CORRUPT) from exc
    scale = recognition.fit_scale(*upright.size, 1.0, max_pixels)
    if scale < 1.0:
        size = (max(1, int(upright.width * scale)), max(1, int(upright.height * scale)))
        upright = upright.resize(size, Image.Resampling.LANCZOS)
    return upright


def extract(
    path: Path, *, kind: str, max_pages: int | None = None, ocr: OcrRequest | None = None
) -> Extracted:
    """Recognised text of each page; no text (and no failure) when nothing is printed on it."""
    with open_picture(path, kind) as image:
        pages = frame_count(image)
        limit = pages if max_pages is None else min(pages, max_pages)
        dpi = _dpi(image)
        # Decode the first frame now: a truncated or broken picture fails as such, not as a
        # note about a page that could not be recognised.
        first = frame(image, 0, max_pixels=recognition.MAX_OCR_PIXELS)
        if ocr is None:
            return Extracted(text="", pages=pages)

        def draw(index: int) -> Image.Image:
            if index == 0:
                return first
            return frame(image, index, max_pixels=recognition.MAX_OCR_PIXELS)

        outcome = recognition.recognise_pages(list(range(limit)), draw, ocr, dpi=dpi)
    text = "\n\n".join(outcome.texts[index] for index in sorted(outcome.texts))
    notes = list(outcome.notes)
    if limit < pages:
        notes.insert(
            0,
            N_("Alleen de eerste %(read)s van de %(total)s pagina's zijn gelezen.")
            % {"read": limit, "total": pages},
        )
    return Extracted(
        text=text,
        pages=pages,
        text_source="ocr" if outcome.found_text else None,
        ocr_confidence=outcome.confidence if outcome.found_text else None,
        notes=tuple(notes),
    )


def _dpi(image: Image.Image) -> int | None:
    """The picture's resolution when it is plausible; Tesseract guesses otherwise."""
    value = image.info.get("dpi")
    try:
        dpi = round(float(value[0])) if value else None
    except (TypeError, ValueError, IndexError):
        return None
    return dpi if dpi is not None and 70 <= dpi <= 1200 else None
