"""Excel workbooks (.xlsx) with openpyxl in read-only mode: cell values, sheet by sheet.

Read-only mode streams each sheet's XML instead of building every cell object, and
``data_only`` gives the values a formula last produced rather than the formula. The sheet's
declared dimensions are dropped before reading, so a claimed ``A1:XFD1048576`` does not make
openpyxl pad every row to 16,384 cells. Non-empty cells are capped at :data:`MAX_CELLS`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import openpyxl

from kennisnet.extraction.base import N_, Extracted, ExtractionFailed
from kennisnet.extraction.packages import checked_package

logger = logging.getLogger(__name__)

MAX_CELLS = 1_000_000

MSG_CORRUPT = N_(
    "Dit Excel-bestand is beschadigd of geen echt .xlsx-bestand; de tekst kan niet worden gelezen."
)
MSG_DOCTYPE = N_(
    "Dit bestand bevat XML met een DOCTYPE-verklaring, wat in Excel-bestanden niet voorkomt; "
    "om veiligheidsredenen wordt het niet verwerkt."
)


def extract(path: Path, *, kind: str = "xlsx", max_pages: int | None = None) -> Extracted:
    """Sheet names and non-empty cell values (a row per line, cells separated by tabs)."""
    del kind, max_pages  # sheets are not pages
    with checked_package(path, corrupt=MSG_CORRUPT, doctype=MSG_DOCTYPE):
        pass
    # A file object, not the path: openpyxl refuses a path without an .xlsx suffix, and stored
    # uploads are named by their digest.
    stream = path.open("rb")
    try:
        workbook = openpyxl.load_workbook(
            stream, read_only=True, data_only=True, keep_links=False, keep_vba=False
        )
    except KeyError as exc:  # a required part is missing
        stream.close()
        raise ExtractionFailed("corrupt", MSG_CORRUPT) from exc
    except BaseException:
        stream.close()
        raise
    lines: list[str] = []
    cells = 0
    notes: tuple[str, ...] = ()
    meta: dict[str, str] = {}
    try:
        for sheet in workbook.worksheets:
            lines.append(sheet.title)
            sheet.reset_dimensions()
            for row in sheet.iter_rows(values_only=True):
                values = [_text(value) for value in row if value is not None]
                values = [value for value in values if value]
                if not values:
                    continue
                cells += len(values)
                lines.append("\t".join(values))
                if cells >= MAX_CELLS:
                    break
            if cells >= MAX_CELLS:
                meta["truncated"] = "cells"
                notes = (
                    N_("Alleen de eerste %(cells)s gevulde cellen zijn gelezen.")
                    % {"cells": f"{MAX_CELLS:,}".replace(",", ".")},
                )
                break
        properties = workbook.properties
    finally:
        workbook.close()
        stream.close()
    meta.update(
        {
            key: value
            for key, value in {
                "author": properties.creator,
                "subject": properties.subject,
                "keywords": properties.keywords,
                "created": _iso(properties.created),
                "modified": _iso(properties.modified),
            }.items()
            if value
        }
    )
    return Extracted(
        text="\n".join(lines), pages=None, title=properties.title, meta=meta, notes=notes
    )


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    return str(value).strip()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if isinstance(moment, datetime) else None
