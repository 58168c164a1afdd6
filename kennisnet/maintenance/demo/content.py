"""Fictional demo content for Kennisnet: organisations, members and documents.

The content is data beside this module: ``network.yaml`` (organisations and members) and one
Markdown file with YAML front matter per document under ``documents/``. Everything there is
invented: the cooperatives, the people, the funds and the regulations. The
neighbourhoods and cities are real so that region filters and search look realistic, but no text
describes an existing organisation. Websites and e-mail addresses use the reserved example.org
domain so that nothing in a demo can reach a real site or mailbox.

`write_demo_file` renders a document as a real file of its kind (PDF, DOCX, ODT or Markdown) with
the title in the file's own metadata, so that seeding a demo runs the same upload and extraction
path as a member's upload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import frontmatter
import yaml
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from odf import dc, meta, table
from odf import text as odf_text
from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style, TableColumnProperties, TextProperties

# Installed by the Debian/Ubuntu package fonts-dejavu-core. Without it the PDFs fall back to the
# core font Helvetica, which only covers latin-1: enough for ö, é and ë, not for the euro sign.
DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

FILE_SUFFIXES: dict[str, str] = {
    "pdf": ".pdf",
    "docx": ".docx",
    "odt": ".odt",
    "markdown": ".md",
}


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: str
    region: str
    description: str
    website: str | None


@dataclass(frozen=True)
class DemoMember:
    email: str
    name: str
    organisation: str  # DemoOrganisation.name


@dataclass(frozen=True)
class DemoDocument:
    filename: str
    title: str
    summary: str
    type: str  # type slug
    themes: tuple[str, ...]  # theme slugs
    organisation: str  # DemoOrganisation.name
    uploader: str  # DemoMember.email
    region: str
    year: int
    visibility: str  # "public" or "members"
    body: tuple[str, ...]  # paragraphs of Dutch text
    kind: str  # "pdf" | "docx" | "odt" | "markdown"
    # Key facts ("Kenmerk", "Waarde"), rendered as a table in DOCX and ODT and as a list
    # elsewhere; used for deadlines and amounts in subsidies and legal basics in statutes.
    facts: tuple[tuple[str, str], ...] = ()


DATA = Path(__file__).resolve().parent


def _load_network() -> tuple[tuple[DemoOrganisation, ...], tuple[DemoMember, ...]]:
    network = yaml.safe_load((DATA / "network.yaml").read_text(encoding="utf-8"))
    organisations = tuple(DemoOrganisation(**item) for item in network["organisations"])
    members = tuple(DemoMember(**item) for item in network["members"])
    return organisations, members


def load_document(path: Path) -> DemoDocument:
    """One demo document: YAML front matter for the metadata, paragraphs split by blank lines."""
    post = frontmatter.load(str(path))
    meta: dict[str, Any] = dict(post.metadata)
    return DemoDocument(
        **{key: meta[key] for key in _SCALARS},
        themes=tuple(meta["themes"]),
        facts=tuple((str(key), str(value)) for key, value in meta.get("facts", ())),
        body=tuple(p.strip() for p in post.content.split("\n\n") if p.strip()),
    )


_SCALARS = (
    "filename",
    "title",
    "summary",
    "type",
    "organisation",
    "uploader",
    "region",
    "year",
    "visibility",
    "kind",
)

ORGANISATIONS, MEMBERS = _load_network()
DOCUMENTS: tuple[DemoDocument, ...] = tuple(
    load_document(path) for path in sorted((DATA / "documents").glob("*.md"))
)


def write_demo_file(doc: DemoDocument, dest_dir: Path) -> Path:
    """Write `doc` as a real file of `doc.kind` into `dest_dir` and return its path.

    The title goes into the format's own metadata (PDF Info, DOCX core properties, ODT dc:title,
    the Markdown H1), because extraction takes the title from there.
    """
    try:
        writer = _WRITERS[doc.kind]
    except KeyError:
        raise ValueError(f"unknown demo document kind: {doc.kind!r}") from None
    dest_dir.mkdir(parents=True, exist_ok=True)
    path = dest_dir / doc.filename
    writer(doc, path)
    return path


def _byline(doc: DemoDocument) -> str:
    return f"{doc.organisation} · {doc.region} · {doc.year}"


def _timestamp(doc: DemoDocument) -> datetime:
    # A fixed date per document keeps repeated seeds stable.
    return datetime(doc.year, 1, 15, 12, 0, tzinfo=UTC)


# Core PDF fonts only cover latin-1; these are the non-latin-1 characters the demo text uses.
_LATIN1_SUBSTITUTES = str.maketrans(
    {"\u20ac": "EUR", "\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'"}
)


def _unchanged(text: str) -> str:
    return text


def _to_latin1(text: str) -> str:
    return text.translate(_LATIN1_SUBSTITUTES).encode("latin-1", "replace").decode("latin-1")


def _write_pdf(doc: DemoDocument, path: Path) -> None:
    pdf = FPDF(format="A4")
    pdf.set_title(doc.title)
    pdf.set_author(doc.organisation)
    pdf.set_subject(doc.summary)
    pdf.set_keywords(", ".join(doc.themes))
    pdf.set_lang("nl-NL")
    pdf.set_creation_date(_timestamp(doc))
    if DEJAVU_SANS.is_file():
        bold = DEJAVU_SANS.with_name("DejaVuSans-Bold.ttf")
        pdf.add_font("DejaVu", "", DEJAVU_SANS)
        pdf.add_font("DejaVu", "B", bold if bold.is_file() else DEJAVU_SANS)
        family, clean = "DejaVu", _unchanged
    else:
        family, clean = "Helvetica", _to_latin1
    pdf.set_margins(20, 20, 20)
    pdf.add_page()

    def write(text: str, size: float, style: str = "", line_height: float = 6) -> None:
        pdf.set_font(family, style, size)
        # Left-aligned: justified TTF text is spaced in ways that can glue words together
        # when the text is extracted again.
        pdf.multi_cell(0, line_height, clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    write(doc.title, 16, "B", line_height=8)
    write(_byline(doc), 9)
    pdf.ln(4)
    for key, value in doc.facts:
        write(f"{key}: {value}", 10)
    if doc.facts:
        pdf.ln(4)
    for paragraph in doc.body:
        write(paragraph, 11)
        pdf.ln(3)
    pdf.output(str(path))


def _write_docx(doc: DemoDocument, path: Path) -> None:
    document = docx.Document()
    props = document.core_properties
    props.title = doc.title
    props.subject = doc.summary
    props.author = doc.organisation
    props.last_modified_by = doc.organisation
    props.keywords = ", ".join(doc.themes)
    props.language = "nl-NL"
    # python-docx writes these as UTC ("Z") and expects naive datetimes.
    props.created = props.modified = _timestamp(doc).replace(tzinfo=None)
    document.add_heading(doc.title, level=1)
    document.add_paragraph(_byline(doc))
    if doc.facts:
        grid = document.add_table(rows=1, cols=2)
        grid.style = "Table Grid"
        header = grid.rows[0].cells
        header[0].text, header[1].text = "Kenmerk", "Waarde"
        for key, value in doc.facts:
            cells = grid.add_row().cells
            cells[0].text, cells[1].text = key, value
    for paragraph in doc.body:
        document.add_paragraph(paragraph)
    document.save(str(path))


def _write_odt(doc: DemoDocument, path: Path) -> None:
    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text=doc.title))
    document.meta.addElement(dc.Subject(text=doc.summary))
    document.meta.addElement(dc.Creator(text=doc.organisation))
    document.meta.addElement(dc.Language(text="nl-NL"))
    document.meta.addElement(meta.Keyword(text=", ".join(doc.themes)))
    document.meta.addElement(meta.CreationDate(text=_timestamp(doc).strftime("%Y-%m-%dT%H:%M:%S")))

    heading_style = Style(name="Heading_20_1", displayname="Heading 1", family="paragraph")
    heading_style.addElement(TextProperties(fontsize="16pt", fontweight="bold"))
    heading_style.addElement(ParagraphProperties(marginbottom="0.3cm"))
    body_style = Style(name="Text_20_body", displayname="Text body", family="paragraph")
    body_style.addElement(ParagraphProperties(marginbottom="0.25cm"))
    column_style = Style(name="FactColumn", family="table-column")
    column_style.addElement(TableColumnProperties(columnwidth="8cm"))
    document.styles.addElement(heading_style)
    document.styles.addElement(body_style)
    document.automaticstyles.addElement(column_style)

    document.text.addElement(odf_text.H(outlinelevel=1, stylename=heading_style, text=doc.title))
    document.text.addElement(odf_text.P(stylename=body_style, text=_byline(doc)))
    if doc.facts:
        grid = table.Table(name="Kenmerken")
        grid.addElement(table.TableColumn(numbercolumnsrepeated=2, stylename=column_style))
        for key, value in (("Kenmerk", "Waarde"), *doc.facts):
            row = table.TableRow()
            for cell_text in (key, value):
                cell = table.TableCell(valuetype="string")
                cell.addElement(odf_text.P(text=cell_text))
                row.addElement(cell)
            grid.addElement(row)
        document.text.addElement(grid)
    for paragraph in doc.body:
        document.text.addElement(odf_text.P(stylename=body_style, text=paragraph))
    document.save(str(path))


def _write_markdown(doc: DemoDocument, path: Path) -> None:
    lines = [f"# {doc.title}", "", f"*{_byline(doc)}*", ""]
    if doc.facts:
        lines += ["| Kenmerk | Waarde |", "| --- | --- |"]
        lines += [f"| {key} | {value} |" for key, value in doc.facts]
        lines.append("")
    for paragraph in doc.body:
        lines += [paragraph, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


_WRITERS: dict[str, Callable[[DemoDocument, Path], None]] = {
    "pdf": _write_pdf,
    "docx": _write_docx,
    "odt": _write_odt,
    "markdown": _write_markdown,
}
