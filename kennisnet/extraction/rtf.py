"""Rich Text Format with striprtf: the text without the markup, in the file's code page.

RTF is 7-bit text with escapes (``\\'e9``, ``\\u233?``), so the bytes are read as Latin-1 and
striprtf decodes the escapes with the code page the file names (``\\ansicpg1252``). Title,
author and creation date come from the ``{\\info ...}`` group. A file that does not end with
the closing brace of its group is truncated (or not RTF) and refused as corrupt.
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

from striprtf.striprtf import rtf_to_text

from kennisnet.extraction.base import N_, Extracted, ExtractionFailed

logger = logging.getLogger(__name__)

MSG_CORRUPT = N_("Dit RTF-bestand is beschadigd of onvolledig; de tekst kan niet worden gelezen.")

_CODE_PAGE = re.compile(rb"\\ansicpg(\d{3,5})")
_INFO_FIELD = re.compile(r"\{\\(title|author|subject|keywords)\s+([^{}]*)\}")
_CREATED = re.compile(r"\\creatim\\yr(\d{4})\\mo(\d{1,2})\\dy(\d{1,2})")
_RTF_MAGIC = b"{\\rtf"


def extract(path: Path, *, kind: str = "rtf", max_pages: int | None = None) -> Extracted:
    """The document's text and its ``\\info`` fields."""
    del kind, max_pages  # RTF has no stored page count
    raw = path.read_bytes()
    if not raw.lstrip().startswith(_RTF_MAGIC) or not raw.rstrip(b" \t\r\n\x00").endswith(b"}"):
        raise ExtractionFailed("corrupt", MSG_CORRUPT)
    encoding = _encoding(raw)
    source = raw.decode("latin-1")
    text = rtf_to_text(source, encoding=encoding, errors="replace")
    meta: dict[str, str] = {}
    for name, value in _INFO_FIELD.findall(source[:1_000_000]):
        # \info values are RTF too (escapes); a tiny group of their own decodes them.
        decoded = rtf_to_text("{\\rtf1 " + value + "}", encoding=encoding, errors="replace")
        meta.setdefault(name, decoded.strip())
    created = _CREATED.search(source[:1_000_000])
    if created:
        year, month, day = (int(part) for part in created.groups())
        meta["created"] = f"{year:04d}-{month:02d}-{day:02d}"
    title = meta.pop("title", None)
    return Extracted(text=text, pages=None, title=title, meta=meta)


def _encoding(raw: bytes) -> str:
    found = _CODE_PAGE.search(raw[:4096])
    if found:
        name = f"cp{int(found.group(1))}"
        try:
            codecs.lookup(name)
        except LookupError:
            logger.info("unknown RTF code page %s; reading as cp1252", name)
        else:
            return name
    return "cp1252"
