"""Synonyms and abbreviations curated by admins, applied at query time."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisnet.accounts.models import Role
from kennisnet.accounts.permissions import SYSTEM
from kennisnet.core.errors import Conflict, InvalidInput
from kennisnet.curation import synonyms
from tests.conftest import AuthActions, csrf_token
from tests.factories import make_document, make_user


def test_expand_replaces_known_words_only(app: Flask) -> None:
    synonyms.add_synonym("ALV", "algemene ledenvergadering", actor=SYSTEM)
    assert synonyms.expand("ALV notulen") == '(ALV OR "algemene ledenvergadering") notulen'
    assert synonyms.expand('"ALV notulen"') == '"ALV notulen"'
    assert synonyms.expand("alv") == '(alv OR "algemene ledenvergadering")'
    assert synonyms.expand("valv") == "valv"


def test_validation(app: Flask) -> None:
    synonyms.add_synonym("Wmo", "Wet maatschappelijke ondersteuning", actor=SYSTEM)
    with pytest.raises(Conflict):
        synonyms.add_synonym("WMO", "iets anders", actor=SYSTEM)
    with pytest.raises(InvalidInput):
        synonyms.add_synonym("twee woorden", "x", actor=SYSTEM)
    with pytest.raises(InvalidInput):
        synonyms.add_synonym("ok", "", actor=SYSTEM)


def test_search_uses_synonyms_without_reindex(client: FlaskClient) -> None:
    member = make_user()
    make_document(
        member, "Verslag van de algemene ledenvergadering van maart.", title="Verslag maart"
    )
    assert client.get("/api/v1/search?q=ALV").get_json()["total"] == 0
    synonyms.add_synonym("ALV", "algemene ledenvergadering", actor=SYSTEM)
    body = client.get("/api/v1/search?q=ALV").get_json()
    assert body["total"] == 1 and body["query"] == "ALV"
    assert "Verslag maart" in client.get("/zoeken?q=alv").get_data(as_text=True)


def test_curators_manage_synonyms(client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="red@example.org", role=Role.CURATOR)
    auth.login("red@example.org")
    page = client.get("/beheer/synoniemen").get_data(as_text=True)
    response = client.post(
        "/beheer/synoniemen",
        data={
            "woord": "Wmo",
            "betekenis": "Wet maatschappelijke ondersteuning",
            "csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 302
    page = client.get("/beheer/synoniemen").get_data(as_text=True)
    assert "Wet maatschappelijke ondersteuning" in page
    client.post("/beheer/synoniemen/wmo/verwijderen", data={"csrf_token": csrf_token(page)})
    assert synonyms.all_synonyms() == []
