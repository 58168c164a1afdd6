"""Hostile variants of every format added for issue 11, through the isolated child.

For each: a decompression bomb, a truncated file, a file disguised by its extension and a file
with a huge page count. Each ends in ``ExtractionFailed`` with a Dutch message or in a clear
result (pages counted, the pages left out named in notes), and never runs past its limits.
"""

from __future__ import annotations

import io
import struct
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image

from kennisnet.extraction import (
    ExtractionFailed,
    detect_kind_path,
    extract,
    extract_isolated,
    render,
    render_isolated,
)
from tests.extraction import samples
from tests.extraction.test_extraction import CORPUS

ZEROS = b"\0" * (30 * 1024 * 1024)  # deflates to about 30 kB
OFFICE: dict[str, Callable[[Path], Path]] = {
    "xlsx": samples.make_xlsx,
    "pptx": samples.make_pptx,
    "ods": samples.make_ods,
    "odp": samples.make_odp,
}


def dutch_failure(call: Callable[[], object], *codes: str) -> ExtractionFailed:
    started = time.monotonic()
    with pytest.raises(ExtractionFailed) as failure:
        call()
    assert time.monotonic() - started < 60
    assert failure.value.code in codes, failure.value
    assert "bestand" in failure.value.message or "afbeelding" in failure.value.message.lower()
    return failure.value


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a giant picture (the classic pixel bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (16, 16), 255).save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def webp_declaring(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(buffer, "WEBP", lossless=True)
    vp8l = buffer.getvalue()[12:]
    flags = b"\0\0\0\0"
    canvas = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    vp8x = b"VP8X" + struct.pack("<I", 10) + flags + canvas
    body = b"WEBP" + vp8x + vp8l
    return b"RIFF" + struct.pack("<I", len(body)) + body


def tiff_declaring(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (16, 16), 255).save(buffer, "TIFF")
    data = bytearray(buffer.getvalue())
    # Rewrite ImageWidth (256) and ImageLength (257) in the first directory.
    (offset,) = struct.unpack_from("<I", data, 4)
    (count,) = struct.unpack_from("<H", data, offset)
    for n in range(count):
        entry = offset + 2 + 12 * n
        tag, _kind = struct.unpack_from("<HH", data, entry)
        if tag in (256, 257):
            value = width if tag == 256 else height
            struct.pack_into("<HHII", data, entry, tag, 4, 1, value)
    return bytes(data)


BOMBS = {
    "png": png_declaring(100_000, 100_000),
    "jpeg": jpeg_declaring(60_000, 60_000),
    "webp": webp_declaring(16_000, 16_000),
    "tiff": tiff_declaring(100_000, 100_000),
}


# --- decompression bombs -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_picture_bomb_is_too_large(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"bom.{kind}"
    path.write_bytes(BOMBS[kind])
    assert path.stat().st_size < 10_000
    assert detect_kind_path(path, path.name) == kind
    failure = dutch_failure(lambda: extract_isolated(path, kind), "too_large")
    assert "te groot" in failure.message
    dutch_failure(lambda: render_isolated(path, kind), "too_large")


@pytest.mark.parametrize("kind", sorted(OFFICE))
def test_office_zip_bomb_is_too_large(tmp_path: Path, kind: str) -> None:
    source = OFFICE[kind](tmp_path / f"gewoon.{kind}")
    bomb = samples.zip_with(source, tmp_path / f"bom.{kind}", {"media/bom.bin": ZEROS})
    assert bomb.stat().st_size < 200_000
    assert detect_kind_path(bomb, bomb.name) == kind
    dutch_failure(lambda: extract_isolated(bomb, kind), "too_large")


@pytest.mark.parametrize("kind", sorted(OFFICE))
def test_office_part_with_entities_is_refused(tmp_path: Path, kind: str) -> None:
    source = OFFICE[kind](tmp_path / f"gewoon.{kind}")
    laughs = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "haha">]><x>&a;</x>'
    evil = samples.zip_with(source, tmp_path / f"lol.{kind}", {"extra.xml": laughs})
    failure = dutch_failure(lambda: extract(evil, kind), "corrupt")
    assert "DOCTYPE" in failure.message


def test_rtf_bomb_of_nested_groups_and_picture_data(tmp_path: Path) -> None:
    path = tmp_path / "bom.rtf"
    nested = b"{" * 200_000 + b"diep" + b"}" * 200_000
    picture = b"{\\pict\\pngblip " + b"ff" * 5_000_000 + b"}"
    path.write_bytes(b"{\\rtf1\\ansi " + nested + picture + b" Notulen}")
    started = time.monotonic()
    result = extract_isolated(path, "rtf", timeout=60)
    assert time.monotonic() - started < 60
    assert "Notulen" in result.text
    assert len(result.text) < 1000  # the picture's hex is not text


def test_doc_with_a_huge_declared_stream_is_a_clear_failure(tmp_path: Path) -> None:
    data = bytearray(CORPUS.joinpath("malformed/doc-legacy-word97.doc").read_bytes())
    entry = data.index("WordDocument".encode("utf-16-le"))
    struct.pack_into("<I", data, entry + 0x78, 0x7FFFFFFF)  # the stream's size
    path = tmp_path / "bom.doc"
    path.write_bytes(bytes(data))
    try:
        result = extract_isolated(path, "doc", timeout=30)
    except ExtractionFailed as exc:
        assert exc.code in {"corrupt", "too_large", "timeout"}
    else:
        assert isinstance(result.text, str)


