"""The file store contract, on the local folder and on a real S3 server (moto, server mode)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from flask import Flask

from kennisnet.core.storage import (
    FileStore,
    S3Store,
    StorageUnavailable,
    TooLarge,
    file_store,
    preview_store,
)
from kennisnet.core.storage.s3 import parse_url
from tests import s3server
from tests.conftest import make_app
from tests.s3server import BOTH_STORES

DATA = b"Notulen van de ledenvergadering. " * 4000  # about 130 kB


@BOTH_STORES
def test_put_is_content_addressed_and_readable(app: Flask) -> None:
    store = file_store()
    stored = store.put(io.BytesIO(DATA))
    digest = hashlib.sha256(DATA).hexdigest()
    assert stored.sha256 == digest and stored.size == len(DATA)
    assert stored.relative_path == f"{digest[:2]}/{digest[2:4]}/{digest}"
    assert stored.head == DATA[:65536]
    assert store.exists(stored.relative_path)
    opened = store.open(stored.relative_path)
    with opened.file:
        assert opened.size == len(DATA) and opened.file.read() == DATA
    assert [f.relative_path for f in store.listing()] == [stored.relative_path]


@BOTH_STORES
def test_same_bytes_are_stored_once(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    store = file_store()
    first = store.put(io.BytesIO(DATA))
    if isinstance(store, S3Store):
        sent: list[str] = []
        upload = store.client.upload_fileobj
        monkeypatch.setattr(
            store.client, "upload_fileobj", lambda *a, **k: sent.append(a[2]) or upload(*a, **k)
        )
        store.put(io.BytesIO(DATA))
        assert sent == []  # the object was there: no PUT
        store.put(io.BytesIO(b"iets anders"))
        assert len(sent) == 1
    else:
        assert store.put(io.BytesIO(DATA)) == first
    assert first.relative_path in {f.relative_path for f in store.listing()}


@BOTH_STORES
def test_reads_from_an_offset(app: Flask) -> None:
    """What a Range request needs: seek, then read from there."""
    store = file_store()
    stored = store.put(io.BytesIO(DATA))
    with store.open(stored.relative_path).file as handle:
        handle.seek(100_000)
        assert handle.tell() == 100_000
        assert handle.read(10) == DATA[100_000:100_010]
        handle.seek(5)
        assert handle.read(5) == DATA[5:10]


@BOTH_STORES
def test_local_path_is_the_file_and_a_copy_goes_away(app: Flask) -> None:
    store = file_store()
    stored = store.put(io.BytesIO(DATA))
    with store.local_path(stored.relative_path) as path:
        assert path.read_bytes() == DATA
    if isinstance(store, S3Store):
        assert not path.exists()  # the temporary copy is removed after the block
    else:
        assert path.exists()


@BOTH_STORES
def test_a_missing_file_is_file_not_found(app: Flask) -> None:
    store = file_store()
    missing = store.relative_path("0" * 64)
    assert not store.exists(missing)
    with pytest.raises(FileNotFoundError):
        store.open(missing)
    with pytest.raises(FileNotFoundError), store.local_path(missing):
        pass
    store.remove(missing)  # removing what is gone is fine


@BOTH_STORES
def test_too_large_leaves_nothing(app: Flask) -> None:
    store = file_store()
    with pytest.raises(TooLarge):
        store.put(io.BytesIO(DATA), max_bytes=1000)
    assert list(store.listing()) == [] and list(store.leftovers()) == []


@BOTH_STORES
def test_uploads_and_previews_are_apart(app: Flask, storage_url: str) -> None:
    uploaded = file_store().put(io.BytesIO(DATA))
    preview_store().put(io.BytesIO(DATA))
    file_store().remove(uploaded.relative_path)
    assert preview_store().exists(uploaded.relative_path)
    if storage_url:  # the same relative keys as the folders, under the prefix
        assert s3server.server().keys(storage_url) == [f"kn/previews/{uploaded.relative_path}"]


@BOTH_STORES
def test_names_from_outside_the_store_are_refused(app: Flask) -> None:
    store = file_store()
    for name in ("../../etc/passwd", "ab/cd/../../x", "/etc/passwd"):
        with pytest.raises((ValueError, FileNotFoundError)):
            store.open(name)


@BOTH_STORES
def test_check_passes_when_the_store_answers(app: Flask) -> None:
    file_store().check()


def test_a_store_that_is_down_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with s3server.extra_server() as down:
        for key, value in down.env.items():
            monkeypatch.setenv(key, value)
        url = down.new_bucket()
        app = make_app(tmp_path, STORAGE_URL=url)
        with app.app_context():
            store = file_store()
            stored = store.put(io.BytesIO(DATA))
            down.stop()
            for call in (
                store.check,
                lambda: store.put(io.BytesIO(b"nieuw")),
                lambda: store.exists(stored.relative_path),
                lambda: store.open(stored.relative_path),
            ):
                with pytest.raises(StorageUnavailable) as caught:
                    call()
                assert caught.value.status == 503
                assert "niet bereikbaar" in str(caught.value.message)


def test_the_storage_url_is_checked() -> None:
    assert parse_url("s3://bucket/a/b/") == ("bucket", "a/b")
    assert parse_url("s3://bucket") == ("bucket", "")
    for wrong in ("bucket/prefix", "s3:///prefix", "https://bucket"):
        with pytest.raises(ValueError):
            parse_url(wrong)


@BOTH_STORES
def test_the_local_store_stays_the_default(app: Flask, storage_url: str) -> None:
    assert isinstance(file_store(), S3Store if storage_url else FileStore)
    if not storage_url:
        assert file_store().root == Path(app.config["UPLOAD_DIR"])  # type: ignore[union-attr]
