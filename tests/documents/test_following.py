"""Following themes, organisations and searches; "Nieuw voor u"; the 0004 migration."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect

from kennisnet.accounts.models import Follow, FollowKind, Role
from kennisnet.core.extensions import db
from kennisnet.core.models import utcnow
from kennisnet.curation import categories
from kennisnet.documents import following, moderation
from tests.conftest import AuthActions, csrf_token
from tests.factories import make_document, make_user


@pytest.fixture
def themes(app: Flask) -> tuple[str, str]:
    first, second = categories.themes_in_order()[:2]
    return first.slug, second.slug


def _post_form(client: FlaskClient, page_url: str, button_text: str) -> object:
    """Submit the follow form on ``page_url`` exactly as the page renders it."""
    html = client.get(page_url).get_data(as_text=True)
    assert button_text in html, html
    form = html[html.index('action="/volgen"') :]
    form = form[: form.index("</form>")]
    import re  # only this helper parses forms

    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    return client.post("/volgen", data={k: v.replace("&amp;", "&") for k, v in fields.items()})


def test_a_member_follows_and_unfollows_a_theme_without_javascript(
    client: FlaskClient, auth: AuthActions, themes: tuple[str, str]
) -> None:
    user = make_user(email="volger@example.org")
    auth.login("volger@example.org")
    response = _post_form(client, f"/thema/{themes[0]}", "Dit thema volgen")
    assert response.status_code == 302 and response.headers["Location"] == f"/thema/{themes[0]}"
    assert [(f.kind, f.target) for f in user.follows] == [(FollowKind.THEME, themes[0])]
    response = _post_form(client, f"/thema/{themes[0]}", "Niet meer volgen")
    assert response.status_code == 302
    db.session.expire_all()
    assert user.follows == []


def test_a_member_follows_an_organisation_and_a_saved_search(
    client: FlaskClient, auth: AuthActions
) -> None:
    user = make_user(email="volger@example.org", organisation="Buurtkracht Oost")
    auth.login("volger@example.org")
    _post_form(client, "/organisaties/buurtkracht-oost", "Deze organisatie volgen")
    response = _post_form(
        client, "/zoeken?q=zonnepanelen&type=overig&page=2", "Deze zoekopdracht volgen"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert sorted((f.kind.value, f.target) for f in user.follows) == [
        ("organisation", "buurtkracht-oost"),
        ("search", "q=zonnepanelen&type=overig"),  # paging is no part of a saved search
    ]
    # The page of the same search, in another order, knows it is followed.
    page = client.get("/zoeken?type=overig&q=zonnepanelen").get_data(as_text=True)
    assert "Niet meer volgen" in page


def test_following_needs_a_login_and_a_csrf_token(client: FlaskClient, auth: AuthActions) -> None:
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    data = {"kind": "theme", "target": "wonen", "csrf_token": token}
    response = client.post("/volgen", data=data)
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    make_user(email="volger@example.org")
    auth.login("volger@example.org")
    assert client.post("/volgen", data={"kind": "theme", "target": "wonen"}).status_code == 400


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"kind": "theme", "target": "bestaat-niet"}, 404, "Dit thema bestaat niet."),
        ({"kind": "planeet", "target": "x"}, 400, "Kies een thema, een organisatie"),
        ({"kind": "search", "target": "page=2"}, 400, "Geef een zoekopdracht of een filter"),
        ({"kind": "search", "target": "q=" + "x" * 2000}, 400, "te lang"),
    ],
)
def test_bad_follow_input_gets_a_dutch_message(
    client: FlaskClient, auth: AuthActions, data: dict[str, str], status: int, message: str
) -> None:
    make_user(email="volger@example.org")
    auth.login("volger@example.org")
    token = csrf_token(client.get("/account").get_data(as_text=True))
    response = client.post("/volgen", data={**data, "csrf_token": token})
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_new_for_you_lists_what_is_new_in_follows_since_the_last_visit(
    client: FlaskClient, auth: AuthActions, themes: tuple[str, str]
) -> None:
    owner = make_user(organisation="Buurtkracht Oost")
    reader = make_user(email="lezer@example.org")
    following.follow(reader, FollowKind.THEME, themes[0])
    make_document(owner, "Oud.", title="Oud stuk", themes=[themes[0]])
    reader.last_visit_at = utcnow()
    db.session.commit()
    make_document(owner, "Nieuw.", title="Nieuw buurtplan", themes=[themes[0]])
    make_document(
        owner, "Intern.", title="Nieuw intern plan", themes=[themes[0]], visibility="members"
    )
    make_document(owner, "Ander.", title="Ander thema", themes=[themes[1]])
    auth.login("lezer@example.org")
    page = client.get("/nieuw").get_data(as_text=True)
    assert "Nieuw buurtplan" in page and "Nieuw intern plan" in page
    assert "Oud stuk" not in page and "Ander thema" not in page
    assert "Thema: " in page  # the list of follows
    # The visit is recorded: a second look shows nothing new.
    again = client.get("/nieuw").get_data(as_text=True)
    assert "Niets nieuws sinds uw vorige bezoek" in again
    assert "Nieuw buurtplan" not in again


def test_new_for_you_never_shows_another_organisations_waiting_document(
    app: Flask, client: FlaskClient, auth: AuthActions, themes: tuple[str, str]
) -> None:
    curator = make_user(role=Role.CURATOR)
    moderation.set_moderation(True, actor=curator)
    uploader = make_user(email="indiener@example.org", organisation="Coöperatie West")
    other = make_user(email="ander@example.org", organisation="Coöperatie Oost")
    for user in (uploader, other):
        following.follow(user, FollowKind.THEME, themes[0])
    make_document(uploader, "Wacht.", title="Wachtend plan kievit", themes=[themes[0]])
    auth.login("ander@example.org")
    assert "Wachtend plan kievit" not in client.get("/nieuw").get_data(as_text=True)
    auth.logout()
    auth.login("indiener@example.org")
    assert "Wachtend plan kievit" in client.get("/nieuw").get_data(as_text=True)


def test_new_documents_come_from_organisations_and_searches_too(
    app: Flask, themes: tuple[str, str]
) -> None:
    owner = make_user(organisation="Buurtkracht Oost")
    stranger = make_user(organisation="Wijk West")
    reader = make_user()
    following.follow(reader, FollowKind.ORGANISATION, "buurtkracht-oost")
    following.follow(reader, FollowKind.SEARCH, "q=moestuin")
    since = utcnow() - timedelta(seconds=1)
    make_document(owner, "Over de buurt.", title="Van Buurtkracht")
    make_document(stranger, "De moestuin groeit.", title="Moestuinverslag")
    make_document(stranger, "Iets anders.", title="Niet gevolgd")
    titles = {d.title for d in following.new_documents(reader, since)}
    assert titles == {"Van Buurtkracht", "Moestuinverslag"}


def test_a_blocked_member_sees_public_documents_only_in_new_documents(
    app: Flask, themes: tuple[str, str]
) -> None:
    owner = make_user()
    reader = make_user()
    following.follow(reader, FollowKind.THEME, themes[0])
    since = utcnow() - timedelta(seconds=1)
    make_document(owner, "Open.", title="Open plan", themes=[themes[0]])
    make_document(owner, "Dicht.", title="Dicht plan", themes=[themes[0]], visibility="members")
    reader.active = False
    db.session.commit()
    assert {d.title for d in following.new_documents(reader, since)} == {"Open plan"}


def test_the_0004_migration_upgrades_from_0003_with_data(tmp_path: Path) -> None:
    from flask_migrate import downgrade, upgrade

    from tests.conftest import make_app

    app = make_app(tmp_path)
    with app.app_context():
        upgrade(revision="0003")
        db.session.execute(
            db.text(
                "INSERT INTO users (email, name, password_hash, role, active, created_at) "
                "VALUES ('oud@example.org', 'Oud', 'x', 'member', :active, '2024-01-01')"
            ),
            {"active": True},
        )
        db.session.commit()
        upgrade()
        inspector = inspect(db.engine)
        assert "follows" in inspector.get_table_names()
        columns = {c["name"] for c in inspector.get_columns("users")}
        assert {"digest_frequency", "last_visit_at", "last_digest_at", "feed_token"} <= columns
        row = db.session.execute(db.text("SELECT digest_frequency FROM users")).one()
        assert row[0] == "none"
        db.session.remove()  # its open read would hold up the migration's ALTER TABLE
        downgrade(revision="0003")
        assert "follows" not in inspect(db.engine).get_table_names()
        upgrade()
        db.session.remove()
        db.engine.dispose()


def test_follow_rows_go_with_their_member(app: Flask, themes: tuple[str, str]) -> None:
    reader = make_user()
    following.follow(reader, FollowKind.THEME, themes[0])
    following.follow(reader, FollowKind.THEME, themes[0])  # idempotent
    assert db.session.query(Follow).count() == 1
    db.session.delete(reader)
    db.session.commit()
    assert db.session.query(Follow).count() == 0
