"""OpenDocument text (.odt) with odfpy, walking its element tree ourselves.

``odf.teletype.extractText`` over all ``text:p`` would return words deleted in tracked
changes (they live in ``text:tracked-changes``), comment text, and would expand
``<text:s text:c="1000000000"/>`` into a billion spaces; this walk skips the first two and
caps the last. Footnotes and text-box paragraphs are emitted after the paragraph that anchors
them, so they do not split its sentence.

odfpy parses with ``defusedxml.sax`` (no entities, no external resources); the DOCTYPE
pre-scan shared with DOCX refuses DTDs before it runs, and the zip is checked for bombs first.
"""

from __future__ import annotations

import contextlib
import io
import logging
from pathlib import Path
from typing import Any

from odf.element import Element, Node
from odf.namespaces import DCNS, METANS, OFFICENS, TABLENS, TEXTNS
from odf.opendocument import load

from kennisnet.extraction.base import N_, Extracted, ExtractionFailed
from kennisnet.extraction.packages import checked_package
from kennisnet.extraction.sniff import ODT_MIMETYPE

logger = logging.getLogger(__name__)

MSG_CORRUPT = N_(
    "Dit ODT-bestand is beschadigd of geen echt OpenDocument-tekstbestand; "
    "de tekst kan niet worden gelezen."
)
MSG_NOT_TEXT = N_(
    "Dit OpenDocument-bestand is geen tekstdocument (bijvoorbeeld een rekenblad, presentatie "
    "of sjabloon); alleen tekstdocumenten (.odt) worden ondersteund."
)
MSG_DOCTYPE = N_(
    "Dit bestand bevat XML met een DOCTYPE-verklaring, wat in ODT-bestanden niet voorkomt; "
    "om veiligheidsredenen wordt het niet verwerkt."
)

_PARAGRAPHS = {(TEXTNS, "p"), (TEXTNS, "h")}
# Block-level content met inside a paragraph: emitted as paragraphs of their own afterwards.
_NESTED_BLOCKS = _PARAGRAPHS | {(TEXTNS, "note-body"), (TABLENS, "table"), (TEXTNS, "list")}
_SKIP = {
    (TEXTNS, "tracked-changes"),  # change records, including the text of deletions
    (OFFICENS, "annotation"),  # comments
    (TEXTNS, "note-citation"),  # the footnote number, glued to the preceding word otherwise
}
_SPACE, _TAB, _LINE_BREAK = (TEXTNS, "s"), (TEXTNS, "tab"), (TEXTNS, "line-break")
_MAX_SPACES = 64
_SAX_FAILURE = "SAX FAILED TO PARSE"
_META_FIELDS = {
    (METANS, "initial-creator"): "author",
    (DCNS, "subject"): "subject",
    (DCNS, "language"): "language",
    (METANS, "creation-date"): "created",
    (DCNS, "date"): "modified",
}


def extract(path: Path, *, kind: str = "odt", max_pages: int | None = None) -> Extracted:
    """Body text, tables and notes of an ODF text document, and its title from meta.xml."""
    del kind, max_pages  # page breaks in ODT are layout, not data
    document = load_odf(
        path, mimetype=ODT_MIMETYPE, corrupt=MSG_CORRUPT, not_kind=MSG_NOT_TEXT, doctype=MSG_DOCTYPE
    )
    body = getattr(document, "text", None)
    text = "\n".join(block_texts(body)) if body is not None else ""
    title, meta = metadata(document.meta)
    return Extracted(text=text, pages=None, title=title, meta=meta)


def load_odf(path: Path, *, mimetype: bytes, corrupt: str, not_kind: str, doctype: str) -> Any:
    """An odfpy document of the given ODF type, after the shared package checks.

    Shared by ODT, ODS and ODP: each passes its mimetype and its own Dutch messages.
    """
    _check_package(path, mimetype=mimetype, corrupt=corrupt, not_kind=not_kind, doctype=doctype)
    printed = io.StringIO()
    # odfpy prints the whole XML part to stdout when SAX fails, and carries on with a partial
    # document; capture it (stdout carries the isolated child's result) and treat it as corrupt.
    with contextlib.redirect_stdout(printed):
        document = load(str(path))
    if _SAX_FAILURE in printed.getvalue():
        raise ExtractionFailed("corrupt", corrupt)
    return document


def _check_package(
    path: Path, *, mimetype: bytes, corrupt: str, not_kind: str, doctype: str
) -> None:
    # Flat ODF (.fodt) is one XML file, not a zip: it is refused as corrupt here too.
    with checked_package(path, corrupt=corrupt, doctype=doctype) as archive:
        if "mimetype" not in archive.namelist():
            raise ExtractionFailed("corrupt", corrupt)
        info = archive.getinfo("mimetype")
        if info.file_size > 256 or archive.read(info).strip() != mimetype:
            raise ExtractionFailed("unsupported", not_kind)


def block_texts(root: Element) -> list[str]:
    """Paragraph texts in document order; iterative, so deep nesting cannot overflow."""
    texts: list[str] = []
    stack: list[Element] = list(reversed(root.childNodes))
    while stack:
        element = stack.pop()
        if element.nodeType != Node.ELEMENT_NODE or element.qname in _SKIP:
            continue
        if element.qname in _PARAGRAPHS:
            text, nested = _paragraph_text(element)
            texts.append(text)
            stack.extend(reversed(nested))
        else:
            stack.extend(reversed(element.childNodes))
    return texts


def _paragraph_text(paragraph: Element) -> tuple[str, list[Element]]:
    """Inline text of a paragraph, plus the block elements nested in it (notes, text boxes)."""
    parts: list[str] = []
    nested: list[Element] = []
    stack: list[Element] = list(reversed(paragraph.childNodes))
    while stack:
        node = stack.pop()
        if node.nodeType == Node.TEXT_NODE:
            parts.append(node.data)
            continue
        if node.nodeType != Node.ELEMENT_NODE or node.qname in _SKIP:
            continue
        if node.qname == _SPACE:
            parts.append(" " * _space_count(node))
        elif node.qname == _TAB:
            parts.append("\t")
        elif node.qname == _LINE_BREAK:
            parts.append("\n")
        elif node.qname in _NESTED_BLOCKS:
            nested.append(node)
        else:
            stack.extend(reversed(node.childNodes))
    return "".join(parts), nested


def _space_count(node: Element) -> int:
    try:
        count = int(node.attributes.get((TEXTNS, "c")) or 1)
    except ValueError:
        count = 1
    return max(1, min(count, _MAX_SPACES))


def metadata(meta: Element | None) -> tuple[str | None, dict[str, str]]:
    title = None
    fields: dict[str, str] = {}
    keywords: list[str] = []
    for child in meta.childNodes if meta is not None else ():
        if child.nodeType != Node.ELEMENT_NODE:
            continue
        value = "".join(node.data for node in child.childNodes if node.nodeType == Node.TEXT_NODE)
        if child.qname == (DCNS, "title"):
            title = value
        elif child.qname == (METANS, "keyword"):
            keywords.append(value)
        elif child.qname in _META_FIELDS:
            fields.setdefault(_META_FIELDS[child.qname], value)
    if keywords:
        fields["keywords"] = ", ".join(keywords)
    return title, fields
