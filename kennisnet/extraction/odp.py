"""OpenDocument presentations (.odp) with odfpy, through the ODT reader's walk.

Each slide (``draw:page``) is a page: its text boxes, tables and speaker notes, in order.
``max_pages`` limits the slides read; ``pages`` stays the real count.
"""

from __future__ import annotations

import logging
from pathlib import Path

from odf.element import Node
from odf.namespaces import DRAWNS

from kennisnet.extraction.base import N_, Extracted
from kennisnet.extraction.odt import block_texts, load_odf, metadata
from kennisnet.extraction.sniff import ODP_MIMETYPE

logger = logging.getLogger(__name__)

MSG_CORRUPT = N_(
    "Dit ODP-bestand is beschadigd of geen echte OpenDocument-presentatie; "
    "de tekst kan niet worden gelezen."
)
MSG_NOT_PRESENTATION = N_(
    "Dit OpenDocument-bestand is geen presentatie (.odp); het kan zo niet worden gelezen."
)
MSG_DOCTYPE = N_(
    "Dit bestand bevat XML met een DOCTYPE-verklaring, wat in ODP-bestanden niet voorkomt; "
    "om veiligheidsredenen wordt het niet verwerkt."
)
_SLIDE = (DRAWNS, "page")


def extract(path: Path, *, kind: str = "odp", max_pages: int | None = None) -> Extracted:
    """Text per slide, slides separated by a blank line; title from meta.xml."""
    del kind
    document = load_odf(
        path,
        mimetype=ODP_MIMETYPE,
        corrupt=MSG_CORRUPT,
        not_kind=MSG_NOT_PRESENTATION,
        doctype=MSG_DOCTYPE,
    )
    body = getattr(document, "presentation", None)
    slides = [
        node
        for node in (body.childNodes if body is not None else ())
        if node.nodeType == Node.ELEMENT_NODE and node.qname == _SLIDE
    ]
    limit = len(slides) if max_pages is None else min(len(slides), max_pages)
    texts = ["\n".join(line for line in block_texts(slide) if line) for slide in slides[:limit]]
    title, meta = metadata(document.meta)
    notes: tuple[str, ...] = ()
    if limit < len(slides):
        meta["truncated"] = "pages"
        notes = (
            N_("Alleen de eerste %(read)s van de %(total)s dia's zijn gelezen.")
            % {"read": limit, "total": len(slides)},
        )
    return Extracted(
        text="\n\n".join(texts), pages=len(slides), title=title, meta=meta, notes=notes
    )