# --- truncated files ---------------------------------------------------------------------------


def _office_or_picture(tmp_path: Path, kind: str) -> Path:
    if kind in OFFICE:
        return OFFICE[kind](tmp_path / f"heel.{kind}")
    if kind == "rtf":
        return samples.make_rtf(tmp_path / "heel.rtf")
    if kind == "doc":
        return CORPUS / "malformed/doc-legacy-word97.doc"
    page = samples.scan_image(samples.DUTCH_PAGES[0], dpi=100, noise=0)
    fmt = {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF", "webp": "WEBP"}[kind]
    return samples.image_file(tmp_path / f"heel.{kind}", page, fmt)


ALL_NEW = ["doc", "rtf", "xlsx", "ods", "pptx", "odp", "jpeg", "png", "tiff", "webp"]


@pytest.mark.parametrize("kind", ALL_NEW)
def test_truncated_file_is_refused_or_corrupt(tmp_path: Path, kind: str) -> None:
    whole = _office_or_picture(tmp_path, kind)
    data = whole.read_bytes()
    path = tmp_path / f"half.{kind}"
    path.write_bytes(data[: len(data) // 2])
    sniffed = detect_kind_path(path, path.name)
    assert sniffed in (kind, None)  # refused at upload, or sniffed and then failed
    dutch_failure(lambda: extract_isolated(path, kind), "corrupt")


# --- disguised by the extension ----------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_NEW)
def test_extension_does_not_decide(tmp_path: Path, kind: str) -> None:
    whole = _office_or_picture(tmp_path, kind)
    for name in ("verslag.pdf", "notities.txt", "brief.docx", "foto.jpg"):
        disguised = tmp_path / name
        disguised.write_bytes(whole.read_bytes())
        assert detect_kind_path(disguised, name) == kind


@pytest.mark.parametrize("name", ["tabel.xlsx", "dia.pptx", "foto.png", "oud.doc", "brief.rtf"])
def test_text_named_like_a_new_format_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("Gewone tekst over de buurtcoöperatie.", encoding="utf-8")
    assert detect_kind_path(path, name) is None


# --- huge page counts ----------------------------------------------------------------------------


def test_tiff_with_hundreds_of_pages_is_counted_and_named(tmp_path: Path) -> None:
    path = tmp_path / "stapel.tiff"
    frame = Image.new("L", (32, 32), 255)
    frame.save(path, "TIFF", save_all=True, append_images=[frame] * 399)
    result = extract_isolated(path, "tiff", ocr_max_pages=3)
    assert result.pages == 400
    assert result.notes == (
        "Pagina 4 tot en met 400 zijn niet met tekstherkenning gelezen (maximaal 3 pagina's).",
    )


def test_scanned_pdf_with_many_pages_stops_at_the_ocr_limit(tmp_path: Path) -> None:
    speck = Image.new("L", (40, 56), 255)
    path = samples.scan_pdf(tmp_path / "scans.pdf", [speck] * 300)
    seen: list[tuple[int, int]] = []
    result = extract_isolated(path, "pdf", ocr_max_pages=4, on_progress=lambda *p: seen.append(p))
    assert result.pages == 300
    assert seen[-1] == (4, 4)
    assert "Pagina 5 tot en met 300 zijn niet met tekstherkenning gelezen" in result.notes[0]


@pytest.mark.parametrize(("kind", "count"), [("pptx", 600), ("odp", 600)])
def test_presentation_with_many_slides(tmp_path: Path, kind: str, count: int) -> None:
    path = OFFICE[kind](tmp_path / f"veel.{kind}", slides=count)
    result = extract_isolated(path, kind, max_pages=100)
    assert result.pages == count
    assert result.notes == (f"Alleen de eerste 100 van de {count} dia's zijn gelezen.",)


def test_workbook_with_many_sheets_and_a_giant_dimension(tmp_path: Path) -> None:
    path = samples.make_xlsx(tmp_path / "veel.xlsx", sheets=300, rows=2)
    big = samples.zip_with(
        path,
        tmp_path / "groot.xlsx",
        {
            "xl/worksheets/sheet1.xml": (
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>'
                b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>laatste cel</t></is>'
                b"</c></row></sheetData></worksheet>"
            )
        },
    )
    started = time.monotonic()
    result = extract_isolated(big, "xlsx", timeout=60)
    assert time.monotonic() - started < 30
    assert "laatste cel" in result.text
    assert "Begroting 300" in result.text


def test_spreadsheet_with_a_million_repeated_rows(tmp_path: Path) -> None:
    path = samples.make_ods(tmp_path / "leeg.ods", repeated=1_048_576)
    result = extract_isolated(path, "ods", timeout=60)
    assert "contributie betaald" in result.text
    assert len(result.text) < 1000


def test_giant_pdf_page_renders_within_the_pixel_cap(tmp_path: Path) -> None:
    pdf = FPDF(unit="pt", format=(14_000, 14_000))  # about 5 x 5 metres
    pdf.add_page()
    pdf.set_font("helvetica", size=400)
    pdf.cell(text="Plattegrond")
    path = tmp_path / "kaart.pdf"
    pdf.output(str(path))
    rendered = render(path, "pdf", page_width=20_000)
    page = Image.open(io.BytesIO(rendered.pages[0]))
    assert page.width * page.height <= 12_000_000
