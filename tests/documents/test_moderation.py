"""Moderation: waiting documents are seen by their uploader and curators only."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisnet.accounts.models import Role
from kennisnet.core.errors import Forbidden, InvalidInput
from kennisnet.core.extensions import db
from kennisnet.documents import moderation
from kennisnet.documents.metadata import Metadata
from kennisnet.documents.models import Document
from kennisnet.documents.uploads import ingest_document
from tests.conftest import AuthActions, csrf_token
from tests.factories import make_admin, make_user


def upload_waiting(uploader, text: str, title: str) -> Document:
    return ingest_document(
        io.BytesIO(text.encode()),
        "plan.txt",
        Metadata(title=title, type="overig", visibility="public"),
        uploader,
    )


@pytest.fixture
def curator(app: Flask):
    user = make_user(email="redactie@example.org", role=Role.CURATOR)
    moderation.set_moderation(True, actor=user)
    return user


def test_waiting_document_is_hidden_until_approved(
    client: FlaskClient, auth: AuthActions, curator
) -> None:
    uploader = make_user(email="maker@example.org")
    make_user(email="ander@example.org")
    doc = upload_waiting(uploader, "Een geheim voorstel over bankjes.", "Bankjesvoorstel")
    assert not doc.published
    assert moderation.pending_documents() == [doc]
    # Nobody finds it, not even its uploader: the index does not hold it yet.
    assert client.get(f"/documenten/{doc.id}").status_code == 404
    assert "Bankjesvoorstel" not in client.get("/zoeken?q=bankjes").get_data(as_text=True)
    assert client.get("/api/v1/search?q=bankjes").get_json()["total"] == 0
    auth.login("ander@example.org")
    assert client.get(f"/documenten/{doc.id}").status_code == 404
    auth.logout()
    auth.login("maker@example.org")
    page = client.get(f"/documenten/{doc.id}").get_data(as_text=True)
    assert "Nog niet gepubliceerd" in page
    auth.logout()
    auth.login("redactie@example.org")
    queue = client.get("/beheer/moderatie").get_data(as_text=True)
    assert "Bankjesvoorstel" in queue and "geheim voorstel" in queue
    client.post(f"/beheer/moderatie/{doc.id}/goedkeuren", data={"csrf_token": csrf_token(queue)})
    auth.logout()
    assert client.get(f"/documenten/{doc.id}").status_code == 200
    assert "Bankjesvoorstel" in client.get("/zoeken?q=bankjes").get_data(as_text=True)


def test_send_back_needs_a_message_and_shows_it(
    client: FlaskClient, auth: AuthActions, curator
) -> None:
    uploader = make_user(email="maker@example.org")
    doc = upload_waiting(uploader, "Een ruwe eerste versie.", "Eerste versie")
    with pytest.raises(InvalidInput):
        moderation.send_back(doc, "  ", actor=curator)
    moderation.send_back(doc, "Voeg een begroting toe.", actor=curator)
    auth.login("maker@example.org")
    page = client.get(f"/documenten/{doc.id}").get_data(as_text=True)
    assert "Voeg een begroting toe." in page


def test_only_curators_moderate(app: Flask, curator) -> None:
    member = make_user()
    doc = upload_waiting(member, "Tekst.", "Iets")
    with pytest.raises(Forbidden):
        moderation.approve(doc, actor=member)
    with pytest.raises(Forbidden):
        moderation.set_moderation(False, actor=member)
    moderation.set_moderation(False, actor=make_admin())
    assert not moderation.moderation_enabled()
    published = upload_waiting(member, "Andere tekst.", "Meteen zichtbaar")
    assert published.published


def test_member_pages_for_moderation_are_forbidden(client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="lid@example.org")
    auth.login("lid@example.org")
    assert client.get("/beheer/moderatie").status_code == 403
    db.session.rollback()
