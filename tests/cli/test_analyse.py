"""`kennisnet analyse` and GET /api/v1/analyse: each word of a text with its index term."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskClient

from kennisnet.accounts import users
from kennisnet.accounts.models import Role
from tests.factories import make_user


def test_analyse_prints_one_token_per_word_as_json(runner) -> None:
    result = runner.invoke(args=["analyse", "--json", "De belangrijke buurtinitiatieven"])
    assert result.exit_code == 0, result.output
    tokens = json.loads(result.output)["tokens"]
    assert [t["word"] for t in tokens] == ["De", "belangrijke", "buurtinitiatieven"]
    assert tokens[0]["term"] is None  # a stop word
    assert tokens[1] == {
        "word": "belangrijke",
        "term": "belangrijk",
        "exact": "belangrijke",
        "parts": [],
    }
    assert tokens[2]["parts"], "a compound names its parts"


def test_analyse_reads_standard_input(runner) -> None:
    result = runner.invoke(args=["analyse", "--json", "--stdin"], input="oude pilots\n")
    tokens = json.loads(result.output)["tokens"]
    assert [t["term"] for t in tokens] == ["oud", "pilot"]


def test_analyse_without_text_says_what_to_do(runner) -> None:
    result = runner.invoke(args=["analyse"])
    assert result.exit_code != 0
    assert "--stdin" in result.output


def test_analyse_in_plain_text_marks_stop_words(runner) -> None:
    result = runner.invoke(args=["analyse", "de", "mensen"])
    assert "stopwoord" in result.output
    assert "mensen  ->  mens" in result.output


def _token(app: Flask, role: Role) -> dict[str, str]:
    user = make_user(email=f"{role.value}@example.org", role=role)
    return {"Authorization": f"Bearer {users.create_api_token(user)}"}


def test_curators_analyse_through_the_api(app: Flask, client: FlaskClient) -> None:
    response = client.get("/api/v1/analyse?text=gekozen", headers=_token(app, Role.CURATOR))
    assert response.status_code == 200
    assert response.get_json()["tokens"][0]["term"] == "kiezen"


def test_members_may_not_analyse(app: Flask, client: FlaskClient) -> None:
    response = client.get("/api/v1/analyse?text=gekozen", headers=_token(app, Role.MEMBER))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"]


def test_analysing_too_much_text_is_a_json_error(app: Flask, client: FlaskClient) -> None:
    text = "woord " * 3000
    response = client.get(f"/api/v1/analyse?text={text}", headers=_token(app, Role.ADMIN))
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "text"
