"""Content sniffing: the kind comes from the bytes; the name only picks text or Markdown."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from kennisnet.extraction import detect_kind, detect_kind_path

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"


def zip_bytes(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, members.pop(stored_first), zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = zip_bytes(
    {"mimetype": ODT_MIMETYPE.encode(), "content.xml": b"<x/>"}, stored_first="mimetype"
)


@pytest.mark.parametrize(
    ("head", "filename", "kind"),
    [
        (PDF, "verslag.pdf", "pdf"),
        (PDF, "verslag.docx", "pdf"),  # the content decides
        (b"\r\n" + PDF, "verslag", "pdf"),  # junk before the header is allowed
        (DOCX, "notulen.docx", "docx"),
        (DOCX, "notulen.pdf", "docx"),
        (ODT, "statuten.odt", "odt"),
        (b"# Buurtfonds\n\nAanvragen kan tot 1 mei.", "fonds.md", "markdown"),
        (b"# Buurtfonds", "fonds.markdown", "markdown"),
        (b"# Buurtfonds", "fonds.MD", "markdown"),
        (b"Notulen van de vergadering", "notulen.txt", "text"),
        (b"Notulen van de vergadering", "LEESMIJ", "text"),
        (b"Notulen van de vergadering", "notulen 12.03", "text"),  # not an extension
        ("Coöperatie".encode("cp1252"), "c.txt", "text"),
        (b"hallo\x00 wereld\x00", "nul.txt", "text"),
        ("Coöperatie in de wijk".encode("utf-16"), "u.txt", "text"),
        ("Coöperatie in de wijk".encode("utf-16-le"), "u.txt", "text"),
        (b"<meta charset='utf-8' />\n##Wet", "wet.md", "markdown"),  # laws-markdown files
        (b"{\\rtf1\\ansi Hallo}\r\n", "brief.txt", "rtf"),  # the content decides
    ],
)
def test_supported_content_is_detected(head: bytes, filename: str, kind: str) -> None:
    assert detect_kind(head, filename) == kind


@pytest.mark.parametrize(
    ("head", "filename"),
    [
        (b"", "leeg.txt"),
        (b"<!DOCTYPE html><html><body>Hallo</body></html>", "verslag.pdf"),
        (b"\xef\xbb\xbf  \n<html lang='nl'>", "pagina.txt"),
        (b"<?xml version='1.0'?><office:document/>", "plat.fodt"),
        (b"  <svg xmlns='http://www.w3.org/2000/svg'/>", "logo.txt"),
        (b"<script>alert(1)</script>", "x.md"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00", "setup.txt"),
        (b"\x7fELF\x02\x01\x01", "programma"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "foto.txt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "oud.doc"),
        (b"{\\rtf1\\ansi Hallo} en dan nog wat", "brief.txt"),  # not one RTF group
        (bytes(range(256)) * 4, "ruis.txt"),
        (b"Gewone tekst", "verslag.pdf"),  # text under a document extension
        (b"Gewone tekst", "verslag.docx"),
        (b"Gewone tekst", "verslag.odt"),
        (b"Gewone tekst", "pagina.html"),
        (zip_bytes({"foto.jpg": b"\xff\xd8\xff"}), "archief.docx"),
        (zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "x.odt"),
        (zip_bytes({"[Content_Types].xml": b"<Types/>"}), "thema.docx"),
    ],
)
def test_unsupported_content_is_refused(head: bytes, filename: str) -> None:
    assert detect_kind(head, filename) is None


def test_docx_whose_document_part_lies_beyond_the_head_needs_the_path(tmp_path: Path) -> None:
    # 128 KiB that does not compress, so the document part starts beyond the sniffed head
    filler = b"".join(hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(4096))
    data = zip_bytes(
        {"[Content_Types].xml": b"<Types/>", "word/media/a.bin": filler, "word/document.xml": b""}
    )
    path = tmp_path / "groot.docx"
    path.write_bytes(data)
    assert detect_kind(data[: 64 * 1024], "groot.docx") is None
    assert detect_kind_path(path, "groot.docx") == "docx"


@pytest.mark.parametrize("data", [b"PK\x03\x04 kapot", b"PK\x03\x04" + bytes(64)])
def test_broken_zip_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "kapot.docx"
    path.write_bytes(data)
    assert detect_kind_path(path, path.name) is None


def test_missing_file_is_refused(tmp_path: Path) -> None:
    assert detect_kind_path(tmp_path / "weg.pdf", "weg.pdf") is None


def test_name_with_directories_uses_the_last_part() -> None:
    assert detect_kind(b"# Titel", "C:\\Users\\Els\\notities.md") == "markdown"
