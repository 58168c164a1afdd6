"""Files in an S3-compatible object store (``KENNISNET_STORAGE_URL=s3://bucket/prefix``).

The keys are the local store's relative paths under ``<prefix>/uploads/`` and
``<prefix>/previews/``. Endpoint, region and credentials come from boto3's own configuration
(``AWS_ENDPOINT_URL_S3``, ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
``AWS_DEFAULT_REGION``, ``~/.aws/``), so any S3-compatible store works.

An object becomes visible only when its PUT (or its whole multipart upload) has completed, so
nothing half-written is ever seen; the bytes are hashed in a local temporary file first, so
the key is known before anything is sent, and bytes stored already are not sent again. Every
failure to reach the store is a ``StorageUnavailable`` (a Dutch message, status 503).
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

import boto3
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from kennisnet.core.storage.base import (
    CHUNK,
    HEAD_BYTES,
    STORED_NAME,
    Listed,
    Opened,
    StorageUnavailable,
    StoredFile,
    TooLarge,
    check_relative,
    relative_path,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
_MISSING = {"404", "NoSuchKey", "NotFound"}
_UPLOAD_ID = "?uploadId="
# One PUT for every file up to the largest upload most installations allow; bigger files go in
# parts, which stay invisible until the upload completes.
_TRANSFER = TransferConfig(multipart_threshold=64 * 1024 * 1024, multipart_chunksize=16 << 20)


def parse_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> ("bucket", "some/prefix"); the prefix may be empty."""
    if not url.startswith("s3://"):
        raise ValueError(f"KENNISNET_STORAGE_URL must start with s3://, not {url!r}")
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    if not bucket:
        raise ValueError("KENNISNET_STORAGE_URL names no bucket (s3://bucket/prefix)")
    return bucket, prefix.strip("/")


def endpoint_from_env() -> str | None:
    """The endpoint boto3 will use from the environment, if one is set (not AWS itself)."""
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None


