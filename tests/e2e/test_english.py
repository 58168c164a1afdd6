"""The language switch in a real browser: English is chosen, remembered and given back."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from kennisnet.curation import categories
from tests.factories import PASSWORD, make_document, make_user

pytestmark = pytest.mark.e2e

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
_axe = Axe()


def _violations(page: Page) -> list[str]:
    results = _axe.run(page, options=AXE_OPTIONS)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in results.response["violations"]
    ]


@pytest.fixture
def member_email(live_app: Flask) -> str:
    with live_app.app_context():
        member = make_user(email="lid@example.org", name="Anna", organisation="Buurtkracht Oost")
        theme = categories.themes_in_order()[0]
        make_document(
            member,
            "Het buurthuis is elke dag open; vrijwilligers schenken koffie.",
            title="Activiteiten in het buurthuis",
            themes=[theme.slug],
        )
        return member.email


def test_language_switch_is_remembered_and_reversible(
    page: Page, live_server: str, member_email: str
) -> None:
    problems: list[str] = []
    page.goto(f"{live_server}/")  # a Dutch browser (tests/e2e/conftest.py)
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    switch = page.get_by_role("link", name="English")
    expect(switch).to_have_attribute("lang", "en")
    switch.click()
    page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search the knowledge of the network")
    problems += _violations(page)

    # Another page, reached by a plain link without ?lang=: the cookie keeps English.
    page.get_by_role("link", name="Themes", exact=True).click()
    page.wait_for_load_state("load")
    assert "lang=" not in page.url
    expect(page.locator("html")).to_have_attribute("lang", "en")
    problems += _violations(page)

    page.goto(f"{live_server}/zoeken?q=buurthuis")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("status").first).to_contain_text("1 document found")
    problems += _violations(page)

    # Signed in, the forms and the menu are English too.
    page.get_by_role("link", name="Log in", exact=True).click()
    page.get_by_label("E-mail address").fill(member_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Upload", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a document")
    problems += _violations(page)

    # And back to Dutch, which is remembered as well.
    back = page.get_by_role("link", name="Nederlands")
    expect(back).to_have_attribute("lang", "nl")
    back.click()
    page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Document uploaden")
    page.get_by_role("link", name="Thema's", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    problems += _violations(page)
    assert not problems, "\n".join(problems)


def test_an_english_browser_gets_english_until_it_switches(
    browser: Browser, live_server: str
) -> None:
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{live_server}/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.get_by_role("link", name="Nederlands").click()
        page.wait_for_load_state("load")
        page.goto(f"{live_server}/themas")
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        assert not _violations(page)
    finally:
        context.close()
