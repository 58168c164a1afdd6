"""Two app processes, one database: what one counts or signs, the other sees.

Login failures are counted in Redis when KENNISNET_REDIS_URL is set, so a guesser spreading
attempts over app servers meets one limit. A session and its CSRF token made by one process are
accepted by another with the same KENNISNET_SECRET_KEY. Each "process" is a real Python process
with its own app, talking through Flask's test client.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from flask import Flask

from kennisnet.core.config import ROOT
from kennisnet.core.extensions import db
from tests.factories import PASSWORD, make_user
from tests.redisserver import RedisServer

APP_PROCESS = """
import json, sys
from pathlib import Path
from tests.conftest import csrf_token, make_app

args = json.loads(sys.argv[1])
app = make_app(
    Path(args["data_dir"]),
    SQLALCHEMY_DATABASE_URI=args["database"],
    REDIS_URL=args["redis"],
    SECRET_KEY="shared-secret-key",
)
client = app.test_client()
out = {}
if args["do"] in ("fail", "login", "session-out"):
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    statuses = []
    for _ in range(args.get("times", 1)):
        password = "geraden" if args["do"] == "fail" else args["password"]
        response = client.post(
            "/inloggen",
            data={"email": args["email"], "password": password, "csrf_token": token},
        )
        statuses.append(response.status_code)
    out["statuses"] = statuses
    if args["do"] == "session-out":
        out["cookie"] = client.get_cookie("session", domain="kennisnet.test").value
        out["token"] = csrf_token(client.get("/account").get_data(as_text=True))
else:  # session-in: the other process's cookie and token
    client.set_cookie("session", args["cookie"], domain="kennisnet.test")
    out["account"] = client.get("/account").status_code
    out["logout"] = client.post("/uitloggen", data={"csrf_token": args["token"]}).status_code
print(json.dumps(out))
"""


def in_other_process(app: Flask, redis_url: str, **args: object) -> dict:
    payload = {
        "data_dir": str(app.config["DATA_DIR"]),
        "database": db.engine.url.render_as_string(hide_password=False),
        "redis": redis_url,
        **args,
    }
    done = subprocess.run(
        [sys.executable, "-c", APP_PROCESS, json.dumps(payload)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("shared", [True, False], ids=["redis", "memory"])
def test_the_login_throttle_counts_across_app_processes(
    app: Flask, redis_server: RedisServer, shared: bool
) -> None:
    make_user(email="doelwit@example.org")
    db.session.commit()
    url = redis_server.url() if shared else ""
    first = in_other_process(app, url, do="fail", email="doelwit@example.org", times=10)
    assert first["statuses"] == [401] * 10
    second = in_other_process(app, url, do="login", email="doelwit@example.org", password=PASSWORD)
    # In Redis the second process knows the ten failures; in memory it cannot.
    assert second["statuses"] == ([429] if shared else [302])


def test_a_session_and_csrf_token_from_one_process_work_in_another(app: Flask) -> None:
    make_user(email="lid@example.org")
    db.session.commit()
    made = in_other_process(app, "", do="session-out", email="lid@example.org", password=PASSWORD)
    assert made["statuses"] == [302]
    used = in_other_process(app, "", do="session-in", cookie=made["cookie"], token=made["token"])
    assert used == {"account": 200, "logout": 302}
