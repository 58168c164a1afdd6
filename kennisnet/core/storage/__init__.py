"""The file stores: uploads and preview images, in a local folder (default) or an S3 bucket.

Callers ask for ``file_store()`` or ``preview_store()`` and use the ``Store`` protocol; which
kind answers is decided here alone, by ``STORAGE_URL`` (``KENNISNET_STORAGE_URL``).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from flask import current_app

from kennisnet.core.storage.base import (
    Listed,
    Opened,
    StorageUnavailable,
    Store,
    StoredFile,
    TooLarge,
)
from kennisnet.core.storage.local import LocalStore
from kennisnet.core.storage.s3 import S3Store, endpoint_from_env, make_client, parse_url

# The local store under its historical name: an import batch and its tests speak of it.
FileStore = LocalStore

__all__ = [
    "FileStore",
    "Listed",
    "LocalStore",
    "Opened",
    "S3Store",
    "StorageUnavailable",
    "Store",
    "StoredFile",
    "TooLarge",
    "file_store",
    "preview_store",
    "remote",
]


def remote() -> bool:
    """Whether the files live in an object store rather than in this machine's folders."""
    return bool(current_app.config.get("STORAGE_URL"))


def file_store() -> Store:
    """The app's store of uploaded files (``UPLOAD_DIR``, or ``uploads/`` in the bucket)."""
    return _store("uploads", "UPLOAD_DIR")


def preview_store() -> Store:
    """The store of preview images (``PREVIEW_DIR``, or ``previews/`` in the bucket), kept
    apart from the uploads so that removing a preview can never remove a member's file with
    the same bytes."""
    return _store("previews", "PREVIEW_DIR")


def _store(name: str, folder_setting: str) -> Store:
    url = current_app.config.get("STORAGE_URL") or ""
    if not url:
        return _local_at(Path(current_app.config[folder_setting]))
    return _s3_at(url, name, endpoint_from_env(), os.getpid())


@functools.lru_cache(maxsize=16)
def _local_at(root: Path) -> LocalStore:
    # One per folder, so that it remembers which of its folders exist.
    return LocalStore(root)


@functools.lru_cache(maxsize=16)
def _s3_at(url: str, name: str, endpoint: str | None, pid: int) -> S3Store:
    bucket, prefix = parse_url(url)
    return S3Store(make_client(endpoint, pid), bucket, f"{prefix}/{name}" if prefix else name)
