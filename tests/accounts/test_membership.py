"""Membership: join requests, roles, deactivation, password-reset links, own account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisnet.accounts import membership, users
from kennisnet.accounts.models import PasswordReset, Role
from kennisnet.core import audit
from kennisnet.core.errors import Conflict, Forbidden, NotFound
from kennisnet.core.extensions import db
from tests.conftest import AuthActions, csrf_token
from tests.factories import PASSWORD, make_admin, make_document, make_user


def post(client: FlaskClient, url: str, data: dict, page: str):
    return client.post(
        url, data={**data, "csrf_token": csrf_token(client.get(page).get_data(as_text=True))}
    )


def test_join_request_approved_becomes_an_invitation(
    client: FlaskClient, auth: AuthActions
) -> None:
    response = post(
        client,
        "/aanmelden",
        {
            "name": "Sanne",
            "email": "sanne@example.org",
            "organisation": "Buurtcoöperatie Oost",
            "message": "Ik doe de buurtkamer.",
        },
        "/aanmelden",
    )
    assert response.status_code == 302
    again = post(
        client, "/aanmelden", {"name": "Sanne", "email": "sanne@example.org"}, "/aanmelden"
    )
    assert again.status_code == 400 and "al binnen" in again.get_data(as_text=True)
    make_admin(email="baas@example.org")
    auth.login("baas@example.org")
    page = client.get("/beheer/leden").get_data(as_text=True)
    assert "Ik doe de buurtkamer." in page
    request_id = membership.pending_requests()[0].id
    response = client.post(
        f"/beheer/aanmeldingen/{request_id}",
        data={"besluit": "toelaten", "csrf_token": csrf_token(page)},
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "/uitnodiging/" in text
    assert membership.pending_requests() == []
    assert audit.events(action="join.approve")[0].target == "sanne@example.org"


def test_refused_request_and_members_cannot_decide(app: Flask) -> None:
    req = membership.request_to_join("piet@example.org", "Piet")
    with pytest.raises(Forbidden):
        membership.refuse_request(req.id, actor=make_user())
    membership.refuse_request(req.id, actor=make_admin())
    with pytest.raises(NotFound):
        membership.refuse_request(req.id, actor=make_admin())


def test_roles_and_the_last_admin(app: Flask) -> None:
    admin = make_admin()
    member = make_user()
    membership.change_role(member, "curator", actor=admin)
    assert member.role == Role.CURATOR and member.is_curator and not member.is_admin
    event = audit.events(action="user.role")[0]
    assert event.details == {"role": {"before": "member", "after": "curator"}}
    with pytest.raises(Conflict):
        membership.change_role(admin, "member", actor=admin)
    with pytest.raises(Conflict):
        membership.set_active(admin, False, actor=admin)


def test_deactivated_member_cannot_log_in_and_documents_stay(
    client: FlaskClient, auth: AuthActions
) -> None:
    admin = make_admin()
    member = make_user(email="weg@example.org", name="Wim")
    token = users.create_api_token(member)
    doc = make_document(member, "Blijft staan.", title="Blijvertje")
    membership.set_active(member, False, actor=admin)
    assert auth.login("weg@example.org").status_code == 401
    page = client.get(f"/documenten/{doc.id}").get_data(as_text=True)
    assert "Blijvertje" in page and "Wim" in page
    assert (
        client.get("/api/v1/search", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )


def test_password_reset_link_is_single_use_and_expires(
    client: FlaskClient, auth: AuthActions
) -> None:
    admin = make_admin()
    member = make_user(email="vergeet@example.org")
    token = membership.issue_password_reset(member, actor=admin)
    url = f"/wachtwoord-herstellen/{token}"
    response = post(
        client, url, {"password": "een nieuw wachtwoord", "confirm": "een nieuw wachtwoord"}, url
    )
    assert response.status_code == 302
    assert users.authenticate("vergeet@example.org", "een nieuw wachtwoord") is not None
    assert client.get(url).status_code == 404
    expired = membership.issue_password_reset(member, actor=admin)
    row = db.session.scalar(db.select(PasswordReset).order_by(PasswordReset.id.desc()))
    row.expires_at -= timedelta(days=3)
    db.session.commit()
    assert client.get(f"/wachtwoord-herstellen/{expired}").status_code == 404


def test_members_change_their_own_name_and_password(client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="zelf@example.org", name="Oude naam")
    auth.login("zelf@example.org")
    post(client, "/account", {"formulier": "profiel", "profiel-name": "Nieuwe naam"}, "/account")
    assert "Nieuwe naam" in client.get("/account").get_data(as_text=True)
    wrong = post(
        client,
        "/account",
        {
            "formulier": "wachtwoord",
            "wachtwoord-current": "fout fout fout",
            "wachtwoord-password": "nog een wachtwoord",
            "wachtwoord-confirm": "nog een wachtwoord",
        },
        "/account",
    )
    assert wrong.status_code == 400 and "huidige wachtwoord klopt niet" in wrong.get_data(
        as_text=True
    )
    post(
        client,
        "/account",
        {
            "formulier": "wachtwoord",
            "wachtwoord-current": PASSWORD,
            "wachtwoord-password": "nog een wachtwoord",
            "wachtwoord-confirm": "nog een wachtwoord",
        },
        "/account",
    )
    assert users.authenticate("zelf@example.org", "nog een wachtwoord") is not None


def test_member_admin_pages_are_for_admins(client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="redactie@example.org", role=Role.CURATOR)
    auth.login("redactie@example.org")
    assert client.get("/beheer/leden").status_code == 403
