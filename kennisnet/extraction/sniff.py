"""Decide what kind of document a file is from its content, never from its name alone.

The upload's extension is chosen by whoever sends it, so it can only choose between
"text" and "markdown" for content that is already known to be text. A PDF named ``.docx``
is a PDF; HTML named ``.pdf`` is refused. This module imports no parsing library (olefile,
for OLE2 uploads only, reads a directory) and nothing from the rest of the package, so the web
process can sniff uploads cheaply.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import struct
import zipfile
from pathlib import Path

from charset_normalizer import from_bytes

logger = logging.getLogger(__name__)

HEAD_SIZE = 64 * 1024
"""How many leading bytes sniffing looks at."""

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
ODP_MIMETYPE = b"application/vnd.oasis.opendocument.presentation"

_PDF_MAGIC = b"%PDF-"
_PDF_HEADER_WINDOW = 1024  # readers accept junk before the header within the first KiB
_ZIP_MAGIC = b"PK\x03\x04"

# Formats that are never accepted, whatever the extension says. Most of them also fail the
# control-character test below; listing them keeps the refusal independent of that heuristic.
_BINARY_MAGICS = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE2: legacy .doc/.xls/.ppt, .msg
    b"MZ",  # Windows executables
    b"\x7fELF",
    b"\xca\xfe\xba\xbe",  # Java class, Mach-O fat binary
    b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"RIFF",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!",
    b"PK\x05\x06",  # empty zip
    b"PK\x07\x08",  # spanned zip
    b"%!PS",
    b"SQLite format 3\x00",
    b"\x00asm",
)

_TEXT_EXTENSIONS = frozenset({"", ".txt", ".text"})
_MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown"})

# Markup that browsers render or that is a document format of its own; refused as "text".
_MARKUP_PREFIXES = ("<!doctype", "<html", "<?xml", "<svg", "<script", "<head", "<body", "<iframe")

# C0 controls that do not occur in real text (tab, LF, VT, FF, CR and ESC do).
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_MAX_CONTROL_RATIO = 0.01

_DOCX_REQUIRED = ("[Content_Types].xml", "word/document.xml")
_OOXML_REQUIRED = {
    "docx": _DOCX_REQUIRED,
    "xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    "pptx": ("[Content_Types].xml", "ppt/presentation.xml"),
}
# ODF spreadsheets and presentations also need their content part; ODT keeps its older rule.
_ODF_KINDS = {ODT_MIMETYPE: "odt", ODS_MIMETYPE: "ods", ODP_MIMETYPE: "odp"}

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The directory entry of Word's main stream: its UTF-16 name, padded, then the name length.
_WORD_STREAM_ENTRY = re.compile(
    re.escape("WordDocument".encode("utf-16-le")) + b"\x00\x00" + b"\x00" * 38 + b"\x1a\x00",
)
_RTF_MAGIC = b"{\\rtf1"
_RTF_TRAILER = b" \t\r\n\x00"


def detect_kind(head: bytes, filename: str) -> str | None:
    """Return the kind of a file (a key of ``MEDIA_TYPES``) or None for unsupported content.

    ``head`` is the start of the file (up to :data:`HEAD_SIZE` bytes). For a zip, an OLE2 file
    (.doc) or RTF this is exact only when ``head`` holds the whole file; otherwise it judges
    from what it can see, so callers holding a file should prefer :func:`detect_kind_path`.
    """
    if not head:
        return None
    if _PDF_MAGIC in head[:_PDF_HEADER_WINDOW]:
        return "pdf"
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind_from_bytes(head)
    image = image_kind(head)
    if image is not None:
        return image
    if head.startswith(_OLE2_MAGIC):
        return "doc" if _WORD_STREAM_ENTRY.search(head) else None
    if head.startswith(_RTF_MAGIC):
        whole = len(head) < HEAD_SIZE
        return "rtf" if not whole or _rtf_ends_well(head) else None
    if head.startswith(_BINARY_MAGICS):
        return None
    return _text_kind(head, filename)


def detect_kind_path(path: Path, filename: str) -> str | None:
    """Like :func:`detect_kind`, but reads the file: zips and OLE2 files are checked from their
    directory, RTF from its last bytes."""
    try:
        with path.open("rb") as stream:
            head = stream.read(HEAD_SIZE)
            tail = b""
            if head.startswith(_RTF_MAGIC) and len(head) == HEAD_SIZE:
                stream.seek(max(0, path.stat().st_size - 1024))
                tail = stream.read()
    except OSError:
        logger.warning("cannot read %s for sniffing", path, exc_info=True)
        return None
    if head.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                return zip_kind(archive)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
    if head.startswith(_OLE2_MAGIC):
        return "doc" if ole_has_word_stream(path) else None
    if tail:
        return "rtf" if _rtf_ends_well(tail) else None
    return detect_kind(head, filename)


def zip_kind(archive: zipfile.ZipFile) -> str | None:
    """Classify an open zip as "docx", "xlsx", "pptx", "odt", "ods", "odp" or None by the
    entries each format requires."""
    names = set(archive.namelist())
    if "mimetype" in names:
        info = archive.getinfo("mimetype")
        # A real mimetype entry is a few dozen bytes; never decompress a large one.
        if info.file_size <= 256:
            try:
                kind = _ODF_KINDS.get(archive.read(info).strip())
            # zipfile raises NotImplementedError for compression methods it does not know.
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                return None
            if kind == "odt" or (kind is not None and "content.xml" in names):
                return kind
    for kind, required in _OOXML_REQUIRED.items():
        if all(name in names for name in required):
            return kind
    return None


def _zip_kind_from_bytes(head: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(head)) as archive:
            return zip_kind(archive)
    except (zipfile.BadZipFile, ValueError, EOFError):
        pass  # only the start of a larger zip: fall back to the local headers
    names: set[str] = set()
    odf_kind = None
    for match in re.finditer(re.escape(_ZIP_MAGIC), head):
        start = match.start()
        if start + 30 > len(head):
            break
        method, compressed = struct.unpack_from("<H8xI", head, start + 8)
        name_len, extra_len = struct.unpack_from("<HH", head, start + 26)
        name = head[start + 30 : start + 30 + name_len].decode("utf-8", "replace")
        names.add(name)
        if name == "mimetype" and method == 0:
            data_start = start + 30 + name_len + extra_len
            odf_kind = _ODF_KINDS.get(head[data_start : data_start + compressed].strip())
            if odf_kind == "odt":
                return "odt"
    if odf_kind is not None:
        return odf_kind if "content.xml" in names else None
    for kind, required in _OOXML_REQUIRED.items():
        if all(name in names for name in required):
            return kind
    return None


def image_kind(head: bytes) -> str | None:
    """ "jpeg", "png", "tiff" or "webp" when ``head`` starts like a real picture of that kind.

    More than the magic number: a PNG needs its IHDR chunk with a size, a TIFF a first
    directory after its header, a WebP a VP8 chunk, so a few magic bytes glued to other content
    are not taken for a picture.
    """
    if head.startswith(b"\xff\xd8\xff") and len(head) > 3 and head[3] >= 0xC0:
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR") and len(head) >= 24:
        width, height = struct.unpack_from(">II", head, 16)
        return "png" if width and height else None
    if head[:4] in (b"II*\x00", b"MM\x00*") and len(head) >= 8:
        order = "<I" if head[:2] == b"II" else ">I"
        (first_directory,) = struct.unpack_from(order, head, 4)
        return "tiff" if first_directory >= 8 else None
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and head[12:16] in _WEBP_CHUNKS:
        return "webp"
    return None


_WEBP_CHUNKS = (b"VP8 ", b"VP8L", b"VP8X")


def ole_has_word_stream(path: Path) -> bool:
    """Whether an OLE2 compound file holds Word's main stream (a .doc, not .xls or .msg)."""
    import olefile  # only for OLE2 uploads; the web process rarely needs it

    try:
        with olefile.OleFileIO(str(path)) as ole:
            return bool(ole.exists("WordDocument"))
    except Exception:  # olefile raises OSError, struct.error, IndexError... on broken files
        logger.info("not a readable OLE2 file: %s", path.name)
        return False


