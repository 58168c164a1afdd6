"""Extraction against the shared corpus of real files, plus generated hostile documents."""

from __future__ import annotations

import csv
import functools
import pickle
import signal
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest

from kennisnet.extraction import (
    MEDIA_TYPES,
    Extracted,
    ExtractionFailed,
    detect_kind,
    detect_kind_path,
    extract,
    extract_isolated,
    isolated,
    sniff,
)
from kennisnet.extraction.pdf import collapse_dot_leaders, tidy_pdf_text
from kennisnet.extraction.text import clean_text, clean_title, decode, markdown_title
from kennisnet.search.analysis import rejoin_hyphenated

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
if not (CORPUS / "MANIFEST.tsv").is_file():
    pytest.skip(f"test corpus not found at {CORPUS}", allow_module_level=True)

with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as _manifest:
    ROWS = list(csv.DictReader(_manifest, delimiter="\t"))

FAILURE_CODES = {"encrypted", "corrupt", "unsupported", "too_large", "timeout", "crashed"}

# Files that need a password (MANIFEST.tsv); owner-password-only files open without one.
PASSWORD_PROTECTED = [
    "malformed/enc-libreoffice-writer-password.pdf",
    "malformed/enc-aes256-crazyones.pdf",
    "malformed/enc-rc4-40.pdf",
    "malformed/enc-unicode-password.pdf",
]
EMPTY_PASSWORD_OPENS = [
    "malformed/enc-r2-owner-password-only.pdf",
    "malformed/enc-r6-user-password.pdf",
]

# What content sniffing must say, where the directory or extension does not tell.
SNIFF_EXCEPTIONS = {
    "malformed/docx-word-lock-file.docx": None,  # not a zip
    "malformed/doc-legacy-word97.doc": "doc",  # OLE2 with a WordDocument stream
    "malformed/odt-flat-xml.fodt": None,  # XML text
    "malformed/txt-french-cp1252.txt": "text",
    "malformed/txt-english-utf8-bom.txt": "text",
    "malformed/txt-chinese-big5.txt": "text",
}
KIND_BY_SUFFIX = {".pdf": "pdf", ".docx": "docx", ".odt": "odt", ".md": "markdown"}
# The kind implied by the name, forced on files that sniffing refuses, so extract() meets them.
FORCED_KIND = {**KIND_BY_SUFFIX, ".doc": "docx", ".fodt": "odt", ".txt": "text"}

KNOWN_WORDS = {
    "pdf/nl-woo-toegankelijkheidsonderzoek-open-2025.pdf": "toegankelijkheid",
    "pdf/nl-woo-toegankelijkheidsonderzoek-beheer-2025.pdf": "toegankelijkheid",
    "pdf/nl-coronamelder-advies-raad-van-state.pdf": "raad van state",
    "pdf/nl-coronamelder-juridische-analyse-landsadvocaat.pdf": "overeenkomst",
    "pdf/nl-coronamelder-ethische-analyse.pdf": "ethische",
    "pdf/nl-coronamelder-programma-van-eisen.pdf": "programma van eisen",
    "pdf/nl-coronamelder-dpia.pdf": "gegevensbescherming",
    "pdf/nl-coronamelder-duidingsrapportage.pdf": "coronamelder",
    "pdf/nl-burgerpeiling-verbondenheid-door-burenhulp.pdf": "burenhulp",
    "pdf/nl-burgerpeiling-mantelzorg.pdf": "mantelzorg",
    "pdf/nl-burgerpeiling-eenzaamheid-sociale-veerkracht.pdf": "eenzaamheid",
    "pdf/nl-burgerpeiling-vertrouwen-in-de-gemeente.pdf": "vertrouwen",
    "pdf/nl-vng-releasenotes-documentcreatie.pdf": "naamswijziging",
    "docx/nl-coronamelder-crypto-raamwerk.docx": "cryptografie",
    "docx/nl-burgerpeiling-protocol-2020.docx": "burgerpeiling",
    "docx/nl-burgerpeiling-modelvragenlijst.docx": "gemeente",
    "docx/nl-burgerpeiling-module-hostmanship.docx": "medewerker",
    "docx/nl-burgerpeiling-definitie-indicatoren.docx": "indicatoren",
    "docx/nl-vng-testset-documentcreatie.docx": "documentcreatie",
    "odt/nl-hackerspace-drenthe-statuten.odt": "stichting",
    "odt/nl-model-statuten-stichting.odt": "stichting",
    "text/nl-open-source-ambitieladder-maatwerk.md": "aanbesteding",
    "text/nl-open-source-ambitieladder-projecten.md": "ambitieladder",
    "text/nl-open-source-gereedschapskist.md": "gereedschapskist",
    "text/nl-woo-besluit-inleiding.md": "woo-besluit",
    "text/nl-woo-productierapport.md": "productierapport",
    "text/nl-burgerpeiling-readme.md": "burgerpeiling",
    "text/nl-wet-maatschappelijke-ondersteuning-2015.md": "maatschappelijke ondersteuning",
    "text/nl-wet-openbaarheid-van-bestuur.md": "openbaarheid",
    "text/nl-uitvoeringswet-europees-burgerinitiatief.md": "burgerinitiatief",
    "text/nl-besluit-loonkostensubsidie-participatiewet.md": "loonkostensubsidie",
    "text/nl-kaderbesluit-bzk-subsidies.md": "subsidie",
    "text/nl-burgerlijk-wetboek-boek-2.md": "coöperatie",
}


