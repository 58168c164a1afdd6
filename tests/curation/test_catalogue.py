"""The per-process catalogue cache: cheap when nothing changed, never stale after a change.

Two app instances on one database stand for two processes (or hosts): each has its own cache,
so an edit made through one must show on the next page of the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, select, text

from kennisnet.accounts.models import Role
from kennisnet.accounts.permissions import SYSTEM
from kennisnet.core.extensions import db
from kennisnet.curation import catalogue, categories, synonyms
from kennisnet.curation.models import CatalogueStamp, DocumentType, Theme
from kennisnet.documents import fields
from tests.conftest import make_app
from tests.factories import make_document, make_user


@pytest.fixture
def other(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """A second instance of the app on the same database, index and files."""
    second = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    yield second
    with second.app_context():
        db.engine.dispose()


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_theme_renamed_in_one_instance_shows_on_the_next_page_of_the_other(
    app: Flask, other: Flask
) -> None:
    curator = make_user(role=Role.CURATOR)
    make_document(curator, "Over mantelzorg in de wijk.", themes=["mantelzorg"])
    page = other.test_client().get("/zoeken").get_data(as_text=True)
    assert "Mantelzorg" in page
    theme = categories.get_category(Theme, "mantelzorg")
    categories.update_category(theme, "Zorg voor naasten", theme.description, actor=curator)
    page = other.test_client().get("/zoeken").get_data(as_text=True)
    assert "Zorg voor naasten" in page
    assert "Mantelzorg" not in page


def test_a_synonym_added_in_one_instance_expands_the_next_search_of_the_other(
    app: Flask, other: Flask
) -> None:
    make_document(make_user(), "Verslag van de algemene ledenvergadering.", title="Verslag")
    client = other.test_client()
    assert client.get("/api/v1/search?q=ALV").get_json()["total"] == 0
    synonyms.add_synonym("ALV", "algemene ledenvergadering", actor=SYSTEM)
    assert client.get("/api/v1/search?q=ALV").get_json()["total"] == 1
    synonyms.remove_synonym("alv", actor=SYSTEM)
    assert client.get("/api/v1/search?q=ALV").get_json()["total"] == 0


def test_a_field_made_a_facet_in_one_instance_is_a_facet_in_the_other(
    app: Flask, other: Flask
) -> None:
    with other.app_context():
        assert "field.fonds" not in catalogue.current().field_facets
    subsidy = db.session.scalar(select(DocumentType).where(DocumentType.slug == "subsidie"))
    assert subsidy is not None
    fields.define_field(
        subsidy, "fonds", "Fonds", "choice", choices=("Oranje Fonds",), facet=True, actor=SYSTEM
    )
    with other.app_context():
        known = catalogue.current()
        assert "field.fonds" in known.field_facets
        assert known.field_titles["field.fonds"] == "Fonds"
        assert known.field_choices["field.fonds"] == {"oranje-fonds": "Oranje Fonds"}


def test_a_change_in_plain_sql_is_seen_too(app: Flask, other: Flask) -> None:
    """The triggers rewrite the stamp whoever writes: an import, a restore, a DBA."""
    make_user(organisation="Buurtkracht")
    with other.app_context():
        assert catalogue.current().names["organisation"]["buurtkracht"] == "Buurtkracht"
    db.session.execute(text("UPDATE organisations SET name = 'Buurtkracht Oost'"))
    db.session.commit()
    with other.app_context():
        assert catalogue.current().names["organisation"]["buurtkracht"] == "Buurtkracht Oost"


def test_an_unchanged_catalogue_costs_one_statement_a_page(app: Flask) -> None:
    make_document(make_user(), "Over mantelzorg in de wijk.", themes=["mantelzorg"])
    client = app.test_client()
    client.get("/zoeken?q=mantelzorg")  # fills the cache
    with statements(app) as seen:
        assert client.get("/zoeken?q=mantelzorg").status_code == 200
    read = [s for s in seen if "catalogue_stamp" in s]
    assert len(read) == 1
    # What the catalogue is made of (the rows' own themes and type are another matter).
    names = re.compile(r"SELECT (themes|document_types|organisations)\.slug, \1\.name")
    assert not [s for s in seen if "FROM synonyms" in s or "FROM field_definitions" in s]
    assert not [s for s in seen if names.search(s)]


def test_a_rolled_back_edit_is_not_kept(app: Flask) -> None:
    """A process that read its own uncommitted edit cached it under a stamp nobody else has:
    after the rollback the committed stamp differs, so the catalogue is read again."""
    theme = categories.get_category(Theme, "mantelzorg")
    theme.name = "Nooit bewaard"
    db.session.flush()
    assert catalogue.current().names["theme"]["mantelzorg"] == "Nooit bewaard"
    db.session.rollback()
    assert catalogue.current().names["theme"]["mantelzorg"] == "Mantelzorg"


def test_the_stamp_changes_with_every_catalogue_table(app: Flask) -> None:
    def stamp() -> str:
        value = db.session.scalar(select(CatalogueStamp.value))
        db.session.commit()
        assert value is not None
        return value

    synonyms.add_synonym("ALV", "algemene ledenvergadering", actor=SYSTEM)
    make_user(organisation="Buurtkracht")
    overig = db.session.scalar(select(DocumentType).where(DocumentType.slug == "overig"))
    assert overig is not None
    fields.define_field(overig, "bron", "Bron", "text", actor=SYSTEM)
    before = stamp()
    for table in catalogue.TABLES:
        # Rewriting a row with its own value still counts: the trigger fires on the statement.
        db.session.execute(text(f"UPDATE {table} SET id = id"))  # noqa: S608 - our own names
        db.session.commit()
        after = stamp()
        assert after != before, table
        before = after
