"""Sample documents made by the tests themselves: scans of known Dutch text, office files.

Shared by the extraction tests and ``bench/extraction.py``. Scans are rendered with DejaVu
Serif at a given resolution, rotated by 1-2 degrees and given noise, like a page off a cheap
scanner; the text on them is known, so the character error rate can be measured.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
A4_MM = (210, 297)

DUTCH_PAGES = [
    [
        "Statuten van de Buurtcoöperatie De Linde",
        "Artikel 1. Naam en zetel",
        "De coöperatie draagt de naam Buurtcoöperatie De Linde",
        "en is gevestigd in de gemeente Zwolle.",
        "Artikel 2. Doel",
        "De coöperatie heeft ten doel te voorzien in de stoffelijke",
        "behoeften van haar leden, door met hen overeenkomsten te",
        "sluiten over zorg, energie en onderhoud van de wijk.",
        "Artikel 3. Lidmaatschap",
        "Leden kunnen zijn natuurlijke personen die in de wijk",
        "wonen en rechtspersonen die er een vestiging hebben.",
        "Het bestuur beslist binnen acht weken over de toelating.",
    ],
    [
        "Subsidiebeschikking Leefbaarheid en Bewonersinitiatieven",
        "Geachte heer, mevrouw,",
        "Op 12 maart ontvingen wij uw aanvraag voor een bijdrage",
        "aan de moestuin achter het wijkcentrum. Wij verlenen u",
        "een subsidie van ten hoogste 4.750 euro voor het jaar.",
        "De subsidie is bestemd voor gereedschap, zaden, een",
        "regenton en twee werkmiddagen met vrijwilligers.",
        "U legt uiterlijk drie maanden na afloop verantwoording af",
        "met een kort verslag en een overzicht van de uitgaven.",
        "Met vriendelijke groet, namens het college van",
        "burgemeester en wethouders, de teamleider Wijkzaken.",
    ],
]


def page_text(lines: Sequence[str]) -> str:
    return "\n".join(lines)


def scan_image(
    lines: Sequence[str],
    *,
    dpi: int = 300,
    angle: float = 1.5,
    noise: float = 12.0,
    seed: int = 1,
    size_pt: float = 12,
) -> Image.Image:
    """An A4 page at ``dpi`` with ``lines`` printed on it, turned and speckled like a scan."""
    width, height = (round(mm / 25.4 * dpi) for mm in A4_MM)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), round(size_pt / 72 * dpi))
    margin = round(dpi * 0.9)
    step = round(size_pt / 72 * dpi * 1.8)
    for number, line in enumerate(lines):
        draw.text((margin, margin + number * step), line, font=font, fill=20)
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if noise:
        rng = np.random.default_rng(seed)
        pixels = np.asarray(page, dtype=np.float32)
        pixels += rng.normal(0, noise, pixels.shape)
        page = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    return page


def scan_pdf(path: Path, pages: Sequence[Image.Image | Sequence[str]]) -> Path:
    """A PDF with a scanned image per page, or a real text layer for pages given as lines."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("DejaVu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    for page in pages:
        pdf.add_page()
        if isinstance(page, Image.Image):
            pdf.image(page, x=0, y=0, w=A4_MM[0], h=A4_MM[1])
        else:
            pdf.set_font("DejaVu", size=11)
            for line in page:
                pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def image_file(path: Path, image: Image.Image, fmt: str, **options: object) -> Path:
    image.save(path, fmt, **options)
    return path


def cer(reference: str, recognised: str) -> float:
    """Character error rate: edit distance over the reference's length, whitespace collapsed."""
    ref = " ".join(reference.split())
    hyp = " ".join(recognised.split())
    return Levenshtein.distance(ref, hyp) / max(1, len(ref))


# --- office files ----------------------------------------------------------------------------


