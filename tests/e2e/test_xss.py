"""Markup and script in every field a member controls, rendered through every page, in Chromium.

The browser context bypasses the Content-Security-Policy on purpose: the CSP would block an
injected inline handler anyway, and these tests are about escaping, so they must see a payload
run if one gets through. A separate test shows that the CSP itself blocks inline script.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Dialog, Page, expect

from kennisnet.accounts.organisations import ensure_organisation
from kennisnet.accounts.permissions import SYSTEM
from kennisnet.curation import categories
from kennisnet.curation.models import Theme
from kennisnet.documents.metadata import Metadata
from kennisnet.documents.uploads import ingest_document
from tests.factories import PASSWORD, make_admin

pytestmark = pytest.mark.e2e

SCRIPT = "<script>window.__xss=1</script>"
IMG = '"><img src=x onerror=window.__xss=1>'
SVG = "<svg onload=window.__xss=1>"
JS_LINK = '<a href="javascript:window.__xss=1">klik</a>'
TEMPLATE = "{{7*7}}"
QUOTE = "'><svg/onload=window.__xss=1>"
TEXTAREA = "</textarea><script>window.__xss=1</script>"
ALL = " ".join((SCRIPT, IMG, SVG, JS_LINK, TEMPLATE, QUOTE, TEXTAREA))
WORD = "zonnebloemveld"

TITLE = f"Plan {SCRIPT} {IMG} {TEMPLATE}"
SUMMARY = f"Samenvatting {SVG} {JS_LINK} {QUOTE}"
THEME = f"Thema {IMG} {TEMPLATE}"
ORGANISATION = f"Coop {SCRIPT} {QUOTE}"
FILENAME = f"{IMG}.txt"
BODY = f"Over het {WORD} in de wijk. {ALL} Nog meer over het {WORD} {ALL}"

# Nothing a member typed may turn into elements or attributes that run script.
DANGEROUS_DOM = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) found.push(el.tagName + '[' + attr.name + ']');
      if (/^\\s*javascript:/i.test(attr.value)) found.push(el.tagName + '[' + attr.name + ']');
    }
  }
  for (const s of document.querySelectorAll('script:not([src])')) found.push('inline script');
  for (const i of document.querySelectorAll('img[src="x"], svg')) found.push(i.tagName);
  return found;
}"""


@dataclass
class Hostile:
    base: str
    doc_id: int
    theme_slug: str
    organisation_slug: str
    admin_email: str


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def hostile(live_app: Flask, live_server: str) -> Hostile:
    with live_app.app_context():
        admin = make_admin(email="beheer@example.org", name=f"Beheer {IMG}")
        theme = categories.create_category(
            Theme, THEME, f"Uitleg {SCRIPT} {TEMPLATE}", actor=SYSTEM
        )
        organisation = ensure_organisation(ORGANISATION, f"Wijk {IMG}")
        meta = Metadata(
            title=TITLE,
            summary=SUMMARY,
            type="overig",
            themes=(theme.slug,),
            visibility="public",
            organisation=organisation.slug,
            region=f"Regio {SVG}",
        )
        doc = ingest_document(io.BytesIO(BODY.encode()), FILENAME, meta, admin)
        # A second one, so similar documents and result lists have company.
        ingest_document(
            io.BytesIO(f"Ook over het {WORD} en de wijk. {ALL}".encode()),
            f"{SVG}.md",
            Metadata(title=f"Tweede {SVG}", type="overig", visibility="public"),
            admin,
        )
        return Hostile(live_server, doc.id, theme.slug, organisation.slug, admin.email)


class Watch:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def problems(self) -> list[str]:
        found = []
        if self.page.evaluate("() => typeof window.__xss") != "undefined":
            found.append("window.__xss was set")
        if self.dialogs:
            found.append(f"dialogs: {self.dialogs}")
        found.extend(self.page.evaluate(DANGEROUS_DOM))
        return found

    def visit(self, url: str) -> list[str]:
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        return [f"{url}: {p}" for p in self.problems()]


