"""The office formats and pictures added for issue 11: sniffed by content, read, described."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from kennisnet.extraction import ExtractionFailed, detect_kind, detect_kind_path, extract, sniff
from kennisnet.extraction.reading import plausible_date
from tests.extraction import samples
from tests.extraction.test_extraction import CORPUS, make_docx


@pytest.mark.parametrize(
    ("make", "kind", "words"),
    [
        (samples.make_xlsx, "xlsx", ["Begroting 1", "Zonnepanelen buurthuis 2\t1252"]),
        (samples.make_pptx, "pptx", ["energiecoöperatie", "Ledental\t412", "vrijwilligers"]),
        (samples.make_ods, "ods", ["Lid 2", "contributie betaald"]),
        (samples.make_odp, "odp", ["repaircafé in de bibliotheek"]),
        (samples.make_rtf, "rtf", ["Notulen van de ledenvergadering over de coöperatie."]),
    ],
    ids=["xlsx", "pptx", "ods", "odp", "rtf"],
)
def test_office_file_is_sniffed_and_read(tmp_path: Path, make, kind: str, words: list[str]) -> None:
    path = make(tmp_path / f"bestand.{kind}")
    assert detect_kind_path(path, "zonder-extensie") == kind
    assert detect_kind(path.read_bytes(), "verkeerd.pdf") == kind  # the content decides
    result = extract(path, kind)
    for word in words:
        assert word in result.text
    assert result.text_source == "text"


def test_legacy_word_document_is_read_with_its_summary() -> None:
    path = CORPUS / "malformed/doc-legacy-word97.doc"
    assert detect_kind_path(path, "brief.docx") == "doc"
    result = extract(path, "doc")
    assert "Search text: 16102.doc" in result.text
    assert result.author == "Paul Koppelaar"
    assert result.created == "2024-11-14"


def test_presentation_pages_are_slides_and_limited(tmp_path: Path) -> None:
    result = extract(samples.make_pptx(tmp_path / "dia.pptx", slides=5), "pptx", max_pages=2)
    assert result.pages == 5
    assert result.text.count("Dia ") == 2
    assert result.meta["truncated"] == "pages"
    assert result.notes == ("Alleen de eerste 2 van de 5 dia's zijn gelezen.",)


@pytest.mark.parametrize(
    ("make", "kind", "title", "author", "created"),
    [
        (samples.make_pptx, "pptx", "Jaarvergadering", "Karin Jansen", "2022-05-01"),
        (samples.make_xlsx, "xlsx", None, "Els de Vries", "2021-03-04"),
        (samples.make_rtf, "rtf", "Notulen april", "Piet Bakker", "2019-04-02"),
    ],
)
def test_metadata_title_author_and_creation_date(
    tmp_path: Path, make, kind: str, title: str | None, author: str, created: str
) -> None:
    result = extract(make(tmp_path / f"m.{kind}"), kind)
    assert (result.title, result.author, result.created) == (title, author, created)


def test_docx_author_and_date_come_from_core_properties(tmp_path: Path) -> None:
    import docx  # python-docx, to set the properties of the sample

    path = make_docx(tmp_path / "kern.docx")
    document = docx.Document(str(path))
    document.core_properties.author = "Fatima el Amrani"
    document.core_properties.created = datetime(2018, 6, 30, 12, 0)
    document.save(str(path))
    result = extract(path, "docx")
    assert (result.author, result.created) == ("Fatima el Amrani", "2018-06-30")


def test_pdf_and_odt_dates_from_the_corpus() -> None:
    pdf = extract(CORPUS / "pdf/nl-coronamelder-dpia.pdf", "pdf", max_pages=1)
    assert pdf.created is not None
    assert pdf.created[:4].isdigit()
    odt = extract(CORPUS / "odt/nl-hackerspace-drenthe-statuten.odt", "odt")
    assert odt.created is None or len(odt.created) == 10


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-09-28T14:30:00+02:00", "2020-09-28"),
        ("1899-12-31", None),
        ("1601-01-01T00:00:00", None),  # Windows' zero date
        ((date.today() + timedelta(days=2)).isoformat(), None),
        ("2020-02-30", None),
        ("gisteren", None),
        (None, None),
    ],
)
def test_only_plausible_dates_are_kept(value: str | None, expected: str | None) -> None:
    assert plausible_date(value) == expected


@pytest.mark.parametrize(
    ("kind", "fmt"), [("jpeg", "JPEG"), ("png", "PNG"), ("tiff", "TIFF"), ("webp", "WEBP")]
)
def test_pictures_are_sniffed_by_content(tmp_path: Path, kind: str, fmt: str) -> None:
    path = tmp_path / "foto.bin"
    Image.new("RGB", (40, 30), "white").save(path, fmt)
    assert detect_kind_path(path, "foto.docx") == kind
    assert sniff.image_kind(path.read_bytes()[:64]) == kind


def test_picture_without_text_is_a_success_with_no_text(tmp_path: Path) -> None:
    path = tmp_path / "leeg.png"
    Image.new("RGB", (400, 300), "white").save(path)
    result = extract(path, "png")
    assert (result.text, result.pages, result.text_source) == ("", 1, None)


@pytest.mark.parametrize(
    "head",
    [
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),  # OLE2 without a Word stream
        b"RIFF\x10\x00\x00\x00WAVEfmt ",  # RIFF, but sound
        b"II*\x00\x00\x00\x00\x00",  # TIFF without a first directory
        b"\xff\xd8\xff",  # JPEG magic alone
    ],
)
def test_lookalike_headers_are_refused(head: bytes) -> None:
    assert detect_kind(head, "bestand.txt") is None


def test_excel_97_workbook_is_not_taken_for_a_word_document(tmp_path: Path) -> None:
    # The corpus .doc with its main stream renamed to Excel's (same length, so still valid).
    path = tmp_path / "begroting.doc"
    path.write_bytes(CORPUS.joinpath("malformed/doc-legacy-word97.doc").read_bytes())
    data = path.read_bytes().replace(
        "WordDocument".encode("utf-16-le"), "Workbook\0\0\0\0".encode("utf-16-le")
    )
    path.write_bytes(data)
    assert detect_kind_path(path, path.name) is None
    with pytest.raises(ExtractionFailed) as failure:
        extract(path, "doc")
    assert failure.value.code == "corrupt"


def test_a_workbook_stored_under_its_digest_is_read(tmp_path: Path) -> None:
    """Uploads are stored without a suffix; the reader must not judge by the file name."""
    from tests.extraction import samples

    path = samples.make_xlsx(tmp_path / "begroting.xlsx")
    stored = path.rename(tmp_path / "f103c868781d1b04739dd87320c2517662187baef0c899a6bcde76f1cf0")
    assert "Zonnepanelen" in extract(stored, "xlsx").text
