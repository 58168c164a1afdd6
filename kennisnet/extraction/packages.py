"""Opening office packages (zip files of XML) with the checks every zip format gets first.

DOCX and ODT today, and every further zip-based format: a zip bomb or an XML member with a
DOCTYPE (entity expansion, external entities) is refused before a parser sees the file.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kennisnet.extraction.base import N_, ExtractionFailed
from kennisnet.extraction.sniff import xml_members_with_doctype, zip_bomb_reason

logger = logging.getLogger(__name__)

MSG_ZIP_BOMB = N_(
    "Dit bestand wordt bij het uitpakken veel te groot (mogelijk een 'zip-bom'); "
    "het wordt niet verwerkt."
)


@contextmanager
def checked_package(path: Path, *, corrupt: str, doctype: str) -> Iterator[zipfile.ZipFile]:
    """The archive, once it passed the shared checks; the format's own checks follow inside.

    ``corrupt`` is the format's message for a file that is not a readable zip (raised for a
    ``BadZipFile`` inside the block too), ``doctype`` its message for a DTD.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            reason = zip_bomb_reason(archive)
            if reason:
                logger.warning("refusing %s: %s", path.name, reason)
                raise ExtractionFailed("too_large", MSG_ZIP_BOMB)
            with_doctype = xml_members_with_doctype(archive)
            if with_doctype:
                logger.warning("refusing %s: DOCTYPE in %s", path.name, with_doctype[:3])
                raise ExtractionFailed("corrupt", doctype)
            yield archive
    except zipfile.BadZipFile as exc:
        raise ExtractionFailed("corrupt", corrupt) from exc
