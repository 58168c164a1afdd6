from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisnet import create_app
from kennisnet.core.config import data_paths
from kennisnet.core.extensions import db
from tests import databases, factories, redisserver, s3server

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


# Every app the tests made: their pooled connections are closed after each test, as a
# server's would be at shutdown (an open PostgreSQL connection left to the garbage collector
# warns, and a dropped database would break it anyway).
_apps: weakref.WeakSet[Flask] = weakref.WeakSet()


def make_app(data_dir: Path, **overrides: object) -> Flask:
    paths = data_paths(data_dir)
    config = {
        "TESTING": True,
        "DATA_DIR": data_dir,
        **paths,
        "SECRET_KEY": "test-secret-key",
        "TASKS_IMMEDIATE": True,
        # The subprocess sandbox is covered by the extraction tests; in-process keeps the
        # rest of the suite fast.
        "EXTRACTION_ISOLATED": False,
        "SERVER_NAME": "kennisnet.test",
    }
    config.update(overrides)
    if "SQLALCHEMY_DATABASE_URI" not in config:
        config["SQLALCHEMY_DATABASE_URI"] = databases.database_url(data_dir)
    app = create_app(config)
    _apps.add(app)
    for key in ("UPLOAD_DIR", "INDEX_DIR", "INSTANCE_DIR", "PREVIEW_DIR"):
        Path(app.config[key]).mkdir(parents=True, exist_ok=True)
    return app


@pytest.fixture
def storage_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The local folders (""), or a fresh bucket on the session's S3 server for a test
    parametrized with ``s3server.BOTH_STORES`` (or ``indirect`` "s3")."""
    if getattr(request, "param", "local") != "s3":
        return ""
    server = s3server.server()
    for key, value in server.env.items():
        monkeypatch.setenv(key, value)
    return server.new_bucket()


@pytest.fixture
def app(tmp_path: Path, storage_url: str) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from kennisnet.curation import categories

    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=databases.database_url(tmp_path, migrated=True),
        STORAGE_URL=storage_url,
    )
    with app.app_context():
        upgrade()
        categories.seed()
        yield app
        db.session.remove()
        db.engine.dispose()


def pytest_configure(config: pytest.Config) -> None:
    if databases.POSTGRES:
        # A psycopg connection left to the garbage collector (an app a test made and never
        # closed) warns from __del__, at whatever moment the collector runs, inside whichever
        # test runs then. sqlite3 connections are left the same way without a word; the
        # fixtures close what they made (see _throwaway_databases).
        config.addinivalue_line(
            "filterwarnings", "ignore:.*was deleted while still open:ResourceWarning"
        )


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest):
    """A database made by a module or session fixture outlives the test that set it up."""
    if not databases.POSTGRES or fixturedef.scope == "function":
        return (yield)
    before = databases.created()
    try:
        return (yield)
    finally:
        databases.keep(databases.created() - before)


@pytest.fixture
def redis_server() -> redisserver.RedisServer:
    """The session's real Redis server (unix socket), emptied for each test."""
    if redisserver.redis_binary() is None:
        pytest.skip(f"no redis-server: {redisserver.INSTALL_HINT}")
    server = redisserver.server()
    server.flush()
    return server


@pytest.fixture(autouse=True)
def _throwaway_databases() -> Iterator[None]:
    # Autouse fixtures are set up first and so torn down last: after the app has let go.
    yield
    if databases.POSTGRES:
        for app in list(_apps):
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        databases.drop_test_databases()


class IsolatedClient(FlaskClient):
    """A test client whose requests do not share ``g`` with the test.

    The ``app`` fixture keeps an application context pushed so tests can call services;
    requests then reuse it, and Flask-Login's cached user in ``g`` would leak from one
    request into the next.
    """

    def open(self, *args, **kwargs):
        from flask import g

        for name in list(vars(g)):
            delattr(g, name)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = factories.PASSWORD):
        page = self.client.get("/inloggen")
        token = csrf_token(page.get_data(as_text=True))
        return self.client.post(
            "/inloggen",
            data={"email": email, "password": password, "csrf_token": token},
        )

    def logout(self):
        token = csrf_token(self.client.get("/").get_data(as_text=True))
        return self.client.post("/uitloggen", data={"csrf_token": token})


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is missing: clone the repo beside shared/")
    return CORPUS


def fetch(client: FlaskClient, url: str, **kwargs: object):
    """GET a (possibly streamed file) response, buffer it and close the file behind it."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response
