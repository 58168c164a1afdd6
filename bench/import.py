"""Import benchmark: the paths a user takes, against the ceiling of the same work done bare.

    python bench/import.py --docs 1000 [--mix text] [--uploads 40]

Generates ``--docs`` Dutch documents (150-600 words; ``--mix`` ``text``, or ``mixed`` for text,
DOCX and three-page PDFs in equal parts) in a temporary directory, then measures:

- ``kennisnet import``: the real command in a fresh data directory (its own process, the
  configured extraction isolation, the database, the index). Documents a second, PDF pages a
  second, and the peak memory of the command and its children.
- the ceiling: one process that extracts the same files with the same libraries, analyses them
  and inserts them into FTS5, with no isolation and no database, measured in the same run. The
  ratio to it is the figure to compare across machines.
- upload to found: ``kennisnet serve`` (waitress and its worker) on a loopback port; each upload
  goes through ``POST /api/v1/documents`` and is searched for by a word only it has, until found.
  p50 and p95 for a one-page text, PDF and DOCX, and for a 20-page PDF, while nothing else is
  queued.

Everything runs on this machine and its loopback interface, bounded in count and time.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402
from fpdf import FPDF  # noqa: E402

from kennisnet.extraction import extract  # noqa: E402
from kennisnet.extraction.sniff import detect_kind_path  # noqa: E402
from kennisnet.search import IndexedDocument  # noqa: E402
from kennisnet.search.sqlite_backend import SqliteBackend  # noqa: E402

KENNISNET = [sys.executable, "-m", "kennisnet.cli"]
WORDS = (
    "buurt",
    "wijk",
    "bewoners",
    "coöperatie",
    "mantelzorg",
    "vrijwilligers",
    "gemeente",
    "subsidie",
    "buurtkamer",
    "ontmoeting",
    "ouderen",
    "jongeren",
    "zorg",
    "welzijn",
    "energie",
    "zonnepanelen",
    "moestuin",
    "vergadering",
    "leden",
    "bestuur",
    "begroting",
    "project",
    "plan",
    "pilot",
    "initiatief",
    "netwerk",
    "informele",
    "ondersteuning",
    "preventie",
    "leefstijl",
    "wonen",
    "huurders",
    "onderzoek",
    "onderwijs",
    "school",
    "participatie",
    "samenwerking",
    "afspraken",
    "vervoer",
    "buurtbus",
    "boodschappen",
    "eenzaamheid",
    "activiteiten",
    "koffie",
    "ochtend",
    "avond",
    "week",
    "maand",
    "jaar",
    "organiseren",
    "bespreken",
    "versterken",
    "opzetten",
    "verbeteren",
    "uitvoeren",
    "betalen",
    "vragen",
    "helpen",
)


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def body(rng: random.Random, words: int) -> list[str]:
    paragraphs, left = [], words
    while left > 0:
        n = min(left, rng.randint(40, 90))
        paragraphs.append(" ".join(sentence(rng, 12) for _ in range(max(1, n // 12))))
        left -= n
    return paragraphs


def write_text(path: Path, title: str, paragraphs: list[str]) -> int:
    path.write_text("\n\n".join([title, *paragraphs]), encoding="utf-8")
    return 0


def write_docx(path: Path, title: str, paragraphs: list[str]) -> int:
    document = docx.Document()
    document.core_properties.title = title
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return 0


def write_pdf(path: Path, title: str, paragraphs: list[str], pages: int = 3) -> int:
    pdf = FPDF()
    pdf.set_title(title)
    per_page = max(1, len(paragraphs) // pages)
    for page in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        chunk = paragraphs[page * per_page : (page + 1) * per_page] or [title]
        pdf.multi_cell(0, 5, text="\n\n".join(chunk))
    pdf.output(str(path))
    return pages


def generate(folder: Path, count: int, mix: str, seed: int = 7, pdf_pages: int = 20) -> int:
    """Write the documents; returns the number of PDF pages among them.

    ``text`` and ``mixed`` documents have 150-600 words; the ``pdf`` mix is reports of
    ``pdf_pages`` pages with about 300 words a page, the PDFs an archive brings.
    """
    rng = random.Random(seed)
    writers: list[tuple[str, Callable[[Path, str, list[str]], int]]] = [("txt", write_text)]
    words = (150, 600)
    if mix == "mixed":
        writers += [("docx", write_docx), ("pdf", write_pdf)]
    elif mix == "pdf":
        writers = [("pdf", functools.partial(write_pdf, pages=pdf_pages))]
        words = (250 * pdf_pages, 350 * pdf_pages)
    pages = 0
    for n in range(count):
        suffix, writer = writers[n % len(writers)]
        title = f"Document {n} {rng.choice(WORDS)}"
        pages += writer(folder / f"doc-{n:06d}.{suffix}", title, body(rng, rng.randint(*words)))
    return pages


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNISNET_")}
    env.update({"KENNISNET_DATA_DIR": str(data_dir), "KENNISNET_SECRET_KEY": "bench", **extra})
    return env


def run(args: list[str], env: dict[str, str], stdin: str = "") -> str:
    result = subprocess.run(
        [*KENNISNET, *args], env=env, cwd=ROOT, input=stdin, capture_output=True, text=True
    )
    if result.returncode not in (0, 1):
        raise RuntimeError(f"kennisnet {' '.join(args)} failed: {result.stderr[-2000:]}")
    return result.stdout


def measure_import(folder: Path, work: Path, count: int, pdf_pages: int) -> dict[str, float]:
    data = work / "import-data"
    env = environment(data)
    run(["init"], env)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    report = json.loads(run(["import", str(folder), "--json", "--visibility", "public"], env))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if report["imported"] != count:
        raise RuntimeError(f"imported {report['imported']} of {count}: {report['refused'][:3]}")
    return {
        "seconds": seconds,
        "docs_per_s": count / seconds,
        "pdf_pages_per_s": pdf_pages / seconds if pdf_pages else 0.0,
        "peak_rss_mb": max(peak, before) / 1024,
    }


def measure_ceiling(folder: Path, work: Path, count: int) -> dict[str, float]:
    """Extract, analyse and insert into FTS5 in one process: no isolation, no database."""
    backend = SqliteBackend(work / "ceiling-index")
    start = time.perf_counter()
    batch: list[IndexedDocument] = []
    for n, path in enumerate(sorted(folder.iterdir()), 1):
        kind = detect_kind_path(path, path.name) or "text"
        text = extract(path, kind).text
        batch.append(
            IndexedDocument(
                id=n,
                title=path.stem,
                summary="",
                body=text,
                themes=(),
                theme_names=(),
                type="overig",
                type_name="Overig",
                organisation="",
                organisation_name="",
                region="",
                region_name="",
                year=2026,
                visibility="public",
                status="ready",
                created=datetime.now(UTC).replace(tzinfo=None),
            )
        )
        if len(batch) == 200:
            backend.index(batch)
            batch = []
    backend.index(batch)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "docs_per_s": count / seconds}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url: str, token: str, data: bytes | None = None, ctype: str = "") -> dict:  # type: ignore[type-arg]
    headers = {"Authorization": f"Bearer {token}"}
    if ctype:
        headers["Content-Type"] = ctype
    req = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - loopback only
    with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "kennisnetbench"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="visibility"\r\n\r\npublic\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n',
    ]
    payload = "".join(parts).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return payload, f"multipart/form-data; boundary={boundary}"


def sample(kind: str, word: str, work: Path) -> tuple[str, bytes]:
    """A one-page file of ``kind`` (or a 20-page PDF for "pdf20") that only ``word`` finds."""
    rng = random.Random(word)
    pages = 20 if kind == "pdf20" else 1
    paragraphs = [f"{word} {p}" for p in body(rng, 200 * pages)]
    path = work / f"{word}.{'pdf' if kind.startswith('pdf') else kind}"
    if kind == "txt":
        write_text(path, word, paragraphs)
    elif kind == "docx":
        write_docx(path, word, paragraphs)
    else:
        write_pdf(path, word, paragraphs, pages=pages)
    return path.name, path.read_bytes()


def measure_upload_to_found(work: Path, uploads: int) -> dict[str, dict[str, float]]:
    data = work / "serve-data"
    env = environment(data)
    run(["init"], env)
    run(["create-user", "bench@example.org", "--role", "admin"], env)
    token = run(["token", "create", "bench@example.org"], env).strip().splitlines()[-1]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*KENNISNET, "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/v1/types", timeout=2).read()  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise RuntimeError("kennisnet serve did not start") from None
                time.sleep(0.2)
        results: dict[str, dict[str, float]] = {}
        for kind in ("txt", "pdf", "docx", "pdf20"):
            latencies = []
            for n in range(uploads):
                word = f"zoekwoord{kind}{n}x{random.randrange(10**6)}"
                filename, content = sample(kind, word, work)
                payload, ctype = multipart(filename, content)
                start = time.perf_counter()
                request(f"{base}/api/v1/documents", token, payload, ctype)
                query = urllib.parse.urlencode({"q": word})
                while time.perf_counter() - start < 30:
                    if request(f"{base}/api/v1/search?{query}", token)["total"]:
                        break
                    time.sleep(0.02)
                latencies.append(time.perf_counter() - start)
            latencies.sort()
            results[kind] = {
                "p50_s": statistics.median(latencies),
                "p95_s": latencies[max(0, round(0.95 * len(latencies)) - 1)],
            }
        return results
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--mix", choices=("text", "mixed", "pdf"), default="text")
    parser.add_argument("--pdf-pages", type=int, default=20, help="pages a PDF in the pdf mix")
    parser.add_argument("--uploads", type=int, default=20, help="uploads per kind (0: skip)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kennisnet-import-bench-"))
    try:
        folder = work / "files"
        folder.mkdir()
        pdf_pages = generate(folder, args.docs, args.mix, pdf_pages=args.pdf_pages)
        print(f"{args.docs} documents ({args.mix}), {pdf_pages} PDF pages", flush=True)
        ceiling = measure_ceiling(folder, work, args.docs)
        print(
            f"ceiling (one process, no isolation, no database): {ceiling['docs_per_s']:.0f} docs/s"
        )
        result = measure_import(folder, work, args.docs, pdf_pages)
        print(
            f"kennisnet import: {result['docs_per_s']:.0f} docs/s"
            f" ({result['docs_per_s'] / ceiling['docs_per_s']:.2f} of the ceiling),"
            f" {result['pdf_pages_per_s']:.0f} PDF pages/s, peak {result['peak_rss_mb']:.0f} MB,"
            f" {result['seconds']:.1f} s"
        )
        if args.uploads:
            for kind, figures in measure_upload_to_found(work, args.uploads).items():
                print(
                    f"upload to found, {kind}: p50 {figures['p50_s']:.2f} s,"
                    f" p95 {figures['p95_s']:.2f} s ({args.uploads} uploads)"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
