"""Atom feeds: valid Atom, public unless a personal token is given, announced by each page.

Validation parses each feed with lxml and checks the Atom 1.0 structure a reader relies on
(RFC 4287: feed id, title, updated, author; entry id, title, updated, link). feedparser is not
a dependency; lxml comes with feedgen.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

from kennisnet.accounts import users
from kennisnet.accounts.models import User
from kennisnet.core.extensions import db
from kennisnet.curation import categories
from tests.conftest import AuthActions, csrf_token
from tests.factories import make_document, make_user

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC_TITLE = "Openbaar zonnepanelenplan"
SECRET_TITLE = "Geheim zonnepanelenverslag roerdomp"


def parse_atom(body: bytes) -> etree._Element:
    """Parse and check the Atom structure; returns the root."""
    root = etree.fromstring(body)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        element = root.find(f"{ATOM}{name}")
        assert element is not None and (element.text or "").strip(), name
    datetime.fromisoformat(root.findtext(f"{ATOM}updated"))
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("href", "").startswith("http")
    return root


def titles(body: bytes) -> list[str]:
    return [e.findtext(f"{ATOM}title") for e in parse_atom(body).findall(f"{ATOM}entry")]


@pytest.fixture
def world(app: Flask) -> dict[str, object]:
    owner = make_user(email="eigenaar@example.org", organisation="Buurtkracht Oost")
    reader = make_user(email="lezer@example.org")
    theme = categories.themes_in_order()[0]
    for title, visibility in ((PUBLIC_TITLE, "public"), (SECRET_TITLE, "members")):
        make_document(
            owner,
            f"{title}: zonnepanelen op het buurthuis.",
            title=title,
            themes=[theme.slug],
            type="projectplan",
            visibility=visibility,
        )
    return {"theme": theme.slug, "reader": reader}


FEEDS = {
    "theme": lambda w: f"/feeds/thema/{w['theme']}.atom",
    "organisation": lambda w: "/feeds/organisatie/buurtkracht-oost.atom",
    "type": lambda w: "/feeds/type/projectplan.atom",
    "search": lambda w: "/feeds/zoeken.atom?q=zonnepanelen",
}


@pytest.mark.parametrize("kind", FEEDS)
def test_each_feed_is_valid_atom_with_public_documents_only(
    client: FlaskClient, world: dict[str, object], kind: str
) -> None:
    response = client.get(FEEDS[kind](world))
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    assert titles(response.data) == [PUBLIC_TITLE]
    assert SECRET_TITLE.encode() not in response.data


@pytest.mark.parametrize("kind", FEEDS)
def test_a_personal_token_adds_what_its_member_may_see(
    client: FlaskClient, world: dict[str, object], kind: str
) -> None:
    token = users.reset_feed_token(world["reader"])  # type: ignore[arg-type]
    url = FEEDS[kind](world)
    response = client.get(url + ("&" if "?" in url else "?") + f"token={token}")
    assert response.status_code == 200
    assert sorted(titles(response.data)) == sorted([PUBLIC_TITLE, SECRET_TITLE])
    assert response.headers["Cache-Control"] == "private, no-store"
    assert token not in response.get_data(as_text=True)  # ids and links stay token-free


def test_a_feed_for_a_members_only_search_word_is_empty_for_anonymous(
    client: FlaskClient, world: dict[str, object]
) -> None:
    body = client.get("/feeds/zoeken.atom?q=roerdomp").data
    assert titles(body) == []
    assert b"roerdomp" in body  # the query itself is in the title; no document is


@pytest.mark.parametrize("token", ["onzin", "", "x" * 100])
def test_a_wrong_token_is_refused_with_a_clear_message(
    client: FlaskClient, world: dict[str, object], token: str
) -> None:
    response = client.get(f"/feeds/thema/{world['theme']}.atom?token={token}")
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert "feedsleutel is ongeldig" in body
    assert SECRET_TITLE not in body and PUBLIC_TITLE not in body


def test_a_reset_or_blocked_members_token_stops_working(
    client: FlaskClient, world: dict[str, object]
) -> None:
    reader: User = world["reader"]  # type: ignore[assignment]
    old = users.reset_feed_token(reader)
    new = users.reset_feed_token(reader)
    url = f"/feeds/thema/{world['theme']}.atom?token="
    assert client.get(url + old).status_code == 403
    assert client.get(url + new).status_code == 200
    reader.active = False
    db.session.commit()
    response = client.get(url + new)
    assert response.status_code == 403 and SECRET_TITLE not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/thema/bestaat-niet.atom",
        "/feeds/organisatie/bestaat-niet.atom",
        "/feeds/type/bestaat-niet.atom",
    ],
)
def test_an_unknown_category_has_no_feed(client: FlaskClient, world: dict, url: str) -> None:
    assert client.get(url).status_code == 404


def _alternate(html: str) -> str:
    match = re.search(
        r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)"', html
    )
    assert match, "no Atom feed announced in <head>"
    head = html[: html.index("</head>")]
    assert match.group(0) in head
    return match.group(1).replace("&amp;", "&")


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("/thema/{theme}", "/feeds/thema/{theme}.atom"),
        ("/organisaties/buurtkracht-oost", "/feeds/organisatie/buurtkracht-oost.atom"),
        ("/soort/projectplan", "/feeds/type/projectplan.atom"),
        (
            "/zoeken?q=zonnepanelen&type=projectplan&page=1",
            "/feeds/zoeken.atom?q=zonnepanelen&type=projectplan",
        ),
    ],
)
def test_pages_with_a_feed_announce_it_in_their_head(
    client: FlaskClient, world: dict[str, object], page: str, feed: str
) -> None:
    html = client.get(page.format(**world)).get_data(as_text=True)
    href = _alternate(html)
    assert href.endswith(feed.format(**world))
    response = client.get(href)
    assert response.status_code == 200
    parse_atom(response.data)


def test_the_type_page_lists_its_documents_and_hides_members_only_ones(
    client: FlaskClient, auth: AuthActions, world: dict[str, object]
) -> None:
    page = client.get("/soort/projectplan").get_data(as_text=True)
    assert PUBLIC_TITLE in page and SECRET_TITLE not in page
    assert client.get("/soort/bestaat-niet").status_code == 404
    auth.login("lezer@example.org")
    assert SECRET_TITLE in client.get("/soort/projectplan").get_data(as_text=True)


def test_the_member_sees_and_resets_the_feed_token_in_account_settings(
    client: FlaskClient, auth: AuthActions, world: dict[str, object]
) -> None:
    auth.login("lezer@example.org")
    page = client.get("/account").get_data(as_text=True)
    assert "U heeft nog geen persoonlijke feedsleutel." in page
    token = csrf_token(page)
    response = client.post("/account", data={"formulier": "feedsleutel", "csrf_token": token})
    assert response.status_code == 302
    first = world["reader"].feed_token  # type: ignore[attr-defined]
    assert first and first in client.get("/account").get_data(as_text=True)
    client.post("/account", data={"formulier": "feedsleutel", "csrf_token": token})
    db.session.refresh(world["reader"])
    second = world["reader"].feed_token  # type: ignore[attr-defined]
    assert second and second != first
    assert client.get(f"/feeds/zoeken.atom?token={first}").status_code == 403


def test_characters_xml_cannot_hold_do_not_break_a_feed(client: FlaskClient) -> None:
    owner = make_user()
    make_document(owner, "Open.", title="Plan\x0cmet\x01stuurteken")
    for url in ("/feeds/zoeken.atom?q=%01plan", "/feeds/zoeken.atom"):
        response = client.get(url)
        assert response.status_code == 200, url
        etree.fromstring(response.data)
    assert b"Planmetstuurteken" in client.get("/feeds/zoeken.atom").data