def _login(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("load")


def test_public_pages_render_payloads_as_text(page: Page, hostile: Hostile) -> None:
    base = hostile.base
    watch = Watch(page)
    problems = []
    for url in (
        f"{base}/",
        f"{base}/zoeken?q={WORD}",
        f"{base}/zoeken?q={WORD}&sort=newest",
        f"{base}/zoeken?theme={hostile.theme_slug}&organisation={hostile.organisation_slug}",
        f"{base}/themas",
        f"{base}/thema/{hostile.theme_slug}",
        f"{base}/thema/{hostile.theme_slug}?q={WORD}",
        f"{base}/documenten/{hostile.doc_id}",
        f"{base}/api/v1/search?q={WORD}",
    ):
        problems += watch.visit(url)
    assert not problems

    page.goto(f"{base}/documenten/{hostile.doc_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text(SUMMARY)).to_be_visible()
    expect(page.locator(".kn-meta")).to_contain_text(FILENAME)
    expect(page.locator(".kn-meta")).to_contain_text(ORGANISATION)
    expect(page.locator(".kn-meta")).to_contain_text(THEME)
    expect(page.locator(".kn-preview")).to_contain_text(SCRIPT)
    assert "49" not in page.locator("h1").inner_text()

    page.goto(f"{base}/zoeken?q={WORD}")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    snippet = page.locator(".kn-result__snippet").first
    expect(snippet).to_contain_text(WORD)
    expect(snippet.locator("mark").first).to_be_visible()
    assert not watch.problems()


QUERIES = (
    SCRIPT,
    IMG,
    SVG,
    QUOTE,
    TEMPLATE,
    JS_LINK,
    f"{WORD} {IMG}",
    '" autofocus onfocus="window.__xss=1',
)


def test_queries_are_echoed_as_text(page: Page, hostile: Hostile) -> None:
    watch = Watch(page)
    for query in QUERIES:
        page.goto(f"{hostile.base}/zoeken")
        page.get_by_label("Zoekwoorden").fill(query)
        page.get_by_label("Zoekwoorden").press("Enter")
        page.wait_for_load_state("load")
        assert not watch.problems(), query
        expect(page.get_by_label("Zoekwoorden")).to_have_value(query)
        expect(page.locator(".kn-results-summary")).to_contain_text(query)


def test_autocomplete_suggestions_stay_text(page: Page, hostile: Hostile) -> None:
    watch = Watch(page)
    page.goto(f"{hostile.base}/zoeken")
    box = page.get_by_label("Zoekwoorden")
    box.press_sequentially("Plan <scr", delay=20)
    page.wait_for_timeout(600)
    box.press_sequentially("ipt", delay=20)
    page.wait_for_timeout(600)
    assert not watch.problems()


def test_admin_and_form_pages_render_payloads_as_text(page: Page, hostile: Hostile) -> None:
    base = hostile.base
    watch = Watch(page)
    _login(page, base, hostile.admin_email)
    problems = []
    for url in (
        f"{base}/",
        f"{base}/beheer/",
        f"{base}/beheer/themas",
        f"{base}/beheer/themas/{hostile.theme_slug}",
        f"{base}/beheer/uitnodigingen",
        f"{base}/documenten/{hostile.doc_id}/bewerken",
        f"{base}/uploaden",
    ):
        problems += watch.visit(url)
    assert not problems

    # The edit form puts the payloads back into inputs and a textarea, still as text.
    page.goto(f"{base}/documenten/{hostile.doc_id}/bewerken")
    expect(page.get_by_label("Titel")).to_have_value(TITLE)

    # A new theme named with a payload: the flash message and the table show it as text.
    page.goto(f"{base}/beheer/themas")
    page.get_by_label("Naam").fill(f"Nieuw {TEXTAREA} {QUOTE}")
    page.get_by_label("Beschrijving").fill(TEXTAREA)
    page.get_by_role("button", name="Toevoegen").click()
    page.wait_for_load_state("load")
    expect(page.locator(".utrecht-alert").first).to_contain_text(TEXTAREA)
    assert not watch.problems()

    # Upload form errors name the file, whose name is a payload.
    page.goto(f"{base}/uploaden")
    page.get_by_label("Bestanden").set_input_files(
        files=[{"name": f"{IMG}.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\0\0"}]
    )
    page.get_by_label("Soort document").select_option("overig")
    page.get_by_role("button", name="Uploaden").click()
    page.wait_for_load_state("load")
    expect(page.locator(".kn-error-summary")).to_contain_text(f"{IMG}.exe")
    assert not watch.problems()


def test_login_errors_keep_payloads_as_text(page: Page, hostile: Hostile) -> None:
    watch = Watch(page)
    page.goto(f"{hostile.base}/inloggen")
    page.get_by_label("E-mailadres").fill(IMG)
    page.get_by_label("Wachtwoord").fill(SCRIPT)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("load")
    assert not watch.problems()
    expect(page.get_by_label("E-mailadres")).to_have_value(IMG)


@pytest.mark.broken_on_purpose
def test_the_check_catches_an_injection(page: Page, hostile: Hostile) -> None:
    """Canary: with the CSP bypassed, an injected handler runs and the check sees it."""
    watch = Watch(page)
    page.goto(f"{hostile.base}/")
    page.evaluate(
        "() => { document.body.insertAdjacentHTML('beforeend', "
        "'<img src=x onerror=window.__xss=1>'); }"
    )
    page.wait_for_function("() => window.__xss === 1")
    assert "window.__xss was set" in watch.problems()


def test_csp_blocks_inline_script(browser: Browser, hostile: Hostile) -> None:
    """Defence in depth: with the CSP in force, an injected inline script does not run."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{hostile.base}/")
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.__xss = 1'; document.body.appendChild(s);"
            " document.body.insertAdjacentHTML('beforeend',"
            " '<img src=x onerror=window.__xss=1>'); }"
        )
        page.wait_for_timeout(300)
        assert page.evaluate("() => typeof window.__xss") == "undefined"
    finally:
        context.close()
