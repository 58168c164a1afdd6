"""The kennisnet command line."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask

from kennisnet.accounts import users
from kennisnet.accounts.models import Role
from kennisnet.core.extensions import db
from kennisnet.curation.models import DocumentType
from kennisnet.documents.models import Document, Status
from tests.factories import make_document, make_user


def test_init_seeds_types_and_themes(runner) -> None:
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    slugs = set(db.session.scalars(db.select(DocumentType.slug)))
    assert slugs == {"pilot-idee", "projectplan", "statuten", "subsidie", "overig"}


def test_create_admin_with_password_stdin(runner) -> None:
    result = runner.invoke(
        args=["create-admin", "chef@example.org", "--password-stdin"],
        input="een heel geheim wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    user = users.authenticate("chef@example.org", "een heel geheim wachtwoord")
    assert user is not None and user.role == Role.ADMIN


def test_create_admin_generates_password(runner) -> None:
    result = runner.invoke(args=["create-admin", "gen@example.org"])
    assert result.exit_code == 0
    password = result.output.strip().splitlines()[-1].split(":", 1)[1].strip()
    assert users.authenticate("gen@example.org", password) is not None


def test_create_admin_rejects_short_password(runner) -> None:
    result = runner.invoke(
        args=["create-admin", "kort@example.org", "--password-stdin"], input="kort\n"
    )
    assert result.exit_code != 0
    assert "minstens" in result.output


def test_token_create_prints_token_last(runner, client) -> None:
    make_user(email="tok@example.org")
    result = runner.invoke(args=["token", "create", "tok@example.org"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    response = client.get("/api/v1/search", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_import_json_report(runner, corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in (
        "pdf/nl-burgerpeiling-mantelzorg.pdf",
        "docx/nl-burgerpeiling-module-hostmanship.docx",
        "odt/nl-model-statuten-stichting.odt",
        "pdf/scan-grayscale-image.pdf",
    ):
        (folder / Path(name).name).write_bytes((corpus / name).read_bytes())
    (folder / "virus.exe").write_bytes(b"MZ\x90\x00rest")
    result = runner.invoke(
        args=[
            "import",
            str(folder),
            "--type",
            "overig",
            "--theme",
            "mantelzorg",
            "--organisation",
            "Wijkcoöperatie Test",
            "--visibility",
            "public",
            "--json",
        ]
    )
    assert result.exit_code == 1  # virus.exe could not be stored
    report = json.loads(result.stdout)  # the progress lines go to standard error
    assert "Importeren: 5 van 5 bestanden (100%)" in result.stderr
    assert report["imported"] == 4 and report["duplicates"] == 0
    assert [r["path"].rsplit("/", 1)[1] for r in report["refused"]] == ["virus.exe"]
    statuses = {Path(d["path"]).name: d["status"] for d in report["documents"]}
    # A scan without printed words is read by text recognition, finds none, and is a
    # document all the same (issue 11: scans are no longer "failed").
    assert statuses["scan-grayscale-image.pdf"] == "ready"
    assert statuses["nl-burgerpeiling-mantelzorg.pdf"] == "ready"
    # Indexed when the command returns.
    search = runner.invoke(args=["search", "mantelzorgers", "--json"])
    body = json.loads(search.stdout)
    assert body["total"] >= 1
    assert body["results"][0]["organisation"] == "wijkcooperatie-test"
    again = runner.invoke(
        args=["import", str(folder / "nl-burgerpeiling-mantelzorg.pdf"), "--json"]
    )
    assert again.exit_code == 0
    assert json.loads(again.stdout)["duplicates"] == 1


def test_search_sees_members_only(runner) -> None:
    make_document(make_user(), "Interne afspraken over de kas.", visibility="members")
    body = json.loads(runner.invoke(args=["search", "kas", "--json"]).output)
    assert body["total"] == 1
    assert set(body) >= {"query", "total", "page", "per_page", "results", "facets"}


def test_reindex_rebuilds_from_database(app: Flask, runner) -> None:
    import shutil

    make_document(make_user(), "Een verhaal over de buurtbus.")
    shutil.rmtree(app.config["INDEX_DIR"])
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and "1 documenten" in result.output
    assert "Index opbouwen: 1 van 1 documenten (100%)" in result.stderr
    body = json.loads(runner.invoke(args=["search", "buurtbus", "--json"]).output)
    assert body["total"] == 1


def test_demo_loads_once_and_prints_admin(runner) -> None:
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    password = first.output.strip().splitlines()[-1].split(":", 1)[1].strip()
    assert users.authenticate("beheer@example.org", password) is not None
    count = db.session.scalar(db.select(db.func.count(Document.id)))
    assert count >= 12
    types = set(db.session.scalars(db.select(DocumentType.slug).join(Document)))
    assert {"pilot-idee", "projectplan", "statuten", "subsidie"} <= types
    assert (
        db.session.scalar(
            db.select(db.func.count(Document.id)).where(Document.status == Status.READY)
        )
        == count
    )
    from kennisnet.documents import subsidies
    from kennisnet.documents.fields import fields_json

    open_calls = [c for c in subsidies.calls(None) if c.deadline is not None]
    assert open_calls, "the demo should show open subsidy calls with a deadline"
    statutes = db.session.scalars(
        db.select(Document).join(DocumentType).where(DocumentType.slug == "statuten")
    )
    assert {fields_json(d).get("legal_form") for d in statutes} >= {"coöperatie", "stichting"}
    second = runner.invoke(args=["demo"])
    assert "stond er al" in second.output
    assert db.session.scalar(db.select(db.func.count(Document.id))) == count
    body = json.loads(runner.invoke(args=["search", "mantelzorg", "--json"]).output)
    assert body["total"] >= 1


def test_create_user_with_role_and_organisation(runner) -> None:
    result = runner.invoke(
        args=[
            "create-user",
            "red@example.org",
            "--role",
            "curator",
            "--organisation",
            "Wijkcoöperatie Noord",
            "--password-stdin",
        ],
        input="een lang wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    user = users.authenticate("red@example.org", "een lang wachtwoord")
    assert user.role == Role.CURATOR and user.organisation.slug == "wijkcooperatie-noord"
    assert runner.invoke(args=["create-user", "x@example.org", "--role", "baas"]).exit_code == 2


def test_token_revoke(runner, client) -> None:
    make_user(email="tok@example.org")
    token = (
        runner.invoke(args=["token", "create", "tok@example.org"]).output.strip().splitlines()[-1]
    )
    result = runner.invoke(args=["token", "revoke", "tok@example.org"])
    assert "1 token(s) ingetrokken" in result.output
    assert (
        client.get("/api/v1/search", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )


def test_purge_trash_command(runner) -> None:
    result = runner.invoke(args=["purge-trash"])
    assert result.exit_code == 0 and "0 document(en)" in result.output
