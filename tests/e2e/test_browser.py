"""End to end in a real browser: log in, upload a PDF, find it by a word from its body."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.conftest import CORPUS
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.e2e


def test_login_upload_pdf_and_find_it(page: Page, live_app: Flask, live_server: str) -> None:
    pdf = CORPUS / "pdf" / "nl-burgerpeiling-verbondenheid-door-burenhulp.pdf"
    if not pdf.exists():
        pytest.skip("../shared/corpus is missing: clone the repo beside shared/")
    with live_app.app_context():
        make_user(email="browser@example.org", name="Bram")

    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Inloggen").click()
    page.get_by_label("E-mailadres").fill("browser@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Welkom, Bram.")).to_be_visible()

    page.get_by_role("link", name="Uploaden").click()
    page.get_by_label("Bestanden").set_input_files(str(Path(pdf)))
    page.get_by_label("Titel").fill("Burenhulp en verbondenheid")
    page.get_by_label("Soort document").select_option("overig")
    page.get_by_label("Buurtnetwerken").check()
    page.get_by_label("Iedereen (openbaar)").check()
    page.get_by_role("button", name="Uploaden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Burenhulp en verbondenheid")
    expect(page.locator(".kn-badge--ready")).to_have_text("Status: Klaar")

    page.get_by_role("link", name="Zoeken").first.click()
    page.get_by_label("Zoekwoorden").fill("burenhulp")
    page.get_by_role("button", name="Zoeken").click()
    result = page.get_by_role("link", name="Burenhulp en verbondenheid")
    expect(result).to_be_visible()
    expect(page.locator(".kn-result__snippet mark").first).to_be_visible()
    result.click()
    expect(page.get_by_role("link", name="Download het bestand")).to_be_visible()
