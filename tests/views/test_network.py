"""Organisation profiles and the subsidy pages."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from kennisnet.accounts.models import Organisation
from kennisnet.core.extensions import db
from kennisnet.documents import fields
from tests.conftest import AuthActions, csrf_token
from tests.factories import make_admin, make_document, make_user


def test_organisation_profile_lists_visible_documents(
    client: FlaskClient, auth: AuthActions
) -> None:
    member = make_user(email="lid@example.org", organisation="Wijkcoöperatie Zuid", region="Zuid")
    make_document(member, "Openbaar plan.", title="Openbaar plan")
    make_document(member, "Intern plan.", title="Intern plan", visibility="members")
    listing = client.get("/organisaties").get_data(as_text=True)
    assert "Wijkcoöperatie Zuid" in listing and "(1 document)" in listing
    page = client.get("/organisaties/wijkcooperatie-zuid").get_data(as_text=True)
    assert "Openbaar plan" in page and "Intern plan" not in page
    auth.login("lid@example.org")
    assert "Intern plan" in client.get("/organisaties/wijkcooperatie-zuid").get_data(as_text=True)
    assert client.get("/organisaties/bestaat-niet").status_code == 404


def test_admin_edits_profile_and_contact_needs_consent(
    client: FlaskClient, auth: AuthActions
) -> None:
    make_admin(email="baas@example.org")
    make_user(organisation="Buurtcoöperatie Noord")
    auth.login("baas@example.org")
    url = "/beheer/organisaties/buurtcooperatie-noord"
    form = {
        "name": "Buurtcoöperatie Noord",
        "kind": "buurtcoöperatie",
        "region": "Noord",
        "description": "Wij doen veel samen.",
        "website": "https://example.org/noord",
        "contact_name": "Fatima",
        "contact_email": "fatima@example.org",
    }
    response = client.post(
        url, data={**form, "csrf_token": csrf_token(client.get(url).get_data(as_text=True))}
    )
    assert response.status_code == 302
    page = client.get("/organisaties/buurtcooperatie-noord").get_data(as_text=True)
    assert "Wij doen veel samen." in page and "Fatima" not in page
    client.post(
        url,
        data={
            **form,
            "contact_public": "y",
            "csrf_token": csrf_token(client.get(url).get_data(as_text=True)),
        },
    )
    assert "Fatima" in client.get("/organisaties/buurtcooperatie-noord").get_data(as_text=True)
    bad = client.post(
        url,
        data={
            **form,
            "website": "javascript:alert(1)",
            "csrf_token": csrf_token(client.get(url).get_data(as_text=True)),
        },
    )
    assert bad.status_code == 400
    org = db.session.scalar(
        db.select(Organisation).where(Organisation.slug == "buurtcooperatie-noord")
    )
    assert org.website == "https://example.org/noord"


def test_members_cannot_edit_profiles(client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="lid@example.org", organisation="Wijk West")
    auth.login("lid@example.org")
    assert client.get("/beheer/organisaties/wijk-west").status_code == 403


def test_subsidy_pages_and_feed(app: Flask, client: FlaskClient) -> None:
    fields.seed_fields()
    member = make_user()
    doc = make_document(member, "Geld voor buurtinitiatieven.", title="Buurtfonds", type="subsidie")
    fields.set_values(
        doc, fields.validate_values(doc.type, {"deadline": "2099-01-31", "funder": "Klaverfonds"})
    )
    old = make_document(member, "Voorbij.", title="Oud fonds", type="subsidie")
    fields.set_values(old, fields.validate_values(old.type, {"deadline": "2001-01-01"}))
    db.session.commit()
    page = client.get("/subsidies").get_data(as_text=True)
    assert "Buurtfonds" in page and "31-01-2099" in page and "Klaverfonds" in page
    assert "Oud fonds" not in page
    assert "Oud fonds" in client.get("/subsidies?gesloten=1").get_data(as_text=True)
    feed = client.get("/subsidies.ics")
    assert feed.mimetype == "text/calendar"
    assert b"Deadline: Buurtfonds" in feed.data and b"Oud fonds" not in feed.data
