"""Hostile and odd uploads through the API with a Bearer token.

Every upload ends in one clear outcome: refused with a Dutch reason (a 4xx JSON error), or
stored (201) as ``ready`` or as ``failed`` with a Dutch ``extraction_error``. Never a 5xx, never
a file outside ``uploads/``, and the stored name is shown as text.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from kennisnet.accounts import users
from kennisnet.core.extensions import db
from kennisnet.curation import categories
from kennisnet.documents.metadata import clean_filename
from kennisnet.documents.models import DocumentFile
from tests.conftest import CORPUS, IsolatedClient, fetch, make_app
from tests.factories import make_user

DUTCH_WORDS = {
    "het", "de", "een", "is", "niet", "kan", "bestand", "te", "van", "dit", "deze", "wordt",
    "geen", "kies", "vul", "onbekend", "tekst", "lang", "groot", "leeg", "staat", "al",
    "thema", "titel", "jaar", "wachtwoord", "soort", "formulier", "samenvatting",
}  # fmt: skip
DATA_DIRS = {"uploads", "index", "instance", "previews"}  # config.data_paths
_unique = itertools.count(1)


@dataclass
class Uploads:
    app: Flask
    client: FlaskClient
    token: str
    data_dir: Path

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def post(self, content: bytes, filename: str, **fields: Any):
        before = files_outside_data_dirs(self.data_dir)
        # Encoded here into memory: the test client spools bodies over 500 kB to a temporary
        # file it never closes, which warnings-as-errors turns into a failure elsewhere.
        boundary, body = encode_multipart(
            MultiDict([*_pairs(fields), ("file", FileStorage(io.BytesIO(content), filename))])
        )
        response = self.client.post(
            "/api/v1/documents",
            headers=self.auth,
            input_stream=io.BytesIO(body),
            content_length=len(body),
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        assert files_outside_data_dirs(self.data_dir) == before, "a file was written elsewhere"
        assert_clear_outcome(response)
        return response


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Uploads]:
    from flask_migrate import upgrade

    data_dir = tmp_path_factory.mktemp("hostile")
    app = make_app(data_dir)
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
        categories.seed()
        token = users.create_api_token(make_user(email="upload@example.org"))
        yield Uploads(app, app.test_client(), token, data_dir)
        db.session.remove()
        db.engine.dispose()


def _pairs(fields: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (key, item)
        for key, value in fields.items()
        for item in (value if isinstance(value, list) else [value])
    ]


def files_outside_data_dirs(root: Path) -> set[Path]:
    return {
        p for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] not in DATA_DIRS
    }


def is_dutch(message: str) -> bool:
    words = set(re.findall(r"[a-zà-ÿ]+", message.lower()))
    return bool(message.strip()) and len(words & DUTCH_WORDS) >= 2


def assert_clear_outcome(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert body is not None, "the API answers in JSON"
    if response.status_code == 201:
        assert body["status"] in {"ready", "failed"}, body["status"]
        if body["status"] == "failed":
            assert is_dutch(body["extraction_error"] or ""), body["extraction_error"]
    else:
        assert response.status_code in {400, 409, 413, 415}, response.status_code
        assert is_dutch(body["error"]["message"]), body["error"]["message"]


def refused(response, status: int | None = None) -> str:
    assert response.status_code != 201, response.get_json()
    if status is not None:
        assert response.status_code == status, response.get_json()
    return response.get_json()["error"]["message"]


def failed(response) -> str:
    """Refused, or stored as failed: either way the Dutch reason."""
    body = response.get_json()
    if response.status_code == 201:
        assert body["status"] == "failed", body
        return body["extraction_error"]
    return body["error"]["message"]


def stored_file(body: dict[str, Any]) -> DocumentFile:
    sha256 = body["file"]["sha256"]
    return db.session.scalar(select(DocumentFile).where(DocumentFile.sha256 == sha256))


def tiny_pdf(text: str, pages: int = 1) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format=(105, 148))
    pdf.set_font("helvetica", size=8)
    for n in range(pages):
        pdf.add_page()
        pdf.cell(text=f"{text} {n + 1}")
    return bytes(pdf.output())


def unique_text(prefix: str = "Tekst") -> bytes:
    return f"{prefix} {next(_unique)} over de buurtcoöperatie.".encode()


# --- generated office files -----------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


PROLOG = '<?xml version="1.0"?>'


def docx(body: str, *, prolog: str = PROLOG, extra: dict[str, bytes] | None = None) -> bytes:
    document = (
        f'{prolog}<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>{body}</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def odt(body: str, *, prolog: str = PROLOG, extra: dict[str, bytes] | None = None) -> bytes:
    content = (
        f"{prolog}<office:document-content "
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text><text:p>{body}</text:p></office:text></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


ZEROS = b"\0" * (30 * 1024 * 1024)  # 30 MB that deflates to about 30 kB


# --- the cases ------------------------------------------------------------------------------


def test_sanity_generated_files_are_read(uploads: Uploads) -> None:
    """The generators make real documents, so the refusals below are about the payloads."""
    for content, name in (
        (docx("Gewone buurttekst één"), "a.docx"),
        (odt("Gewone tekst twee"), "a.odt"),
        (tiny_pdf("Gewone tekst drie"), "a.pdf"),
    ):
        assert uploads.post(content, name).get_json()["status"] == "ready"


def test_empty_file(uploads: Uploads) -> None:
    assert "leeg" in refused(uploads.post(b"", "leeg.pdf"), 400)


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "programma.exe"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "verslag.pdf"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "verslag.docx"),
        (b"<html><script>alert(1)</script></html>", "verslag.pdf"),
        (b"<!DOCTYPE html><html><body>hoi</body></html>", "verslag.html"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "plaatje.svg"),
        (b"<html><body onload=alert(1)>x</body></html>", "verslag.docx"),
        (b"PK\x03\x04 not really a zip at all", "verslag.docx"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "foto.pdf"),
        (b"{\\rtf1\\ansi hallo}", "brief.rtf"),
        (b"echo hallo", "script.sh"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_wrong_or_disguised_kinds_are_refused(
    uploads: Uploads, content: bytes, filename: str
) -> None:
    refused(uploads.post(content + unique_text(), filename), 415)


@pytest.mark.parametrize("make", [docx, odt], ids=["docx", "odt"])
def test_zip_bomb(uploads: Uploads, make) -> None:
    bomb = make(f"Bom {next(_unique)}", extra={"media/bom.bin": ZEROS})
    assert len(bomb) < 200_000
    reason = failed(uploads.post(bomb, "bom." + make.__name__))
    assert "groot" in reason or "beschadigd" in reason or "gelezen" in reason, reason


@pytest.mark.parametrize("make", [docx, odt], ids=["docx", "odt"])
@pytest.mark.parametrize("prolog", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_xml_entities_are_not_expanded(uploads: Uploads, make, prolog: str) -> None:
    entity = "&lol9;" if prolog is BILLION_LAUGHS else "&xxe;"
    response = uploads.post(make(f"{entity} {next(_unique)}", prolog=prolog), "x." + make.__name__)
    failed(response)
    stored = db.session.scalars(select(DocumentFile.extracted_text)).all()
    assert not any("lollollol" in (t or "") or "root:" in (t or "") for t in stored)


def test_pdf_with_thousands_of_pages(uploads: Uploads) -> None:
    body = uploads.post(tiny_pdf("Pagina", pages=2500), "dik.pdf").get_json()
    assert body["status"] in {"ready", "failed"}
    assert body["file"]["pages"] == 2500


@pytest.mark.parametrize(
    "name",
    [
        "enc-libreoffice-writer-password.pdf",
        # Not here: enc-r6-user-password.pdf has an empty owner password, so it opens
        # without one and is read like any other PDF.
        "enc-rc4-40.pdf",
        "enc-unicode-password.pdf",
        "enc-aes256-crazyones.pdf",
    ],
)
def test_password_protected_pdf_says_so(uploads: Uploads, name: str) -> None:
    path = CORPUS / "malformed" / name
    if not path.exists():
        pytest.skip("../shared/corpus is missing: clone the repo beside shared/")
    body = uploads.post(path.read_bytes(), name).get_json()
    assert body["status"] == "failed"
    assert "wachtwoord" in body["extraction_error"]


def test_latin1_text_is_read(uploads: Uploads) -> None:
    text = f"Café de coöperatie {next(_unique)}: één financiële bijdrage voor de wijk."
    body = uploads.post(text.encode("latin-1"), "latin.txt").get_json()
    assert body["status"] == "ready"
    row = db.session.scalar(
        select(DocumentFile).where(DocumentFile.sha256 == body["file"]["sha256"])
    )
    assert "Café de coöperatie" in row.extracted_text


def test_text_with_nul_bytes(uploads: Uploads) -> None:
    response = uploads.post(b"Buurt\x00tekst met\x00nullen " + unique_text(), "nul.txt")
    if response.status_code == 201:
        row = stored_file(response.get_json())
        assert "\x00" not in (row.extracted_text or "")


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/cron.d/kennisnet.txt", "kennisnet.txt"),
        # Werkzeug's multipart parser already reads a backslash as an escape; what is left
        # must still be one plain name.
        ("..\\..\\windows\\win.ini.txt", None),
        ("C:\\x\\..\\y.pdf", None),
        ("tab\tbel\x07esc\x1b[31m.txt", None),
        ("a" * 300 + ".txt", None),
        ("ü" * 400 + ".txt", None),
        ("....", None),
        ("<img src=x onerror=alert(1)>.txt", "<img src=x onerror=alert(1)>.txt"),
    ],
    ids=lambda v: repr(v)[:30] if isinstance(v, str) else None,
)
def test_absurd_file_names(uploads: Uploads, filename: str, expected: str | None) -> None:
    content = tiny_pdf(f"Pdf {next(_unique)}") if filename.endswith(".pdf") else unique_text()
    response = uploads.post(content, filename)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    name = body["file"]["name"]
    if expected is not None:
        assert name == expected
    assert "/" not in name
    assert "\\" not in name
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in name)
    assert 0 < len(name) <= 255
    stored = sorted(p.name for p in (uploads.data_dir / "uploads").rglob("*") if p.is_file())
    assert all(re.fullmatch(r"[0-9a-f]{64}", n) for n in stored), stored[:3]
    # The name is text on the page and a safe header on the download.
    page = uploads.client.get(f"/documenten/{body['id']}", headers=uploads.auth)
    assert "<img src=x" not in page.get_data(as_text=True)
    download = fetch(uploads.client, body["download_url"], headers=uploads.auth)
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\n" not in disposition
    assert "\r" not in disposition


@pytest.mark.parametrize(
    ("fields", "status", "word"),
    [
        ({"title": "t" * 10_000}, 400, "titel"),
        ({"summary": "s" * 100_000}, 400, "samenvatting"),
        ({"region": "r" * 10_000}, 400, "wijk"),
        # More form fields than Werkzeug parses (max_form_parts): refused before any view.
        ({"theme": [f"thema-{n}" for n in range(10_000)]}, 413, "formulier"),
        ({"year": "9" * 5000}, 400, "jaar"),
        ({"visibility": "iedereen-en-meer"}, 400, "zien"),
        ({"type": "<script>"}, 400, "soort"),
        ({"title": "x" * (2 * 1024 * 1024)}, 413, "formulier"),
    ],
    ids=[
        "title",
        "summary",
        "region",
        "10k-themes",
        "year",
        "visibility",
        "type",
        "2mb-title",
    ],
)
def test_huge_or_wrong_metadata(
    uploads: Uploads, fields: dict[str, Any], status: int, word: str | None
) -> None:
    message = refused(uploads.post(unique_text(), "meta.txt", **fields), status)
    if word:
        assert word in message.lower()
    assert len(message) < 2000, "a reason people can read, not a dump of the input"


def test_unknown_themes_are_refused(uploads: Uploads) -> None:
    response = uploads.post(unique_text(), "t.txt", theme=[f"thema-{n}" for n in range(500)])
    assert "thema" in refused(response, 400).lower()


def test_unknown_themes_message_stays_short(uploads: Uploads) -> None:
    response = uploads.post(unique_text(), "t.txt", theme=[f"thema-{n}" for n in range(500)])
    assert len(refused(response, 400)) < 300


def test_line_breaks_in_file_names_are_dropped() -> None:
    """A raw CR/LF cannot travel in a multipart header, so the cleaner is tested directly."""
    name = clean_filename("regel\neen\r\nSet-Cookie: x=1.txt")
    assert name == "regeleenSet-Cookie: x=1.txt"


def test_many_copies_of_one_theme_are_one_theme(uploads: Uploads) -> None:
    slug = categories.themes_in_order()[0].slug
    body = uploads.post(unique_text(), "thema.txt", theme=[slug] * 900).get_json()
    assert body["themes"] == [slug]


def test_nothing_is_left_behind_by_refusals(uploads: Uploads) -> None:
    referenced = set(db.session.scalars(select(DocumentFile.sha256)))
    stored = {p.name for p in (uploads.data_dir / "uploads").rglob("*") if p.is_file()}
    assert stored <= referenced


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "MANIFEST.tsv")


class RecordingBackend:
    """Stands in for Whoosh in the corpus run: indexing 70 large documents one commit at a
    time costs minutes here, and the search tests cover indexing itself."""

    def __init__(self) -> None:
        self.indexed: dict[int, object] = {}

    def index(self, docs) -> None:
        self.indexed.update({doc.id: doc for doc in docs})

    def remove(self, ids) -> None:
        for doc_id in ids:
            self.indexed.pop(doc_id, None)


@pytest.mark.slow
def test_every_corpus_file_has_a_clear_outcome(
    uploads: Uploads, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _corpus_files()
    if not files:
        pytest.skip("../shared/corpus is missing: clone the repo beside shared/")
    recorder = RecordingBackend()
    monkeypatch.setitem(uploads.app.extensions, "kennisnet.search", recorder)
    outcomes = {}
    for path in files:
        response = uploads.post(path.read_bytes(), path.name, visibility="public")
        body = response.get_json()
        outcomes[path.name] = body.get("status") or body["error"]["code"]
        if response.status_code == 201:
            assert body["id"] in recorder.indexed, f"{path.name} was not indexed"
    assert set(outcomes.values()) <= {"ready", "failed", "unsupported", "duplicate", "empty"}
    assert list(outcomes.values()).count("ready") >= len(files) // 2, outcomes
