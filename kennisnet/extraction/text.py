"""Plain text and Markdown, plus the text cleaning every format shares.

Search and snippets assume NFC text without control characters: NFD text from PDFs breaks
accent folding ("coöperatie" -> "cootperatie", see the team field notes), and private-use icon
glyphs or ligature code points ("ﬁ") make words unfindable. :func:`clean_text` is applied to
every format's output by :func:`kennisnet.extraction.extract`.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from kennisnet.extraction.base import Extracted
from kennisnet.extraction.sniff import bom_encoding_of, guess_utf16

logger = logging.getLogger(__name__)

# C0 controls except tab/LF/CR (FF is turned into a paragraph break first), DEL, C1 controls,
# soft hyphens, zero-width space, stray BOMs, surrogates, private-use areas, noncharacters.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u00ad\u200b\ufeff\ud800-\udfff\ue000-\uf8ff"
    "\ufdd0-\ufdef\ufffe\uffff\U000f0000-\U0010ffff]"
)
# Latin ligatures (U+FB00-FB06) as PDFs with old fonts emit them; NFC keeps them.
_LIGATURES = {chr(cp): unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFB00, 0xFB07)}
_LIGATURE_RE = re.compile("[\ufb00-\ufb06]")
_TRAILING_SPACE = re.compile(r"[ \t]+(?=\n)|[ \t]+\Z")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")

_TITLE_MAX = 300
_JUNK_TITLES = re.compile(
    r"""^(?:
        untitled(?:\ document)?\d*
      | naamloos(?:\ document)?\d*
      | (?:document|doc|docum|presentatie|presentation)\ ?\d*
      | (?:no\ |geen\ )?tit(?:le|el)
      | microsoft\ (?:word|powerpoint|excel)\b.*
      | .*\.(?:pdf|docx?|odt|ott|rtf|txt|md|pptx?|xlsx?|html?|indd|tex|dvi|ps|qxd|pages)
      | .*\.(?:jpe?g|png|tiff?)
      | [\W\d_]*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.MULTILINE)
_ATX_H1 = re.compile(r"^[ ]{0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^[ ]{0,3}(?:```|~~~)")


def extract(path: Path, *, kind: str = "text", max_pages: int | None = None) -> Extracted:
    """Decode a text or Markdown file; Markdown keeps its markup, which searches fine."""
    del max_pages  # text has no pages
    text = decode(path.read_bytes())
    title = markdown_title(text) if kind == "markdown" else None
    return Extracted(text=text, pages=None, title=title, meta={})


def decode(raw: bytes) -> str:
    """Decode bytes of unknown encoding: BOM, then UTF-8, then charset_normalizer's guess.

    NUL bytes are dropped unless the text is UTF-16/32 (where they are half of every ASCII
    character). Undecodable bytes become U+FFFD rather than failing the whole document.
    """
    encoding = bom_encoding_of(raw) or guess_utf16(raw)
    if encoding is not None:
        return raw.decode(encoding, "replace")
    raw = raw.replace(b"\x00", b"")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw).best()
    if best is None:
        logger.info("no encoding found; decoding as UTF-8 with replacement characters")
        return raw.decode("utf-8", "replace")
    if _is_other_single_byte_latin(best.encoding):
        # Short Dutch text in Windows-1252 is often guessed as a Baltic or Central European
        # code page ("Café" -> "Cafķ"); in this network Windows-1252 is by far the likelier.
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            pass
    logger.debug("decoded as %s", best.encoding)
    return str(best)


# Single-byte code pages for scripts other than Latin: a guess of one of these is trusted.
_NON_LATIN = (
    "cyrillic",
    "greek",
    "hebrew",
    "arabic",
    "thai",
    "koi8",
    "cp1251",
    "cp1253",
    "cp1255",
    "cp1256",
    "cp866",
    "cp855",
    "iso8859_5",
    "iso8859_6",
    "iso8859_7",
    "iso8859_8",
    "mac_cyrillic",
    "mac_greek",
    "cp874",
    "tis_620",
    "kz1048",
    "ptcp154",
)


def _is_other_single_byte_latin(encoding: str) -> bool:
    name = encoding.lower().replace("-", "_")
    if name in ("cp1252", "windows_1252", "latin_1", "iso8859_1", "iso8859_15", "ascii"):
        return False
    multi_byte = (
        "utf",
        "big5",
        "gb",
        "euc",
        "shift_jis",
        "iso2022",
        "cp932",
        "cp949",
        "cp950",
        "hz",
        "johab",
    )
    if name.startswith(multi_byte):
        return False
    return not any(part in name for part in _NON_LATIN)


def clean_text(text: str) -> str:
    """NFC text without control, private-use or invisible characters and with tidy lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = _INVISIBLE.sub("", text)
    text = _LIGATURE_RE.sub(lambda match: _LIGATURES[match.group()], text)
    text = unicodedata.normalize("NFC", text)
    text = _TRAILING_SPACE.sub("", text)
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip("\n")


def clean_value(value: str | None) -> str | None:
    """One-line metadata value: cleaned, whitespace collapsed, capped; None when empty."""
    if value is None:
        return None
    value = " ".join(clean_text(str(value)).split())
    return value[:_TITLE_MAX].strip() or None


def clean_title(title: str | None) -> str | None:
    """A metadata title worth showing, or None for empty and generated ones.

    Tools fill the title with the file name ("Microsoft Word - verslag.docx", "Binder1.pdf")
    or a placeholder ("Untitled", "Naamloos document"); the uploader's own title is better.
    """
    title = clean_value(title)
    if title is None or _JUNK_TITLES.match(title):
        return None
    return title


def markdown_title(text: str) -> str | None:
    """The front-matter ``title:``, else the first level-one ``# heading`` outside code."""
    front = _FRONT_MATTER.match(text)
    if front:
        found = _FRONT_MATTER_TITLE.search(front.group(1))
        if found:
            return found.group(1).strip().strip("\"'") or None
        text = text[front.end() :]
    in_code = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_code = not in_code
            continue
        heading = None if in_code else _ATX_H1.match(line)
        if heading:
            return heading.group(1)
    return None
