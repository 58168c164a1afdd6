"""A live server in a thread and Debian's Chromium, driven by Playwright."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import make_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "Chromium is not installed: run `make test` (it installs Debian's chromium) or "
            "`apt-get install chromium`"
        )
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, object]) -> dict[str, object]:
    # A Dutch browser, as the suite expects Dutch pages: Chromium's own default (en-US) would
    # make the site answer in English (Accept-Language).
    return {**browser_context_args, "locale": "nl-NL"}


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from kennisnet.curation import categories

    app = make_app(tmp_path, SERVER_NAME=None)
    with app.app_context():
        upgrade()
        categories.seed()
    yield app


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