def _id(row: dict[str, str]) -> str:
    return row["path"]


def _expected_kind(rel: str) -> str | None:
    if rel in SNIFF_EXCEPTIONS:
        return SNIFF_EXCEPTIONS[rel]
    return KIND_BY_SUFFIX[Path(rel).suffix]


@functools.cache
def outcome(rel: str) -> Extracted | ExtractionFailed:
    """Each corpus file is parsed once per run; several tests look at the result."""
    path = CORPUS / rel
    kind = detect_kind_path(path, path.name) or FORCED_KIND[path.suffix]
    try:
        return extract(path, kind)
    except ExtractionFailed as exc:
        return exc


# --- the corpus ------------------------------------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=_id)
def test_corpus_file_gives_text_or_a_dutch_failure(row: dict[str, str]) -> None:
    result = outcome(row["path"])
    if isinstance(result, ExtractionFailed):
        assert result.code in FAILURE_CODES
        assert "bestand" in result.message.lower()  # a Dutch sentence, not a library error
    else:
        assert isinstance(result.text, str)
        assert unicodedata.is_normalized("NFC", result.text)
        assert "\x00" not in result.text
        assert result.title is None or result.title == result.title.strip() != ""


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r["language"] == "nl" and ": ok" in r["note"]], ids=_id
)
def test_dutch_corpus_file_yields_its_text(row: dict[str, str]) -> None:
    result = outcome(row["path"])
    assert isinstance(result, Extracted), result
    assert KNOWN_WORDS[row["path"]] in result.text.lower()


@pytest.mark.parametrize("rel", PASSWORD_PROTECTED)
def test_password_protected_pdf_is_refused_as_encrypted(rel: str) -> None:
    result = outcome(rel)
    assert isinstance(result, ExtractionFailed)
    assert result.code == "encrypted"
    assert "wachtwoord" in result.message


@pytest.mark.parametrize("rel", EMPTY_PASSWORD_OPENS)
def test_pdf_that_opens_with_the_empty_password_is_read(rel: str) -> None:
    result = outcome(rel)
    assert isinstance(result, Extracted)
    assert result.pages == 1
    assert result.text.strip()


@pytest.mark.parametrize(
    "rel", ["pdf/scan-ccitt-fax.pdf", "pdf/scan-grayscale-image.pdf", "docx/en-having-images.docx"]
)
def test_document_without_text_layer_is_a_success_with_empty_text(rel: str) -> None:
    result = outcome(rel)
    assert isinstance(result, Extracted)
    assert result.text == ""


@pytest.mark.parametrize(
    "rel", ["malformed/corrupt-circular-xobjects.pdf", "malformed/bomb-giant-jbig2.pdf"]
)
def test_pdf_that_pypdf_rejects_is_read_by_pdfium(rel: str) -> None:
    result = outcome(rel)
    assert isinstance(result, Extracted)
    assert result.pages == 1
    assert result.text


