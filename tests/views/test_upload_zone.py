"""The drop zone's server side: one file per request answered in JSON, and the status poll."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient

from kennisnet.core.extensions import db
from kennisnet.documents import fields
from kennisnet.documents.models import Document, Status
from tests.conftest import AuthActions, csrf_token
from tests.factories import make_document, make_user

JSON = {"Accept": "application/json"}


def _upload(client: FlaskClient, content: bytes, name: str, **fields: object):
    token = csrf_token(client.get("/uploaden").get_data(as_text=True))
    data = {"type": "overig", "visibility": "public", **fields}
    data["files"] = [(io.BytesIO(content), name)]
    return client.post(
        "/uploaden",
        data=data,
        headers={**JSON, "X-CSRFToken": token},
        content_type="multipart/form-data",
    )


def test_stored_upload_answers_with_its_status(client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="ans@example.org")
    auth.login("ans@example.org")
    response = _upload(client, b"Plan voor een repaircafe in de wijk.", "repaircafe.txt")
    assert response.status_code == 201
    body = response.get_json()
    doc = db.session.get(Document, body["id"])
    assert body == {
        "id": doc.id,
        "title": "Repaircafe",
        "status": "ready",
        "label": "Klaar",
        "url": f"/documenten/{doc.id}",
        "status_url": f"/documenten/{doc.id}/status",
    }


def test_metadata_of_the_form_applies(client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="bas@example.org")
    auth.login("bas@example.org")
    response = _upload(
        client, b"Statuten van de cooperatie.", "s.txt", title="Onze statuten", year="2024"
    )
    doc = db.session.get(Document, response.get_json()["id"])
    assert (doc.title, doc.year, str(doc.visibility)) == ("Onze statuten", 2024, "public")


def test_refused_upload_gives_the_dutch_reason(client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="bo@example.org")
    auth.login("bo@example.org")
    response = _upload(client, b"MZ\x90\x00\x03binary", "rapport.exe")
    assert 400 <= response.status_code < 500
    assert "niet verwerken" in response.get_json()["error"]["message"]
    assert db.session.scalar(db.select(db.func.count(Document.id))) == 0


def test_duplicate_points_to_the_existing_document(client: FlaskClient, auth: AuthActions) -> None:
    member = make_user(email="dirk@example.org")
    first = make_document(member, "Dezelfde inhoud.")
    auth.login("dirk@example.org")
    response = _upload(client, b"Dezelfde inhoud.", "kopie.txt")
    assert response.status_code == 409
    body = response.get_json()
    assert body["duplicate_of"] == f"/documenten/{first.id}"
    assert body["error"]["code"] == "duplicate"
    assert "staat al in Kennisnet" in body["error"]["message"]


def test_invalid_form_answers_with_its_field_errors(client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="cas@example.org")
    auth.login("cas@example.org")
    response = _upload(client, b"Een tekst.", "a.txt", year="twintig")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert "year" in error["fields"]
    assert error["message"] == error["fields"]["year"][0]


def test_json_upload_needs_the_csrf_token(client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="cor@example.org")
    auth.login("cor@example.org")
    response = client.post(
        "/uploaden",
        data={"files": [(io.BytesIO(b"Tekst."), "a.txt")], "type": "overig"},
        headers=JSON,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"
    assert db.session.scalar(db.select(db.func.count(Document.id))) == 0


def test_status_follows_processing(client: FlaskClient) -> None:
    doc = make_document(make_user(), "Een verslag.", title="Verslag")
    doc.status = Status.PROCESSING
    db.session.commit()
    response = client.get(f"/documenten/{doc.id}/status", headers=JSON)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["status"] == "processing"
    assert response.get_json()["label"] == "Wordt verwerkt"
    doc.status = Status.FAILED
    db.session.commit()
    body = client.get(f"/documenten/{doc.id}/status").get_json()
    assert (body["status"], body["label"]) == ("failed", "Tekst niet gelezen")


def test_status_of_a_members_only_document_is_404_for_others(
    client: FlaskClient, auth: AuthActions
) -> None:
    make_user(email="eva@example.org")
    doc = make_document(
        make_user(), "Geheime notulen.", title="Notulen zilvermeeuw", visibility="members"
    )
    response = client.get(f"/documenten/{doc.id}/status", headers=JSON)
    assert response.status_code == 404
    assert "zilvermeeuw" not in response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "not_found"
    auth.login("eva@example.org")
    assert client.get(f"/documenten/{doc.id}/status").get_json()["title"] == "Notulen zilvermeeuw"


def test_browsers_still_get_html_error_pages(client: FlaskClient) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/bestaat-niet", headers={"Accept": accept})
    assert response.mimetype == "text/html"


def test_upload_page_offers_the_zone_to_scripts(client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="fem@example.org")
    auth.login("fem@example.org")
    html = client.get("/uploaden").get_data(as_text=True)
    assert re.search(r'<div class="kn-dropzone" data-upload-zone hidden', html)
    assert 'aria-live="polite"' in html
    assert '<script src="/static/js/upload.js" defer></script>' in html
    assert '<script src="/static/js/type-fields.js" defer></script>' in html


def test_type_fields_name_their_type(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    fields.seed_fields()
    member = make_user(email="gijs@example.org")
    doc = make_document(member, "Een plan.")
    auth.login("gijs@example.org")
    for url in ("/uploaden", f"/documenten/{doc.id}/bewerken"):
        html = client.get(url).get_data(as_text=True)
        types = re.findall(r'kn-type-fields" data-type="([^"]+)"', html)
        assert "projectplan" in types, url
        assert "type-fields.js" in html, url
