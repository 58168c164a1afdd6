"""The app with ``KENNISNET_SEARCH_BACKEND=postgres``: uploads are indexed in the app's own
PostgreSQL database and the search page and API answer from it, visibility applied."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisnet.core.extensions import db
from kennisnet.search.postgres_backend import PostgresBackend
from tests import databases
from tests.conftest import make_app
from tests.factories import make_document, make_user


@pytest.fixture
def pg_app(tmp_path: Path) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from kennisnet.curation import categories

    pg = databases.server()
    name = f"app_{uuid.uuid4().hex[:12]}"
    pg.create_database(name)
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=pg.url(name), SEARCH_BACKEND="postgres")
    try:
        with app.app_context():
            upgrade()
            categories.seed()
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        app.extensions["kennisnet.search"].close()
        pg.drop_database(name)


def test_uploads_are_found_through_the_database_index(pg_app: Flask) -> None:
    assert isinstance(pg_app.extensions["kennisnet.search"], PostgresBackend)
    member = make_user(email="lid@example.org")
    public = make_document(
        member, "Mantelzorgers ontmoeten elkaar in de buurtkamer.", title="Mantelzorgcafé"
    )
    secret = make_document(
        member,
        "Vertrouwelijk verslag over de kwartelkoningsnesten in de buurtkamer.",
        title="Ledenraad",
        visibility="members",
    )
    client: FlaskClient = pg_app.test_client()
    answer = client.get("/api/v1/search", query_string={"q": "buurtkamer"}).get_json()
    assert [hit["id"] for hit in answer["results"]] == [public.id]
    page = client.get("/zoeken?q=mantelzorger").get_data(as_text=True)
    assert "Mantelzorgcafé" in page and "<mark>" in page
    # Nothing of the members-only document reaches an anonymous visitor: no hit, no
    # suggestion made from its words.
    hidden = client.get("/api/v1/search", query_string={"q": "kwartelkoningsnest"}).get_json()
    assert hidden["total"] == 0 and not hidden.get("suggestion")
    assert secret.id in pg_app.extensions["kennisnet.search"].indexed_ids()


def test_the_search_log_commits_without_waiting_for_the_disk(pg_app: Flask) -> None:
    """A page's log row is a statistic: its commit must not wait for a WAL flush (fsync)."""
    from sqlalchemy import event, select

    from kennisnet.curation.models import SearchLogEntry

    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert pg_app.test_client().get("/zoeken?q=buurtkamer").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert any("synchronous_commit = off" in s for s in seen)
    assert db.session.scalar(select(SearchLogEntry.query)) == "buurtkamer"
