"""The pages, through the Flask test client: search, documents, accounts, admin."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisnet.accounts import users
from kennisnet.accounts.models import Invitation
from kennisnet.core.extensions import db
from kennisnet.core.models import utcnow
from kennisnet.curation.models import Theme
from kennisnet.documents.models import Document, Status
from tests.conftest import AuthActions, csrf_token, fetch
from tests.factories import make_admin, make_document, make_user


def post_form(client: FlaskClient, url: str, data: dict, page: str | None = None):
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token(html)})


# -- search pages ---------------------------------------------------------------------------


def test_home_lists_newest_public_documents(app: Flask, client: FlaskClient) -> None:
    member = make_user()
    make_document(member, "Een buurtkamer voor de hele wijk.", title="Buurtkamer Oost")
    make_document(member, "Geheim plan.", title="Alleen voor leden", visibility="members")
    page = client.get("/").get_data(as_text=True)
    assert "Buurtkamer Oost" in page
    assert "Alleen voor leden" not in page
    assert 'lang="nl"' in page


def test_search_highlights_and_escapes(client: FlaskClient) -> None:
    member = make_user()
    make_document(
        member,
        "Wij starten een <b>mantelzorgcafé</b> voor mantelzorgers.",
        title="<script>alert('x')</script> Mantelzorg",
    )
    page = client.get("/zoeken?q=mantelzorgers").get_data(as_text=True)
    assert "<mark>mantelzorgers</mark>" in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page
    assert "&lt;b&gt;" in page


def test_search_facets_filter_by_theme(client: FlaskClient) -> None:
    member = make_user()
    make_document(member, "Wonen met zorg in een hofje.", title="Knarrenhof", themes=["wonen"])
    make_document(member, "Zorg voor mantelzorgers.", title="Respijt", themes=["mantelzorg"])
    page = client.get("/zoeken?q=zorg").get_data(as_text=True)
    assert "Knarrenhof" in page and "Respijt" in page
    assert "theme=wonen" in page
    filtered = client.get("/zoeken?q=zorg&theme=wonen").get_data(as_text=True)
    assert "Knarrenhof" in filtered and "Respijt" not in filtered


@pytest.mark.parametrize("q", ['"', "((", "title:x", "\x00", "a" * 2000, "page=-1"])
def test_odd_queries_never_error(client: FlaskClient, q: str) -> None:
    response = client.get("/zoeken", query_string={"q": q, "page": "x", "sort": "???"})
    assert response.status_code == 200


def test_theme_pages(client: FlaskClient) -> None:
    member = make_user()
    make_document(member, "Een hofje voor ouderen.", title="Knarrenhof", themes=["wonen"])
    make_document(member, "Iets anders.", title="Ander stuk", themes=["mantelzorg"])
    overview = client.get("/themas").get_data(as_text=True)
    assert "Wonen" in overview and "/thema/wonen" in overview
    page = client.get("/thema/wonen").get_data(as_text=True)
    assert "Knarrenhof" in page and "Ander stuk" not in page
    assert client.get("/thema/bestaat-niet").status_code == 404


# -- documents ------------------------------------------------------------------------------


def test_upload_form_creates_documents(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="ans@example.org")
    auth.login("ans@example.org")
    html = client.get("/uploaden").get_data(as_text=True)
    response = client.post(
        "/uploaden",
        data={
            "csrf_token": csrf_token(html),
            "files": [
                (io.BytesIO(b"Plan voor een repaircafe in de wijk."), "repaircafe.txt"),
                (io.BytesIO(b"# Buurtmaaltijd\n\nSamen koken."), "maaltijd.md"),
            ],
            "type": "projectplan",
            "themes": ["wijkeconomie"],
            "visibility": "public",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    docs = db.session.scalars(db.select(Document).order_by(Document.id)).all()
    assert [d.status for d in docs] == [Status.READY, Status.READY]
    assert docs[1].title == "Buurtmaaltijd"  # from the Markdown heading
    assert docs[0].title == "Repaircafe"  # from the file name
    assert [t.slug for t in docs[0].themes] == ["wijkeconomie"]


def test_upload_refusals_are_dutch(client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="bo@example.org")
    auth.login("bo@example.org")
    html = client.get("/uploaden").get_data(as_text=True)
    response = client.post(
        "/uploaden",
        data={
            "csrf_token": csrf_token(html),
            "files": [(io.BytesIO(b"MZ\x90\x00\x03binary"), "rapport.pdf")],
            "type": "overig",
            "visibility": "members",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Dit soort bestand kan Kennisnet niet verwerken" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Document.id))) == 0


def test_upload_without_file_shows_error_summary(client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="cas@example.org")
    auth.login("cas@example.org")
    response = post_form(client, "/uploaden", {"type": "overig", "visibility": "public"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Er ging iets mis" in page
    assert "Kies minstens één bestand" in page


def test_upload_requires_login(client: FlaskClient) -> None:
    response = client.get("/uploaden")
    assert response.status_code == 302
    assert "/inloggen" in response.headers["Location"]


def test_duplicate_upload_points_to_existing(client: FlaskClient, auth: AuthActions) -> None:
    member = make_user(email="dirk@example.org")
    first = make_document(member, "Dezelfde inhoud.")
    auth.login("dirk@example.org")
    html = client.get("/uploaden").get_data(as_text=True)
    response = client.post(
        "/uploaden",
        data={
            "csrf_token": csrf_token(html),
            "files": [(io.BytesIO(b"Dezelfde inhoud."), "kopie.txt")],
            "type": "overig",
            "visibility": "public",
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "staat al in Kennisnet" in page
    assert f"/documenten/{first.id}" in page


def test_detail_and_download(client: FlaskClient) -> None:
    member = make_user()
    doc = make_document(member, "Tekst van het plan.", filename="plan.txt", title="Het plan")
    page = client.get(f"/documenten/{doc.id}").get_data(as_text=True)
    assert "Het plan" in page and "Tekst van het plan." in page
    response = fetch(client, f"/documenten/{doc.id}/bestand")
    assert response.status_code == 200
    assert response.data == b"Tekst van het plan."
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "plan.txt" in response.headers["Content-Disposition"]
    assert response.mimetype == "text/plain"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_members_only_is_404_for_anonymous(client: FlaskClient, auth: AuthActions) -> None:
    member = make_user(email="eva@example.org")
    doc = make_document(member, "Geheime notulen.", visibility="members")
    assert client.get(f"/documenten/{doc.id}").status_code == 404
    assert fetch(client, f"/documenten/{doc.id}/bestand").status_code == 404
    assert "Geheime" not in client.get("/zoeken?q=notulen").get_data(as_text=True)
    auth.login("eva@example.org")
    assert client.get(f"/documenten/{doc.id}").status_code == 200
    assert fetch(client, f"/documenten/{doc.id}/bestand").status_code == 200


def test_failed_extraction_keeps_file_and_shows_reason(client: FlaskClient) -> None:
    member = make_user()
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF"
    doc = make_document(member, content=pdf, filename="kapot.pdf", title="Kapot")
    assert doc.status == Status.FAILED
    assert doc.file.extraction_error
    page = client.get(f"/documenten/{doc.id}").get_data(as_text=True)
    assert "De tekst kon niet worden gelezen" in page
    assert fetch(client, f"/documenten/{doc.id}/bestand").data == pdf
    # Still findable by its metadata.
    assert "Kapot" in client.get("/zoeken?q=kapot").get_data(as_text=True)


def test_edit_by_uploader_updates_index(client: FlaskClient, auth: AuthActions) -> None:
    owner = make_user(email="fien@example.org")
    doc = make_document(owner, "Over tuinen.", title="Oude titel")
    auth.login("fien@example.org")
    response = post_form(
        client,
        f"/documenten/{doc.id}/bewerken",
        {
            "title": "Moestuin in de wijk",
            "summary": "",
            "type": "pilot-idee",
            "themes": ["wonen"],
            "visibility": "public",
            "region": "",
            "year": "2024",
        },
    )
    assert response.status_code == 302
    assert "Moestuin in de wijk" in client.get("/zoeken?q=moestuin").get_data(as_text=True)
    assert client.get("/zoeken?q=oude").get_data(as_text=True).count("Oude titel") == 0


def test_only_uploader_or_admin_may_edit_or_delete(client: FlaskClient, auth: AuthActions) -> None:
    owner = make_user()
    make_user(email="gijs@example.org")
    doc = make_document(owner, "Niet van Gijs.")
    auth.login("gijs@example.org")
    assert client.get(f"/documenten/{doc.id}/bewerken").status_code == 403
    response = post_form(client, f"/documenten/{doc.id}/verwijderen", {}, page="/")
    assert response.status_code == 403
    assert db.session.get(Document, doc.id) is not None


def test_delete_moves_to_trash_and_restore_brings_back(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    make_admin(email="admin@example.org")
    member = make_user(email="eigenaar@example.org")
    doc = make_document(member, "Weg met dit document over fietsen.", title="Fietsplan")
    stored = app.config["UPLOAD_DIR"] / doc.file.stored_path
    auth.login("admin@example.org")
    response = post_form(client, f"/documenten/{doc.id}/verwijderen", {}, page="/")
    assert response.status_code == 302
    assert client.get(f"/documenten/{doc.id}").status_code == 404
    # Result links end in the search log's token ("?z=…"), or in a quote without one.
    linked = re.compile(rf'href="/documenten/{doc.id}[?"]')
    assert not linked.search(client.get("/zoeken?q=fietsen").get_data(as_text=True))
    assert stored.exists()  # restorable for 30 days
    auth.logout()
    auth.login("eigenaar@example.org")
    trash = client.get("/prullenbak").get_data(as_text=True)
    assert "Fietsplan" in trash
    response = post_form(client, f"/prullenbak/{doc.id}/terugzetten", {}, page="/prullenbak")
    assert response.status_code == 302
    assert linked.search(client.get("/zoeken?q=fietsen").get_data(as_text=True))


def test_trash_is_private_and_purged_after_30_days(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    from datetime import timedelta

    from kennisnet.core.models import utcnow
    from kennisnet.documents.operations import delete_document
    from kennisnet.documents.trash import purge_trash

    owner = make_user()
    make_user(email="ander@example.org")
    doc = make_document(owner, "Oud plan over bankjes.", title="Bankjesplan")
    stored = app.config["UPLOAD_DIR"] / doc.file.stored_path
    delete_document(doc, owner)
    auth.login("ander@example.org")
    assert "Bankjesplan" not in client.get("/prullenbak").get_data(as_text=True)
    response = post_form(client, f"/prullenbak/{doc.id}/terugzetten", {}, page="/prullenbak")
    assert response.status_code == 404
    assert purge_trash(now=utcnow() + timedelta(days=29)) == 0
    assert purge_trash(now=utcnow() + timedelta(days=31)) == 1
    db.session.expire_all()
    assert db.session.get(Document, doc.id) is None
    assert not stored.exists()


# -- accounts -------------------------------------------------------------------------------


def test_login_logout(client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="hans@example.org", name="Hans")
    assert auth.login("hans@example.org", "wrong password!").status_code == 401
    response = auth.login("hans@example.org")
    assert response.status_code == 302
    assert "Hans" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert "Inloggen" in client.get("/").get_data(as_text=True)


def test_forms_require_csrf(client: FlaskClient) -> None:
    make_user(email="ines@example.org")
    response = client.post("/inloggen", data={"email": "ines@example.org", "password": "x"})
    assert response.status_code == 400
    assert "Het formulier is verlopen" in response.get_data(as_text=True)


def test_login_redirect_stays_local(client: FlaskClient) -> None:
    make_user(email="jan@example.org")
    html = client.get("/inloggen").get_data(as_text=True)
    response = client.post(
        "/inloggen?next=https://evil.example/",
        data={
            "email": "jan@example.org",
            "password": "correct horse battery",
            "csrf_token": csrf_token(html),
        },
    )
    assert response.headers["Location"] == "/"


def test_invitation_flow(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    make_admin(email="admin@example.org")
    auth.login("admin@example.org")
    response = post_form(
        client,
        "/beheer/uitnodigingen",
        {
            "email": "nieuw@example.org",
            "organisation": "Buurtcoöperatie Noord",
            "region": "Noord",
            "role": "member",
        },
    )
    page = response.get_data(as_text=True)
    link = page.split('readonly value="', 1)[1].split('"', 1)[0]
    path = link.split("kennisnet.test", 1)[1]
    auth.logout()
    html = client.get(path).get_data(as_text=True)
    assert "nieuw@example.org" in html
    response = client.post(
        path,
        data={
            "name": "Nina",
            "password": "een lang wachtwoord",
            "confirm": "een lang wachtwoord",
            "csrf_token": csrf_token(html),
        },
    )
    assert response.status_code == 302
    user = users.find_user("nieuw@example.org")
    assert user is not None and user.organisation.name == "Buurtcoöperatie Noord"
    # Single use.
    assert client.get(path).status_code == 404


def test_expired_invitation_is_refused(app: Flask, client: FlaskClient) -> None:
    admin = make_admin()
    invitation, token = users.create_invitation("laat@example.org", invited_by=admin, days=1)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(f"/uitnodiging/{token}")
    assert response.status_code == 404
    assert "verlopen" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 1


# -- admin ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/beheer/", "/beheer/themas", "/beheer/soorten", "/beheer/uitnodigingen"]
)
def test_admin_pages_are_for_admins(client: FlaskClient, auth: AuthActions, path: str) -> None:
    assert client.get(path).status_code == 302  # to the login page
    make_user(email="lid@example.org")
    auth.login("lid@example.org")
    assert client.get(path).status_code == 403
    auth.logout()
    make_admin(email="baas@example.org")
    auth.login("baas@example.org")
    assert client.get(path).status_code == 200


def test_admin_creates_renames_orders_and_deletes_themes(
    client: FlaskClient, auth: AuthActions
) -> None:
    make_admin(email="baas@example.org")
    member = make_user()
    auth.login("baas@example.org")
    response = post_form(
        client, "/beheer/themas", {"name": "Repaircafés", "description": "Repareren"}
    )
    assert response.status_code == 302
    theme = db.session.scalar(db.select(Theme).where(Theme.slug == "repaircafes"))
    assert theme is not None
    doc = make_document(member, "Spullen maken.", title="Maakplaats", themes=["repaircafes"])
    # Rename: the slug stays, the index learns the new name.
    post_form(
        client, "/beheer/themas/repaircafes", {"name": "Reparatiewerkplaatsen", "description": ""}
    )
    page = client.get("/zoeken?q=reparatiewerkplaatsen").get_data(as_text=True)
    assert "Maakplaats" in page
    # In use: cannot be deleted.
    post_form(client, "/beheer/themas/repaircafes/verwijderen", {}, page="/beheer/themas")
    assert db.session.scalar(db.select(Theme).where(Theme.slug == "repaircafes")) is not None
    # Order.
    before = [t.slug for t in db.session.scalars(db.select(Theme).order_by(Theme.position))]
    post_form(
        client,
        "/beheer/themas/repaircafes/verplaatsen",
        {"richting": "omhoog"},
        page="/beheer/themas",
    )
    db.session.expire_all()
    after = [t.slug for t in db.session.scalars(db.select(Theme).order_by(Theme.position))]
    assert after.index("repaircafes") == before.index("repaircafes") - 1
    # Unused: can be deleted.
    db.session.delete(db.session.get(Document, doc.id))
    db.session.commit()
    post_form(client, "/beheer/themas/repaircafes/verwijderen", {}, page="/beheer/themas")
    db.session.expire_all()
    assert db.session.scalar(db.select(Theme).where(Theme.slug == "repaircafes")) is None


def test_duplicate_theme_name_is_refused(client: FlaskClient, auth: AuthActions) -> None:
    make_admin(email="baas@example.org")
    auth.login("baas@example.org")
    response = post_form(client, "/beheer/themas", {"name": "Wonen", "description": ""})
    assert response.status_code == 400
    assert "bestaat al" in response.get_data(as_text=True)


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_page_is_dutch_404(client: FlaskClient) -> None:
    response = client.get("/bestaat/niet")
    assert response.status_code == 404
    assert "bestaat niet" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/soort/projectplan?_anchor=x",
        "/soort/projectplan?slug=overig",
        "/zoeken?_external=1&q=buurt",
        "/beheer/zoekinzichten?dagen=%C2%B2",
    ],
)
def test_url_arguments_in_the_query_string_are_no_500(auth, client, url: str) -> None:
    from kennisnet.accounts.models import Role
    from tests.factories import make_user

    if "beheer" in url:
        auth.login(make_user(role=Role.ADMIN).email)
    assert client.get(url).status_code in (200, 400)


def test_each_hit_links_its_themes(client: FlaskClient) -> None:
    member = make_user()
    make_document(member, "Wonen met zorg in de wijk.", title="Woonzorg", themes=["wonen"])
    make_document(
        member, "Samen wonen in een hofje.", title="Hofje", themes=["wonen", "mantelzorg"]
    )
    page = client.get("/zoeken?q=wonen").get_data(as_text=True)
    assert page.count('<a class="utrecht-link" href="/thema/wonen">Wonen</a>') == 2
    assert '<a class="utrecht-link" href="/thema/mantelzorg">Mantelzorg</a>' in page
