"""JSON API v1: every route, every answer, every error as JSON."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisnet.accounts import users
from kennisnet.core.extensions import db
from kennisnet.documents.models import Document
from tests.conftest import fetch
from tests.factories import make_admin, make_document, make_user


@pytest.fixture
def member_token(app: Flask) -> str:
    user = make_user(email="api@example.org", organisation="Wijkcoöperatie Zuid", region="Zuid")
    return users.create_api_token(user)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def upload(client: FlaskClient, token: str, content: bytes, filename: str, **fields: object):
    data: dict[str, object] = {"file": (io.BytesIO(content), filename), **fields}
    return client.post(
        "/api/v1/documents", data=data, headers=bearer(token), content_type="multipart/form-data"
    )


def test_upload_then_search(client: FlaskClient, member_token: str) -> None:
    response = upload(
        client,
        member_token,
        b"Wij zoeken vrijwilligers voor de buurtmoestuin.",
        "moestuin.txt",
        title="Buurtmoestuin",
        summary="Een pilot",
        type="pilot-idee",
        theme=["wonen", "buurtnetwerken"],
        visibility="public",
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "ready"
    assert body["themes"] == ["buurtnetwerken", "wonen"] or set(body["themes"]) == {
        "wonen",
        "buurtnetwerken",
    }
    assert body["organisation"] == "wijkcooperatie-zuid"
    assert body["extraction_error"] is None
    found = client.get("/api/v1/search?q=vrijwilligers").get_json()
    assert found["total"] == 1
    result = found["results"][0]
    assert set(result) >= {
        "id",
        "title",
        "type",
        "themes",
        "organisation",
        "year",
        "snippet",
        "url",
        "download_url",
    }
    assert result["title"] == "Buurtmoestuin"
    assert "<mark>vrijwilligers</mark>" in result["snippet"]
    assert found["facets"]["theme"] == {"buurtnetwerken": 1, "wonen": 1}
    assert found["facets"]["type"] == {"pilot-idee": 1}
    assert set(found["facets"]) == {"theme", "type", "organisation", "year"}
    assert found["query"] == "vrijwilligers" and found["page"] == 1 and found["per_page"] == 20
    assert fetch(client, result["download_url"]).data.startswith(b"Wij zoeken")


def test_search_parameters(client: FlaskClient, member_token: str) -> None:
    for n in range(5):
        upload(
            client,
            member_token,
            f"Subsidie nummer {n} voor de wijk.".encode(),
            f"s{n}.txt",
            type="subsidie",
            visibility="public",
            year=str(2020 + n),
        )
    body = client.get("/api/v1/search?q=subsidie&per_page=2&page=2&sort=newest").get_json()
    assert body["total"] == 5 and len(body["results"]) == 2 and body["page"] == 2
    assert client.get("/api/v1/search?year=2022").get_json()["total"] == 1
    assert client.get("/api/v1/search?per_page=1000").get_json()["per_page"] == 100
    for bad in ("page=abc", "per_page=0", "sort=alphabet"):
        response = client.get(f"/api/v1/search?{bad}")
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "invalid"


def test_members_only_hidden_from_anonymous(client: FlaskClient, member_token: str) -> None:
    doc_id = upload(
        client, member_token, b"Vertrouwelijke begroting.", "b.txt", visibility="members"
    ).get_json()["id"]
    assert client.get("/api/v1/search?q=begroting").get_json()["total"] == 0
    assert client.get(f"/api/v1/documents/{doc_id}").status_code == 404
    assert fetch(client, f"/api/v1/documents/{doc_id}/file").status_code == 404
    as_member = client.get("/api/v1/search?q=begroting", headers=bearer(member_token)).get_json()
    assert as_member["total"] == 1
    assert (
        client.get(f"/api/v1/documents/{doc_id}", headers=bearer(member_token)).status_code == 200
    )


def test_document_json_and_file(client: FlaskClient, member_token: str) -> None:
    doc_id = upload(
        client, member_token, b"Inhoud.", "notulen.txt", visibility="public"
    ).get_json()["id"]
    body = client.get(f"/api/v1/documents/{doc_id}").get_json()
    assert body["status"] == "ready" and body["extraction_error"] is None
    assert body["file"]["name"] == "notulen.txt" and body["file"]["media_type"] == "text/plain"
    response = fetch(client, f"/api/v1/documents/{doc_id}/file")
    assert response.data == b"Inhoud."
    assert "attachment" in response.headers["Content-Disposition"]


def test_upload_errors(app: Flask, client: FlaskClient, member_token: str) -> None:
    first = upload(client, member_token, b"Twee keer hetzelfde.", "a.txt").get_json()
    duplicate = upload(client, member_token, b"Twee keer hetzelfde.", "b.txt")
    assert duplicate.status_code == 409
    assert duplicate.get_json()["error"]["existing_id"] == first["id"]
    unsupported = upload(client, member_token, b"<html><script>x</script></html>", "x.pdf")
    assert unsupported.status_code == 415
    assert unsupported.get_json()["error"]["message"]
    app.config["MAX_UPLOAD_BYTES"] = 1000
    too_large = upload(client, member_token, b"a" * 1001, "groot.txt")
    assert too_large.status_code == 413
    assert too_large.get_json()["error"]["code"] == "too_large"
    invalid = upload(client, member_token, b"Iets.", "c.txt", type="bestaat-niet")
    assert invalid.status_code == 400 and invalid.get_json()["error"]["field"] == "type"
    empty = upload(client, member_token, b"", "leeg.txt")
    assert empty.status_code == 400
    missing = client.post("/api/v1/documents", headers=bearer(member_token), data={})
    assert missing.status_code == 400
    # Nothing half-stored: only the first file is in uploads/.
    stored = [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]
    assert len(stored) == 1


def test_writes_need_credentials(client: FlaskClient) -> None:
    response = client.post("/api/v1/documents", data={"file": (io.BytesIO(b"x"), "x.txt")})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert client.delete("/api/v1/documents/1").status_code == 401
    bad = client.get("/api/v1/search", headers=bearer("kn_not-a-token"))
    assert bad.status_code == 401


def test_session_writes_need_csrf(client: FlaskClient, auth) -> None:
    make_user(email="sessie@example.org")
    auth.login("sessie@example.org")
    response = client.post(
        "/api/v1/documents",
        data={"file": (io.BytesIO(b"Via de sessie."), "s.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"


def test_delete(client: FlaskClient, member_token: str) -> None:
    doc_id = upload(client, member_token, b"Weg ermee.", "weg.txt", visibility="public").get_json()[
        "id"
    ]
    other = users.create_api_token(make_user())
    assert client.delete(f"/api/v1/documents/{doc_id}", headers=bearer(other)).status_code == 403
    assert (
        client.delete(f"/api/v1/documents/{doc_id}", headers=bearer(member_token)).status_code
        == 204
    )
    assert client.get(f"/api/v1/documents/{doc_id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Document, doc_id).deleted_at is not None  # in the trash


def test_revoked_token_is_refused(client: FlaskClient) -> None:
    user = make_user()
    token = users.create_api_token(user)
    users.revoke_api_tokens(user)
    assert upload(client, token, b"x", "x.txt").status_code == 401


def test_tokens_are_stored_hashed(app: Flask) -> None:
    from kennisnet.accounts.models import ApiToken

    token = users.create_api_token(make_user())
    stored = db.session.scalar(db.select(ApiToken.token_hash))
    assert token not in stored and len(stored) == 64


def test_themes_and_types_are_public(client: FlaskClient) -> None:
    themes = client.get("/api/v1/themes").get_json()
    assert {"slug": "mantelzorg", "name": "Mantelzorg"}.items() <= themes[0].items()
    assert "onderwijs-en-onderzoek-in-de-wijk" in {t["slug"] for t in themes}
    types = [t["slug"] for t in client.get("/api/v1/types").get_json()]
    assert types == ["pilot-idee", "projectplan", "statuten", "subsidie", "overig"]


def test_unknown_route_and_method_are_json(client: FlaskClient) -> None:
    response = client.get("/api/v1/bestaat-niet")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    response = client.put("/api/v1/themes")
    assert response.status_code in (401, 405) and "error" in response.get_json()


def test_real_pdf_from_corpus(
    client: FlaskClient, member_token: str, corpus: Path, tmp_path: Path
) -> None:
    source = corpus / "pdf" / "nl-burgerpeiling-mantelzorg.pdf"
    copy = tmp_path / "mantelzorg.pdf"
    shutil.copy(source, copy)
    response = upload(
        client, member_token, copy.read_bytes(), "mantelzorg.pdf", visibility="public"
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "ready" and body["file"]["pages"] >= 1
    assert client.get("/api/v1/search?q=mantelzorgers").get_json()["total"] == 1


def test_admin_sees_everything_via_api(client: FlaskClient) -> None:
    admin_token = users.create_api_token(make_admin())
    member = make_user()
    make_document(member, "Alleen leden lezen dit.", visibility="members")
    assert (
        client.get("/api/v1/search?q=leden", headers=bearer(admin_token)).get_json()["total"] == 1
    )


def test_patch_by_someone_else_is_refused_before_the_input_is_judged(
    client: FlaskClient, member_token: str
) -> None:
    owner = make_user(email="eigenaar@example.org")
    doc = make_document(owner, "Van iemand anders.")
    response = client.patch(
        f"/api/v1/documents/{doc.id}", json={"year": "geen jaar"}, headers=bearer(member_token)
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"]
