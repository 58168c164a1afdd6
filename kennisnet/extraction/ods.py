"""OpenDocument spreadsheets (.ods) with odfpy, through the ODT reader's walk.

Every cell's paragraphs become lines, sheet after sheet. Repeated rows and cells
(``table:number-rows-repeated="1048576"``, how ODF writes empty space) are not expanded: a
value repeated a million times is found as well by one copy.
"""

from __future__ import annotations

import logging
from pathlib import Path

from kennisnet.extraction.base import N_, Extracted
from kennisnet.extraction.odt import block_texts, load_odf, metadata
from kennisnet.extraction.sniff import ODS_MIMETYPE

logger = logging.getLogger(__name__)

MSG_CORRUPT = N_(
    "Dit ODS-bestand is beschadigd of geen echt OpenDocument-rekenblad; "
    "de tekst kan niet worden gelezen."
)
MSG_NOT_SPREADSHEET = N_(
    "Dit OpenDocument-bestand is geen rekenblad (.ods); het kan zo niet worden gelezen."
)
MSG_DOCTYPE = N_(
    "Dit bestand bevat XML met een DOCTYPE-verklaring, wat in ODS-bestanden niet voorkomt; "
    "om veiligheidsredenen wordt het niet verwerkt."
)


def extract(path: Path, *, kind: str = "ods", max_pages: int | None = None) -> Extracted:
    """The cells' text of every sheet, and the title from meta.xml."""
    del kind, max_pages  # sheets are not pages
    document = load_odf(
        path,
        mimetype=ODS_MIMETYPE,
        corrupt=MSG_CORRUPT,
        not_kind=MSG_NOT_SPREADSHEET,
        doctype=MSG_DOCTYPE,
    )
    body = getattr(document, "spreadsheet", None)
    text = "\n".join(line for line in block_texts(body) if line) if body is not None else ""
    title, meta = metadata(document.meta)
    return Extracted(text=text, pages=None, title=title, meta=meta)
