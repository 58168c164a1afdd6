"""Screenshots of the main pages for the README, from the demo set in Debian's Chromium.

    .venv/bin/python -m tests.e2e.screenshots [--out docs/screenshots]

A fresh installation in a temporary directory loads the demo (``kennisnet demo``), a live
server in a thread serves it, and each page is taken at 1280x800 (the visible part only, so
the files stay small). Run it again after a change to the layout; commit the PNGs.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterable
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from kennisnet.core.extensions import db
from kennisnet.documents.models import Document, Visibility
from kennisnet.maintenance.demo import load_demo
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, prepared_app, serving
from tests.e2e.test_upload_zone import DROP

VIEWPORT = {"width": 1280, "height": 800}
ZONNEDAKEN = "Werkgroep zonnedaken: verslag van de eerste bijeenkomst in het buurthuis."
OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# (file name, path, signed in)
PAGES: tuple[tuple[str, str, bool], ...] = (
    ("home", "/", False),
    ("search", "/zoeken?q=buurthuis", False),
    ("themes", "/themas", False),
    ("organisations", "/organisaties", False),
    ("upload", "/uploaden", True),
    ("upload-dropzone", "/uploaden", True),
    ("admin", "/beheer/", True),
)


def drop_files(page: Page) -> None:
    """Two files dropped on the zone: one stored (and read), one already in Kennisnet."""
    zone = page.locator("[data-upload-zone]")
    files = [
        {"name": "werkgroep-zonnedaken.txt", "type": "text/plain", "body": ZONNEDAKEN},
        {"name": "kopie.txt", "type": "text/plain", "body": ZONNEDAKEN},
    ]
    page.evaluate(DROP, [zone.element_handle(), files])
    page.locator(".kn-upload-card[data-status='ready']").wait_for()
    page.locator(".kn-upload-card[data-outcome='duplicate']").wait_for()
    page.locator(".kn-dropzone").scroll_into_view_if_needed()
    page.evaluate("() => window.scrollBy(0, 200)")


def login(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("load")


def shoot(
    browser: Browser,
    base: str,
    out: Path,
    pages: Iterable[tuple[str, str, bool]],
    login_as: tuple[str, str],
) -> list[Path]:
    """One PNG per page; anonymous pages in a context of their own, so no menu shows a name."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    # Dutch for the browser's own texts too (the file input's button).
    anonymous = browser.new_context(viewport=VIEWPORT, locale="nl-NL")
    member = browser.new_context(viewport=VIEWPORT, locale="nl-NL")
    try:
        login(member.new_page(), base, *login_as)
        for name, path, signed_in in pages:
            page = (member if signed_in else anonymous).new_page()
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            if name == "upload-dropzone":
                drop_files(page)
            target = out / f"{name}.png"
            page.screenshot(path=str(target))
            page.close()
            written.append(target)
    finally:
        anonymous.close()
        member.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kennisnet-screenshots-") as tmp:
        app = prepared_app(Path(tmp))
        with app.app_context():
            demo = load_demo()
            document_id = _first_public_document_id()
        pages = (*PAGES, ("document", f"/documenten/{document_id}", False))
        with serving(app) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            admin = (demo.admin_email, demo.admin_password)
            try:
                for path in shoot(browser, base, args.out, pages, admin):
                    print(path)
            finally:
                browser.close()


def _first_public_document_id() -> int:
    query = db.select(Document.id).where(Document.visibility == Visibility.PUBLIC)
    return int(db.session.scalar(query.order_by(Document.id)) or 1)


if __name__ == "__main__":
    main()
