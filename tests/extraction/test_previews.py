"""Previews: a thumbnail and page images, WebP, with no metadata from the original."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from kennisnet.extraction import (
    RENDER_MEDIA_TYPE,
    ExtractionFailed,
    Rendered,
    render,
    render_isolated,
)
from tests.extraction import samples
from tests.extraction.test_extraction import CORPUS


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_pdf_gets_a_thumbnail_and_page_images() -> None:
    rendered = render(CORPUS / "pdf/en-multicolumn.pdf", "pdf", thumb_width=200, page_width=600)
    assert RENDER_MEDIA_TYPE == "image/webp"
    assert rendered.thumbnail is not None
    thumb = opened(rendered.thumbnail)
    assert (thumb.format, thumb.width) == ("WEBP", 200)
    assert len(rendered.pages) == 3
    assert all(opened(page).width == 600 for page in rendered.pages)


def test_pdf_page_images_stop_at_max_pages() -> None:
    rendered = render(CORPUS / "pdf/de-geotopo-komprimiert.pdf", "pdf", max_pages=2)
    assert len(rendered.pages) == 2
    assert rendered.thumbnail is not None


def test_picture_preview_has_no_exif_and_is_upright(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    exif[0x010F] = "Telefoonmerk"
    gps = exif.get_ifd(0x8825)
    gps[2] = (52.0, 5.0, 10.0)  # latitude
    path = tmp_path / "foto.jpg"
    Image.new("RGB", (800, 400), "red").save(path, "JPEG", exif=exif)
    with Image.open(path) as original:
        assert original.getexif().get_ifd(0x8825)  # the original has GPS
    rendered = render(path, "jpeg", thumb_width=100, page_width=300)
    assert rendered.thumbnail is not None
    assert len(rendered.pages) == 1
    for data in (rendered.thumbnail, *rendered.pages):
        image = opened(data)
        assert image.format == "WEBP"
        assert not image.getexif()
        assert "exif" not in image.info
        assert "icc_profile" not in image.info
        assert "xmp" not in image.info
        assert b"Telefoonmerk" not in data
    preview = opened(rendered.pages[0])
    assert preview.size == (300, 600)  # turned upright: portrait


def test_transparent_png_keeps_its_alpha(tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    Image.new("RGBA", (50, 50), (0, 128, 0, 0)).save(path)
    rendered = render(path, "png")
    assert opened(rendered.pages[0]).mode == "RGBA"


@pytest.mark.parametrize("kind", ["docx", "odt", "text", "xlsx", "rtf"])
def test_other_kinds_have_no_preview(kind: str) -> None:
    assert render(CORPUS / "pdf/en-multicolumn.pdf", kind) == Rendered(None, ())


def test_isolated_rendering_matches_in_process(tmp_path: Path) -> None:
    path = samples.scan_pdf(tmp_path / "a.pdf", [samples.DUTCH_PAGES[0], samples.DUTCH_PAGES[1]])
    assert render_isolated(path, "pdf") == render(path, "pdf")


def test_isolated_rendering_of_an_encrypted_pdf_says_so() -> None:
    with pytest.raises(ExtractionFailed) as failure:
        render_isolated(CORPUS / "malformed/enc-rc4-40.pdf", "pdf")
    assert failure.value.code == "encrypted"


def test_isolated_rendering_is_killed_after_the_timeout() -> None:
    with pytest.raises(ExtractionFailed) as failure:
        render_isolated(CORPUS / "pdf/de-geotopo-komprimiert.pdf", "pdf", timeout=0.3)
    assert failure.value.code == "timeout"


def test_rendering_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ExtractionFailed) as failure:
        render(tmp_path / "weg.pdf", "pdf")
    assert failure.value.code == "unreadable"
