"""The README's screenshots: each main page has one, each is shown, and the script works."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser

from tests.e2e.screenshots import OUT, PAGES, VIEWPORT, shoot
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.e2e
README = Path(__file__).resolve().parents[2] / "README.md"


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_every_main_page_has_a_small_screenshot_shown_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    names = {name for name, _path, _signed_in in PAGES} | {"document"}
    assert {p.stem for p in OUT.glob("*.png")} == names
    for name in names:
        png = OUT / f"{name}.png"
        assert _png_size(png) == (VIEWPORT["width"], VIEWPORT["height"])
        assert png.stat().st_size < 400_000, png
        assert f"](docs/screenshots/{name}.png)" in readme, name


def test_the_script_takes_screenshots(
    browser: Browser, live_app: Flask, live_server: str, tmp_path: Path
) -> None:
    with live_app.app_context():
        make_user(email="foto@example.org")
    pages = [("home", "/", False), ("upload", "/uploaden", True)]
    written = shoot(browser, live_server, tmp_path, pages, ("foto@example.org", PASSWORD))
    assert [p.name for p in written] == ["home.png", "upload.png"]
    assert all(_png_size(p) == (1280, 800) for p in written)