def test_strict_ooxml_is_unsupported_with_a_reason() -> None:
    result = outcome("malformed/docx-strict-ooxml.docx")
    assert isinstance(result, ExtractionFailed)
    assert result.code == "unsupported"
    assert "Strict Open XML" in result.message


def test_pdf_metadata_title_and_page_count() -> None:
    result = outcome("pdf/de-geotopo-komprimiert.pdf")
    assert isinstance(result, Extracted)
    assert (result.pages, result.title) == (117, "Geometrie und Topologie")
    assert "ﬁ" not in result.text  # ligature code points are expanded


def test_generated_pdf_title_is_dropped() -> None:
    result = outcome("pdf/nl-coronamelder-dpia.pdf")  # "Microsoft Word - 20020824 Concept ..."
    assert isinstance(result, Extracted)
    assert result.title is None
    assert "......" not in result.text  # dot leaders of the table of contents


def test_odt_skips_words_deleted_in_tracked_changes() -> None:
    result = outcome("odt/fr-tracked-changes.odt")
    assert isinstance(result, Extracted)
    words = result.text.split()
    assert "amigos" in words
    assert "les" not in words
    assert "amis," not in words


def test_odt_title_comes_from_its_metadata() -> None:
    result = outcome("odt/fr-dormeur-notes.odt")
    assert isinstance(result, Extracted)
    assert result.title == "Le dormeur du val"


@pytest.mark.parametrize(
    ("rel", "word"),
    [("malformed/txt-french-cp1252.txt", "MOLIÈRE"), ("malformed/txt-chinese-big5.txt", "維基")],
)
def test_text_in_legacy_encodings_is_decoded(rel: str, word: str) -> None:
    result = outcome(rel)
    assert isinstance(result, Extracted)
    assert word in result.text


def test_markdown_title_from_front_matter() -> None:
    result = outcome("text/nl-open-source-gereedschapskist.md")
    assert isinstance(result, Extracted)
    assert result.title == "Open source gereedschapskist voor het aanbesteden van standaardsoftware"


@pytest.mark.parametrize("row", ROWS, ids=_id)
def test_corpus_file_is_sniffed_by_content(row: dict[str, str]) -> None:
    path = CORPUS / row["path"]
    expected = _expected_kind(row["path"])
    assert detect_kind_path(path, path.name) == expected
    with path.open("rb") as stream:
        assert detect_kind(stream.read(sniff.HEAD_SIZE), path.name) == expected


# --- generated documents -------------------------------------------------------------------


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.core_properties.title = "  Jaarverslag buurtcoöperatie  "
    document.add_paragraph("Inleiding over de wijk.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Cel links"
    inner = table.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Geneste cel"
    document.save(str(path))
    return path


def rewrite_zip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info)))
    return target


ODT_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>{prolog}<office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">'
    "<office:body><office:text>{body}</office:text></office:body></office:document-content>"
)
ODT_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def make_odt(path: Path, body: str, *, prolog: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", ODT_MANIFEST)
        archive.writestr("content.xml", ODT_CONTENT.format(prolog=prolog, body=body))
    return path


def test_docx_reads_table_cells_and_nested_tables(tmp_path: Path) -> None:
    result = extract(make_docx(tmp_path / "verslag.docx"), "docx")
    lines = [line for line in result.text.splitlines() if line]
    assert lines == ["Inleiding over de wijk.", "Cel links", "Geneste cel"]
    assert result.title == "Jaarverslag buurtcoöperatie"


def test_docx_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = make_docx(tmp_path / "bomb.docx")
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/padding.bin", b" " * 20_000_000)  # compresses about 1000:1
    with pytest.raises(ExtractionFailed) as failure:
        extract(bomb, "docx")
    assert failure.value.code == "too_large"


def test_zip_over_the_total_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sniff, "MAX_UNCOMPRESSED_BYTES", 100_000)
    path = make_odt(tmp_path / "groot.odt", "<text:p>" + "woord " * 20_000 + "</text:p>")
    with pytest.raises(ExtractionFailed) as failure:
        extract(path, "odt")
    assert failure.value.code == "too_large"


