"""Scans, photos and previews through the app: stored, read, found, shown, and only to whom may.

The scans are made here from known Dutch text, so what OCR must find is known.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from kennisnet.core.extensions import db
from kennisnet.core.storage import preview_store
from kennisnet.documents.models import Document, Status
from kennisnet.documents.processing import _year_of
from kennisnet.documents.trash import purge_trash
from kennisnet.maintenance import consistency
from kennisnet.search import SearchQuery, Viewer, backend
from tests.conftest import fetch
from tests.extraction import samples
from tests.factories import make_document, make_user
from tests.s3server import BOTH_STORES

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LINES = (
    "Het buurtnetwerk organiseert mantelzorg",
    "voor ouderen in de wijk Vogelenzang.",
)


def scan_page(lines: tuple[str, ...] = LINES) -> Image.Image:
    """An A4 page at 150 dpi with the lines printed on it, as a scanner would return it."""
    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), 40)
    for n, line in enumerate(lines):
        draw.text((120, 200 + n * 70), line, fill=0, font=font)
    return page


def scanned_pdf(*pages: Image.Image) -> bytes:
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=150, save_all=True, append_images=list(pages[1:]))
    return out.getvalue()


def text_pdf(title: str = "Buurtplan", author: str = "", created: datetime | None = None) -> bytes:
    pdf = FPDF()
    pdf.set_title(title)
    if author:
        pdf.set_author(author)
    if created:
        pdf.set_creation_date(created)
    for body in ("Eerste pagina over de buurtkamer.", "Tweede pagina over de moestuin."):
        pdf.add_page()
        pdf.set_font("Helvetica", size=14)
        pdf.cell(text=body)
    return bytes(pdf.output())


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (400, 300), (200, 220, 240))
    exif = Image.Exif()
    exif[0x010F] = "Fotomaker"  # Make
    gps = {1: "N", 2: (52.0, 5.0, 0.0), 3: "E", 4: (5.0, 7.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def found(text: str) -> list[int]:
    results = backend().search(SearchQuery(text=text, viewer=Viewer(1, True)))
    return [hit.id for hit in results.hits]


@pytest.fixture
def member(app: Flask):
    return make_user(email="lezer@example.org")


@BOTH_STORES
def test_a_scan_is_read_with_ocr_and_found_by_its_printed_words(app: Flask, member) -> None:
    doc = make_document(member, content=scanned_pdf(scan_page()), filename="scan.pdf")
    db.session.refresh(doc)
    assert doc.status == Status.READY
    assert doc.file is not None
    assert doc.file.text_source == "ocr"
    assert doc.file.ocr_confidence is not None and doc.file.ocr_confidence > 50
    assert doc.id in found("Vogelenzang")
    assert doc.id in found("mantelzorg ouderen")


def test_the_document_page_says_the_text_comes_from_recognition(
    app: Flask, client: FlaskClient, member
) -> None:
    doc = make_document(member, content=scanned_pdf(scan_page()), filename="scan.pdf")
    page = client.get(f"/documenten/{doc.id}").get_data(as_text=True)
    assert "tekstherkenning" in page
    assert "Gemiddelde zekerheid" in page


def test_pages_beyond_the_ocr_limit_are_named(tmp_path: Path) -> None:
    from flask_migrate import upgrade

    from kennisnet.curation import categories
    from tests.conftest import make_app

    limited = make_app(tmp_path, OCR_MAX_PAGES=1)
    with limited.app_context():
        upgrade()
        categories.seed()
        owner = make_user(email="scanner@example.org")
        second = scan_page(("Dit staat op de tweede pagina.",))
        doc = make_document(owner, content=scanned_pdf(scan_page(), second), filename="scan.pdf")
        db.session.refresh(doc)
        assert doc.status == Status.READY
        assert doc.file is not None
        assert any("2" in note for note in doc.file.extraction_notes), doc.file.extraction_notes
        assert "tweede" not in (doc.file.extracted_text or "")
        db.session.remove()
        db.engine.dispose()


@BOTH_STORES
def test_a_text_pdf_gets_a_thumbnail_and_a_page_viewer(
    app: Flask, client: FlaskClient, member
) -> None:
    doc = make_document(member, content=text_pdf(), filename="plan.pdf")
    db.session.refresh(doc)
    assert doc.file is not None and doc.file.text_source == "text"
    thumbnail = fetch(client, f"/documenten/{doc.id}/voorbeeld")
    assert thumbnail.status_code == 200
    assert thumbnail.mimetype.startswith("image/")
    viewer = client.get(f"/documenten/{doc.id}/paginas/1").get_data(as_text=True)
    assert "Pagina 1 van 2" in viewer and f"/documenten/{doc.id}/paginas/2" in viewer
    assert "<script" not in viewer
    assert fetch(client, f"/documenten/{doc.id}/paginas/2/afbeelding").status_code == 200
    assert client.get(f"/documenten/{doc.id}/paginas/3").status_code == 404
    assert fetch(client, f"/documenten/{doc.id}/paginas/0/afbeelding").status_code == 404
    body = client.get(f"/api/v1/documents/{doc.id}").get_json()
    assert body["text_source"] == "text"
    assert body["thumbnail_url"].endswith(f"/documenten/{doc.id}/voorbeeld")


def test_a_text_file_has_no_previews(app: Flask, client: FlaskClient, member) -> None:
    doc = make_document(member, "Alleen tekst, geen pagina's om te tonen.")
    assert client.get(f"/api/v1/documents/{doc.id}").get_json()["thumbnail_url"] is None
    assert fetch(client, f"/documenten/{doc.id}/voorbeeld").status_code == 404


@BOTH_STORES
def test_members_only_previews_stay_hidden(app: Flask, client: FlaskClient, member) -> None:
    doc = make_document(member, content=text_pdf(), filename="intern.pdf", visibility="members")
    for url in (
        f"/documenten/{doc.id}/voorbeeld",
        f"/documenten/{doc.id}/paginas/1",
        f"/documenten/{doc.id}/paginas/1/afbeelding",
    ):
        assert fetch(client, url).status_code == 404, url


@BOTH_STORES
def test_a_photo_is_kept_as_uploaded_and_previewed_without_exif(
    app: Flask, client: FlaskClient, member
) -> None:
    original = photo_with_gps()
    doc = make_document(member, content=original, filename="buurtfeest_zomer-2024.jpg", title="")
    db.session.refresh(doc)
    assert doc.title == "Buurtfeest zomer 2024"
    assert fetch(client, f"/documenten/{doc.id}/bestand").get_data() == original
    thumbnail = fetch(client, f"/documenten/{doc.id}/voorbeeld")
    assert thumbnail.status_code == 200
    image = Image.open(io.BytesIO(thumbnail.get_data()))
    assert not image.getexif(), "the preview must carry no EXIF (GPS included)"


def test_a_photo_of_printed_text_is_found_by_its_words(app: Flask, member) -> None:
    out = io.BytesIO()
    scan_page().convert("RGB").save(out, "PNG")
    doc = make_document(member, content=out.getvalue(), filename="affiche.png")
    db.session.refresh(doc)
    assert doc.status == Status.READY
    assert doc.id in found("Vogelenzang")


def test_file_metadata_fills_what_the_member_left_empty(app: Flask, member) -> None:
    made = datetime(2019, 5, 4, tzinfo=UTC)
    doc = make_document(
        member, content=text_pdf(author="Wijkteam Noord", created=made), filename="a.pdf"
    )
    db.session.refresh(doc)
    assert doc.author == "Wijkteam Noord"
    assert doc.year == 2019
    given = make_document(
        member, content=text_pdf(title="Ander plan", created=made), filename="b.pdf", year=2023
    )
    db.session.refresh(given)
    assert given.year == 2023


@pytest.mark.parametrize(
    ("created", "year"),
    [("2019-05-04T10:00:00", 2019), ("1850-01-01", None), ("2999-01-01", None), ("gisteren", None)],
)
def test_only_plausible_file_dates_become_the_year(created: str, year: int | None) -> None:
    assert _year_of(created) == year


@BOTH_STORES
def test_previews_are_neither_orphans_nor_left_behind(app: Flask, member) -> None:
    from kennisnet.documents.operations import delete_document

    doc = make_document(member, content=text_pdf(), filename="plan.pdf")
    db.session.refresh(doc)
    assert doc.file is not None
    previews = doc.file.preview_paths()
    assert previews
    report = consistency.check(older_than=0)
    assert report.orphan_files == [] and report.orphan_previews == []
    delete_document(doc, member)
    purge_trash(now=datetime(2999, 1, 1))
    store = preview_store()
    assert not any(store.exists(p) for p in previews)
    assert db.session.get(Document, doc.id) is None


SCANS = ("pdf/scan-ccitt-fax.pdf", "pdf/scan-grayscale-image.pdf", "malformed/truncated-scan.pdf")


@pytest.mark.parametrize("name", SCANS)
def test_every_corpus_scan_becomes_ready(app: Flask, member, corpus: Path, name: str) -> None:
    path = corpus / name
    doc = make_document(member, content=path.read_bytes(), filename=path.name, title="Scan")
    db.session.refresh(doc)
    assert doc.status == Status.READY, doc.file.extraction_error if doc.file else None
    assert doc.file is not None and doc.file.extraction_error is None


def test_a_picture_without_words_is_a_document_with_a_note(
    app: Flask, client: FlaskClient, member
) -> None:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (30, 120, 60)).save(out, "PNG")
    doc = make_document(member, content=out.getvalue(), filename="groen-veld.png", title="")
    db.session.refresh(doc)
    assert doc.status == Status.READY
    assert doc.file is not None and doc.file.text_source is None
    assert any("geen leesbare tekst" in note for note in doc.file.extraction_notes)
    assert "geen leesbare tekst" in client.get(f"/documenten/{doc.id}").get_data(as_text=True)
    assert doc.id in found("groen veld")  # by its title, from the file name


FORMATS = {
    # kind: (how to make one, a word only its text has)
    "xlsx": (lambda p: samples.make_xlsx(p / "begroting.xlsx"), "zonnepanelen"),
    "pptx": (lambda p: samples.make_pptx(p / "jaarvergadering.pptx"), "windmolen"),
    "odp": (lambda p: samples.make_odp(p / "presentatie.odp"), "repaircafé"),
    "ods": (lambda p: samples.make_ods(p / "begroting.ods"), None),
    "rtf": (lambda p: samples.make_rtf(p / "notulen.rtf"), "ledenvergadering"),
}


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_office_formats_upload_extract_and_are_found(
    app: Flask, client: FlaskClient, member, tmp_path: Path, kind: str
) -> None:
    make, word = FORMATS[kind]
    path = make(tmp_path)
    doc = make_document(member, content=path.read_bytes(), filename=path.name, title="")
    db.session.refresh(doc)
    assert doc.status == Status.READY, doc.file.extraction_error if doc.file else None
    assert doc.file is not None and doc.file.kind == kind and doc.file.text_source == "text"
    if word:
        assert doc.id in found(word)
    assert client.get(f"/api/v1/documents/{doc.id}").get_json()["status"] == "ready"


def test_an_old_word_document_is_read(app: Flask, member, corpus: Path) -> None:
    path = corpus / "malformed/doc-legacy-word97.doc"
    doc = make_document(member, content=path.read_bytes(), filename=path.name)
    db.session.refresh(doc)
    assert doc.file is not None and doc.file.kind == "doc"
    assert doc.status == Status.READY and doc.file.extracted_text
