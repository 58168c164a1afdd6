"""What every file store promises: the protocol, its results and its errors.

Files are named by their SHA-256 (``ab/cd/abcd…``), so the same bytes are stored once, a
stored file never changes, and no user-supplied name ever reaches a disk or a bucket. A store
never shows a half-written file: a local folder renames a complete temporary file into place,
an object store makes an object visible only when its PUT has completed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, Protocol

from flask_babel import lazy_gettext as _l

from kennisnet.core.errors import DomainError

CHUNK = 1024 * 1024
HEAD_BYTES = 65536
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
STORED_NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}$")


class TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"file larger than {limit} bytes")
        self.limit = limit


class StorageUnavailable(DomainError):
    """The store did not answer (an object store that is down or refuses us): nothing was
    stored, and the person is told to try again instead of seeing a server error."""

    code = "storage_unavailable"
    status = 503

    def __init__(self) -> None:
        super().__init__(
            _l(
                "De opslag voor bestanden is nu niet bereikbaar. Er is niets opgeslagen; "
                "probeer het over een paar minuten opnieuw."
            )
        )


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    relative_path: str
    head: bytes


@dataclass(frozen=True)
class Listed:
    """One stored file as a listing sees it: for the consistency check's age rule."""

    relative_path: str
    modified: float  # seconds since the epoch


@dataclass
class Opened:
    """A stored file opened for reading: seekable, so downloads can answer Range requests."""

    file: BinaryIO
    size: int
    modified: float


def relative_path(sha256: str) -> str:
    if not _DIGEST.match(sha256):
        raise ValueError("not a sha256 hex digest")
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def check_relative(relative: str) -> str:
    """Refuse anything but a name this module makes: a row or an archive cannot point a
    store at another key or path."""
    if not STORED_NAME.match(relative):
        raise ValueError("not a stored file name")
    return relative


class Store(Protocol):
    """A content-addressed file store; ``LocalStore`` and ``S3Store`` are the two kinds."""

    def relative_path(self, sha256: str) -> str: ...

    def put(
        self, stream: IO[bytes], max_bytes: int | None = None, *, durable: bool = True
    ) -> StoredFile:
        """Store a stream; the same bytes stored already are kept, not written again."""
        ...

    def sync(self) -> None:
        """Make files put with ``durable=False`` durable (a no-op where every put is)."""
        ...

    def exists(self, relative_path: str) -> bool: ...

    def open(self, relative_path: str) -> Opened:
        """Raises FileNotFoundError for a file the store does not have."""
        ...

    def local_path(self, relative_path: str) -> AbstractContextManager[Path]:
        """A path on this machine for the block (a temporary copy when the store is remote),
        for readers that need one: extraction, previews, text recognition."""
        ...

    def remove(self, relative_path: str) -> None: ...

    def listing(self) -> Iterator[Listed]:
        """Every stored file (nothing else found where the store keeps them)."""
        ...

    def leftovers(self) -> Iterator[Listed]:
        """What interrupted writes left behind: temporary files, unfinished multipart uploads."""
        ...

    def remove_leftover(self, name: str) -> None: ...

    def check(self) -> None:
        """Raise when the store cannot be read and written (``GET /healthz``)."""
        ...
