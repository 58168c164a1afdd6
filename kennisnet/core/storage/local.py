"""The default store: a content-addressed folder on this machine (uploads/, previews/).

Files are written to a temporary file in the same directory tree, fsynced and renamed into
place, so a reader never sees a half-written file.

A batch (the import) may defer the fsyncs: its files are renamed into place at once, still never
half-written, and ``sync`` makes them all durable with one call before the batch's rows are
committed, instead of two fsyncs per file.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from kennisnet.core.storage.base import (
    CHUNK,
    HEAD_BYTES,
    STORED_NAME,
    Listed,
    Opened,
    StoredFile,
    TooLarge,
    check_relative,
    relative_path,
)


class LocalStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.tmp_dir = self.root / ".tmp"
        self._resolved_root: Path | None = None
        self._made: set[Path] = set()  # folders known to exist: one mkdir each, not one a file

    def relative_path(self, sha256: str) -> str:
        return relative_path(sha256)

    def path(self, relative_path: str) -> Path:
        """Resolve a stored relative path, refusing anything outside the store."""
        if self._resolved_root is None:
            self._resolved_root = self.root.resolve()
        if STORED_NAME.fullmatch(relative_path):  # a name this store makes: inside it
            return self._resolved_root / relative_path
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
                    if len(head) < HEAD_BYTES:
                        head += chunk[: HEAD_BYTES - len(head)]
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

    def open(self, relative_path: str) -> Opened:
        path = self.path(check_relative(relative_path))
        handle = path.open("rb")  # FileNotFoundError for a missing file, as promised
        stat = os.fstat(handle.fileno())
        return Opened(file=handle, size=stat.st_size, modified=stat.st_mtime)

    @contextmanager
    def local_path(self, relative_path: str) -> Iterator[Path]:
        path = self.path(relative_path)
        if not path.is_file():
            raise FileNotFoundError(relative_path)
        yield path

    def remove(self, relative_path: str) -> None:
        self.path(relative_path).unlink(missing_ok=True)

    def listing(self) -> Iterator[Listed]:
        if not self.root.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                path = Path(dirpath, name)
                relative = path.relative_to(self.root).as_posix()
                if not STORED_NAME.match(relative):  # .gitkeep and anything not ours
                    continue
                try:
                    yield Listed(relative, path.stat().st_mtime)
                except FileNotFoundError:  # removed while we looked
                    continue

    def leftovers(self) -> Iterator[Listed]:
        if not self.tmp_dir.is_dir():
            return
        for leftover in sorted(self.tmp_dir.iterdir()):
            try:
                if leftover.is_file():
                    yield Listed(leftover.name, leftover.stat().st_mtime)
            except FileNotFoundError:
                continue

    def remove_leftover(self, name: str) -> None:
        if "/" in name or name.startswith("."):
            raise ValueError("not a leftover's name")
        (self.tmp_dir / name).unlink(missing_ok=True)

    def check(self) -> None:
        if not self.root.is_dir() or not os.access(self.root, os.R_OK | os.W_OK | os.X_OK):
            raise OSError(f"store folder not readable and writable: {self.root}")


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
