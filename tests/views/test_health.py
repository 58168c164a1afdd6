"""GET /healthz: each part's state, the failing one named, and nothing else revealed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisnet.core import queue
from kennisnet.core.extensions import db
from kennisnet.views import health
from tests import databases, redisserver, s3server
from tests.conftest import make_app
from tests.s3server import BOTH_STORES

PARTS = {"database", "index", "queue", "storage"}


@BOTH_STORES
def test_all_parts_answer(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", **dict.fromkeys(PARTS, "ok")}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("part", sorted(PARTS))
def test_a_failing_part_is_named_and_nothing_more(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, part: str
) -> None:
    def broken() -> None:
        raise RuntimeError("/geheim/pad wachtwoord=hunter2")

    monkeypatch.setitem(health.CHECKS, part, broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body == {"status": "error", **dict.fromkeys(PARTS - {part}, "ok"), part: "error"}
    assert b"geheim" not in response.data and b"hunter2" not in response.data


def test_a_missing_upload_folder_is_a_storage_error(app: Flask, client: FlaskClient) -> None:
    shutil.rmtree(Path(app.config["UPLOAD_DIR"]))
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["storage"] == "error"


@pytest.mark.parametrize("storage_url", ["s3"], indirect=True)
def test_a_bucket_that_is_gone_is_a_storage_error(
    app: Flask, client: FlaskClient, storage_url: str
) -> None:
    bucket = storage_url.removeprefix("s3://").partition("/")[0]
    s3server.server().client().delete_bucket(Bucket=bucket)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["storage"] == "error"
    assert bucket.encode() not in response.data


def test_a_stopped_s3_server_is_a_storage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with s3server.extra_server() as down:
        for key, value in down.env.items():
            monkeypatch.setenv(key, value)
        app = make_app(tmp_path, STORAGE_URL=down.new_bucket())
        client = app.test_client()
        assert client.get("/healthz").get_json()["storage"] == "ok"
        down.stop()
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.get_json() == {
            "status": "error",
            **dict.fromkeys(PARTS, "ok"),
            "storage": "error",
        }
        with app.app_context():
            db.engine.dispose()


def test_a_damaged_database_is_a_database_error(app: Flask, client: FlaskClient) -> None:
    database = Path(db.engine.url.database or "")
    db.session.remove()
    db.engine.dispose()
    if databases.POSTGRES:
        databases.server().drop_database(database.name)  # as a server that lost it
    else:
        for leftover in database.parent.glob(database.name + "*"):
            leftover.unlink()
        database.write_bytes(b"dit is geen database " * 512)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "error"


def test_the_queue_in_redis_is_pinged(app: Flask, client: FlaskClient) -> None:
    if redisserver.redis_binary() is None:
        pytest.skip(f"no redis-server: {redisserver.INSTALL_HINT}")
    server = redisserver.RedisServer(name="kn-redis-health").start()
    app.config.update(REDIS_URL=server.url())
    queue.init_app(app)
    try:
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.get_json() == {"status": "ok", **dict.fromkeys(PARTS, "ok")}
        server.stop()
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.get_json() == {
            "status": "error",
            **dict.fromkeys(PARTS - {"queue"}, "ok"),
            "queue": "error",
        }
    finally:
        server.stop()
        app.config.update(REDIS_URL="")
        queue.init_app(app)
