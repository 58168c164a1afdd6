"""Content-addressed file store under uploads/.

Files are named by their SHA-256 and written to a temporary file in the same directory tree,
fsynced and renamed into place, so a reader never sees a half-written file. Paths are derived
from the digest alone: no user-supplied name ever reaches the file system.

A batch (the import) may defer the fsyncs: its files are renamed into place at once, still never
half-written, and ``sync`` makes them all durable with one call before the batch's rows are
committed, instead of two fsyncs per file.
"""

from __future__ import annotations

import ctypes
import functools
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
        self._resolved_root: Path | None = None
        self._made: set[Path] = set()  # folders known to exist: one mkdir each, not one a file

    def relative_path(self, sha256: str) -> str:
        if not _DIGEST.match(sha256):
            raise ValueError("not a sha256 hex digest")
        return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def path(self, relative_path: str) -> Path:
        """Resolve a stored relative path, refusing anything outside the store."""
        if self._resolved_root is None:
            self._resolved_root = self.root.resolve()
        candidate = (self._resolved_root / relative_path).resolve()
        if self._resolved_root not in candidate.parents:
            raise ValueError("path outside the file store")
        return candidate

    def put(
        self, stream: IO[bytes], max_bytes: int | None = None, *, durable: bool = True
    ) -> StoredFile:
        """Store a stream; if the same bytes are stored already, the existing file is kept.

        With ``durable=False`` the file is complete and in place but may not survive a power
        cut until ``sync`` has run: for a batch that syncs once before it commits its rows.
        """
        self._make(self.tmp_dir)
        digest = hashlib.sha256()
        size = 0
        head = b""
        try:
            fd, tmp_name = tempfile.mkstemp(dir=self.tmp_dir, prefix="upload-")
        except FileNotFoundError:  # removed since we made it (a restore, a clean-up)
            self.tmp_dir.mkdir(parents=True, exist_ok=True)
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
                if durable:
                    os.fsync(out.fileno())
            sha = digest.hexdigest()
            relative = self.relative_path(sha)
            final = self.root / relative
            self._make(final.parent)
            os.chmod(tmp_name, 0o640)
            try:
                os.replace(tmp_name, final)
            except FileNotFoundError:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp_name, final)
            if durable:
                _fsync_dir(final.parent)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return StoredFile(sha256=sha, size=size, relative_path=relative, head=head)

    def _make(self, folder: Path) -> None:
        if folder not in self._made:
            folder.mkdir(parents=True, exist_ok=True)
            self._made.add(folder)

    def sync(self) -> None:
        """Make every file written with ``durable=False`` durable: one ``syncfs`` of the
        store's file system (``sync`` where that call is missing)."""
        if not self.root.exists():
            return
        fd = os.open(self.root, os.O_RDONLY)
        try:
            if _LIBC is not None and _LIBC.syncfs(fd) == 0:
                return
            os.sync()
        finally:
            os.close(fd)

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


def _load_libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syncfs  # noqa: B018 - glibc has it; other C libraries may not
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _load_libc()


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_store() -> FileStore:
    """The app's store of uploaded files (``UPLOAD_DIR``)."""
    return _store_at(Path(current_app.config["UPLOAD_DIR"]))


@functools.lru_cache(maxsize=16)
def _store_at(root: Path) -> FileStore:
    # One per folder, so that it remembers which of its folders exist.
    return FileStore(root)


def preview_store() -> FileStore:
    """The store of preview images (``PREVIEW_DIR``), kept apart from the uploads so that
    removing a preview can never remove a member's file with the same bytes."""
    return FileStore(current_app.config["PREVIEW_DIR"])
