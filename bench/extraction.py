"""Extraction figures for docs/benchmarks.md: OCR speed and accuracy, previews, text formats.

    .venv/bin/python bench/extraction.py [--pages 8] [--json out.json]

- OCR: Tesseract (nld+eng, OMP_THREAD_LIMIT=1) on generated A4 scans at 300 dpi: seconds per
  page one at a time, and pages per second with one Tesseract per core; for comparison one page
  with OpenMP left on, pytesseract (if installed) and ocrmypdf (if installed) on the same pages.
- Character error rate on the scans the tests make (known Dutch text, turned 1-2 degrees,
  with and without noise; 300 and 150 dpi).
- Preview time per document (thumbnail only, and thumbnail plus up to 50 page images).
- Text extraction pages per second per format, against pdftotext measured in the same run.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kennisnet.extraction import extract, ocr, render  # noqa: E402
from tests.extraction import samples  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def scans(count: int, *, dpi: int = 300, noise: float = 12.0) -> list[tuple[str, object]]:
    pages = []
    for n in range(count):
        lines = samples.DUTCH_PAGES[n % 2]
        angle = (1.0 + (n % 3) * 0.5) * (-1 if n % 2 else 1)
        image = samples.scan_image(lines, dpi=dpi, angle=angle, noise=noise, seed=n)
        pages.append((samples.page_text(lines), image))
    return pages


def bench_ocr(count: int, workdir: Path) -> dict[str, object]:
    pages = scans(count)
    ocr.recognise(pages[0][1], dpi=300)  # warm the page cache for Tesseract's models
    singles = [timed(lambda image=image: ocr.recognise(image, dpi=300)) for _, image in pages]
    cores = os.cpu_count() or 1
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=cores) as pool:
        list(pool.map(lambda page: ocr.recognise(page[1], dpi=300), pages))
    parallel = time.perf_counter() - started
    figures: dict[str, object] = {
        "pages": count,
        "cores": cores,
        "seconds_per_page": round(statistics.mean(singles), 2),
        "pages_per_second_one_process": round(count / sum(singles), 2),
        "pages_per_second_all_cores": round(count / parallel, 2),
    }
    # OpenMP left on (Tesseract's default): one page.
    figures["seconds_per_page_openmp"] = round(_tesseract_openmp(pages[0][1]), 2)
    try:
        import pytesseract  # optional: only to compare the wrapper with our pipes
    except ImportError:
        figures["seconds_per_page_pytesseract"] = None
    else:
        os.environ["OMP_THREAD_LIMIT"] = "1"
        try:
            figures["seconds_per_page_pytesseract"] = round(
                statistics.mean(
                    timed(
                        lambda image=image: pytesseract.image_to_data(
                            image, lang="nld+eng", config="--dpi 300"
                        )
                    )
                    for _, image in pages[:3]
                ),
                2,
            )
        finally:
            del os.environ["OMP_THREAD_LIMIT"]
    figures["seconds_per_page_ocrmypdf"] = _ocrmypdf(pages[:4], workdir)
    return figures


def _tesseract_openmp(image: object) -> float:
    buffer = io.BytesIO()
    image.convert("L").save(buffer, "PPM")  # type: ignore[attr-defined]
    env = {key: value for key, value in os.environ.items() if key != "OMP_THREAD_LIMIT"}
    command = ["tesseract", "stdin", "stdout", "-l", "nld+eng", "--dpi", "300", "tsv"]
    return timed(
        lambda: subprocess.run(command, input=buffer.getvalue(), capture_output=True, env=env)
    )


def _ocrmypdf(pages: list[tuple[str, object]], workdir: Path) -> float | None:
    binary = shutil.which("ocrmypdf")
    if binary is None:
        return None
    source = samples.scan_pdf(workdir / "ocrmypdf-in.pdf", [image for _, image in pages])
    target = workdir / "ocrmypdf-out.pdf"
    command = [binary, "-q", "-l", "nld+eng", "--jobs", "1", str(source), str(target)]
    seconds = timed(lambda: subprocess.run(command, capture_output=True, check=True))
    return round(seconds / len(pages), 2)


def bench_cer() -> dict[str, float]:
    figures = {}
    for label, dpi, noise in (
        ("300 dpi, clean", 300, 0.0),
        ("300 dpi, noise", 300, 12.0),
        ("150 dpi, noise", 150, 12.0),
    ):
        rates = [
            samples.cer(text, ocr.recognise(image, dpi=dpi).text)
            for text, image in scans(4, dpi=dpi, noise=noise)
        ]
        figures[label] = round(100 * statistics.mean(rates), 2)
    return figures


def corpus_files(folder: str, suffix: str) -> list[Path]:
    return sorted(path for path in (CORPUS / folder).glob(f"*{suffix}"))


def bench_previews(workdir: Path) -> dict[str, float]:
    pdfs = corpus_files("pdf", ".pdf")
    photo = samples.image_file(
        workdir / "foto.jpg", scans(1)[0][1].convert("RGB"), "JPEG", quality=90
    )
    thumbs = [timed(lambda p=p: render(p, "pdf", max_pages=0)) for p in pdfs]
    full = [timed(lambda p=p: render(p, "pdf", max_pages=50)) for p in pdfs]
    return {
        "pdf_documents": len(pdfs),
        "pdf_thumbnail_ms_median": round(1000 * statistics.median(thumbs), 1),
        "pdf_thumbnail_ms_max": round(1000 * max(thumbs), 1),
        "pdf_thumbnail_and_50_pages_s_median": round(statistics.median(full), 2),
        "pdf_thumbnail_and_50_pages_s_max": round(max(full), 2),
        "photo_a4_300dpi_ms": round(1000 * timed(lambda: render(photo, "jpeg")), 1),
    }


def bench_formats(workdir: Path) -> dict[str, dict[str, object]]:
    made = {
        "xlsx": samples.make_xlsx(workdir / "b.xlsx", sheets=5, rows=400),
        "ods": samples.make_ods(workdir / "b.ods", rows=2000),
        "pptx": samples.make_pptx(workdir / "b.pptx", slides=50),
        "odp": samples.make_odp(workdir / "b.odp", slides=50),
        "rtf": samples.make_rtf(workdir / "b.rtf", "Notulen van de vergadering. " * 2000),
    }
    sets: dict[str, list[Path]] = {
        "pdf": [p for p in corpus_files("pdf", ".pdf") if not p.name.startswith("scan-")],
        "docx": corpus_files("docx", ".docx"),
        "odt": corpus_files("odt", ".odt"),
        "doc": [CORPUS / "malformed/doc-legacy-word97.doc"],
        **{kind: [path] for kind, path in made.items()},
    }
    figures: dict[str, dict[str, object]] = {}
    for kind, paths in sets.items():
        pages = 0
        seconds = 0.0
        for path in paths:
            started = time.perf_counter()
            result = extract(path, kind)
            seconds += time.perf_counter() - started
            pages += result.pages or 0
        figures[kind] = {
            "files": len(paths),
            "pages": pages or None,
            "seconds": round(seconds, 3),
            "pages_per_second": round(pages / seconds) if pages else None,
            "files_per_second": round(len(paths) / seconds, 1),
        }
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        pdfs = sets["pdf"]
        seconds = sum(
            timed(lambda p=p: subprocess.run([pdftotext, "-q", str(p), "-"], capture_output=True))
            for p in pdfs
        )
        pages = figures["pdf"]["pages"]
        figures["pdftotext (reference)"] = {
            "files": len(pdfs),
            "pages": pages,
            "seconds": round(seconds, 3),
            "pages_per_second": round(int(pages or 0) / seconds),
            "files_per_second": round(len(pdfs) / seconds, 1),
        }
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=8, help="scan pages for the OCR speed")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        report = {
            "tesseract": subprocess.run(
                ["tesseract", "--version"], capture_output=True, text=True
            ).stdout.splitlines()[0],
            "ocr": bench_ocr(args.pages, workdir),
            "cer_percent": bench_cer(),
            "previews": bench_previews(workdir),
            "formats": bench_formats(workdir),
        }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