def test_docx_part_with_doctype_is_refused(tmp_path: Path) -> None:
    source = make_docx(tmp_path / "plain.docx")
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("word/document.xml")
    declaration, _, rest = xml.partition(b"?>")
    laughs = b'<!DOCTYPE w [<!ENTITY a "haha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    evil = rewrite_zip(
        source, tmp_path / "evil.docx", {"word/document.xml": declaration + b"?>" + laughs + rest}
    )
    with pytest.raises(ExtractionFailed) as failure:
        extract(evil, "docx")
    assert failure.value.code == "corrupt"
    assert "DOCTYPE" in failure.value.message


def test_odt_with_entity_declarations_is_refused(tmp_path: Path) -> None:
    prolog = '<!DOCTYPE office:document-content [<!ENTITY lol "lol">]>'
    path = make_odt(tmp_path / "lol.odt", "<text:p>&lol;</text:p>", prolog=prolog)
    with pytest.raises(ExtractionFailed) as failure:
        extract(path, "odt")
    assert failure.value.code == "corrupt"


def test_odt_reads_tables_and_caps_repeated_spaces(tmp_path: Path) -> None:
    body = (
        "<text:h>Notulen</text:h>"
        '<text:p>links<text:s text:c="1000000000"/>rechts</text:p>'
        "<table:table><table:table-row><table:table-cell><text:p>in tabel</text:p>"
        "</table:table-cell></table:table-row></table:table>"
    )
    result = extract(make_odt(tmp_path / "notulen.odt", body), "odt")
    assert result.text.split("\n")[0] == "Notulen"
    assert "in tabel" in result.text
    assert len(result.text) < 200


def test_odt_with_broken_xml_is_corrupt_and_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_odt(tmp_path / "kapot.odt", "<text:p>niet gesloten</text:q>")
    with pytest.raises(ExtractionFailed) as failure:
        extract(path, "odt")
    assert failure.value.code == "corrupt"
    assert capsys.readouterr().out == ""


def test_odt_spreadsheet_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "begroting.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(ExtractionFailed) as failure:
        extract(path, "odt")
    assert failure.value.code == "unsupported"


def test_text_with_nul_bytes_is_still_text(tmp_path: Path) -> None:
    path = tmp_path / "notities.txt"
    path.write_bytes("co\x00öperatie\x00 vergadering".encode())
    assert extract(path, "text").text == "coöperatie vergadering"


def test_max_pages_reads_the_first_pages_and_keeps_the_real_count() -> None:
    result = extract(CORPUS / "pdf/en-multicolumn.pdf", "pdf", max_pages=1)
    assert result.pages == 3
    assert result.meta["truncated"] == "pages"


def test_unknown_kind_is_unsupported() -> None:
    with pytest.raises(ExtractionFailed) as failure:
        extract(CORPUS / "pdf/ar-habibi.pdf", "html")
    assert failure.value.code == "unsupported"


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ExtractionFailed) as failure:
        extract(tmp_path / "weg.pdf", "pdf")
    assert failure.value.code == "unreadable"


def test_extraction_failed_survives_pickling() -> None:
    error = pickle.loads(pickle.dumps(ExtractionFailed("encrypted", "Beveiligd bestand.")))  # noqa: S301
    assert (error.code, error.message) == ("encrypted", "Beveiligd bestand.")


def test_media_types_cover_every_kind() -> None:
    assert MEDIA_TYPES["pdf"] == "application/pdf"
    assert set(MEDIA_TYPES) == {
        "pdf", "docx", "odt", "text", "markdown", "doc", "rtf", "xlsx", "ods", "pptx", "odp",
        "jpeg", "png", "tiff", "webp",
    }  # fmt: skip


# --- text cleaning -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("samen-\nwerking", "samenwerking"),
        ("samen-\n   werking", "samenwerking"),
        ("Noord-\nHolland", "Noord-\nHolland"),
        ("2019-\n2020", "2019-\n2020"),
        ("zorg- en\nwelzijn", "zorg- en\nwelzijn"),
    ],
)
def test_rejoin_hyphenated_only_before_lower_case(raw: str, clean: str) -> None:
    assert rejoin_hyphenated(raw) == clean


