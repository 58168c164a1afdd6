"""English: a complete catalogue, no Dutch left on English pages, and how the language is chosen.

The Dutch detector reads what a visitor sees (text, alt, title, aria-label, placeholder),
skips what is marked ``translate="no"`` (titles, snippets, document text, names) and removes
every text value stored in the database (user content and proper names: documents,
organisations, themes, types, people), then looks for common Dutch words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import get_translations, refresh
from sqlalchemy import String, Text, select

from kennisnet.accounts import users
from kennisnet.accounts.membership import request_to_join
from kennisnet.accounts.models import Organisation, Role
from kennisnet.core.extensions import db
from kennisnet.core.i18n import translate_stored
from kennisnet.curation import categories
from tests.conftest import IsolatedClient, csrf_token, make_app
from tests.factories import PASSWORD, make_admin, make_document, make_pdf, make_user

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
# The same keywords as `make messages`.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")

# Common Dutch function words and interface words that are not also English words
# ("is", "in", "of", "over", "door", "die" and "lid" are, so they are left out).
_DUTCH = """
    de het een en van voor niet naar bij uit met zijn wordt worden kan kunt u uw dit deze geen
    nog ook maar wel hier alleen er om te dat als tot wat wie wanneer waarom heeft hebt moet
    mag wilt alle iedereen eerst
    zoeken zoek opslaan uploaden inloggen uitloggen aanmelden bestand bestanden pagina
    pagina's thema thema's organisatie organisaties leden beheer beheerder redacteur redactie
    toevoegen verwijderen bewerken wijzigen terug volgende vorige wachtwoord zoekwoorden
    documenten soort jaar naam titel prullenbak nieuw nieuwe welkom gelukt fout annuleren
    samenvoegen opnieuw gevonden bekijk nieuwste onbekend geüpload toegevoegd gepubliceerd
    uitnodiging synoniemen logboek subsidieregelingen gesloten terugzetten verwijderd
