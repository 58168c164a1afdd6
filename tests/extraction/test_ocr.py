"""Text recognition: scans and photos of known Dutch text, read by Tesseract.

These tests need Tesseract with Dutch (``make system-deps`` installs it) and are never
skipped: a missing Tesseract fails them, so CI cannot pass without OCR.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from PIL import Image

from kennisnet.extraction import ExtractionFailed, extract, extract_isolated, isolated, ocr, pool
from kennisnet.extraction.base import OcrRequest
from tests.extraction import samples

PAGE_1, PAGE_2 = (samples.page_text(lines) for lines in samples.DUTCH_PAGES)


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scans")
    page_1 = samples.scan_image(samples.DUTCH_PAGES[0], angle=1.5, seed=1)
    page_2 = samples.scan_image(samples.DUTCH_PAGES[1], angle=-2.0, seed=2)
    short = samples.scan_image(["Huishoudelijk reglement"], dpi=150, angle=1.0, seed=3)
    return {
        "scan": samples.scan_pdf(folder / "scan.pdf", [page_1, page_2]),
        "mixed": samples.scan_pdf(folder / "gemengd.pdf", [samples.DUTCH_PAGES[0], page_2]),
        "long": samples.scan_pdf(folder / "lang.pdf", [short] * 5),
        "png": samples.image_file(folder / "scan.png", page_1, "PNG", dpi=(300, 300)),
        "tiff": _multipage_tiff(folder / "fax.tiff", [page_1, page_2]),
    }


def _multipage_tiff(path: Path, pages: list[Image.Image]) -> Path:
    pages[0].save(path, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw")
    return path


def test_tesseract_with_dutch_is_installed() -> None:
    assert ocr.languages() == "nld+eng"


def test_scanned_pdf_is_read_with_ocr_within_two_percent(scans: dict[str, Path]) -> None:
    result = extract(scans["scan"], "pdf")
    assert result.text_source == "ocr"
    assert result.ocr_confidence is not None
    assert 80 <= result.ocr_confidence <= 100
    assert result.notes == ()
    first, second = result.text.split("Subsidiebeschikking")
    assert samples.cer(PAGE_1, first) <= 0.02
    assert samples.cer(PAGE_2, "Subsidiebeschikking" + second) <= 0.02
    assert "buurtcoöperatie" in result.text.lower()


def test_mixed_pdf_recognises_only_the_page_without_text(scans: dict[str, Path]) -> None:
    result = extract(scans["mixed"], "pdf")
    assert result.text_source == "ocr"
    assert result.text.index("Statuten") < result.text.index("Subsidiebeschikking")
    assert "regenton" in result.text


def test_pages_beyond_the_ocr_limit_are_named(scans: dict[str, Path]) -> None:
    result = extract(scans["long"], "pdf", ocr_max_pages=2)
    assert result.pages == 5
    assert result.text.count("reglement") == 2
    assert result.notes == (
        "Pagina 3 tot en met 5 zijn niet met tekstherkenning gelezen (maximaal 2 pagina's).",
    )


def test_ocr_deadline_leaves_a_note_instead_of_half_a_document(scans: dict[str, Path]) -> None:
    result = extract(scans["long"], "pdf", ocr_deadline=time.monotonic())
    assert result.text == ""
    assert result.notes == (
        "Pagina 1 tot en met 5 zijn niet met tekstherkenning gelezen "
        "(de tijd voor het lezen van dit bestand was op).",
    )


@pytest.mark.parametrize(
    ("pages", "reason", "note"),
    [
        (
            range(50, 80),
            "maximaal 50 pagina's",
            "Pagina 51 tot en met 80 zijn niet met tekstherkenning gelezen (maximaal 50 pagina's).",
        ),
        ([6], "r", "Pagina 7 is niet met tekstherkenning gelezen (r)."),
        (
            [2, 6, 7, 8],
            "r",
            "Pagina's 3 en 7 tot en met 9 zijn niet met tekstherkenning gelezen (r).",
        ),
    ],
)
def test_pages_note(pages, reason: str, note: str) -> None:
    assert ocr.pages_note(list(pages), reason) == note


def test_picture_is_read_with_ocr(scans: dict[str, Path]) -> None:
    result = extract(scans["png"], "png")
    assert result.text_source == "ocr"
    assert samples.cer(PAGE_1, result.text) <= 0.02


def test_photo_turned_by_exif_is_read_upright(tmp_path: Path) -> None:
    page = samples.scan_image(samples.DUTCH_PAGES[1], dpi=200, noise=0, angle=1.0)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    path = tmp_path / "foto.jpg"
    page.rotate(90, expand=True).save(path, "JPEG", quality=90, exif=exif)
    result = extract(path, "jpeg")
    assert "regenton" in result.text


def test_multipage_tiff_has_a_page_per_frame(scans: dict[str, Path]) -> None:
    result = extract(scans["tiff"], "tiff", ocr_max_pages=1)
    assert result.pages == 2
    assert "Statuten" in result.text
    assert "Subsidiebeschikking" not in result.text
    assert result.notes == ("Pagina 2 is niet met tekstherkenning gelezen (maximaal 1 pagina).",)


def test_recognise_pages_reports_progress_and_failed_pages() -> None:
    seen: list[tuple[int, int]] = []
    blank = Image.new("L", (200, 100), 255)

    def draw(index: int) -> Image.Image:
        if index == 1:
            raise ocr.OcrError("kapot")
        return blank

    outcome = ocr.recognise_pages(
        [0, 1, 2], draw, OcrRequest(on_progress=lambda *p: seen.append(p))
    )
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert outcome.notes == [
        "Pagina 2 is niet met tekstherkenning gelezen (de pagina kon niet worden verwerkt)."
    ]


# --- in the isolated child ---------------------------------------------------------------------


def test_isolated_ocr_reports_progress_in_the_parent(scans: dict[str, Path]) -> None:
    seen: list[tuple[int, int]] = []
    result = extract_isolated(scans["scan"], "pdf", on_progress=lambda *p: seen.append(p))
    assert seen == [(0, 2), (1, 2), (2, 2)]
    assert result == extract(scans["scan"], "pdf")


def _tesseract_processes(marker: str | None = None) -> set[int]:
    """Running Tesseract processes (a killed one may linger as a zombie until reaped); with a
    ``marker``, only those whose environment carries it: the suite's other run (make test runs
    two at once) has Tesseracts of its own, and an orphan keeps its environment but not its
    parent."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                name, _, rest = stat.partition(") ")
                if not name.endswith("(tesseract") or rest.startswith("Z"):
                    continue
                if marker and marker.encode() not in (entry / "environ").read_bytes().split(b"\0"):
                    continue
            except OSError:
                continue
            found.add(int(entry.name))
    return found


