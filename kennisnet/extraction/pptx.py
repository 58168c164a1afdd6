"""PowerPoint (.pptx) with python-pptx: text boxes, tables, grouped shapes, speaker notes.

Each slide is a page; ``max_pages`` limits the slides read and ``pages`` stays the real count.
The package passes the shared zip and DOCTYPE checks before python-pptx opens it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pptx
from pptx.exc import PackageNotFoundError

from kennisnet.extraction.base import N_, Extracted, ExtractionFailed
from kennisnet.extraction.packages import checked_package

logger = logging.getLogger(__name__)

MSG_CORRUPT = N_(
    "Dit PowerPoint-bestand is beschadigd of geen echt .pptx-bestand; "
    "de tekst kan niet worden gelezen."
)
MSG_NOT_A_PRESENTATION = N_(
    "Dit bestand is geen gewone PowerPoint-presentatie (bijvoorbeeld een sjabloon of een "
    "presentatie met macro's); alleen presentaties (.pptx) worden ondersteund."
)
MSG_DOCTYPE = N_(
    "Dit bestand bevat XML met een DOCTYPE-verklaring, wat in PowerPoint-bestanden niet "
    "voorkomt; om veiligheidsredenen wordt het niet verwerkt."
)
_MAX_GROUP_DEPTH = 32


def extract(path: Path, *, kind: str = "pptx", max_pages: int | None = None) -> Extracted:
    """Slide text in reading order of the shapes, then the slide's notes."""
    del kind
    with checked_package(path, corrupt=MSG_CORRUPT, doctype=MSG_DOCTYPE):
        pass
    try:
        presentation = pptx.Presentation(str(path))
    except PackageNotFoundError as exc:
        raise ExtractionFailed("corrupt", MSG_CORRUPT) from exc
    except ValueError as exc:
        # "file ... is not a PowerPoint file, content type is ...": templates, macro files
        raise ExtractionFailed("unsupported", MSG_NOT_A_PRESENTATION) from exc
    slides = list(presentation.slides)
    limit = len(slides) if max_pages is None else min(len(slides), max_pages)
    texts = []
    for slide in slides[:limit]:
        lines = list(_shape_texts(slide.shapes, 0))
        if slide.has_notes_slide:
            lines.append(slide.notes_slide.notes_text_frame.text)
        texts.append("\n".join(line for line in lines if line.strip()))
    properties = presentation.core_properties
    meta = {
        "author": properties.author,
        "subject": properties.subject,
        "keywords": properties.keywords,
        "created": properties.created.isoformat() if properties.created else None,
        "modified": properties.modified.isoformat() if properties.modified else None,
    }
    clean_meta = {key: value for key, value in meta.items() if value}
    notes: tuple[str, ...] = ()
    if limit < len(slides):
        clean_meta["truncated"] = "pages"
        notes = (
            N_("Alleen de eerste %(read)s van de %(total)s dia's zijn gelezen.")
            % {"read": limit, "total": len(slides)},
        )
    return Extracted(
        text="\n\n".join(texts),
        pages=len(slides),
        title=properties.title,
        meta=clean_meta,
        notes=notes,
    )


def _shape_texts(shapes: Iterable[Any], depth: int) -> Iterator[str]:
    for shape in shapes:
        if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            yield shape.text_frame.text
        if getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                yield "\t".join(cell.text for cell in row.cells)
        if hasattr(shape, "shapes") and depth < _MAX_GROUP_DEPTH:  # a group
            yield from _shape_texts(shape.shapes, depth + 1)
