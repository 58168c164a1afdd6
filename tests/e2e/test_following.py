"""Following a theme in the browser, then the digest arriving over SMTP, with axe on every
page visited and the unsubscribe link from the mail followed in the browser."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page, expect

from kennisnet.accounts.models import DigestFrequency, User
from kennisnet.core.extensions import db
from kennisnet.curation import categories
from tests.e2e.conftest import AXE_OPTIONS
from tests.factories import PASSWORD, make_document, make_user
from tests.mailserver import Inbox, smtp_server

pytestmark = pytest.mark.e2e

_axe = Axe()


@pytest.fixture
def inbox(live_app: Flask, live_server: str) -> Iterator[Inbox]:
    with smtp_server() as server:
        live_app.config.update(
            SMTP_URL=server.url, MAIL_FROM="Kennisnet <nieuws@example.org>", BASE_URL=live_server
        )
        yield server


def _axe_clean(page: Page, problems: list[str]) -> None:
    results = _axe.run(page, options=AXE_OPTIONS)
    problems += [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
    ]


def test_follow_a_theme_and_receive_the_digest(
    page: Page, live_app: Flask, live_server: str, inbox: Inbox
) -> None:
    with live_app.app_context():
        make_user(email="lezer@example.org", name="Lezer")
        owner = make_user(email="eigenaar@example.org", organisation="Buurtkracht Oost")
        theme, other = categories.themes_in_order()[:2]
        theme_slug, theme_name, other_slug = theme.slug, theme.name, other.slug
    problems: list[str] = []

    page.goto(f"{live_server}/inloggen")
    page.get_by_label("E-mailadres").fill("lezer@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("load")

    page.goto(f"{live_server}/thema/{theme_slug}")
    feed = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    assert feed.get_attribute("href") == f"/feeds/thema/{theme_slug}.atom"
    _axe_clean(page, problems)
    page.get_by_role("button", name="Dit thema volgen").click()
    page.wait_for_load_state("load")
    expect(page.locator(".kn-flashes")).to_contain_text(f"U volgt nu: Thema: {theme_name}")
    expect(page.get_by_role("button", name="Niet meer volgen")).to_be_visible()
    _axe_clean(page, problems)

    page.goto(f"{live_server}/account")
    page.get_by_label("Dagelijks").check()
    page.get_by_role("button", name="Overzicht opslaan").click()
    page.wait_for_load_state("load")
    expect(page.locator(".kn-flashes")).to_contain_text("e-mailoverzicht is opgeslagen")
    _axe_clean(page, problems)

    with live_app.app_context():
        owner = db.session.merge(owner)
        make_document(owner, "Nieuw.", title="Nieuw plan voor de buurttuin", themes=[theme_slug])
        make_document(
            owner,
            "Leden.",
            title="Ledenverslag buurttuin",
            themes=[theme_slug],
            visibility="members",
        )
        make_document(owner, "Ander.", title="Iets over een ander thema", themes=[other_slug])

    page.get_by_role("link", name="Nieuw voor u").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", name="Nieuw plan voor de buurttuin")).to_be_visible()
    expect(page.get_by_text("Iets over een ander thema")).to_have_count(0)
    _axe_clean(page, problems)

    # The new pages reflow at 320 px (WCAG 1.4.10), the long feed token included.
    page.goto(f"{live_server}/account")
    page.get_by_role("button", name="Feedsleutel maken").click()
    page.wait_for_load_state("load")
    _axe_clean(page, problems)
    page.set_viewport_size({"width": 320, "height": 640})
    for path in (f"/thema/{theme_slug}", "/nieuw", "/account"):
        page.goto(live_server + path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than 320 px"

    result = live_app.test_cli_runner().invoke(args=["digest"])
    assert result.exit_code == 0, result.output
    assert inbox.recipients == [["lezer@example.org"]]
    message = inbox.messages[0]
    assert message["Subject"] == "Kennisnet: 2 nieuwe documenten voor u"
    text = inbox.text(message)
    assert "Nieuw plan voor de buurttuin" in text and "Ledenverslag buurttuin" in text
    assert "Iets over een ander thema" not in text

    link = re.search(r"(http://\S+/afmelden/\S+)", text)
    assert link, text
    page.goto(link.group(1))
    expect(page.get_by_role("heading", name="Afmelden voor het e-mailoverzicht")).to_be_visible()
    _axe_clean(page, problems)
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", name="Afgemeld")).to_be_visible()
    _axe_clean(page, problems)
    with live_app.app_context():
        reader = db.session.scalar(db.select(User).where(User.email == "lezer@example.org"))
        assert reader is not None and reader.digest_frequency is DigestFrequency.NONE

    assert not problems, "\n".join(problems)
