"""Content-addressed file store under uploads/.

Files are named by their SHA-256 and written to a temporary file in the same directory tree,
fsynced and renamed into place, so a reader never sees a half-written file. Paths are derived
from the digest alone: no user-supplied name ever reaches the file system.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app

CHUNK = 1024 * 1024
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


class TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"file larger than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    relative_path: str
    head: bytes


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.tmp_dir = self.root / ".tmp"

    def relative_path(self, sha256: str) -> str:
        if not _DIGEST.match(sha256):
            raise ValueError("not a sha256 hex digest")
        return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def path(self, relative_path: str) -> Path:
        """Resolve a stored relative path, refusing anything outside the store."""
        candidate = (self.root / relative_path).resolve()
        if self.root.resolve() not in candidate.parents:
            raise ValueError("path outside the file store")
        return candidate

    def put(self, stream: IO[bytes], max_bytes: int | None = None) -> StoredFile:
        """Store a stream; if the same bytes are stored already, the existing file is kept."""
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        head = b""
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp_dir, prefix="upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise TooLarge(max_bytes)
                    if len(head) < 65536:
                        head += chunk[: 65536 - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            relative = self.relative_path(sha)
            final = self.root / relative
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp_name, 0o640)
            os.replace(tmp_name, final)
            _fsync_dir(final.parent)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return StoredFile(sha256=sha, size=size, relative_path=relative, head=head)

    def exists(self, relative_path: str) -> bool:
        return self.path(relative_path).is_file()

    def remove(self, relative_path: str) -> None:
        self.path(relative_path).unlink(missing_ok=True)

    def clean_tmp(self) -> int:
        """Remove temporary files left by an interrupted upload; returns how many."""
        if not self.tmp_dir.exists():
            return 0
        removed = 0
        for leftover in self.tmp_dir.iterdir():
            leftover.unlink(missing_ok=True)
            removed += 1
        return removed


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_store() -> FileStore:
    """The app's store of uploaded files (``UPLOAD_DIR``)."""
    return FileStore(current_app.config["UPLOAD_DIR"])


def preview_store() -> FileStore:
    """The store of preview images (``PREVIEW_DIR``), kept apart from the uploads so that
    removing a preview can never remove a member's file with the same bytes."""
    return FileStore(current_app.config["PREVIEW_DIR"])
