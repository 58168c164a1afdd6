"""Word 97-2003 (.doc) with antiword, or catdoc when antiword cannot read the file.

Both are small C programs from Debian made for exactly this: a Word binary file to text.
They run as subprocesses of the (isolated) extracting process, so they inherit its memory and
CPU limits and are killed with its process group. Title, author and dates come from the OLE2
summary stream through olefile. Encrypted documents are recognised from the FIB flag.
"""

from __future__ import annotations

import logging
import shutil
import struct
import subprocess
from datetime import datetime
from pathlib import Path

import olefile

from kennisnet.extraction.base import N_, Extracted, ExtractionFailed

logger = logging.getLogger(__name__)

MSG_CORRUPT = N_(
    "Dit Word-bestand (.doc) is beschadigd of geen echt Word 97-2003-document; "
    "de tekst kan niet worden gelezen."
)
MSG_ENCRYPTED = N_(
    "Dit Word-bestand is beveiligd met een wachtwoord; de tekst kan niet worden gelezen. "
    "Sla het bestand op zonder wachtwoord en upload het opnieuw."
)
MSG_NO_READER = N_(
    "Oude Word-bestanden (.doc) kunnen op deze server niet worden gelezen. Sla het bestand op "
    "als .docx of PDF en upload het opnieuw."
)
_TIMEOUT = 300  # seconds; the isolated child's wall clock is the real bound
_FIB_FLAGS = 0x0A
_ENCRYPTED = 0x0100


def extract(path: Path, *, kind: str = "doc", max_pages: int | None = None) -> Extracted:
    """The document's text and summary information."""
    del kind, max_pages  # Word stores no reliable page count
    meta, title = _summary(path)
    commands = []
    if antiword := shutil.which("antiword"):
        commands.append([antiword, "-m", "UTF-8.txt", "-w", "0", str(path)])
    if catdoc := shutil.which("catdoc"):
        commands.append([catdoc, "-d", "utf-8", "-w", str(path)])
    if not commands:
        raise ExtractionFailed("unsupported", MSG_NO_READER)
    for command in commands:
        try:
            done = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
                command, capture_output=True, timeout=_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            logger.warning("%s timed out on %s", command[0], path.name)
            continue
        if done.returncode == 0 and done.stdout.strip():
            return Extracted(
                text=done.stdout.decode("utf-8", "replace"), pages=None, title=title, meta=meta
            )
        logger.info(
            "%s could not read %s: %s",
            command[0],
            path.name,
            done.stderr[-300:].decode("utf-8", "replace"),
        )
    raise ExtractionFailed("corrupt", MSG_CORRUPT)


def _summary(path: Path) -> tuple[dict[str, str], str | None]:
    """Metadata from the OLE2 container; refuses what is not a Word file or is encrypted."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if not ole.exists("WordDocument"):
                raise ExtractionFailed("corrupt", MSG_CORRUPT)
            with ole.openstream("WordDocument") as stream:
                fib = stream.read(_FIB_FLAGS + 2)
            if len(fib) < _FIB_FLAGS + 2:
                raise ExtractionFailed("corrupt", MSG_CORRUPT)
            (flags,) = struct.unpack_from("<H", fib, _FIB_FLAGS)
            if flags & _ENCRYPTED:
                raise ExtractionFailed("encrypted", MSG_ENCRYPTED)
            info = ole.get_metadata()
    except ExtractionFailed:
        raise
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError ... on junk
        raise ExtractionFailed("corrupt", MSG_CORRUPT) from exc
    meta = {
        "author": _string(info.author),
        "subject": _string(info.subject),
        "keywords": _string(info.keywords),
        "created": _iso(info.create_time),
        "modified": _iso(info.last_saved_time),
    }
    return {key: value for key, value in meta.items() if value}, _string(info.title)


def _string(value: object) -> str | None:
    if isinstance(value, bytes):
        # The summary stream's strings are in the document's ANSI code page, in practice 1252.
        return value.decode("cp1252", "replace").strip("\x00 ") or None
    return value.strip() or None if isinstance(value, str) else None


def _iso(moment: object) -> str | None:
    return moment.isoformat() if isinstance(moment, datetime) else None
