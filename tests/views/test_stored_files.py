"""Uploads, downloads and previews through the pages, on the local folder and on S3."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from kennisnet.core.extensions import db
from kennisnet.core.storage import file_store, preview_store
from kennisnet.curation import categories
from kennisnet.documents.models import Document, Status
from tests import databases, s3server
from tests.conftest import AuthActions, csrf_token, fetch, make_app
from tests.factories import make_document, make_user
from tests.s3server import BOTH_STORES

PDF = "pdf/nl-burgerpeiling-verbondenheid-door-burenhulp.pdf"


def upload(client: FlaskClient, content: bytes, name: str, visibility: str = "public"):
    html = client.get("/uploaden").get_data(as_text=True)
    return client.post(
        "/uploaden",
        data={
            "csrf_token": csrf_token(html),
            "files": [(io.BytesIO(content), name)],
            "type": "overig",
            "visibility": visibility,
        },
        content_type="multipart/form-data",
    )


@BOTH_STORES
def test_a_corpus_pdf_is_stored_read_found_and_downloaded(
    app: Flask, client: FlaskClient, auth: AuthActions, corpus: Path, storage_url: str
) -> None:
    content = (corpus / PDF).read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    make_user(email="ans@example.org")
    auth.login("ans@example.org")
    assert upload(client, content, "burenhulp.pdf").status_code == 302
    doc = db.session.scalars(db.select(Document)).one()
    assert doc.status == Status.READY and "burenhulp" in (doc.file.extracted_text or "").lower()
    assert doc.file.thumbnail_path  # previews were rendered from the stored file
    if storage_url:
        keys = s3server.server().keys(storage_url)
        assert f"kn/uploads/{doc.file.stored_path}" in keys
        assert f"kn/previews/{doc.file.thumbnail_path}" in keys
        assert not any(Path(app.config["UPLOAD_DIR"]).rglob("*/*"))  # nothing kept locally
    auth.logout()

    assert f"/documenten/{doc.id}" in client.get("/zoeken?q=burenhulp").get_data(as_text=True)
    response = fetch(client, f"/documenten/{doc.id}/bestand")
    assert response.status_code == 200 and response.data == content
    assert response.headers["Content-Length"] == str(len(content))
    assert response.headers["ETag"] == f'"{digest}"'
    assert "burenhulp.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in response.headers["Cache-Control"]

    part = fetch(client, f"/documenten/{doc.id}/bestand", headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.data == content[1000:2000]
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(content)}"
    tail = fetch(client, f"/documenten/{doc.id}/bestand", headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == content[-10:]
    same = fetch(client, f"/documenten/{doc.id}/bestand", headers={"If-None-Match": f'"{digest}"'})
    assert same.status_code == 304 and same.data == b""
    beyond = fetch(
        client, f"/documenten/{doc.id}/bestand", headers={"Range": f"bytes={len(content) + 5}-"}
    )
    assert beyond.status_code == 416

    thumbnail = fetch(client, f"/documenten/{doc.id}/voorbeeld")
    assert thumbnail.status_code == 200 and thumbnail.mimetype.startswith("image/")
    with preview_store().open(doc.file.thumbnail_path).file as stored:
        assert thumbnail.data == stored.read()


@BOTH_STORES
def test_members_only_files_stay_with_members(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    member = make_user(email="eva@example.org")
    doc = make_document(member, "Geheime notulen van het bestuur.", visibility="members")
    for url in (f"/documenten/{doc.id}/bestand", f"/api/v1/documents/{doc.id}/file"):
        assert fetch(client, url).status_code in {401, 403, 404}
    assert fetch(client, f"/documenten/{doc.id}/versies/{doc.file.id}").status_code == 404
    auth.login("eva@example.org")
    response = fetch(client, f"/documenten/{doc.id}/bestand")
    assert response.status_code == 200 and response.data == b"Geheime notulen van het bestuur."


@BOTH_STORES
def test_a_file_gone_from_the_store_is_a_404(app: Flask, client: FlaskClient) -> None:
    doc = make_document(make_user(), "Even hier, dan weg.")
    file_store().remove(doc.file.stored_path)
    assert fetch(client, f"/documenten/{doc.id}/bestand").status_code == 404


def test_a_store_that_is_down_gives_a_dutch_message_and_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with s3server.extra_server() as down:
        for key, value in down.env.items():
            monkeypatch.setenv(key, value)
        app = make_app(
            tmp_path,
            SQLALCHEMY_DATABASE_URI=databases.database_url(tmp_path, migrated=True),
            STORAGE_URL=down.new_bucket(),
        )
        with app.app_context():
            upgrade()
            categories.seed()
            member = make_user(email="bo@example.org")
            kept = make_document(member, "Opgeslagen voordat de opslag uitviel.")
            client = app.test_client()
            AuthActions(client).login("bo@example.org")
            assert client.get("/healthz").status_code == 200
            down.stop()

            health = client.get("/healthz")
            assert health.status_code == 503
            assert health.get_json() == {
                "status": "error",
                "database": "ok",
                "index": "ok",
                "queue": "ok",
                "storage": "error",
            }
            page = upload(client, b"Plan voor de buurttuin.", "buurttuin.txt")
            assert page.status_code == 400
            assert "De opslag voor bestanden is nu niet bereikbaar" in page.get_data(as_text=True)
            html = client.get("/uploaden").get_data(as_text=True)
            zone = client.post(  # the drop zone's request
                "/uploaden",
                data={
                    "csrf_token": csrf_token(html),
                    "files": [(io.BytesIO(b"Plan voor de buurttuin."), "buurttuin.txt")],
                    "type": "overig",
                    "visibility": "public",
                },
                headers={"Accept": "application/json"},
                content_type="multipart/form-data",
            )
            assert zone.status_code == 503
            assert zone.get_json()["error"]["code"] == "storage_unavailable"
            check = app.test_cli_runner().invoke(args=["check"])
            assert check.exit_code == 1 and "niet bereikbaar" in check.output
            assert "Traceback" not in check.output
            download = client.get(f"/documenten/{kept.id}/bestand")
            assert download.status_code == 503
            assert "niet bereikbaar" in download.get_data(as_text=True)
            assert db.session.scalar(db.select(db.func.count(Document.id))) == 1
            db.session.remove()
            db.engine.dispose()


@BOTH_STORES
def test_the_isolated_reader_gets_a_local_copy(app: Flask, corpus: Path) -> None:
    """Extraction in its resource-limited child process reads a path: a copy for a bucket."""
    app.config["EXTRACTION_ISOLATED"] = True
    content = (corpus / PDF).read_bytes()
    doc = make_document(make_user(), content=content, filename="burenhulp.pdf")
    db.session.refresh(doc)
    assert doc.status == Status.READY and "burenhulp" in (doc.file.extracted_text or "").lower()