def _rtf_ends_well(data: bytes) -> bool:
    """RTF is one group: the file ends with its closing brace (and perhaps blank bytes), so a
    file that merely starts like RTF and then carries other content is refused."""
    return data.rstrip(_RTF_TRAILER).endswith(b"}")


def _text_kind(head: bytes, filename: str) -> str | None:
    extension = _extension(filename)
    if extension in _MARKDOWN_EXTENSIONS:
        kind = "markdown"
    elif extension in _TEXT_EXTENSIONS:
        kind = "text"
    else:
        return None  # text content under a document or unknown extension: refuse
    sample = decode_sample(head)
    if sample is None:
        return None
    if sample.lstrip("\ufeff \t\r\n").lower().startswith(_MARKUP_PREFIXES):
        return None
    return kind


def decode_sample(head: bytes) -> str | None:
    """Decode the start of a file if it is text, or return None for binary content.

    NUL bytes alone do not make a file binary (some exports pad with them); UTF-16 without a
    BOM is recognised by its pattern of NULs. Other control characters must stay rare.
    """
    bom_encoding = bom_encoding_of(head)
    if bom_encoding is not None:
        return head.decode(bom_encoding, "replace")
    utf16 = guess_utf16(head)
    if utf16 is not None:
        return head.decode(utf16, "replace")
    data = head.replace(b"\x00", b"")
    if not data.strip():
        return None
    if len(_CONTROL_BYTES.findall(data)) > max(1, len(data) * _MAX_CONTROL_RATIO):
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The sample may end in the middle of a multi-byte character.
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8")
    best = from_bytes(data).best()
    return None if best is None else str(best)


