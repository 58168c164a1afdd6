from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from odf import dc, teletype
from odf import text as odf_text
from odf.opendocument import load as load_odf
from pypdf import PdfReader

from kennisnet.maintenance.demo import content
from kennisnet.maintenance.demo.content import (
    DOCUMENTS,
    MEMBERS,
    ORGANISATIONS,
    DemoDocument,
    write_demo_file,
)

# The slugs the app seeds; demo content must not invent its own.
TYPE_SLUGS = {"pilot-idee", "projectplan", "statuten", "subsidie", "overig"}
MAIN_TYPE_SLUGS = TYPE_SLUGS - {"overig"}
THEME_SLUGS = {
    "mantelzorg",
    "informele-zorg",
    "preventie-en-leefstijl",
    "buurtnetwerken",
    "ontmoetingsplekken",
    "wijkeconomie",
    "wonen",
    "ervaringsdeskundigheid",
    "onderwijs-en-onderzoek-in-de-wijk",
    "burgerparticipatie",
    "digitale-infrastructuur",
}

ORGANISATIONS_BY_NAME = {org.name: org for org in ORGANISATIONS}
MEMBERS_BY_EMAIL = {member.email: member for member in MEMBERS}


def normalise(text: str) -> str:
    """Collapse whitespace so PDF line wrapping doesn't matter when comparing text."""
    return " ".join(text.split())


def doc_id(doc: DemoDocument) -> str:
    return doc.filename


def read_pdf(path: Path) -> tuple[str, str]:
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert reader.metadata is not None
    return str(reader.metadata.title), text


def read_docx(path: Path) -> tuple[str, str]:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for grid in document.tables for row in grid.rows for cell in row.cells]
    return str(document.core_properties.title), "\n".join(parts)


def read_odt(path: Path) -> tuple[str, str]:
    document = load_odf(str(path))
    (title,) = document.meta.getElementsByType(dc.Title)
    blocks = document.text.getElementsByType(odf_text.H) + document.text.getElementsByType(
        odf_text.P
    )
    return teletype.extractText(title), "\n".join(teletype.extractText(b) for b in blocks)


