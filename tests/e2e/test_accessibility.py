"""WCAG 2.1 A/AA with axe-core (bundled by axe-playwright-python, no download), reflow at
320 px and the skip link, on the pages people use most."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page

from kennisnet.accounts import users
from kennisnet.curation import categories, insights
from kennisnet.documents import fields
from tests.e2e.conftest import axe_violations
from tests.factories import PASSWORD, make_admin, make_document, make_user

pytestmark = pytest.mark.e2e


@dataclass
class Site:
    base: str
    doc_id: int
    theme_slug: str
    invitation: str
    admin_email: str

    def anonymous_pages(self) -> dict[str, str]:
        return {
            "home": "/",
            "search with results and facets": "/zoeken?q=buurthuis",
            "theme": f"/thema/{self.theme_slug}",
            "document": f"/documenten/{self.doc_id}",
            "login": "/inloggen",
            "invitation": f"/uitnodiging/{self.invitation}",
            "not found": "/bestaat-niet",
            "themes": "/themas",
            "organisations": "/organisaties",
            "organisation": "/organisaties/buurtkracht-oost",
            "subsidies": "/subsidies",
            "join": "/aanmelden",
        }

    def admin_pages(self) -> dict[str, str]:
        return {
            "admin themes": "/beheer/themas",
            "upload": "/uploaden",
            "search insights": "/beheer/zoekinzichten",
            "account settings": "/account",
            "edit document": f"/documenten/{self.doc_id}/bewerken",
            "trash": "/prullenbak",
            "search signed in": "/zoeken?q=buurthuis",
            "admin": "/beheer/",
            "admin types": "/beheer/soorten",
            "admin members": "/beheer/leden",
            "admin invitations": "/beheer/uitnodigingen",
            "admin moderation": "/beheer/moderatie",
            "admin organisations": "/beheer/organisaties",
            "admin synonyms": "/beheer/synoniemen",
            "admin log": "/beheer/logboek",
            "admin edit type": "/beheer/soorten/projectplan",
            "admin edit organisation": "/beheer/organisaties/buurtkracht-oost",
        }


@pytest.fixture
def site(live_app: Flask, live_server: str) -> Site:
    with live_app.app_context():
        fields.seed_fields()  # the upload and edit pages then show type-specific fields
        admin = make_admin(email="beheer@example.org", name="Beheerder")
        member = make_user(email="lid@example.org", organisation="Buurtkracht Oost")
        themes = categories.themes_in_order()
        for n, theme in enumerate(themes[:3]):
            make_document(
                member,
                f"Het buurthuis organiseert activiteit {n} voor bewoners van de wijk. "
                "Vrijwilligers helpen met de koffie en het buurthuis is elke dag open.",
                title=f"Activiteiten in het buurthuis deel {n}",
                summary="Wat het buurthuis doet en wie er helpt.",
                themes=[theme.slug],
                year=2020 + n,
            )
        doc = make_document(
            member,
            "Een verslag over het buurthuis.\n\nMet alinea's en een tweede regel.",
            title="Verslag buurthuis",
            themes=[themes[0].slug],
        )
        # Searches for the insights page: one with results, one without, one opened.
        insights.log_search("buurthuis", 4)
        insights.log_search("regenton", 0)
        insights.mark_opened(insights.log_search("Buurthuis", 4))
        _inv, token = users.create_invitation("nieuw@example.org", invited_by=admin, days=1)
        return Site(live_server, doc.id, themes[0].slug, token, admin.email)


def _login(page: Page, site: Site) -> None:
    page.goto(f"{site.base}/inloggen")
    page.get_by_label("E-mailadres").fill(site.admin_email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("load")


_violations = axe_violations


def _check(page: Page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("load")
    return [f"{url}: {v}" for v in _violations(page)]


def _horizontal_overflow(page: Page) -> int:
    return int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))


def test_anonymous_pages_have_no_wcag_violations(page: Page, site: Site) -> None:
    problems = []
    for url in site.anonymous_pages().values():
        problems += _check(page, site.base + url)
    # Forms in their error state, too.
    page.goto(f"{site.base}/inloggen")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("load")
    problems += [f"login with errors: {v}" for v in _violations(page)]
    page.goto(f"{site.base}/uitnodiging/{site.invitation}")
    page.get_by_role("button", name="Account maken").click()
    page.wait_for_load_state("load")
    problems += [f"invitation with errors: {v}" for v in _violations(page)]
    assert not problems, "\n".join(problems)


def test_signed_in_pages_have_no_wcag_violations(page: Page, site: Site) -> None:
    _login(page, site)
    problems = []
    for url in site.admin_pages().values():
        problems += _check(page, site.base + url)
    page.goto(f"{site.base}/uploaden")
    page.get_by_role("button", name="Uploaden").click()
    page.wait_for_load_state("load")
    assert page.locator(".kn-error-summary").is_visible()
    problems += [f"upload with errors: {v}" for v in _violations(page)]
    page.goto(f"{site.base}/beheer/themas")
    page.get_by_role("button", name="Toevoegen").click()
    page.wait_for_load_state("load")
    problems += [f"admin themes with errors: {v}" for v in _violations(page)]
    assert not problems, "\n".join(problems)


def test_search_insights_charts_keep_the_csp(page: Page, site: Site) -> None:
    """The charts are inline SVG: no inline script or style may be needed (or blocked)."""
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content" in msg.text else None)
    _login(page, site)
    page.goto(f"{site.base}/beheer/zoekinzichten?dagen=7")
    page.wait_for_load_state("load")
    assert page.locator("svg[role=img]").count() == 3
    # The chart stylesheet applied: the bars have the theme's colour, not SVG's default black.
    fill = page.evaluate(
        "() => getComputedStyle(document.querySelector('#grafiek-thema rect.rect')).fill"
    )
    assert fill == "rgb(13, 107, 88)", fill
    page.get_by_text("Als tabel: Documenten per thema").click()
    assert page.get_by_role("table", name="Documenten per thema").is_visible()
    problems = [f"insights with a table open: {v}" for v in _violations(page)]
    assert not problems, "\n".join(problems)
    assert not [v for v in violations if "Content Security Policy" in v], violations


def test_axe_finds_violations_on_a_broken_page(page: Page) -> None:
    """Canary: the check above can fail."""
    page.set_content(
        "<html><body><img src='x.png'><input type='text'>"
        "<a href='#'></a><p style='color:#ccc;background:#fff'>grijs</p></body></html>"
    )
    found = " ".join(_violations(page))
    for rule in ("image-alt", "label", "html-has-lang", "link-name", "color-contrast"):
        assert rule in found, found


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "admin"])
def test_no_horizontal_scroll_at_320_px(page: Page, site: Site, signed_in: bool) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    if signed_in:
        _login(page, site)
    pages = site.admin_pages() if signed_in else site.anonymous_pages()
    wide = {}
    for name, url in pages.items():
        page.goto(site.base + url)
        page.wait_for_load_state("load")
        overflow = _horizontal_overflow(page)
        if overflow > 0:
            wide[name] = overflow
    known = {name: reason for name, reason in KNOWN_WIDE.items() if name in pages}
    if known and set(wide) == set(known):
        pytest.xfail("; ".join(known.values()))
    assert not wide, f"pages wider than 320 px (by px): {wide}"
    assert not known, f"fixed: remove {sorted(known)} from KNOWN_WIDE"


# Reported to the owners of the page, with the fix; strict, so a fix makes the test say so.
KNOWN_WIDE: dict[str, str] = {}


def test_reflow_check_can_fail(page: Page) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.set_content("<html lang='nl'><body><pre>" + "x" * 200 + "</pre></body></html>")
    assert _horizontal_overflow(page) > 0


@pytest.mark.parametrize("path", ["/", "/inloggen", "/zoeken?q=buurthuis"])
def test_skip_link_is_first_and_leads_into_main(page: Page, site: Site, path: str) -> None:
    page.goto(site.base + path)
    page.keyboard.press("Tab")
    focused: dict[str, Any] = page.evaluate(
        "() => ({text: document.activeElement.textContent.trim(),"
        " href: document.activeElement.getAttribute('href'),"
        " visible: document.activeElement.getBoundingClientRect().height > 0})"
    )
    assert focused == {"text": "Naar de inhoud", "href": "#inhoud", "visible": True}
    page.keyboard.press("Enter")
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('main')")


def test_skip_link_puts_focus_on_main(page: Page, site: Site) -> None:
    page.goto(site.base + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "inhoud"
