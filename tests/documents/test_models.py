"""The schema: migrations and models agree, and the invariants the rest relies on hold."""

from __future__ import annotations

import io

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy.exc import IntegrityError

from kennisnet.core.extensions import db
from kennisnet.documents import tasks
from kennisnet.documents.metadata import Metadata
from kennisnet.documents.models import Document, DocumentFile, Status
from kennisnet.documents.uploads import ingest_document
from tests.factories import make_document, make_user


def test_migrations_match_models(app: Flask) -> None:
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


def test_sha256_is_unique(app: Flask) -> None:
    doc = make_document(make_user(), "Uniek.")
    twin = DocumentFile(
        document_id=doc.id,
        original_name="x.txt",
        sha256=doc.file.sha256,
        size=1,
        media_type="text/plain",
        kind="text",
        stored_path=doc.file.stored_path,
    )
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_unfinished_documents_are_resumed(app: Flask) -> None:
    """A crash between commit and enqueue leaves 'processing'; a worker start picks it up."""
    member = make_user()
    doc = ingest_document(
        io.BytesIO(b"Nooit in de wachtrij gekomen."),
        "vergeten.txt",
        Metadata(type="overig", visibility="public"),
        member,
        enqueue=False,
    )
    assert doc.status == Status.PROCESSING
    assert tasks.resume_unfinished() == 1
    db.session.expire_all()
    assert db.session.get(Document, doc.id).status == Status.READY


def test_title_comes_from_file_metadata(app: Flask, corpus) -> None:
    content = (corpus / "docx" / "nl-coronamelder-crypto-raamwerk.docx").read_bytes()
    doc = make_document(make_user(), content=content, filename="raamwerk.docx")
    from docx import Document as Docx

    expected = Docx(io.BytesIO(content)).core_properties.title
    if expected and expected.strip():
        assert doc.title == expected.strip()
    else:
        assert doc.title == "Raamwerk"
    other = (corpus / "docx" / "nl-burgerpeiling-module-hostmanship.docx").read_bytes()
    typed = make_document(make_user(), content=other, filename="x.docx", title="Eigen titel")
    assert typed.title == "Eigen titel"
