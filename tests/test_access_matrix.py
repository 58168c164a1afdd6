"""Who may do what: every route of the app against every role, in one table.

Each row is one route and method; each column one role. A new route fails
``test_every_route_is_in_the_matrix`` until it is classified here, and a new role is one more
entry in ``ROLES`` plus one more key per row (``expect(..., curator=...)``).

Two documents exist: a public one and a members-only one with a unique title, a unique body
word, a theme and an organisation of its own. Besides the status code, every anonymous answer
is searched for the members-only title and body word: search results, snippets, facets,
autocomplete, similar documents, organisation pages, error pages, downloads and JSON alike.
``ALLOWED`` marks rows where only access is at stake (the outcome depends on the input).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from werkzeug.test import TestResponse

from kennisnet.accounts import users
from kennisnet.accounts.models import Role
from kennisnet.accounts.permissions import SYSTEM
from kennisnet.core.extensions import db
from kennisnet.curation import categories
from kennisnet.curation.models import Theme
from kennisnet.documents.models import Document
from tests.conftest import IsolatedClient, make_app
from tests.factories import make_admin, make_document, make_pdf, make_user

ROLES = ("anonymous", "member", "curator", "admin")
LOGIN = "login"  # a 302 to the login page
REDIRECT = "redirect"  # a 302 anywhere but the login page
ALLOWED = "allowed"  # past the access check: anything but 401, 403, the login page or a 5xx
REFUSALS = {401, 403, LOGIN}

SECRET_TITLE = "Verslag ledenraad zilverreiger"
SECRET_WORD = "kwartelkoningsnest"
SECRET_ORGANISATION = "Coöperatie Geheimhof"
SECRET_THEME = "Ledenzaken intern"
# Organisation names are public (the /organisaties directory); titles and text are not.
SECRETS = (SECRET_TITLE, SECRET_WORD)
SECRET_ORGANISATION_SLUG = "cooperatie-geheimhof"
SHARED_TEXT = (
    "Zonnepanelen op het dak van het buurthuis, een energiecoöperatie en subsidie van de "
    "gemeente voor de wijk. Vrijwilligers plannen de aanleg in het voorjaar."
)
_unique = itertools.count(1)


@dataclass
class World:
    app: Flask
    public_id: int
    members_id: int
    # PDFs, which have previews (a thumbnail and page images).
    public_pdf_id: int
    members_pdf_id: int
    owner_id: int
    theme_slug: str
    secret_theme_slug: str
    invitation_token: str
    users: dict[str, int] = field(default_factory=dict)

    def throwaway_document(self, visibility: str = "public") -> int:
        owner = db.session.get(users.User, self.owner_id)
        n = next(_unique)
        doc = make_document(owner, f"Wegwerpdocument {n} over de moestuin.", visibility=visibility)
        return doc.id

    def trashed_document(self) -> int:
        from kennisnet.documents.operations import delete_document

        doc_id = self.throwaway_document()
        owner = db.session.get(users.User, self.owner_id)
        delete_document(db.session.get(Document, doc_id), owner)
        return doc_id

    def throwaway_user(self) -> int:
        return make_user(email=f"wegwerp{next(_unique)}@example.org").id

    def throwaway_theme(self) -> str:
        return categories.create_category(
            Theme, f"Wegwerpthema {next(_unique)}", "", actor=SYSTEM
        ).slug

    def unsubscribe_url(self) -> str:
        from kennisnet.documents.digest import unsubscribe_token

        user = db.session.get(users.User, self.throwaway_user())
        return f"/afmelden/{unsubscribe_token(user)}"

    def new_invitation(self) -> str:
        admin = db.session.get(users.User, self.users["admin"])
        _inv, token = users.create_invitation(
            f"nieuw{next(_unique)}@example.org", invited_by=admin, days=1
        )
        return token


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from flask_migrate import upgrade

    app = make_app(tmp_path_factory.mktemp("matrix"), SERVER_NAME=None)
    with app.app_context():
        upgrade()
        categories.seed()
        owner = make_user(email="eigenaar@example.org", organisation="Buurtkracht Oost")
        member = make_user(email="lid@example.org")
        curator = make_user(email="redactie@example.org", role=Role.CURATOR)
        admin = make_admin(email="beheer@example.org")
        theme = categories.themes_in_order()[0]
        secret_theme = categories.create_category(Theme, SECRET_THEME, "", actor=SYSTEM)
        public = make_document(
            owner,
            SHARED_TEXT,
            title="Openbaar buurtplan zonnepanelen",
            themes=[theme.slug],
        )
        hidden = make_document(
            make_user(organisation=SECRET_ORGANISATION),
            f"{SHARED_TEXT} Het {SECRET_WORD} bleef vertrouwelijk.",
            filename="verslag.txt",
            title=SECRET_TITLE,
            summary=f"Over het {SECRET_WORD}.",
            themes=[theme.slug, secret_theme.slug],
            visibility="members",
        )
        public_pdf = make_document(
            owner,
            content=make_pdf(SHARED_TEXT),
            filename="plan.pdf",
            title="Openbaar plan als PDF",
        )
        hidden_pdf = make_document(
            owner,
            content=make_pdf(f"{SHARED_TEXT} Het {SECRET_WORD}.", title=SECRET_TITLE),
            filename="intern.pdf",
            title=SECRET_TITLE,
            visibility="members",
        )
        _inv, invitation_token = users.create_invitation(
            "uitgenodigd@example.org", invited_by=admin, days=1
        )
        yield World(
            app=app,
            public_id=public.id,
            members_id=hidden.id,
            public_pdf_id=public_pdf.id,
            members_pdf_id=hidden_pdf.id,
            owner_id=owner.id,
            theme_slug=theme.slug,
            secret_theme_slug=secret_theme.slug,
            invitation_token=invitation_token,
            users={"member": member.id, "curator": curator.id, "admin": admin.id},
        )
        db.session.remove()
        db.engine.dispose()


# --- the table ------------------------------------------------------------------------------

Url = str | Callable[[World], str]
Data = Callable[[World], dict[str, Any]] | None


@dataclass(frozen=True)
class Row:
    rule: str
    method: str
    url: Url
    expected: dict[str, int | str]
    data: Data = None
    json_api: bool = False
    # A page asked for by a script that prefers JSON (the upload's drop zone).
    accept_json: bool = False
    # Roles for whom the members-only secrets must show (proves the leak check can fail).
    reveals: tuple[str, ...] = ()
    id: str = ""


def expect(
    anonymous: int | str,
    member: int | str,
    admin: int | str,
    curator: int | str | None = None,
) -> dict[str, int | str]:
    """A curator is a member unless the row says otherwise (curation and moderation)."""
    return {
        "anonymous": anonymous,
        "member": member,
        "curator": member if curator is None else curator,
        "admin": admin,
    }


ALL_200 = expect(200, 200, 200)
MEMBERS = expect(LOGIN, 200, 200)
ADMIN = expect(LOGIN, 403, 200)
ADMIN_POST = expect(LOGIN, 403, REDIRECT)
ADMIN_POST_200 = expect(LOGIN, 403, 200)
MEMBERS_ONLY_DOC = expect(404, 200, 200)
# Curators edit any document: moderation means "approve, edit or send back".
EDIT_BY_OWNER = expect(LOGIN, 403, 200, curator=200)
EDIT_BY_OWNER_POST = expect(LOGIN, 403, REDIRECT, curator=REDIRECT)
CURATOR = expect(LOGIN, 403, 200, curator=200)
CURATOR_POST = expect(LOGIN, 403, REDIRECT, curator=REDIRECT)
CURATOR_ACTS = expect(LOGIN, 403, ALLOWED, curator=ALLOWED)
API_WRITE = expect(401, 201, 201)
API_DELETE = expect(401, 403, 204, curator=204)
SEARCHED = ("member", "admin")
API_CURATE = expect(401, 403, ALLOWED, curator=ALLOWED)
ADMIN_ACTS = expect(LOGIN, 403, ALLOWED)
ALL_404 = expect(404, 404, 404)


def _doc(attribute: str, suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/documenten/{getattr(w, attribute)}{suffix}"


def _api_doc(attribute: str, suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/documents/{getattr(w, attribute)}{suffix}"


def _upload_data(_w: World) -> dict[str, Any]:
    n = next(_unique)
    return {
        "files": (io.BytesIO(f"Nieuw verslag {n} van de buurtmoestuin.".encode()), f"v{n}.txt"),
        "type": "overig",
        "visibility": "public",
    }


def _api_upload_data(_w: World) -> dict[str, Any]:
    n = next(_unique)
    return {"file": (io.BytesIO(f"API-verslag {n} over de wijk.".encode()), f"api{n}.txt")}


def _metadata(_w: World) -> dict[str, Any]:
    return {"title": f"Nieuwe titel {next(_unique)}", "type": "overig", "visibility": "public"}


def _category(_w: World) -> dict[str, Any]:
    return {"name": f"Nieuw thema {next(_unique)}", "description": ""}


ROWS: tuple[Row, ...] = (
    # Search, themes and their facets: open to all, never showing members-only documents.
    Row("/", "GET", "/", ALL_200, reveals=SEARCHED, id="home"),
    Row("/zoeken", "GET", f"/zoeken?q={SECRET_WORD}", ALL_200, reveals=SEARCHED, id="search-word"),
    Row("/zoeken", "GET", "/zoeken?q=zilverreiger", ALL_200, reveals=SEARCHED, id="search-title"),
    Row("/zoeken", "GET", "/zoeken?q=zonnepanelen", ALL_200, reveals=SEARCHED, id="search-shared"),
    Row(
        "/zoeken",
        "GET",
        lambda w: f"/zoeken?theme={w.secret_theme_slug}&organisation={SECRET_ORGANISATION_SLUG}",
        ALL_200,
        id="search-facets",
    ),
    Row("/themas", "GET", "/themas", ALL_200, id="themes"),
    Row("/healthz", "GET", "/healthz", ALL_200, id="healthz"),
    Row(
        "/thema/<slug>",
        "GET",
        lambda w: f"/thema/{w.theme_slug}",
        ALL_200,
        reveals=SEARCHED,
        id="theme",
    ),
    Row(
        "/thema/<slug>",
        "GET",
        lambda w: f"/thema/{w.secret_theme_slug}?q={SECRET_WORD}",
        ALL_200,
        reveals=SEARCHED,
        id="secret-theme",
    ),
    Row("/static/<path:filename>", "GET", "/static/css/kennisnet.css", ALL_200),
    # Documents: members-only ones do not exist for anonymous visitors.
    Row("/documenten/<int:document_id>", "GET", _doc("public_id"), ALL_200, id="public"),
    Row(
        "/documenten/<int:document_id>",
        "GET",
        _doc("members_id"),
        MEMBERS_ONLY_DOC,
        reveals=SEARCHED,
        id="members",
    ),
    Row(
        "/documenten/<int:document_id>/bestand",
        "GET",
        _doc("public_id", "/bestand"),
        ALL_200,
        id="public",
    ),
    Row(
        "/documenten/<int:document_id>/bestand",
        "GET",
        _doc("members_id", "/bestand"),
        MEMBERS_ONLY_DOC,
        reveals=SEARCHED,
        id="members",
    ),
    # Previews obey visibility exactly like the file.
    *(
        Row(rule, "GET", _doc(attribute, suffix), expected, reveals=reveals, id=kind)
        for rule, suffix in (
            ("/documenten/<int:document_id>/voorbeeld", "/voorbeeld"),
            ("/documenten/<int:document_id>/paginas/<int:page>", "/paginas/1"),
            (
                "/documenten/<int:document_id>/paginas/<int:page>/afbeelding",
                "/paginas/1/afbeelding",
            ),
        )
        for attribute, expected, reveals, kind in (
            ("public_pdf_id", ALL_200, (), "public"),
            (
                "members_pdf_id",
                MEMBERS_ONLY_DOC,
                SEARCHED if "afbeelding" not in suffix and "voorbeeld" not in suffix else (),
                "members",
            ),
        )
    ),
    Row(
        "/documenten/<int:document_id>/bewerken",
        "GET",
        _doc("public_id", "/bewerken"),
        EDIT_BY_OWNER,
        id="public",
    ),
    Row(
        "/documenten/<int:document_id>/bewerken",
        "GET",
        _doc("members_id", "/bewerken"),
        EDIT_BY_OWNER,
        id="members",
    ),
    Row(
        "/documenten/<int:document_id>/bewerken",
        "POST",
        lambda w: f"/documenten/{w.throwaway_document()}/bewerken",
        EDIT_BY_OWNER_POST,
        data=_metadata,
    ),
    Row(
        "/documenten/<int:document_id>/verwijderen",
        "POST",
        lambda w: f"/documenten/{w.throwaway_document()}/verwijderen",
        EDIT_BY_OWNER_POST,
        id="public",
    ),
    Row(
        "/documenten/<int:document_id>/verwijderen",
        "POST",
        lambda w: f"/documenten/{w.throwaway_document('members')}/verwijderen",
        EDIT_BY_OWNER_POST,
        id="members",
    ),
    Row("/uploaden", "GET", "/uploaden", MEMBERS),
    Row("/uploaden", "POST", "/uploaden", expect(LOGIN, REDIRECT, REDIRECT), data=_upload_data),
    Row(
        "/uploaden",
        "POST",
        "/uploaden",
        expect(LOGIN, 201, 201),
        data=_upload_data,
        accept_json=True,
        id="json",
    ),
    # The drop zone's status poll: exactly as visible as the document page.
    Row("/documenten/<int:document_id>/status", "GET", _doc("public_id", "/status"), ALL_200),
    Row(
        "/documenten/<int:document_id>/status",
        "GET",
        _doc("members_id", "/status"),
        MEMBERS_ONLY_DOC,
        reveals=SEARCHED,
        id="members",
    ),
    # Accounts.
    Row("/inloggen", "GET", "/inloggen", expect(200, REDIRECT, REDIRECT)),
    Row(
        "/inloggen",
        "POST",
        "/inloggen",
        expect(401, REDIRECT, REDIRECT),
        data=lambda w: {"email": "lid@example.org", "password": "fout wachtwoord"},
    ),
    Row("/uitloggen", "POST", "/uitloggen", expect(LOGIN, REDIRECT, REDIRECT)),
    Row(
        "/uitnodiging/<token>",
        "GET",
        lambda w: f"/uitnodiging/{w.invitation_token}",
        ALL_200,
    ),
    Row(
        "/uitnodiging/<token>",
        "GET",
        "/uitnodiging/geen-geldige-uitnodiging",
        expect(404, 404, 404),
        id="unknown",
    ),
    Row(
        "/uitnodiging/<token>",
        "POST",
        lambda w: f"/uitnodiging/{w.new_invitation()}",
        expect(REDIRECT, REDIRECT, REDIRECT),
        data=lambda w: {"name": "Nieuw", "password": "lang genoeg ww", "confirm": "lang genoeg ww"},
    ),
    # Administration.
    Row("/beheer/", "GET", "/beheer/", CURATOR),
    Row("/beheer/<kind>", "GET", "/beheer/themas", CURATOR, id="themas"),
    Row("/beheer/<kind>", "GET", "/beheer/soorten", CURATOR, id="soorten"),
    Row("/beheer/<kind>", "POST", "/beheer/themas", CURATOR_POST, data=_category),
    Row("/beheer/<kind>/<slug>", "GET", lambda w: f"/beheer/themas/{w.theme_slug}", CURATOR),
    Row(
        "/beheer/<kind>/<slug>",
        "POST",
        lambda w: f"/beheer/themas/{w.throwaway_theme()}",
        CURATOR_POST,
        data=_category,
    ),
    Row(
        "/beheer/<kind>/<slug>/verplaatsen",
        "POST",
        lambda w: f"/beheer/themas/{w.throwaway_theme()}/verplaatsen",
        CURATOR_POST,
        data=lambda w: {"richting": "omhoog"},
    ),
    Row(
        "/beheer/<kind>/<slug>/verwijderen",
        "POST",
        lambda w: f"/beheer/themas/{w.throwaway_theme()}/verwijderen",
        CURATOR_POST,
    ),
    Row(
        "/beheer/<kind>/<slug>/samenvoegen",
        "POST",
        lambda w: f"/beheer/themas/{w.throwaway_theme()}/samenvoegen",
        CURATOR_POST,
        data=lambda w: {"into": w.theme_slug},
    ),
    Row("/beheer/uitnodigingen", "GET", "/beheer/uitnodigingen", ADMIN),
    Row(
        "/beheer/uitnodigingen",
        "POST",
        "/beheer/uitnodigingen",
        ADMIN_POST_200,
        data=lambda w: {"email": f"gast{next(_unique)}@example.org", "role": "member"},
    ),
    # API v1.
    Row(
        "/api/v1/search",
        "GET",
        f"/api/v1/search?q={SECRET_WORD}",
        ALL_200,
        json_api=True,
        reveals=SEARCHED,
        id="word",
    ),
    Row(
        "/api/v1/analyse",
        "GET",
        "/api/v1/analyse?text=belangrijke",
        expect(401, 403, 200, curator=200),
        json_api=True,
    ),
    Row("/api/v1/search", "GET", "/api/v1/search", ALL_200, json_api=True, id="facets"),
    Row(
        "/api/v1/search",
        "GET",
        lambda w: f"/api/v1/search?theme={w.secret_theme_slug}",
        ALL_200,
        json_api=True,
        reveals=SEARCHED,
        id="secret-theme",
    ),
    Row(
        "/api/v1/autocomplete",
        "GET",
        f"/api/v1/autocomplete?q={SECRET_WORD[:6]}",
        ALL_200,
        json_api=True,
        id="secret-prefix",
    ),
    Row(
        "/api/v1/autocomplete",
        "GET",
        "/api/v1/autocomplete?q=zilverr",
        ALL_200,
        json_api=True,
        id="title-prefix",
    ),
    Row(
        "/api/v1/documents/<int:document_id>",
        "GET",
        _api_doc("public_id"),
        ALL_200,
        json_api=True,
        id="public",
    ),
    Row(
        "/api/v1/documents/<int:document_id>",
        "GET",
        _api_doc("members_id"),
        MEMBERS_ONLY_DOC,
        json_api=True,
        reveals=SEARCHED,
        id="members",
    ),
    Row(
        "/api/v1/documents/<int:document_id>/file",
        "GET",
        _api_doc("public_id", "/file"),
        ALL_200,
        json_api=True,
        id="public",
    ),
    Row(
        "/api/v1/documents/<int:document_id>/file",
        "GET",
        _api_doc("members_id", "/file"),
        MEMBERS_ONLY_DOC,
        json_api=True,
        reveals=SEARCHED,
        id="members",
    ),
    Row(
        "/api/v1/documents/<int:document_id>",
        "DELETE",
        lambda w: f"/api/v1/documents/{w.throwaway_document()}",
        API_DELETE,
        json_api=True,
    ),
    Row(
        "/api/v1/documents",
        "POST",
        "/api/v1/documents",
        API_WRITE,
        data=_api_upload_data,
        json_api=True,
    ),
    Row("/api/v1/themes", "GET", "/api/v1/themes", ALL_200, json_api=True),
    Row("/api/v1/themes", "POST", "/api/v1/themes", API_CURATE, json_api=True),
    Row(
        "/api/v1/themes/<slug>",
        "PATCH",
        lambda w: f"/api/v1/themes/{w.throwaway_theme()}",
        API_CURATE,
        json_api=True,
    ),
    Row(
        "/api/v1/themes/<slug>",
        "DELETE",
        lambda w: f"/api/v1/themes/{w.throwaway_theme()}",
        API_CURATE,
        json_api=True,
    ),
    Row(
        "/api/v1/themes/<slug>/merge",
        "POST",
        lambda w: f"/api/v1/themes/{w.throwaway_theme()}/merge",
        API_CURATE,
        json_api=True,
    ),
    Row("/api/v1/organisations", "GET", "/api/v1/organisations", ALL_200, json_api=True),
    Row(
        "/api/v1/organisations/<slug>",
        "GET",
        f"/api/v1/organisations/{SECRET_ORGANISATION_SLUG}",
        ALL_200,
        json_api=True,
        reveals=SEARCHED,
    ),
    Row("/api/v1/subsidies", "GET", "/api/v1/subsidies", ALL_200, json_api=True),
    Row("/api/v1/audit", "GET", "/api/v1/audit", expect(401, 403, 200), json_api=True),
    # The network's public pages, accounts and the trash.
    Row("/organisaties", "GET", "/organisaties", ALL_200),
    Row(
        "/organisaties/<slug>",
        "GET",
        f"/organisaties/{SECRET_ORGANISATION_SLUG}",
        ALL_200,
        reveals=SEARCHED,
    ),
    Row("/subsidies", "GET", "/subsidies", ALL_200),
    Row("/subsidies.ics", "GET", "/subsidies.ics", ALL_200),
    Row("/aanmelden", "GET", "/aanmelden", expect(ALLOWED, ALLOWED, ALLOWED)),
    Row("/aanmelden", "POST", "/aanmelden", expect(ALLOWED, ALLOWED, ALLOWED)),
    Row("/account", "GET", "/account", MEMBERS),
    Row("/account", "POST", "/account", expect(LOGIN, ALLOWED, ALLOWED)),
    Row("/wachtwoord-herstellen/<token>", "GET", "/wachtwoord-herstellen/onzin", ALL_404),
    Row("/wachtwoord-herstellen/<token>", "POST", "/wachtwoord-herstellen/onzin", ALL_404),
    Row("/prullenbak", "GET", "/prullenbak", MEMBERS),
    Row(
        "/prullenbak/<int:document_id>/terugzetten",
        "POST",
        lambda w: f"/prullenbak/{w.trashed_document()}/terugzetten",
        expect(LOGIN, 404, REDIRECT),
    ),
    Row(
        "/documenten/<int:document_id>/themas-toevoegen",
        "POST",
        lambda w: f"/documenten/{w.throwaway_document()}/themas-toevoegen",
        EDIT_BY_OWNER_POST,
    ),
    Row(
        "/documenten/samen-bewerken",
        "POST",
        "/documenten/samen-bewerken",
        expect(LOGIN, 403, REDIRECT, curator=REDIRECT),
        data=lambda w: {"type": "overig", "ids": [str(w.throwaway_document())]},
    ),
    # More administration.
    Row("/beheer/leden", "GET", "/beheer/leden", ADMIN),
    Row("/beheer/moderatie", "GET", "/beheer/moderatie", CURATOR),
    Row("/beheer/organisaties", "GET", "/beheer/organisaties", ADMIN),
    Row("/beheer/organisaties/<slug>", "GET", "/beheer/organisaties/buurtkracht-oost", ADMIN),
    Row(
        "/beheer/organisaties/<slug>",
        "POST",
        "/beheer/organisaties/buurtkracht-oost",
        ADMIN_ACTS,
    ),
    Row("/beheer/aanmeldingen/<int:request_id>", "POST", "/beheer/aanmeldingen/999999", ADMIN_ACTS),
    Row(
        "/beheer/leden/<int:user_id>/rol",
        "POST",
        lambda w: f"/beheer/leden/{w.throwaway_user()}/rol",
        ADMIN_ACTS,
        data=lambda w: {"role": "member"},
    ),
    Row(
        "/beheer/leden/<int:user_id>/actief",
        "POST",
        lambda w: f"/beheer/leden/{w.throwaway_user()}/actief",
        ADMIN_ACTS,
    ),
    Row(
        "/beheer/leden/<int:user_id>/wachtwoordlink",
        "POST",
        lambda w: f"/beheer/leden/{w.throwaway_user()}/wachtwoordlink",
        ADMIN_ACTS,
    ),
    # Posting no "moderatie=aan" keeps moderation off for the rows that upload.
    Row("/beheer/moderatie/instelling", "POST", "/beheer/moderatie/instelling", CURATOR_ACTS),
    Row(
        "/beheer/moderatie/<int:document_id>/goedkeuren",
        "POST",
        "/beheer/moderatie/999999/goedkeuren",
        CURATOR_ACTS,
    ),
    Row(
        "/beheer/moderatie/<int:document_id>/terugsturen",
        "POST",
        "/beheer/moderatie/999999/terugsturen",
        CURATOR_ACTS,
    ),
    Row(
        "/documenten/<int:document_id>/nieuwe-versie",
        "POST",
        lambda w: f"/documenten/{w.throwaway_document()}/nieuwe-versie",
        EDIT_BY_OWNER_POST,
    ),
    Row(
        "/documenten/<int:document_id>/versies/<int:file_id>",
        "GET",
        lambda w: f"/documenten/{w.members_id}/versies/999999",
        expect(404, 404, 404),
    ),
    Row(
        "/api/v1/documents/<int:document_id>",
        "PATCH",
        lambda w: f"/api/v1/documents/{w.throwaway_document()}",
        expect(401, 403, 200, curator=200),
        data=lambda w: {"summary": "Bijgewerkt via de API."},
        json_api=True,
    ),
    Row("/beheer/logboek", "GET", "/beheer/logboek", ADMIN),
    Row(
        "/beheer/soorten/<slug>/velden",
        "POST",
        "/beheer/soorten/overig/velden",
        ADMIN_ACTS,
        data=lambda w: {"label": "Veld", "sleutel": f"veld{next(_unique)}", "soort": "text"},
    ),
    Row(
        "/beheer/soorten/<slug>/velden/<key>/verwijderen",
        "POST",
        "/beheer/soorten/overig/velden/bestaat_niet/verwijderen",
        expect(LOGIN, 403, 404),
    ),
    Row("/beheer/synoniemen", "GET", "/beheer/synoniemen", CURATOR),
    Row(
        "/beheer/synoniemen",
        "POST",
        "/beheer/synoniemen",
        CURATOR_ACTS,
        data=lambda w: {"woord": f"afk{next(_unique)}", "betekenis": "een afkorting"},
    ),
    Row(
        "/beheer/synoniemen/<term>/verwijderen",
        "POST",
        "/beheer/synoniemen/bestaat-niet/verwijderen",
        expect(LOGIN, 403, 404, curator=404),
    ),
    Row("/api/v1/types", "GET", "/api/v1/types", ALL_200, json_api=True),
    # Following, "Nieuw voor u" and the digest's unsubscribe link.
    Row(
        "/volgen",
        "POST",
        "/volgen",
        expect(LOGIN, REDIRECT, REDIRECT),
        data=lambda w: {"kind": "theme", "target": w.secret_theme_slug},
    ),
    Row("/nieuw", "GET", "/nieuw", MEMBERS),
    Row("/afmelden/<token>", "GET", lambda w: w.unsubscribe_url(), ALL_200),
    Row("/afmelden/<token>", "GET", "/afmelden/geen-geldige-link", ALL_404, id="unknown"),
    Row("/afmelden/<token>", "POST", lambda w: w.unsubscribe_url(), ALL_200),
    Row("/afmelden/<token>", "POST", "/afmelden/geen-geldige-link", ALL_404, id="unknown"),
    # Feeds hold public documents for everyone, signed in or not, unless a personal token is
    # given (tests/documents/test_feeds.py); a wrong token is refused for everyone.
    Row(
        "/feeds/thema/<slug>.atom",
        "GET",
        lambda w: f"/feeds/thema/{w.theme_slug}.atom",
        ALL_200,
        id="shared",
    ),
    Row(
        "/feeds/thema/<slug>.atom",
        "GET",
        lambda w: f"/feeds/thema/{w.secret_theme_slug}.atom",
        ALL_200,
        id="secret",
    ),
    Row(
        "/feeds/thema/<slug>.atom",
        "GET",
        lambda w: f"/feeds/thema/{w.secret_theme_slug}.atom?token=geraden",
        expect(403, 403, 403),
        id="bad-token",
    ),
    Row(
        "/feeds/organisatie/<slug>.atom",
        "GET",
        f"/feeds/organisatie/{SECRET_ORGANISATION_SLUG}.atom",
        ALL_200,
    ),
    Row("/feeds/type/<slug>.atom", "GET", "/feeds/type/overig.atom", ALL_200),
    Row("/feeds/zoeken.atom", "GET", f"/feeds/zoeken.atom?q={SECRET_WORD}", ALL_200, id="word"),
    Row("/feeds/zoeken.atom", "GET", "/feeds/zoeken.atom?q=zilverreiger", ALL_200, id="title"),
    Row("/feeds/zoeken.atom", "GET", "/feeds/zoeken.atom", ALL_200, id="newest"),
    Row("/soort/<slug>", "GET", "/soort/overig?q=zilverreiger", ALL_200, reveals=SEARCHED),
    # Search insights: curators and admins only (they list what anyone typed, and counts).
    Row("/beheer/zoekinzichten", "GET", "/beheer/zoekinzichten", CURATOR),
    Row("/beheer/zoekinzichten", "GET", "/beheer/zoekinzichten?dagen=90", CURATOR, id="90"),
    Row(
        "/beheer/zoekinzichten",
        "GET",
        "/beheer/zoekinzichten?dagen=12",
        expect(LOGIN, 403, 400, curator=400),
        id="bad-period",
    ),
    Row(
        "/beheer/zoekinzichten/grafieken.css",
        "GET",
        "/beheer/zoekinzichten/grafieken.css",
        CURATOR,
    ),
    Row("/beheer/synoniemen", "GET", "/beheer/synoniemen?woord=regenton", CURATOR, id="prefill"),
    Row("/beheer/<kind>", "GET", "/beheer/themas?naam=regenton", CURATOR, id="prefill"),
)


def _row_id(row: Row) -> str:
    return f"{row.method} {row.rule}" + (f" [{row.id}]" if row.id else "")


# --- helpers --------------------------------------------------------------------------------


def _client(world: World, role: str) -> tuple[FlaskClient, str]:
    """A client signed in as the role (straight into the session) and its CSRF token."""
    world.app.test_client_class = IsolatedClient
    client = world.app.test_client()
    raw = f"matrix-csrf-{role}-{next(_unique)}"
    with client.session_transaction() as session:
        session["csrf_token"] = raw
        if role != "anonymous":
            session["_user_id"] = str(world.users[role])
            session["_fresh"] = True
    token = URLSafeTimedSerializer(world.app.secret_key, salt="wtf-csrf-token").dumps(raw)
    return client, str(token)


def _outcome(response: TestResponse) -> int | str:
    if response.status_code == 302:
        location = response.headers["Location"]
        return LOGIN if "/inloggen" in location else REDIRECT
    return response.status_code


def _rule_exists(app: Flask, rule: str, method: str) -> bool:
    return any(r.rule == rule and method in r.methods for r in app.url_map.iter_rules())


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_access_matrix(world: World, row: Row, role: str) -> None:
    if not _rule_exists(world.app, row.rule, row.method):
        pytest.fail(f"{row.method} {row.rule} is in the matrix but not in the app")
    with world.app.app_context():
        client, token = _client(world, role)
        url = row.url(world) if callable(row.url) else row.url
        kwargs: dict[str, Any] = {}
        if row.accept_json:
            kwargs["headers"] = {"Accept": "application/json"}
        if row.method in {"POST", "PUT", "PATCH", "DELETE"}:
            data = dict(row.data(world)) if row.data else {}
            if row.json_api:
                kwargs["headers"] = {**kwargs.get("headers", {}), "X-CSRFToken": token}
            else:
                data["csrf_token"] = token
            kwargs["data"] = data
        response = client.open(url, method=row.method, **kwargs)
        # Previews are images: searched for secrets as bytes decoded leniently.
        body = response.get_data().decode("utf-8", "replace")
        response.close()

    expected = row.expected[role]
    outcome = _outcome(response)
    if expected == ALLOWED:
        assert outcome not in REFUSALS, f"{role} {row.method} {url}: {outcome} {body[:300]}"
        assert response.status_code < 500, body[:300]
    else:
        assert outcome == expected, f"{role} {row.method} {url}: {body[:300]}"
    if response.status_code >= 400:
        content_type = response.headers["Content-Type"]
        assert ("json" in content_type) == (row.json_api or row.accept_json), content_type
    if role == "anonymous":
        # A secret typed into the query is echoed back ("results for ..."); the others not.
        shown = [
            secret
            for secret in SECRETS
            if secret.lower() not in unquote_plus(url).lower() and secret in body
        ]
        assert not shown, f"{shown} leaked to anonymous on {url}"
    elif role in row.reveals:
        assert SECRET_TITLE in body or SECRET_WORD in body, f"{role} should see it on {url}"


def test_every_route_is_in_the_matrix(world: World) -> None:
    in_table = {(row.rule, row.method) for row in ROWS}
    missing = sorted(
        f"{method} {rule.rule}"
        for rule in world.app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
        if (rule.rule, method) not in in_table
    )
    assert not missing, f"classify these routes in tests/test_access_matrix.py: {missing}"


def test_facet_counts_ignore_members_only_documents_for_anonymous(world: World) -> None:
    """Counts are numbers, not text: check them, not just the body."""
    client, _token = _client(world, "anonymous")
    facets = client.get("/api/v1/search").get_json()["facets"]
    assert facets.get("theme", {}).get(world.secret_theme_slug, 0) == 0
    assert facets["theme"][world.theme_slug] == 1
    organisation = client.get(f"/api/v1/organisations/{SECRET_ORGANISATION_SLUG}").get_json()
    assert organisation["results"] == []
    member, _token = _client(world, "member")
    facets = member.get("/api/v1/search").get_json()["facets"]
    assert facets["theme"][world.secret_theme_slug] == 1
    assert facets["theme"][world.theme_slug] == 2


def test_members_only_counts_stay_out_of_the_themes_page(world: World) -> None:
    client, _token = _client(world, "anonymous")
    page = client.get("/themas").get_data(as_text=True)
    # One theme holds the public document, none shows more.
    assert "(1 document)" in page
    assert "(2 documenten)" not in page


def test_matrix_has_a_value_for_every_role() -> None:
    for row in ROWS:
        assert set(row.expected) == set(ROLES), _row_id(row)
