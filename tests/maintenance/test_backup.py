"""`kennisnet backup` and `kennisnet restore`: a consistent copy, brought back whole."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from kennisnet.core.extensions import db
from kennisnet.core.storage import Store, file_store
from kennisnet.documents.models import Document, DocumentFile
from kennisnet.maintenance import dbcopy
from kennisnet.maintenance.backup import sqlite_path
from kennisnet.search import SearchQuery, Viewer, backend
from tests import s3server
from tests.conftest import make_app
from tests.factories import make_document, make_user
from tests.s3server import BOTH_STORES

ADMIN = Viewer(user_id=1, sees_members_only=True)


def snapshot() -> dict[str, object]:
    """What must survive: rows, file contents and what a search finds."""
    store = file_store()
    docs = [(d.id, d.title, str(d.status)) for d in db.session.scalars(select(Document))]
    files = {
        f.stored_path: stored_digest(store, f.stored_path)
        for f in db.session.scalars(select(DocumentFile))
    }
    found = {
        q: [h.id for h in backend().search(SearchQuery(q, viewer=ADMIN)).hits]
        for q in ("buurtbus", "moestuin", "")
    }
    return {"documents": docs, "files": files, "search": found}


def stored_digest(store: Store, relative: str) -> str:
    with store.open(relative).file as stored:
        return hashlib.sha256(stored.read()).hexdigest()


@contextmanager
def open_write_transaction(app: Flask) -> Iterator[None]:
    """Another connection in the middle of a write, as the worker would be."""
    path = sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    if path is None:  # PostgreSQL: an open transaction with a row lock
        with db.engine.connect() as con:
            con.exec_driver_sql("UPDATE documents SET title = 'NIET GECOMMIT'")
            yield
            con.rollback()
        return
    con = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE documents SET title = 'NIET GECOMMIT'")
        yield
    finally:
        con.execute("ROLLBACK")
        con.close()


@contextmanager
def other_data_dir(path: Path, storage_url: str = "") -> Iterator[Flask]:
    app = make_app(path, STORAGE_URL=storage_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def make_data() -> None:
    user = make_user()
    make_document(user, "De buurtbus rijdt elke dinsdag naar de markt.")
    make_document(user, "Afspraken over de moestuin achter het buurthuis.", visibility="members")
    make_document(user, content=b"%PDF-1.4 kapot", filename="kapot.pdf")  # failed, indexed


@BOTH_STORES
@pytest.mark.parametrize("with_index", [False, True], ids=["rebuilt", "with-index"])
def test_backup_during_write_then_restore(
    app: Flask, runner, tmp_path: Path, with_index: bool, storage_url: str
) -> None:
    make_data()
    before = snapshot()
    archive = tmp_path / "backups" / "kennisnet.tar.gz"
    args = ["backup", str(archive)] + (["--with-index"] if with_index else [])
    with open_write_transaction(app):
        result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = tar.getnames()
    assert manifest["documents"] == 3 and manifest["files"] == 3
    assert manifest["with_index"] is with_index and manifest["format"] == 1
    assert any(n.startswith("index/") for n in names) is with_index
    # Not a terminal here: one plain progress line on standard error, none on standard output.
    assert "Backup: 3 van 3 bestanden (100%)" in result.stderr
    assert "Backup:" not in result.stdout

    # A bucket of its own for the restored installation: the objects come from the archive.
    target_url = s3server.server().new_bucket() if storage_url else ""
    with other_data_dir(tmp_path / "restored", target_url) as restored:
        restore = restored.test_cli_runner().invoke(args=["restore", str(archive)])
        assert restore.exit_code == 0, restore.output
        assert ("Index teruggezet" in restore.output) is with_index
        assert "Terugzetten: 3 van 3 bestanden (100%)" in restore.stderr
        assert ("Index opbouwen: 3 van 3 documenten" in restore.stderr) is not with_index
        after = snapshot()
        assert after == before  # the uncommitted title never made it into the copy
        check = restored.test_cli_runner().invoke(args=["check", "--older-than", "0"])
        assert check.exit_code == 0, check.output
        again = restored.test_cli_runner().invoke(args=["restore", str(archive)])
        assert again.exit_code != 0 and "niet leeg" in again.output


@pytest.mark.parametrize("storage_url", ["s3"], indirect=True)
def test_restore_beside_a_bucket_that_kept_its_objects(
    app: Flask, runner, tmp_path: Path, storage_url: str
) -> None:
    """The database host was lost, the bucket was not: restore next to the same objects."""
    make_data()
    before = snapshot()
    archive = tmp_path / "kennisnet.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    with tarfile.open(archive) as tar:
        archived = {n for n in tar.getnames() if n.startswith("uploads/")}
    assert archived == {f"uploads/{p}" for p in before["files"]}  # type: ignore[union-attr]
    kept = s3server.server().keys(storage_url)
    with other_data_dir(tmp_path / "restored", storage_url) as restored:
        restore = restored.test_cli_runner().invoke(args=["restore", str(archive)])
        assert restore.exit_code == 0, restore.output
        assert snapshot() == before
    assert s3server.server().keys(storage_url) == kept


@BOTH_STORES
def test_restore_refuses_a_tampered_file(
    app: Flask, runner, tmp_path: Path, storage_url: str
) -> None:
    make_data()
    archive = tmp_path / "kennisnet.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read() if member.isfile() else b""
            if member.name.startswith("uploads/"):
                data = data + b"!"
                member.size = len(data)

            dst.addfile(member, io.BytesIO(data))
    target_url = s3server.server().new_bucket() if storage_url else ""
    with other_data_dir(tmp_path / "restored", target_url) as restored:
        result = restored.test_cli_runner().invoke(args=["restore", str(tampered)])
        assert result.exit_code != 0 and "beschadigd" in result.output
        assert list(file_store().listing()) == []  # the damaged bytes were not kept


def test_backup_explains_other_databases(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    # Set after the factory: no MySQL driver is needed to get the explanation.
    app.config["SQLALCHEMY_DATABASE_URI"] = "mysql://kennisnet@localhost/kennisnet"
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.tar.gz")])
    assert result.exit_code != 0 and "mysql-database" in result.output


def test_restore_refuses_a_backup_of_the_other_kind_of_database(tmp_path: Path) -> None:
    archive = tmp_path / "ander.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        ours = dbcopy.member_for(make_app(tmp_path / "a").config["SQLALCHEMY_DATABASE_URI"])
        other = next(m for m in dbcopy.MEMBERS.values() if m != ours)
        for name, data in (("manifest.json", b'{"format": 1}'), (other, b"niet de onze")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with other_data_dir(tmp_path / "restored") as restored:
        result = restored.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code != 0 and "past niet in deze database" in result.output