def make_xlsx(path: Path, *, sheets: int = 1, rows: int = 3, title: str | None = None) -> Path:
    from openpyxl import Workbook  # only the tests write workbooks

    workbook = Workbook()
    workbook.remove(workbook.active)
    for number in range(sheets):
        sheet = workbook.create_sheet(f"Begroting {number + 1}")
        sheet.append(["Post", "Bedrag"])
        for row in range(rows):
            sheet.append([f"Zonnepanelen buurthuis {row}", 1250 + row])
    workbook.properties.title = title
    workbook.properties.creator = "Els de Vries"
    workbook.properties.created = datetime(2021, 3, 4, 10, 0)
    workbook.save(path)
    return path


def make_pptx(path: Path, *, slides: int = 2, title: str | None = "Jaarvergadering") -> Path:
    from pptx import Presentation  # only the tests write presentations
    from pptx.util import Inches

    presentation = Presentation()
    for number in range(slides):
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = f"Dia {number + 1}: energiecoöperatie"
        slide.placeholders[1].text = "Wij delen de opbrengst van de windmolen"
        if number == 0:
            table = slide.shapes.add_table(1, 2, Inches(1), Inches(5), Inches(4), Inches(1))
            table.table.cell(0, 0).text = "Ledental"
            table.table.cell(0, 1).text = "412"
            slide.notes_slide.notes_text_frame.text = "Spreker bedankt de vrijwilligers"
    presentation.core_properties.title = title
    presentation.core_properties.author = "Karin Jansen"
    presentation.core_properties.created = datetime(2022, 5, 1, 9, 0)
    presentation.save(str(path))
    return path


def make_ods(path: Path, *, rows: int = 3, repeated: int | None = None) -> Path:
    # only the tests write spreadsheets
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Leden")
    for row in range(rows):
        table_row = TableRow()
        for value in (f"Lid {row}", "contributie betaald"):
            cell = TableCell()
            cell.addElement(P(text=value))
            table_row.addElement(cell)
        table.addElement(table_row)
    if repeated:
        empty = TableRow(numberrowsrepeated=repeated)
        empty.addElement(TableCell(numbercolumnsrepeated=16384))
        table.addElement(empty)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def make_odp(path: Path, *, slides: int = 2) -> Path:
    # only the tests write presentations
    from odf.draw import Frame, Page, TextBox
    from odf.opendocument import OpenDocumentPresentation
    from odf.style import MasterPage, PageLayout
    from odf.text import P

    document = OpenDocumentPresentation()
    layout = PageLayout(name="Layout")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Standaard", pagelayoutname=layout)
    document.masterstyles.addElement(master)
    for number in range(slides):
        page = Page(masterpagename=master)
        frame = Frame(width="20cm", height="3cm", x="1cm", y="1cm")
        box = TextBox()
        box.addElement(P(text=f"Dia {number + 1}: repaircafé in de bibliotheek"))
        frame.addElement(box)
        page.addElement(frame)
        document.presentation.addElement(page)
    document.save(str(path))
    return path


def make_rtf(path: Path, body: str = "Notulen van de ledenvergadering") -> Path:
    escaped = "".join(ch if ord(ch) < 128 else f"\\'{ord(ch.encode('cp1252')):02x}" for ch in body)
    path.write_bytes(
        (
            "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Times New Roman;}}"
            "{\\info{\\title Notulen april}{\\author Piet Bakker}"
            "{\\creatim\\yr2019\\mo4\\dy2\\hr20\\min0}}"
            f"\\pard {escaped} over de co\\'f6peratie.\\par}}\r\n"
        ).encode("ascii")
    )
    return path


def zip_with(source: Path, target: Path, extra: dict[str, bytes]) -> Path:
    """A copy of a zip-based document with members added (a bomb, a DOCTYPE part ...)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = extra.pop(info.filename, None)
            new.writestr(info, data if data is not None else old.read(info))
        for name, data in extra.items():
            new.writestr(name, data)
    return target


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - test data, not secrets
