"""A live server in a thread and Debian's Chromium, driven by Playwright; axe on every page.

Every test that uses ``page`` has each page it visited checked with axe (WCAG 2.1 A and AA)
when it ends: the page as the test left it (with what scripts added), and every other page
it loaded, opened again in the same browser context (once per page shape in the session, so
the suite stays quick). A violation fails the test; only a canary that breaks its own page
says so with ``@pytest.mark.broken_on_purpose``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page
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


WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
_axe = Axe()
# Downloads, images, feeds and JSON: nothing for axe.
NOT_PAGES = re.compile(r"/(static|api)/|/(bestand|voorbeeld|afbeelding|status)$|\.ics$")
_checked_shapes: set[str] = set()


def axe_violations(page: Page) -> list[str]:
    results = _axe.run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in results.response["violations"]
    ]


def _is_page(url: str) -> bool:
    return url.startswith("http") and not NOT_PAGES.search(urlsplit(url).path)


def _shape(url: str) -> str:
    """/documenten/12?q=x and /documenten/13?q=y are one page to check."""
    parts = urlsplit(url)
    keys = sorted(k.partition("=")[0] for k in parts.query.split("&") if k)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After the test body, while its server still runs (a fixture's teardown would be too
    late: the server's own teardown may come first)."""
    page = getattr(item, "funcargs", {}).get("page")
    if not isinstance(page, Page) or item.get_closest_marker("broken_on_purpose"):
        return (yield)
    visited: list[str] = []
    page.on("load", lambda loaded: visited.append(loaded.url))
    result = yield
    problems = []
    if _is_page(page.url):
        problems += [f"{page.url} (as left): {v}" for v in axe_violations(page)]
        _checked_shapes.add(_shape(page.url))
    again = page.context.new_page()
    try:
        for url in dict.fromkeys(visited):
            if not _is_page(url) or _shape(url) in _checked_shapes:
                continue
            _checked_shapes.add(_shape(url))
            response = again.goto(url)
            if response is None or "html" not in response.headers.get("content-type", ""):
                continue
            problems += [f"{url}: {v}" for v in axe_violations(again)]
    finally:
        again.close()
    if problems:
        pytest.fail("axe found WCAG 2.1 AA violations:\n" + "\n".join(problems))
    return result


def prepared_app(data_dir: Path) -> Flask:
    from flask_migrate import upgrade

    from kennisnet.curation import categories

    app = make_app(data_dir, SERVER_NAME=None)
    with app.app_context():
        upgrade()
        categories.seed()
    return app


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_app(tmp_path: Path) -> Flask:
    return prepared_app(tmp_path)


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    with serving(live_app) as base:
        yield base
