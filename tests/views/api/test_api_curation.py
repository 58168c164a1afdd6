"""JSON API for curators and the network: themes tree and changes, organisations,
subsidies and the audit log, with the role rules."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisnet.accounts import users
from kennisnet.accounts.models import Role
from kennisnet.core.extensions import db
from kennisnet.documents import fields
from tests.factories import make_admin, make_document, make_user


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {users.create_api_token(user)}"}


@pytest.fixture
def curator(app: Flask) -> dict[str, str]:
    return bearer(make_user(role=Role.CURATOR))


def test_themes_tree_with_visible_counts(client: FlaskClient, curator: dict[str, str]) -> None:
    member = make_user()
    make_document(member, "Openbaar.", themes=["wonen"])
    make_document(member, "Intern.", themes=["wonen"], visibility="members")
    client.post("/api/v1/themes", json={"name": "Knarrenhof", "parent": "wonen"}, headers=curator)
    tree = client.get("/api/v1/themes").get_json()
    wonen = next(t for t in tree if t["slug"] == "wonen")
    assert wonen["documents"] == 1
    assert wonen["children"] == [
        {
            "slug": "knarrenhof",
            "name": "Knarrenhof",
            "description": "",
            "documents": 0,
            "children": [],
        }
    ]
    assert set(tree[0]) == {"slug", "name", "description", "documents", "children"}
    as_member = client.get("/api/v1/themes", headers=bearer(member)).get_json()
    assert next(t for t in as_member if t["slug"] == "wonen")["documents"] == 2


def test_curators_change_themes_members_get_403(
    client: FlaskClient, curator: dict[str, str]
) -> None:
    member = bearer(make_user())
    assert client.post("/api/v1/themes", json={"name": "X"}, headers=member).status_code == 403
    assert client.post("/api/v1/themes", json={"name": "X"}).status_code == 401
    created = client.post(
        "/api/v1/themes", json={"name": "Repaircafés", "description": "Repareren"}, headers=curator
    )
    assert created.status_code == 201 and created.get_json()["slug"] == "repaircafes"
    patched = client.patch(
        "/api/v1/themes/repaircafes", json={"name": "Reparatie"}, headers=curator
    )
    assert patched.get_json()["name"] == "Reparatie" and patched.get_json()["slug"] == "repaircafes"
    assert (
        client.patch("/api/v1/themes/repaircafes", json={"name": "Y"}, headers=member).status_code
        == 403
    )
    bad = client.post("/api/v1/themes", data="not json", headers=curator)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid"
    dup = client.post("/api/v1/themes", json={"name": "Wonen"}, headers=curator)
    assert dup.status_code == 409


def test_merge_and_delete_with_reassign(client: FlaskClient, curator: dict[str, str]) -> None:
    member = make_user()
    make_document(member, "Over mantelzorg in de wijk.", themes=["mantelzorg"])
    response = client.post(
        "/api/v1/themes/mantelzorg/merge", json={"into": "informele-zorg"}, headers=curator
    )
    assert response.status_code == 200 and response.get_json()["documents"] == 1
    facets = client.get("/api/v1/search").get_json()["facets"]["theme"]
    assert facets == {"informele-zorg": 1}
    used = client.delete("/api/v1/themes/informele-zorg", headers=curator)
    assert used.status_code == 409
    done = client.delete("/api/v1/themes/informele-zorg?reassign=wonen", headers=curator)
    assert done.status_code == 204
    assert client.get("/api/v1/search").get_json()["facets"]["theme"] == {"wonen": 1}
    assert client.delete("/api/v1/themes/wonen", headers=bearer(member)).status_code == 403


def test_organisations(client: FlaskClient) -> None:
    member = make_user(organisation="Wijkcoöperatie De Vaart", region="Assen")
    make_document(member, "Openbaar stuk.", title="Openbaar stuk")
    make_document(member, "Intern stuk.", title="Intern stuk", visibility="members")
    listing = client.get("/api/v1/organisations").get_json()
    assert listing[0]["slug"] == "wijkcooperatie-de-vaart" and listing[0]["documents"] == 1
    body = client.get("/api/v1/organisations/wijkcooperatie-de-vaart").get_json()
    assert [d["title"] for d in body["results"]] == ["Openbaar stuk"]
    assert body["contact"] is None
    assert client.get("/api/v1/organisations/niets").status_code == 404


def test_subsidies_with_fields(client: FlaskClient) -> None:
    fields.seed_fields()
    member = make_user()
    doc = make_document(member, "Fonds.", title="Fonds", type="subsidie")
    fields.set_values(
        doc, fields.validate_values(doc.type, {"deadline": "2099-03-01", "amount_to": "5000"})
    )
    old = make_document(member, "Oud.", title="Oud", type="subsidie")
    fields.set_values(old, fields.validate_values(old.type, {"deadline": "2000-01-01"}))
    db.session.commit()
    results = client.get("/api/v1/subsidies").get_json()["results"]
    assert [r["title"] for r in results] == ["Fonds"]
    assert results[0]["fields"] == {"deadline": "2099-03-01", "amount_to": 5000}
    with_closed = client.get("/api/v1/subsidies?closed=1").get_json()["results"]
    assert [r["title"] for r in with_closed] == ["Fonds", "Oud"]
    assert (
        client.get(f"/api/v1/documents/{doc.id}").get_json()["fields"]["deadline"] == "2099-03-01"
    )


def test_audit_log_for_admins(client: FlaskClient, curator: dict[str, str]) -> None:
    client.post("/api/v1/themes", json={"name": "Energie"}, headers=curator)
    client.post("/api/v1/themes/energie/merge", json={"into": "wonen"}, headers=curator)
    admin = bearer(make_admin())
    body = client.get("/api/v1/audit", headers=admin).get_json()
    actions = [e["action"] for e in body["results"]]
    assert actions[:2] == ["theme.merge", "theme.create"]
    assert set(body["results"][0]) == {"at", "actor", "action", "target", "details"}
    merged = client.get("/api/v1/audit?action=theme.merge", headers=admin).get_json()["results"]
    assert [e["details"]["into"] for e in merged] == ["wonen"]
    assert client.get("/api/v1/audit", headers=curator).status_code == 403
    assert client.get("/api/v1/audit").status_code == 401
    assert client.get("/api/v1/audit?limit=x", headers=admin).status_code == 400


def test_patch_document_with_form_or_json_including_fields(client: FlaskClient) -> None:
    import io

    from kennisnet.core import audit

    fields.seed_fields()
    owner = make_user()
    headers = bearer(owner)
    created = client.post(
        "/api/v1/documents",
        data={
            "file": (io.BytesIO(b"Een fonds voor de buurt."), "f.txt"),
            "type": "subsidie",
            "deadline": "2099-01-01",
            "visibility": "public",
        },
        headers=headers,
        content_type="multipart/form-data",
    ).get_json()
    assert [e.action for e in audit.events(document_id=created["id"])] == ["document.create"]
    url = f"/api/v1/documents/{created['id']}"
    form = client.patch(
        url, data={"title": "Buurtfonds", "deadline": "2099-02-01"}, headers=headers
    )
    assert form.status_code == 200, form.get_json()
    assert form.get_json()["title"] == "Buurtfonds"
    assert form.get_json()["fields"]["deadline"] == "2099-02-01"
    as_json = client.patch(url, json={"theme": ["wonen"], "amount_to": "5000"}, headers=headers)
    body = as_json.get_json()
    assert body["themes"] == ["wonen"] and body["fields"]["amount_to"] == 5000
    assert body["title"] == "Buurtfonds" and body["visibility"] == "public"
    bad = client.patch(url, json={"deadline": "ooit"}, headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "deadline"
    assert client.patch(url, json={"title": "x"}, headers=bearer(make_user())).status_code == 403
    assert client.patch(url, json={"title": "x"}).status_code == 401
