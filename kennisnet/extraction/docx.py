"""Word (.docx) text with python-docx, walking the body XML in document order.

``Document.paragraphs`` misses text in tables, content controls (cover pages, tables of
contents) and text boxes, so the walk visits every ``w:p`` in the body instead. Deleted and
moved-away text of tracked changes is skipped (it lives in ``w:delText`` / ``w:moveFrom``),
and the VML copy Word writes beside every modern text box (``mc:Fallback``) is skipped too.
Headers, footers, footnotes and comments are left out: they repeat or distract in search.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError

from kennisnet.extraction.base import N_, Extracted, ExtractionFailed
from kennisnet.extraction.packages import checked_package

logger = logging.getLogger(__name__)

MSG_CORRUPT = N_(
    "Dit Word-bestand is beschadigd of geen echt .docx-bestand; de tekst kan niet worden gelezen."
)
MSG_STRICT = N_(
    "Dit Word-bestand is opgeslagen als 'Strict Open XML'; dat formaat wordt niet ondersteund. "
    "Sla het in Word op als gewoon Word-document (.docx) en upload het opnieuw."
)
MSG_NOT_A_DOCUMENT = N_(
    "Dit bestand is geen gewoon Word-document (bijvoorbeeld een sjabloon of een document met "
    "macro's); alleen Word-documenten (.docx) worden ondersteund."
)
MSG_DOCTYPE = N_(
    "Dit bestand bevat XML met een DOCTYPE-verklaring, wat in Word-documenten niet voorkomt; "
    "om veiligheidsredenen wordt het niet verwerkt."
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P = f"{_W}p"
_TEXT = f"{_W}t"
_BREAKS = {f"{_W}br", f"{_W}cr"}
_TAB = f"{_W}tab"
_NO_BREAK_HYPHEN = f"{_W}noBreakHyphen"
# Subtrees whose text is not part of the paragraph as it reads now (or is its own paragraph).
_SKIP = {_P, _MC_FALLBACK, f"{_W}moveFrom", f"{_W}del", f"{_W}pPr", f"{_W}rPr"}
_STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"


def extract(path: Path, *, kind: str = "docx", max_pages: int | None = None) -> Extracted:
    """Body text (paragraphs, nested tables, text boxes) and core properties."""
    del kind, max_pages  # a .docx has no reliable page count
    _check_package(path)
    try:
        document = docx.Document(str(path))
    except PackageNotFoundError as exc:
        raise ExtractionFailed("corrupt", MSG_CORRUPT) from exc
    except KeyError as exc:
        # python-docx looks up relationships by their transitional type names only.
        raise ExtractionFailed("unsupported", MSG_STRICT) from exc
    except ValueError as exc:
        # "file is not a Word file, content type is ...": templates, macro documents, themes
        raise ExtractionFailed("unsupported", MSG_NOT_A_DOCUMENT) from exc
    text = "\n".join(_paragraph_texts(document.element.body))
    properties = document.core_properties
    meta = {
        "author": properties.author,
        "subject": properties.subject,
        "keywords": properties.keywords,
        "language": properties.language,
        "created": _iso(properties.created),
        "modified": _iso(properties.modified),
    }
    return Extracted(
        text=text,
        pages=None,
        title=properties.title,
        meta={key: value for key, value in meta.items() if value},
    )


def _check_package(path: Path) -> None:
    """Refuse zip bombs, DTDs and Strict OOXML before python-docx unpacks anything."""
    with checked_package(path, corrupt=MSG_CORRUPT, doctype=MSG_DOCTYPE) as archive:
        if "_rels/.rels" in archive.namelist():
            with archive.open("_rels/.rels") as rels:
                if _STRICT_NAMESPACE in rels.read(1024 * 1024):
                    raise ExtractionFailed("unsupported", MSG_STRICT)


def _paragraph_texts(body: Any) -> Iterator[str]:
    for paragraph in body.iter(_P):
        if any(True for _ in paragraph.iterancestors(_MC_FALLBACK)):
            continue
        yield _paragraph_text(paragraph)


def _paragraph_text(paragraph: Any) -> str:
    """The paragraph's own runs; nested paragraphs (text boxes) are yielded on their own."""
    parts: list[str] = []
    stack = list(reversed(paragraph))
    while stack:
        element = stack.pop()
        tag = element.tag
        if tag == _TEXT:
            parts.append(element.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in _BREAKS:
            parts.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        elif tag not in _SKIP:
            stack.extend(reversed(element))
    return "".join(parts)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
