"""The upload page in Chromium: the drop zone, the status poll, keyboard-only use and the
type-specific fields, with and without JavaScript. One server for the module."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Route, expect

from kennisnet.documents import fields
from tests.e2e.conftest import prepared_app, serving
from tests.factories import PASSWORD, make_document, make_user

pytestmark = pytest.mark.e2e

EXISTING_TEXT = "Notulen van de algemene ledenvergadering over de buurtmoestuin."

# A DataTransfer built in the page, as a drag from the file manager would bring it.
DROP = """([zone, files]) => {
  const transfer = new DataTransfer();
  for (const f of files) transfer.items.add(new File([f.body], f.name, {type: f.type}));
  for (const type of ['dragenter', 'dragover', 'drop']) {
    zone.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true,
                                            cancelable: true}));
  }
}"""

# Whether the focused element shows a focus ring that can be seen.
FOCUS_RING = """() => {
  const s = getComputedStyle(document.activeElement);
  return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
}"""


@dataclass
class Upload:
    app: Flask
    base: str
    existing_id: int


@pytest.fixture(scope="module")
def upload_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upload]:
    app = prepared_app(tmp_path_factory.mktemp("upload"))
    with app.app_context():
        fields.seed_fields()
        member = make_user(email="lid@example.org", name="Lotte")
        existing = make_document(member, EXISTING_TEXT, title="Notulen ledenvergadering")
        existing_id = existing.id
    with serving(app) as base:
        yield Upload(app, base, existing_id)


def _login(page: Page, site: Upload) -> None:
    page.goto(f"{site.base}/inloggen")
    page.get_by_label("E-mailadres").fill("lid@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Welkom, Lotte.")).to_be_visible()


def _pretend_still_processing(route: Route) -> None:
    """The test queue processes at once; say "processing" so the card has to poll."""
    response = route.fetch()
    if response.status != 201:
        route.fulfill(response=response)
        return
    body = {**response.json(), "status": "processing", "label": "Wordt verwerkt"}
    route.fulfill(response=response, body=json.dumps(body))


def test_drop_three_files_shows_each_outcome(page: Page, upload_site: Upload) -> None:
    _login(page, upload_site)
    page.goto(f"{upload_site.base}/uploaden")
    page.get_by_label("Soort document").select_option("overig")
    page.get_by_label("Iedereen (openbaar)").check()
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if r.url.endswith("/status") else None)
    page.route("**/uploaden", _pretend_still_processing)

    zone = page.locator("[data-upload-zone]")
    expect(zone).to_be_visible()
    files = [
        {"name": "moestuin-plan.txt", "type": "text/plain", "body": "Plan voor de moestuin."},
        {"name": "setup.exe", "type": "application/octet-stream", "body": "MZ\x90\x00binary"},
        {"name": "kopie-notulen.txt", "type": "text/plain", "body": EXISTING_TEXT},
    ]
    page.evaluate(DROP, [zone.element_handle(), files])

    cards = page.locator(".kn-upload-card")
    expect(cards).to_have_count(3)
    stored, refused, duplicate = cards.nth(0), cards.nth(1), cards.nth(2)
    expect(stored).to_have_attribute("data-outcome", "stored")
    expect(stored.get_by_role("link", name="Moestuin plan")).to_be_visible()
    # Reported as processing by the upload, it follows the status poll until ready.
    expect(stored).to_have_attribute("data-status", "ready", timeout=10_000)
    expect(stored.locator(".kn-upload-card__status")).to_have_text("Status: Klaar")
    assert any(url.endswith("/status") for url in polls)
    # A final state stops the polling (the next poll would come within 1.5 s).
    asked = len(polls)
    page.wait_for_timeout(2500)
    assert len(polls) == asked

    expect(refused).to_have_attribute("data-outcome", "refused")
    expect(refused).to_contain_text("Geweigerd: ")
    expect(refused).to_contain_text("niet verwerken")

    expect(duplicate).to_have_attribute("data-outcome", "duplicate")
    expect(duplicate).to_contain_text("dubbel")
    link = duplicate.get_by_role("link", name="Bekijk het bestaande document")
    expect(link).to_have_attribute("href", f"/documenten/{upload_site.existing_id}")

    for bar in cards.locator("progress").all():
        expect(bar).to_have_attribute("value", "100")
    # The cards reflow at 320 px, long refusal texts included.
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 321
    announced = page.locator("[data-upload-announce]")
    expect(announced).to_contain_text("Moestuin plan: Klaar")
    expect(announced).to_contain_text("setup.exe")
    expect(announced).to_contain_text("dubbel")


def test_keyboard_only_upload_and_search(page: Page, upload_site: Upload) -> None:
    # Playwright turns on file-chooser interception without waiting for it; switched on this
    # early, the Enter below cannot beat it and open a real (headless, never answered) dialog.
    page.on("filechooser", lambda _chooser: None)
    _login(page, upload_site)
    page.goto(f"{upload_site.base}/")

    def tab_to(selector: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement.matches(s)", selector):
                assert page.evaluate(FOCUS_RING), f"no visible focus on {selector}"
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("nav a[href='/uploaden']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/uploaden")
    # The plain file input stays in the tab order.
    tab_to("input[type='file'][name='files']")
    tab_to("#title")
    page.keyboard.type("Sleutelbeheer buurthuis")
    tab_to("#type")
    tab_to("[data-upload-choose]")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files(
        files=[
            {
                "name": "sleutels.txt",
                "mimeType": "text/plain",
                "buffer": b"Wie heeft de sleutels van het buurthuis? Een sleutellijst.",
            }
        ]
    )
    card = page.locator(".kn-upload-card")
    expect(card).to_have_attribute("data-status", "ready")
    expect(card.get_by_role("link", name="Sleutelbeheer buurthuis")).to_be_visible()

    tab_to("nav a[href='/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{upload_site.base}/")
    tab_to("input[type='search']")
    page.keyboard.type("sleutellijst")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=sleutellijst")
    tab_to(".kn-result__title a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sleutelbeheer buurthuis")


def _type_groups(page: Page) -> dict[str, bool]:
    """Each type's group of fields: whether it is hidden (the attribute, not only the look)."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('fieldset[data-type]')]
             .map(f => [f.dataset.type, f.hidden && getComputedStyle(f).display === 'none']))"""
    )


def test_type_fields_follow_the_chosen_type(page: Page, upload_site: Upload) -> None:
    _login(page, upload_site)
    page.goto(f"{upload_site.base}/uploaden")
    page.get_by_label("Soort document").select_option("projectplan")
    groups = _type_groups(page)
    assert len(groups) >= 2
    assert groups == {slug: slug != "projectplan" for slug in groups}
    expect(page.get_by_label("Begroting (euro)")).to_be_visible()
    page.get_by_label("Soort document").select_option("statuten")
    assert _type_groups(page) == {slug: slug != "statuten" for slug in groups}
    expect(page.get_by_label("Jaar vastgesteld")).to_be_visible()
    expect(page.get_by_label("Begroting (euro)")).to_be_hidden()

    # The edit page too: only the document's own type shows, and the chosen value is kept.
    page.goto(f"{upload_site.base}/documenten/{upload_site.existing_id}/bewerken")
    page.get_by_label("Soort document").select_option("projectplan")
    page.get_by_label("Begroting (euro)").fill("1250")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De wijzigingen zijn opgeslagen.")).to_be_visible()
    page.goto(f"{upload_site.base}/documenten/{upload_site.existing_id}/bewerken")
    assert _type_groups(page) == {slug: slug != "projectplan" for slug in groups}
    expect(page.get_by_label("Begroting (euro)")).to_have_value("1250")


def test_without_javascript_the_plain_form_works(browser: Browser, upload_site: Upload) -> None:
    context = browser.new_context(java_script_enabled=False, locale="nl-NL")
    page = context.new_page()
    try:
        _login(page, upload_site)
        page.goto(f"{upload_site.base}/uploaden")
        expect(page.locator("[data-upload-zone]")).to_be_hidden()
        # page.evaluate runs even with the page's own scripts off.
        groups = _type_groups(page)
        assert groups and not any(groups.values()), "without JS every type's fields show"
        page.get_by_label("Bestanden").set_input_files(
            files=[{"name": "zonder-js.txt", "mimeType": "text/plain", "buffer": b"Zonder JS."}]
        )
        page.get_by_label("Titel").fill("Zonder script")
        page.get_by_label("Soort document").select_option("overig")
        page.get_by_role("button", name="Uploaden").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Zonder script")
    finally:
        context.close()