@functools.lru_cache(maxsize=8)
def make_client(endpoint: str | None, pid: int) -> Any:
    """One client per endpoint and process: boto3 clients are thread-safe, but a connection
    pool must not cross a fork (gunicorn's workers)."""
    del pid  # part of the cache key only
    config = Config(
        connect_timeout=5,
        read_timeout=60,
        retries={"max_attempts": 3, "mode": "standard"},
        # Stores other than AWS (MinIO, SeaweedFS, Ceph, Garage) are reached by host name,
        # and rarely have a DNS name per bucket: address the bucket in the path.
        s3={"addressing_style": "path" if endpoint else "auto"},
        # Checksums only where S3 requires them: several S3-compatible stores refuse the
        # newer default trailing checksums.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.session.Session().client("s3", config=config)


def _missing(exc: ClientError) -> bool:
    error = exc.response.get("Error", {})
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return str(error.get("Code")) in _MISSING or status == 404


def _answering(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one store call; a store that does not answer becomes ``StorageUnavailable``."""
    try:
        return call(*args, **kwargs)
    except ClientError as exc:
        if _missing(exc):
            raise FileNotFoundError(kwargs.get("Key", "")) from exc
        log.warning("object store refused %s: %s", getattr(call, "__name__", call), exc)
        raise StorageUnavailable() from exc
    except (BotoCoreError, Boto3Error) as exc:
        log.warning("object store did not answer %s: %s", getattr(call, "__name__", call), exc)
        raise StorageUnavailable() from exc


class S3Store:
    def __init__(self, client: Any, bucket: str, prefix: str) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def relative_path(self, sha256: str) -> str:
        return relative_path(sha256)

    def key(self, relative_path: str) -> str:
        return self.prefix + check_relative(relative_path)

    def put(
        self, stream: IO[bytes], max_bytes: int | None = None, *, durable: bool = True
    ) -> StoredFile:
        """Store a stream; bytes stored already are not sent again. ``durable`` is moot: a
        completed PUT is durable."""
        digest = hashlib.sha256()
        size = 0
        head = b""
        # An unnamed file: nothing is left behind on this machine, whatever stops us.
        with tempfile.TemporaryFile(prefix="kennisnet-put-") as spool:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise TooLarge(max_bytes)
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                digest.update(chunk)
                spool.write(chunk)
            sha = digest.hexdigest()
            relative = relative_path(sha)
            if not self.exists(relative):
                spool.seek(0)
                _answering(
                    self.client.upload_fileobj,
                    spool,
                    self.bucket,
                    self.key(relative),
                    ExtraArgs={"ContentType": "application/octet-stream"},
                    Config=_TRANSFER,
                )
        return StoredFile(sha256=sha, size=size, relative_path=relative, head=head)

    def sync(self) -> None:
        return None

    def exists(self, relative_path: str) -> bool:
        try:
            _answering(self.client.head_object, Bucket=self.bucket, Key=self.key(relative_path))
        except FileNotFoundError:
            return False
        return True

    def open(self, relative_path: str) -> Opened:
        key = self.key(relative_path)
        head = _answering(self.client.head_object, Bucket=self.bucket, Key=key)
        size = int(head["ContentLength"])
        reader = ObjectReader(self.client, self.bucket, key, size)
        return Opened(
            file=io.BufferedReader(reader, CHUNK),
            size=size,
            modified=head["LastModified"].timestamp(),
        )

    @contextmanager
    def local_path(self, relative_path: str) -> Iterator[Path]:
        key = self.key(relative_path)
        fd, name = tempfile.mkstemp(prefix="kennisnet-get-")
        try:
            with os.fdopen(fd, "wb") as out:
                _answering(self.client.download_fileobj, self.bucket, key, out, Config=_TRANSFER)
            yield Path(name)
        finally:
            Path(name).unlink(missing_ok=True)

    def remove(self, relative_path: str) -> None:
        _answering(self.client.delete_object, Bucket=self.bucket, Key=self.key(relative_path))

    def _pages(self, operation: str, result: str) -> Iterator[dict[str, Any]]:
        paginator = self.client.get_paginator(operation)
        pages = _answering(lambda: iter(paginator.paginate(Bucket=self.bucket, Prefix=self.prefix)))
        while True:
            page = _answering(next, pages, None)
            if page is None:
                return
            yield from page.get(result, [])

    def listing(self) -> Iterator[Listed]:
        for item in self._pages("list_objects_v2", "Contents"):
            relative = item["Key"][len(self.prefix) :]
            if STORED_NAME.match(relative):  # anything else under the prefix is not ours
                yield Listed(relative, item["LastModified"].timestamp())

    def leftovers(self) -> Iterator[Listed]:
        for upload in self._pages("list_multipart_uploads", "Uploads"):
            relative = upload["Key"][len(self.prefix) :]
            if STORED_NAME.match(relative):
                name = f"{relative}{_UPLOAD_ID}{upload['UploadId']}"
                yield Listed(name, upload["Initiated"].timestamp())

    def remove_leftover(self, name: str) -> None:
        relative, _, upload_id = name.partition(_UPLOAD_ID)
        _answering(
            self.client.abort_multipart_upload,
            Bucket=self.bucket,
            Key=self.key(relative),
            UploadId=upload_id,
        )

    def check(self) -> None:
        _answering(self.client.head_bucket, Bucket=self.bucket)


class ObjectReader(io.RawIOBase):
    """An object read in a stream from where it is asked for: seeking (a Range request)
    starts a new ranged GET, so no download is ever held whole in memory."""

    def __init__(self, client: Any, bucket: str, key: str, size: int) -> None:
        super().__init__()
        self._client, self._bucket, self._key, self.size = client, bucket, key, size
        self._pos = 0
        self._body: Any = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        target = max(0, base + offset)
        if target != self._pos:
            self._drop_body()
            self._pos = target
        return self._pos

    def readinto(self, buffer: Any) -> int:
        if self._pos >= self.size:
            return 0
        if self._body is None:
            answer = _answering(
                self._client.get_object,
                Bucket=self._bucket,
                Key=self._key,
                Range=f"bytes={self._pos}-",
            )
            self._body = answer["Body"]
        view = memoryview(buffer).cast("B")
        data = _answering(self._body.read, len(view))
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def _drop_body(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        self._drop_body()
        super().close()