def test_child_stops_recognising_before_its_deadline(scans: dict[str, Path]) -> None:
    started = time.monotonic()
    result = extract_isolated(scans["scan"], "pdf", timeout=3)
    assert time.monotonic() - started < 3
    assert "de tijd voor het lezen van dit bestand was op" in result.notes[0]


def test_wall_clock_kill_takes_tesseract_with_it(
    scans: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(isolated, "OCR_SHARE", 100.0)  # the child thinks it has all the time
    marker = f"KENNISNET_OCR_TEST={uuid.uuid4().hex}"
    monkeypatch.setenv(*marker.split("=", 1))  # the child and its Tesseract inherit it
    pool.POOL.close()  # so the worker that reads the scan starts now, with the marker
    started = time.monotonic()
    with pytest.raises(ExtractionFailed) as failure:
        extract_isolated(scans["scan"], "pdf", timeout=1.5)  # killed inside page 1
    assert failure.value.code == "timeout"
    assert time.monotonic() - started < 5
    for _ in range(20):  # SIGKILL is asynchronous: give the kernel a moment
        if not _tesseract_processes(marker):
            break
        time.sleep(0.1)
    assert _tesseract_processes(marker) == set()


def test_tesseract_inherits_the_memory_limit(scans: dict[str, Path]) -> None:
    """120 MB is enough for the child to decode the page, not for Tesseract (about 180 MB):
    the page fails under the inherited limit and is named."""
    result = extract_isolated(scans["png"], "png", memory_mb=120)
    assert result.text == ""
    assert result.notes == (
        "Pagina 1 is niet met tekstherkenning gelezen (de pagina kon niet worden verwerkt).",
    )