def test_pdfium_hyphen_marks_are_resolved() -> None:
    assert (
        tidy_pdf_text("samen\ufffewerking Oost\ufffeGelderland") == "samenwerking Oost-Gelderland"
    )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Inleiding ............ 4", "Inleiding 4"),
        ("Topologische Räume . . . . . . . 2", "Topologische Räume 2"),
        ("Wacht even... ja", "Wacht even... ja"),
    ],
)
def test_dot_leaders_collapse_to_one_space(raw: str, clean: str) -> None:
    assert collapse_dot_leaders(raw) == clean


def test_clean_text_normalises_to_nfc_and_drops_invisible_characters() -> None:
    assert clean_text("coo\u0308peratie") == "coöperatie"
    assert clean_text("\ue000Adres\x00:\u00ad \ufb01nanciën\r\n") == "Adres: financiën"


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("  Jaarverslag 2024 ", "Jaarverslag 2024"),
        ("Microsoft Word - verslag.doc", None),
        ("untitled", None),
        ("Naamloos document", None),
        ("Binder1.pdf", None),
        ("   ", None),
        (None, None),
        ("---", None),
    ],
)
def test_clean_title_drops_generated_titles(raw: str | None, title: str | None) -> None:
    assert clean_title(raw) == title


def test_markdown_title_is_the_first_level_one_heading_outside_code() -> None:
    text = "```\n# geen titel\n```\n## Sub\n# Buurtfonds   \ntekst"
    assert markdown_title(text) == "Buurtfonds"
    assert markdown_title("##Geen spatie\n") is None


def test_decode_handles_bom_less_utf16() -> None:
    assert decode("coöperatie in de wijk".encode("utf-16-le")) == "coöperatie in de wijk"


# --- isolation -------------------------------------------------------------------------------


def test_isolated_extraction_matches_in_process() -> None:
    path = CORPUS / "pdf/la-libreoffice-writer.pdf"
    assert extract_isolated(path, "pdf") == extract(path, "pdf")


def test_isolated_failure_keeps_code_and_message() -> None:
    with pytest.raises(ExtractionFailed) as failure:
        extract_isolated(CORPUS / "malformed/enc-rc4-40.pdf", "pdf")
    assert failure.value.code == "encrypted"


def test_isolated_extraction_is_killed_after_the_timeout() -> None:
    with pytest.raises(ExtractionFailed) as failure:
        extract_isolated(CORPUS / "pdf/nl-coronamelder-duidingsrapportage.pdf", "pdf", timeout=0.1)
    assert failure.value.code == "timeout"
    assert "te lang" in failure.value.message


def test_isolated_extraction_stops_at_the_memory_limit(tmp_path: Path) -> None:
    path = tmp_path / "groot.txt"
    path.write_text("€uro coöperatie " * 3_000_000, encoding="utf-8")  # 54 MB
    with pytest.raises(ExtractionFailed) as failure:
        extract_isolated(path, "text", memory_mb=100)
    assert failure.value.code == "too_large"


def test_isolated_extraction_truncates_pages_and_characters() -> None:
    result = extract_isolated(CORPUS / "pdf/en-multicolumn.pdf", "pdf", max_pages=1, max_chars=100)
    assert result.pages == 3
    assert len(result.text) == 100
    assert result.meta["truncated"] == "pages,chars"


@pytest.mark.parametrize(
    ("returncode", "stdout", "stderr", "code"),
    [
        (-signal.SIGXCPU, b"", b"", "timeout"),
        (-signal.SIGSEGV, b"", b"", "crashed"),
        (1, b"", b"Traceback ...\nMemoryError\n", "too_large"),
        (0, b"not json", b"", "crashed"),
    ],
)
def test_how_a_child_ends_maps_to_a_failure_code(
    returncode: int, stdout: bytes, stderr: bytes, code: str
) -> None:
    with pytest.raises(ExtractionFailed) as failure:
        isolated._outcome(Path("x.pdf"), returncode, stdout, stderr, 120)
    assert failure.value.code == code
    assert "bestand" in failure.value.message