def bom_encoding_of(data: bytes) -> str | None:
    """Return the codec named by a byte-order mark at the start of ``data``, if any."""
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return encoding
    return None


def guess_utf16(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16 by NULs in (nearly) every other byte, as ASCII-heavy text has."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    even_nuls = sample[0 : pairs * 2 : 2].count(0)
    odd_nuls = sample[1 : pairs * 2 : 2].count(0)
    if odd_nuls > 0.7 * pairs and even_nuls < 0.1 * pairs:
        return "utf-16-le"
    if even_nuls > 0.7 * pairs and odd_nuls < 0.1 * pairs:
        return "utf-16-be"
    return None


def _extension(filename: str) -> str:
    """Lower-case extension; a "suffix" without letters (``verslag 12.03``) is no extension."""
    name = re.split(r"[/\\]", filename)[-1]
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem.strip(". ") or not any(ch.isalpha() for ch in suffix):
        return ""
    return "." + suffix.strip().lower()


MAX_ZIP_MEMBERS = 10_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
_RATIO_CHECK_FROM_BYTES = 1024 * 1024  # small members may compress extremely; they cannot hurt
_PROLOG_SCAN_BYTES = 64 * 1024
_XML_PROLOG = re.compile(r"\A\ufeff?\s*(?:(?:<\?.*?\?>|<!--.*?-->)\s*)*", re.DOTALL)


def zip_bomb_reason(archive: zipfile.ZipFile) -> str | None:
    """Why unpacking this zip could exhaust memory or disk, or None when it looks sane.

    The sizes come from the zip's directory; :mod:`zipfile` never returns more bytes than a
    member declares, so a lying directory cannot make a member bigger than checked here.
    """
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        return f"{len(members)} entries"
    total = sum(info.file_size for info in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        return f"{total} bytes uncompressed"
    for info in members:
        if info.file_size > _RATIO_CHECK_FROM_BYTES and (
            info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
        ):
            return f"{info.filename!r} compressed {info.file_size // max(info.compress_size, 1)}:1"
    return None


def xml_members_with_doctype(archive: zipfile.ZipFile) -> list[str]:
    """XML members that declare a DOCTYPE or entities (billion laughs, external entities).

    Office formats never need a DTD, so refusing any is simpler and safer than trusting
    every parser's entity settings. Only the first 64 KiB of each member is decompressed: a
    DOCTYPE must come before the root element, and a prolog longer than that is refused too.
    """
    found = []
    for info in archive.infolist():
        if not info.filename.lower().endswith((".xml", ".rels")) or info.is_dir():
            continue
        with archive.open(info) as stream:
            start = stream.read(_PROLOG_SCAN_BYTES)
        encoding = bom_encoding_of(start) or guess_utf16(start) or "utf-8"
        text = start.decode(encoding, "replace")
        prolog = _XML_PROLOG.match(text)
        rest = text[prolog.end() if prolog else 0 :]
        prolog_too_long = not rest.strip() and info.file_size > len(start)
        if rest.startswith("<!") or "<!ENTITY" in text or prolog_too_long:
            found.append(info.filename)
    return found