"""
DUTCH_WORDS = frozenset(_DUTCH.split())
ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
SKIPPED_TAGS = {"script", "style"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    @property
    def skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skip = tag in SKIPPED_TAGS or values.get("translate") == "no"
        if not (skip or self.skipping):
            self.parts.extend(values[name] or "" for name in ATTRIBUTES if values.get(name))
            if tag == "input" and values.get("type") in {"submit", "button"}:
                self.parts.append(values.get("value") or "")
        if tag not in VOID_TAGS:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


def dutch_words(html: str, user_content: frozenset[str] = frozenset()) -> list[str]:
    """The Dutch words a visitor would read on the page, user content and names removed."""
    text = visible_text(html)
    for value in sorted(user_content, key=len, reverse=True):
        if value in text:  # whole words only: a stored "thema" must not hide "thema's"
            text = re.sub(rf"(?<![\w'’]){re.escape(value)}(?![\w'’])", " ", text)
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", text.lower())
    return sorted({word.replace("’", "'") for word in words} & DUTCH_WORDS)


def stored_texts() -> frozenset[str]:
    """Every text value in the database: what members and curators wrote, and names."""
    found: set[str] = set()
    for mapper in db.Model.registry.mappers:
        columns = [
            column
            for column in mapper.columns
            if isinstance(column.type, String | Text) and column.key != "extraction_error"
        ]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            found.update(value for value in row if isinstance(value, str) and len(value) >= 4)
    return frozenset(found)


# --- the catalogue --------------------------------------------------------------------------


def _catalogue() -> dict[str, Message]:
    with CATALOGUE.open("rb") as po_file:
        catalogue = read_po(po_file, locale="en")
    return {
        message.id if isinstance(message.id, str) else message.id[0]: message
        for message in catalogue
        if message.id
    }


def _source_ids() -> set[str]:
    with (ROOT / "babel.cfg").open() as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    return {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
        )
    }


def _untranslated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return message.fuzzy or not all(strings)


def test_every_message_in_the_source_has_an_english_translation() -> None:
    catalogue = _catalogue()
    source = _source_ids()
    assert len(source) > 400  # the extraction itself worked
    missing = sorted(source - catalogue.keys())
    untranslated = sorted(i for i in source & catalogue.keys() if _untranslated(catalogue[i]))
    assert not missing, f"not in translations/en (run `make messages`): {missing}"
    assert not untranslated, f"empty or fuzzy in translations/en: {untranslated}"


def test_translations_keep_their_placeholders() -> None:
    for msgid, message in _catalogue().items():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= wanted, msgid
        assert set(PLACEHOLDER.findall(strings[-1])) == wanted, msgid


# --- a world to crawl -----------------------------------------------------------------------


@dataclass
class World:
    app: Flask
    doc_id: int
    pdf_id: int
    theme_slug: str
    organisation_slug: str
    invitation: str
    emails: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from flask_migrate import upgrade

    app = make_app(tmp_path_factory.mktemp("english"), SERVER_NAME=None)
    with app.app_context():
        upgrade()
        categories.seed()
        member = make_user(
            email="lid@example.org", name="Anna de Vries", organisation="Buurtkracht Oost"
        )
        curator = make_user(email="redactie@example.org", name="Bert", role=Role.CURATOR)
        admin = make_admin(email="beheer@example.org", name="Carla")
        theme = categories.themes_in_order()[0]
        doc = make_document(
            member,
            "Het buurthuis is elke dag open. Vrijwilligers schenken koffie voor de buurt.",
            title="Activiteiten in het buurthuis",
            summary="Wat het buurthuis doet en wie er helpt.",
            themes=[theme.slug],
            visibility="members",
        )
        pdf = make_document(
            member,
            content=make_pdf("Een plan voor zonnepanelen op het dak van de buurtkamer."),
            filename="plan.pdf",
            title="Plan voor zonnepanelen",
            themes=[theme.slug],
        )
        request_to_join(
            "nieuw@example.org", "Dirk", "Wijkcoöperatie Noord", "Ik wil graag meedoen."
        )
        _inv, token = users.create_invitation("gast@example.org", invited_by=admin, days=1)
        organisation = db.session.scalars(select(Organisation)).first()
        assert organisation is not None
        yield World(
            app,
            doc.id,
            pdf.id,
            theme.slug,
            organisation.slug,
            token,
            {"member": member.email, "curator": curator.email, "admin": admin.email},
        )
        db.session.remove()
        db.engine.dispose()


def _client(world: World, role: str) -> FlaskClient:
    world.app.test_client_class = IsolatedClient
    client = world.app.test_client()
    if role != "anonymous":
        token = csrf_token(client.get("/inloggen").get_data(as_text=True))
        response = client.post(
            "/inloggen?lang=en",  # the welcome flash is made in the language of the request
            data={"email": world.emails[role], "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302, role
    return client


def _pages(world: World, role: str) -> list[str]:
    pages = [
        "/",
        "/zoeken?q=buurthuis",
        "/zoeken?q=zonnepanelen",
        "/zoeken?q=qqqxyz",
        "/themas",
        f"/thema/{world.theme_slug}",
        f"/documenten/{world.pdf_id}",
        f"/documenten/{world.pdf_id}/paginas/1",
        "/organisaties",
        f"/organisaties/{world.organisation_slug}",
        "/subsidies",
        "/soort/overig",
        "/bestaat-niet",
    ]
    if role == "anonymous":
        return [*pages, "/inloggen", "/aanmelden", f"/uitnodiging/{world.invitation}"]
    pages += [
        f"/documenten/{world.doc_id}",
        f"/documenten/{world.doc_id}/bewerken",
        "/uploaden",
        "/account",
        "/prullenbak",
        "/nieuw",
    ]
    if role in {"curator", "admin"}:
        pages += [
            "/beheer/",
            "/beheer/themas",
            "/beheer/soorten",
            f"/beheer/themas/{world.theme_slug}",
            "/beheer/soorten/overig",
            "/beheer/moderatie",
            "/beheer/synoniemen",
            "/beheer/zoekinzichten",
        ]
    if role == "admin":
        pages += [
            "/beheer/leden",
            "/beheer/uitnodigingen",
            "/beheer/organisaties",
            f"/beheer/organisaties/{world.organisation_slug}",
            "/beheer/logboek",
        ]
    return pages


@pytest.mark.parametrize("role", ["anonymous", "member", "curator", "admin"])
def test_english_pages_have_no_dutch_left(world: World, role: str) -> None:
    client = _client(world, role)
    with world.app.app_context():
        user_content = stored_texts()
    dutch: dict[str, list[str]] = {}
    for url in _pages(world, role):
        separator = "&" if "?" in url else "?"
        response = client.get(f"{url}{separator}lang=en")
        assert response.status_code in {200, 404}, (url, response.status_code)
        assert response.mimetype == "text/html", url
        html = response.get_data(as_text=True)
        assert '<html lang="en">' in html, url
        if words := dutch_words(html, user_content):
            dutch[url] = words
    assert not dutch, f"Dutch on English pages ({role}): {dutch}"


def test_the_detector_finds_dutch(world: World) -> None:
    assert dutch_words("<p>Zoeken in de kennis van het netwerk</p>") == [
        "de",
        "het",
        "van",
        "zoeken",
    ]
    assert dutch_words('<p translate="no">Zoeken in de kennis</p><p>Search</p>') == []
    assert dutch_words('<img alt="Voorbeeld van de pagina">') == ["de", "pagina", "van"]
    assert dutch_words("<h1>Plan voor de wijk</h1>", frozenset({"Plan voor de wijk"})) == []


def test_the_detector_catches_a_missing_translation(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _client(world, "anonymous")
    with world.app.test_request_context("/?lang=en"):
        catalog = get_translations()._catalog  # type: ignore[attr-defined]
    # As if the footer's text had never been translated.
    footer = "documenten en kennis van en voor buurtcoöperaties."
    assert footer in catalog
    monkeypatch.delitem(catalog, footer)
    html = client.get("/?lang=en").get_data(as_text=True)
    assert {"documenten", "en", "van", "voor"} <= set(dutch_words(html))


# --- choosing the language ------------------------------------------------------------------


def test_dutch_is_the_default(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert ">Zoeken<" in html
    assert 'hreflang="en" lang="en"' in html  # the switch offers English


def test_lang_parameter_renders_english_and_sets_the_cookie(client: FlaskClient) -> None:
    response = client.get("/?lang=en")
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert ">Search<" in html
    assert 'hreflang="nl" lang="nl"' in html and ">Nederlands<" in html
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=en;")
    assert "SameSite=Lax" in cookie and "Max-Age=31536000" in cookie
    assert {"Accept-Language", "Cookie"} <= set(response.vary)
    # The cookie carries the choice to the next page.
    assert '<html lang="en">' in client.get("/themas").get_data(as_text=True)
    client.get("/?lang=nl")
    assert '<html lang="nl">' in client.get("/themas").get_data(as_text=True)


def test_unsupported_lang_is_ignored(client: FlaskClient) -> None:
    response = client.get("/?lang=de")
    assert '<html lang="nl">' in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]
    response = client.get("/?lang=xx", headers={"Accept-Language": "en"})
    assert '<html lang="en">' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("en-US,en;q=0.9,nl;q=0.8", "en"),
        ("nl,en;q=0.9", "nl"),
        ("de,en;q=0.5", "en"),
        ("en;q=0.5,nl;q=0.5", "nl"),  # a tie stays Dutch
        ("nl;q=0.4,en;q=0.8", "en"),
        ("*", "nl"),
        ("de,fr", "nl"),
        ("en;q=0", "nl"),
        ("", "nl"),
    ],
)
def test_accept_language_negotiation(client: FlaskClient, header: str, lang: str) -> None:
    html = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html


def test_precedence_parameter_then_cookie_then_header(client: FlaskClient) -> None:
    english = {"Accept-Language": "en"}
    client.set_cookie("lang", "nl", domain="kennisnet.test")
    assert '<html lang="nl">' in client.get("/", headers=english).get_data(as_text=True)
    assert '<html lang="en">' in client.get("/?lang=en", headers=english).get_data(as_text=True)
    # ?lang=en set the cookie: it now beats a Dutch browser
    dutch = {"Accept-Language": "nl"}
    assert '<html lang="en">' in client.get("/", headers=dutch).get_data(as_text=True)
    html = client.get("/?lang=nl", headers=english).get_data(as_text=True)
    assert '<html lang="nl">' in html
    client.set_cookie(
        "lang", "klingon", domain="kennisnet.test"
    )  # a bad cookie is ignored, the header decides
    assert '<html lang="en">' in client.get("/", headers=english).get_data(as_text=True)


def test_switch_keeps_the_page_and_its_query(client: FlaskClient) -> None:
    html = client.get("/zoeken?q=buurthuis&lang=en").get_data(as_text=True)
    assert 'href="/zoeken?q=buurthuis&amp;lang=nl"' in html


def test_api_errors_follow_the_language(client: FlaskClient) -> None:
    english = client.get("/api/v1/documents/999999", headers={"Accept-Language": "en"})
    assert english.status_code == 404
    assert english.json["error"]["message"] == (
        "This document does not exist or you do not have access to it."
    )
    dutch = client.get("/api/v1/documents/999999")
    assert dutch.json["error"]["message"] == ("Dit document bestaat niet of u heeft geen toegang.")
    refused = client.get("/api/v1/search?page=abc&lang=en")
    assert refused.status_code == 400
    assert refused.json["error"]["message"] == "'page' must be a whole number."


def test_flash_from_login_required_is_english(client: FlaskClient) -> None:
    response = client.get("/uploaden?lang=en", follow_redirects=True)
    assert "Please log in to view this page." in response.get_data(as_text=True)


def test_stored_extraction_messages_are_translated(app: Flask) -> None:
    with app.test_request_context("/?lang=en"):
        assert translate_stored(
            "Dit PDF-bestand is beschadigd of onvolledig; de tekst kan niet worden gelezen."
        ) == ("This PDF file is damaged or incomplete; its text cannot be read.")
        assert translate_stored("Alleen de eerste 50 van de 120 pagina's zijn gelezen.") == (
            "Only the first 50 of the 120 pages have been read."
        )
        assert (
            translate_stored("Pagina 7 is niet met tekstherkenning gelezen (maximaal 1 pagina).")
            == "Page 7 was not read with text recognition (at most 1 page)."
        )
        assert translate_stored("Iets wat een lid schreef.") == "Iets wat een lid schreef."
    refresh()  # the app fixture's context would keep the English locale
    with app.test_request_context("/"):
        assert translate_stored("Het bestand is leeg.") == "Het bestand is leeg."


def test_form_errors_are_english(world: World) -> None:
    client = _client(world, "anonymous")
    token = csrf_token(client.get("/inloggen?lang=en").get_data(as_text=True))
    response = client.post("/inloggen?lang=en", data={"csrf_token": token, "email": "x"})
    html = response.get_data(as_text=True)
    assert "This field is required." in html
    with world.app.app_context():
        assert dutch_words(html, stored_texts()) == []
    member = _client(world, "member")
    token = csrf_token(member.get("/uploaden").get_data(as_text=True))
    html = member.post("/uploaden", data={"csrf_token": token, "title": "x" * 400}).get_data(
        as_text=True
    )
    assert "Choose at least one file." in html
    with world.app.app_context():
        assert dutch_words(html, stored_texts()) == []