def read_markdown(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    first_line = text.splitlines()[0]
    assert first_line.startswith("# ")
    return first_line.removeprefix("# "), text


READERS: dict[str, Callable[[Path], tuple[str, str]]] = {
    "pdf": read_pdf,
    "docx": read_docx,
    "odt": read_odt,
    "markdown": read_markdown,
}


def test_organisations_are_fictional_with_safe_websites() -> None:
    assert 4 <= len(ORGANISATIONS) <= 5
    assert len(ORGANISATIONS_BY_NAME) == len(ORGANISATIONS)
    for org in ORGANISATIONS:
        assert org.website is None or org.website.startswith("https://example.org/")
        assert org.description and org.region and org.kind


def test_members_use_example_org_and_existing_organisations() -> None:
    assert 5 <= len(MEMBERS) <= 8
    assert len(MEMBERS_BY_EMAIL) == len(MEMBERS)
    for member in MEMBERS:
        assert member.email.endswith("@example.org")
        assert member.organisation in ORGANISATIONS_BY_NAME


def test_every_organisation_has_a_member() -> None:
    assert {m.organisation for m in MEMBERS} == set(ORGANISATIONS_BY_NAME)


def test_documents_cover_all_types_and_only_known_slugs() -> None:
    assert len(DOCUMENTS) >= 14
    types = Counter(doc.type for doc in DOCUMENTS)
    assert set(types) <= TYPE_SLUGS
    assert set(types) >= MAIN_TYPE_SLUGS
    assert 1 <= types["overig"] <= 2


def test_documents_use_known_themes_and_enough_of_them() -> None:
    used = {theme for doc in DOCUMENTS for theme in doc.themes}
    assert used <= THEME_SLUGS
    assert len(used) >= 5
    for doc in DOCUMENTS:
        assert doc.themes, doc.filename
        assert len(set(doc.themes)) == len(doc.themes), doc.filename


def test_documents_mix_visibility_about_one_third_members_only() -> None:
    visibility = Counter(doc.visibility for doc in DOCUMENTS)
    assert set(visibility) == {"public", "members"}
    assert 0.25 <= visibility["members"] / len(DOCUMENTS) <= 0.45


def test_documents_mix_file_kinds() -> None:
    kinds = Counter(doc.kind for doc in DOCUMENTS)
    assert set(kinds) == set(content.FILE_SUFFIXES)
    assert kinds["pdf"] >= 4
    assert kinds["docx"] >= 4
    assert kinds["odt"] >= 3
    assert kinds["markdown"] >= 1


def test_documents_span_the_years() -> None:
    years = {doc.year for doc in DOCUMENTS}
    assert years <= set(range(2021, 2027))
    assert len(years) >= 4


def test_filenames_and_titles_are_unique_and_match_kind() -> None:
    assert len({doc.filename for doc in DOCUMENTS}) == len(DOCUMENTS)
    assert len({doc.title for doc in DOCUMENTS}) == len(DOCUMENTS)
    for doc in DOCUMENTS:
        assert Path(doc.filename).suffix == content.FILE_SUFFIXES[doc.kind], doc.filename
        assert Path(doc.filename).name == doc.filename


@pytest.mark.parametrize("doc", DOCUMENTS, ids=doc_id)
def test_uploader_belongs_to_the_documents_organisation(doc: DemoDocument) -> None:
    assert doc.organisation in ORGANISATIONS_BY_NAME
    assert MEMBERS_BY_EMAIL[doc.uploader].organisation == doc.organisation
    assert doc.region == ORGANISATIONS_BY_NAME[doc.organisation].region


@pytest.mark.parametrize("doc", DOCUMENTS, ids=doc_id)
def test_body_is_substantial(doc: DemoDocument) -> None:
    assert 4 <= len(doc.body) <= 10
    assert 250 <= sum(len(paragraph.split()) for paragraph in doc.body) <= 900
    assert doc.summary


def test_subsidies_and_statutes_carry_key_facts() -> None:
    for doc in DOCUMENTS:
        if doc.type in {"subsidie", "statuten"}:
            assert doc.facts, doc.filename


def test_subsidies_name_a_deadline_and_an_amount() -> None:
    for doc in DOCUMENTS:
        if doc.type == "subsidie":
            text = " ".join(f"{key} {value}" for key, value in doc.facts)
            assert "€" in text, doc.filename


@pytest.mark.parametrize("doc", DOCUMENTS, ids=doc_id)
def test_written_file_round_trips_title_and_body(doc: DemoDocument, tmp_path: Path) -> None:
    path = write_demo_file(doc, tmp_path / "demo")

    assert path == tmp_path / "demo" / doc.filename
    title, text = READERS[doc.kind](path)
    assert title == doc.title
    extracted = normalise(text)
    assert normalise(doc.title) in extracted
    for paragraph in doc.body:
        assert normalise(paragraph) in extracted


def test_pdf_keeps_dutch_diacritics(tmp_path: Path) -> None:
    doc = next(d for d in DOCUMENTS if d.kind == "pdf" and "coöperatie" in " ".join(d.body))

    _, text = read_pdf(write_demo_file(doc, tmp_path))

    assert "coöperatie" in text
    assert "€" in text


def test_pdf_falls_back_to_helvetica_without_dejavu(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(content, "DEJAVU_SANS", tmp_path / "missing.ttf")
    doc = next(d for d in DOCUMENTS if d.kind == "pdf" and "€" in " ".join(d.body))

    title, text = read_pdf(write_demo_file(doc, tmp_path))

    assert title == doc.title
    assert "coöperatie" in text
    assert "EUR" in text


@pytest.mark.parametrize(
    "doc",
    [d for d in DOCUMENTS if d.kind == "docx" and d.type in {"subsidie", "statuten"}],
    ids=doc_id,
)
def test_docx_subsidies_and_statutes_have_a_facts_table(doc: DemoDocument, tmp_path: Path) -> None:
    document = docx.Document(str(write_demo_file(doc, tmp_path)))

    (grid,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in grid.rows]
    assert rows[0] == ["Kenmerk", "Waarde"]
    assert [tuple(row) for row in rows[1:]] == list(doc.facts)


def test_docx_heading_is_the_title(tmp_path: Path) -> None:
    doc = next(d for d in DOCUMENTS if d.kind == "docx")

    document = docx.Document(str(write_demo_file(doc, tmp_path)))

    heading = document.paragraphs[0]
    assert heading.style is not None
    assert heading.style.name == "Heading 1"
    assert heading.text == doc.title


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    odd = replace(DOCUMENTS[0], kind="rtf", filename="x.rtf")

    with pytest.raises(ValueError, match="rtf"):
        write_demo_file(odd, tmp_path)
    assert not (tmp_path / "x.rtf").exists()
