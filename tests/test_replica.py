"""A read replica (KENNISNET_DATABASE_READ_URL): a real streaming standby made by pg_basebackup.

Replay on the standby is paused, so what the primary has and the replica lacks shows which of
the two a request read from.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisnet.core.extensions import db
from kennisnet.documents.models import Document
from tests import databases
from tests.conftest import AuthActions, IsolatedClient, make_app
from tests.factories import make_document, make_user

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        databases.postgres_bindir() is None,
        reason=f"PostgreSQL is missing: {databases.INSTALL_HINT}",
    ),
]


def replica_has(replica: databases.PostgresServer, document_id: int) -> bool:
    try:
        rows = replica.execute(
            "SELECT count(*) FROM documents WHERE id = %s", document_id, database="kennisnet"
        )
    except psycopg.errors.UndefinedTable:  # the migration has not been replayed yet
        return False
    return rows[0][0] == 1


def caught_up(primary: databases.PostgresServer, replica: databases.PostgresServer) -> bool:
    """Whether the replica has replayed everything the primary has written so far."""
    (lsn,) = primary.execute("SELECT pg_current_wal_lsn()::text")[0]
    rows = replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", lsn)
    return bool(rows[0][0])


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.1)


@pytest.fixture
def servers() -> Iterator[tuple[databases.PostgresServer, databases.PostgresServer]]:
    with databases.extra_server() as primary:
        primary.create_database("kennisnet")
        replica = databases.PostgresServer(name="kn-pg-replica")
        try:
            yield primary, replica.start_replica_of(primary)
        finally:
            replica.stop()


@contextmanager
def replicated_app(
    tmp_path: Path, servers, **settings: object
) -> Iterator[tuple[Flask, databases.PostgresServer]]:
    """An app on the primary with the replica for reads, migrated, once the replica has it."""
    from flask_migrate import upgrade

    from kennisnet.curation import categories

    primary, replica = servers
    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=primary.url("kennisnet"),
        DATABASE_READ_URL=replica.url("kennisnet"),
        **settings,
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
        categories.seed()
        db.session.commit()
        # Pages read the replica: it must have the tables before the first request.
        wait_for(lambda: caught_up(primary, replica), 60)
        yield app, replica
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
        close = getattr(app.extensions["kennisnet.search"], "close", None)
        if close is not None:  # the PostgreSQL search backend's own engines
            close()


@pytest.fixture
def replicated(tmp_path: Path, servers) -> Iterator[tuple[Flask, databases.PostgresServer]]:
    with replicated_app(tmp_path, servers) as made:
        yield made


def test_browser_pages_read_the_replica_and_a_writer_reads_the_primary(replicated) -> None:
    app, replica = replicated
    author = make_user(email="schrijver@example.org")
    seen = make_document(author, "De buurtbus rijdt op dinsdag.", title="Buurtbus").id
    wait_for(lambda: replica_has(replica, seen))

    replica.execute("SELECT pg_wal_replay_pause()")
    unseen = make_document(author, "De moestuin zoekt vrijwilligers.", title="Moestuin").id
    time.sleep(0.5)
    assert not replica_has(replica, unseen)

    visitor: FlaskClient = app.test_client()
    assert visitor.get(f"/documenten/{seen}").status_code == 200
    # Read from the replica, which has not replayed the new document yet.
    assert visitor.get(f"/documenten/{unseen}").status_code == 404

    # Logging in is a write: from then on this browser reads the primary for a while.
    member = app.test_client()
    AuthActions(member).login("schrijver@example.org")
    page = member.get(f"/documenten/{unseen}")
    assert page.status_code == 200 and "Moestuin" in page.get_data(as_text=True)

    replica.execute("SELECT pg_wal_replay_resume()")
    wait_for(lambda: replica_has(replica, unseen))
    assert visitor.get(f"/documenten/{unseen}").status_code == 200
    with app.app_context():
        # The worker and the command line always use the primary.
        assert db.session.get(Document, unseen) is not None


def test_a_replica_that_is_down_leaves_the_primary_to_serve(replicated) -> None:
    app, replica = replicated
    author = make_user()
    doc = make_document(author, "Het repaircafé opent in maart.", title="Repaircafé").id
    wait_for(lambda: replica_has(replica, doc))
    visitor: FlaskClient = app.test_client()
    assert visitor.get(f"/documenten/{doc}").status_code == 200
    # The test's requests share one session; a server's end each request with theirs. Its
    # pooled replica connection stays, now dead: the check before the next page finds that.
    db.session.remove()
    replica.stop()
    assert visitor.get(f"/documenten/{doc}").status_code == 200
    assert visitor.get("/").status_code == 200


@pytest.fixture
def replicated_search(tmp_path: Path, servers) -> Iterator[tuple[Flask, databases.PostgresServer]]:
    with replicated_app(tmp_path, servers, SEARCH_BACKEND="postgres") as made:
        yield made


def test_searches_of_browsers_read_the_index_on_the_replica(replicated_search) -> None:
    app, replica = replicated_search
    author = make_user(email="zoeker@example.org")
    make_document(author, "De buurtbus rijdt op dinsdag.", title="Buurtbus")
    visitor: FlaskClient = app.test_client()
    # The index rows are written after the document's: wait for the replica to have them too.
    wait_for(lambda: "Buurtbus" in visitor.get("/zoeken?q=buurtbus").get_data(as_text=True))
    replica.execute("SELECT pg_wal_replay_pause()")
    make_document(author, "De moestuin zoekt vrijwilligers.", title="Moestuin")
    time.sleep(0.5)

    # The replica's index has not replayed the new document yet.
    assert "Moestuin" not in visitor.get("/zoeken?q=moestuin").get_data(as_text=True)
    member = app.test_client()
    AuthActions(member).login("zoeker@example.org")
    assert "Moestuin" in member.get("/zoeken?q=moestuin").get_data(as_text=True)

    replica.execute("SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 30
    while "Moestuin" not in visitor.get("/zoeken?q=moestuin").get_data(as_text=True):
        assert time.monotonic() < deadline, "the replica's index did not catch up"
        time.sleep(0.2)
