"""Web security: CSRF, cookies, headers, downloads, passwords, throttling, tokens, 500s."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kennisnet.accounts import users
from kennisnet.accounts.models import ApiToken
from kennisnet.core.config import ROOT, settings_from_env
from kennisnet.core.extensions import db, login_manager
from kennisnet.curation.models import Theme
from kennisnet.views import CSP
from tests.conftest import AuthActions, IsolatedClient, csrf_token, fetch, make_app
from tests.factories import PASSWORD, make_admin, make_document, make_user


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _url_for_rule(app: Flask, rule: str, values: dict[str, object]) -> str:
    """Fill in a rule's parameters; one nobody named gets 1, which is enough to reach CSRF."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values.get(m.group(1), 1)), rule)


# --- CSRF -----------------------------------------------------------------------------------

# RFC 8058 one-click unsubscribe: mail clients post without a form, so the signed token in the
# URL is the proof; it can only turn the digest off (tests/documents/test_digest.py).
CSRF_EXEMPT = {"POST /afmelden/<token>"}


def test_every_state_changing_route_refuses_a_request_without_csrf_token(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    """Signed in as an admin, so only the missing token can be the reason for the 400."""
    admin = make_admin()
    doc = make_document(admin, "Een document om te wijzigen.")
    _inv, invitation = users.create_invitation("x@example.org", invited_by=admin, days=1)
    theme = db.session.scalars(select(Theme)).first()
    values = {"document_id": doc.id, "kind": "themas", "slug": theme.slug, "token": invitation}
    auth.login(admin.email)
    checked = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            if f"{method} {rule.rule}" in CSRF_EXEMPT:
                continue
            url = _url_for_rule(app, rule.rule, values)
            response = client.open(url, method=method, data={"title": "x", "name": "x"})
            assert response.status_code == 400, f"{method} {url} without CSRF token"
            if url.startswith("/api/"):
                assert response.get_json()["error"]["code"] == "csrf"
            else:
                assert "Het formulier is verlopen" in response.get_data(as_text=True)
            checked.append(f"{method} {rule.rule}")
    assert "POST /inloggen" in checked
    assert "DELETE /api/v1/documents/<int:document_id>" in checked
    # Nothing happened: the document and the theme are still there.
    assert client.get(f"/documenten/{doc.id}").status_code == 200


def test_login_form_needs_its_csrf_token(client: FlaskClient) -> None:
    make_user(email="csrf@example.org")
    response = client.post("/inloggen", data={"email": "csrf@example.org", "password": PASSWORD})
    assert response.status_code == 400


def test_bearer_token_writes_need_no_csrf_token(client: FlaskClient) -> None:
    token = users.create_api_token(make_user())
    response = client.post(
        "/api/v1/documents",
        headers=bearer(token),
        data={"file": (io.BytesIO(b"Tekst over de wijk."), "wijk.txt")},
    )
    assert response.status_code == 201


# --- cookies --------------------------------------------------------------------------------


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def test_session_cookie_is_httponly_and_samesite_lax(client: FlaskClient, auth) -> None:
    make_user(email="koek@example.org")
    cookie = _session_cookie(auth.login("koek@example.org"))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in a checkout


def test_secure_cookies_setting_is_read_from_the_environment() -> None:
    assert settings_from_env({})["SESSION_COOKIE_SECURE"] is False
    assert settings_from_env({"KENNISNET_SECURE_COOKIES": "1"})["SESSION_COOKIE_SECURE"] is True


def test_session_cookie_is_secure_when_configured(tmp_path: Path) -> None:
    from flask_migrate import upgrade

    app = make_app(tmp_path, SESSION_COOKIE_SECURE=True)
    with app.app_context():
        upgrade()
        make_user(email="veilig@example.org")
        app.test_client_class = IsolatedClient
        client = app.test_client()
        response = AuthActions(client).login("veilig@example.org")
        assert response.status_code == 302
        cookie = _session_cookie(response)
        db.session.remove()
        db.engine.dispose()
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


# --- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/inloggen", "/bestaat-niet", "/api/v1/themes"])
def test_security_headers(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_csp_allows_no_inline_script_or_style() -> None:
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CSP


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    """The CSP would block them anyway; this catches them before a browser does."""
    problems = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        html = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        for match in re.finditer(r"<script\b[^>]*>", html):
            if "src=" not in match.group(0):
                problems.append(f"{path.name}: inline <script>")
        if re.search(r"<style\b", html):
            problems.append(f"{path.name}: <style>")
        if re.search(r"\sstyle\s*=", html):
            problems.append(f"{path.name}: style attribute")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", html):
            problems.append(f"{path.name}: event handler attribute")
        if "javascript:" in html.lower():
            problems.append(f"{path.name}: javascript: URL")
    assert not problems


def test_signed_in_pages_are_not_cached(client: FlaskClient, auth: AuthActions) -> None:
    make_user(email="cache@example.org")
    auth.login("cache@example.org")
    assert client.get("/").headers["Cache-Control"] == "private, no-store"


# --- downloads ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/documenten/{id}/bestand", "/api/v1/documents/{id}/file"])
def test_downloads_are_attachments_with_nosniff(client: FlaskClient, path: str) -> None:
    doc = make_document(make_user(), "Gewone tekst over de wijk.", filename="a.txt")
    response = fetch(client, path.format(id=doc.id))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"].startswith("text/plain")


def test_download_name_cannot_break_the_header(client: FlaskClient) -> None:
    doc = make_document(make_user(), "Tekst.", filename='a"\r\nSet-Cookie: x=1;.txt')
    response = fetch(client, f"/documenten/{doc.id}/bestand")
    disposition = response.headers["Content-Disposition"]
    assert "\n" not in disposition
    assert "\r" not in disposition
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("x=")]


# --- passwords and tokens -------------------------------------------------------------------


def test_passwords_are_hashed_with_scrypt(app: Flask) -> None:
    user = make_user()
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
    users.set_password(user, "een ander wachtwoord")
    assert user.password_hash.startswith("scrypt:")


def test_api_tokens_are_stored_as_sha256_only(app: Flask) -> None:
    user = make_user()
    token = users.create_api_token(user, "test")
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(vars(row))


def test_revoked_tokens_are_refused(client: FlaskClient) -> None:
    user = make_user()
    token = users.create_api_token(user)
    assert client.get("/api/v1/search", headers=bearer(token)).status_code == 200
    assert users.revoke_api_tokens(user) == 1
    response = client.get("/api/v1/search", headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


# --- open redirects -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
    ],
)
def test_login_never_redirects_off_site(client: FlaskClient, target: str) -> None:
    make_user(email="doel@example.org")
    page = client.get("/inloggen")
    response = client.post(
        "/inloggen",
        query_string={"next": target},
        data={
            "email": "doel@example.org",
            "password": PASSWORD,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_keeps_a_local_next(client: FlaskClient) -> None:
    make_user(email="lokaal@example.org")
    page = client.get("/inloggen")
    response = client.post(
        "/inloggen?next=/uploaden",
        data={
            "email": "lokaal@example.org",
            "password": PASSWORD,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    assert response.headers["Location"] == "/uploaden"


# --- throttling -----------------------------------------------------------------------------


@pytest.fixture
def fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """The throttle does not depend on the hash; scrypt at 0.2 s a guess makes tests slow."""
    monkeypatch.setattr(users, "check_password_hash", lambda _hash, password: password == PASSWORD)


def _try_login(client: FlaskClient, token: str, email: str, password: str):
    return client.post(
        "/inloggen", data={"email": email, "password": password, "csrf_token": token}
    )


@pytest.mark.usefixtures("fast_passwords")
def test_login_is_throttled_after_ten_failures(client: FlaskClient) -> None:
    make_user(email="doelwit@example.org")
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    for _ in range(10):
        assert _try_login(client, token, "doelwit@example.org", "geraden").status_code == 401
    blocked = _try_login(client, token, "Doelwit@example.org", PASSWORD)
    assert blocked.status_code == 429
    assert "Te veel pogingen" in blocked.get_data(as_text=True)
    assert int(blocked.headers["Retry-After"]) > 0
    # Another account from the same address is not locked out by this one.
    make_user(email="ander@example.org")
    assert _try_login(client, token, "ander@example.org", PASSWORD).status_code == 302


@pytest.mark.usefixtures("fast_passwords")
@pytest.mark.parametrize("proxies", [0, 1])
def test_the_throttle_counts_per_visitor_behind_a_trusted_proxy(
    tmp_path: Path, proxies: int
) -> None:
    from flask_migrate import upgrade

    app = make_app(tmp_path / str(proxies), TRUSTED_PROXIES=proxies)
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
        make_user(email="doelwit@example.org")
        visitor = {"X-Forwarded-For": "203.0.113.7"}
        other = {"X-Forwarded-For": "198.51.100.9"}
        client = app.test_client()
        token = csrf_token(client.get("/inloggen").get_data(as_text=True))
        for _ in range(10):
            failed = client.post(
                "/inloggen",
                data={"email": "doelwit@example.org", "password": "x", "csrf_token": token},
                headers=visitor,
            )
            assert failed.status_code == 401
        second = app.test_client()
        token = csrf_token(second.get("/inloggen").get_data(as_text=True))
        answer = second.post(
            "/inloggen",
            data={"email": "doelwit@example.org", "password": PASSWORD, "csrf_token": token},
            headers=other,
        )
        # Behind a trusted proxy the header names the visitor; without one anybody could send
        # it, so it is ignored and both share the proxy's (here: the test client's) address.
        assert answer.status_code == (302 if proxies else 429)
        db.session.remove()
        db.engine.dispose()


@pytest.mark.usefixtures("fast_passwords")
def test_successful_logins_do_not_count(client: FlaskClient) -> None:
    make_user(email="vaak@example.org")
    for _ in range(12):
        token = csrf_token(client.get("/inloggen").get_data(as_text=True))
        assert _try_login(client, token, "vaak@example.org", PASSWORD).status_code == 302
        client.post("/uitloggen", data={"csrf_token": token})
        client.delete_cookie("session")


@pytest.mark.usefixtures("fast_passwords")
def test_one_address_spraying_many_accounts_is_throttled(client: FlaskClient) -> None:
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    statuses = [
        _try_login(client, token, f"gok{n}@example.org", "geraden").status_code for n in range(31)
    ]
    assert statuses[:30] == [401] * 30
    assert statuses[30] == 429


def test_wrong_api_tokens_are_throttled(client: FlaskClient) -> None:
    good = users.create_api_token(make_user())
    for n in range(20):
        response = client.get("/api/v1/search", headers=bearer(f"kn_gok{n}"))
        assert response.status_code == 401
    blocked = client.get("/api/v1/search", headers=bearer("kn_gok-nog-een"))
    assert blocked.status_code == 429
    assert blocked.get_json()["error"]["code"] == "too_many_requests"
    assert "Te veel pogingen" in blocked.get_json()["error"]["message"]
    # While blocked, no token is even looked at from this address.
    assert client.get("/api/v1/search", headers=bearer(good)).status_code == 429
    # Without a token the public API still answers.
    assert client.get("/api/v1/search").status_code == 200


def test_good_api_tokens_are_not_throttled(client: FlaskClient) -> None:
    good = users.create_api_token(make_user())
    for _ in range(30):
        assert client.get("/api/v1/themes", headers=bearer(good)).status_code == 200


# --- errors ---------------------------------------------------------------------------------


def test_500_page_is_dutch_html(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("zoekmachine kapot")

    monkeypatch.setattr("kennisnet.views.search.find", broken)
    response = client.get("/zoeken?q=iets")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Er ging bij ons iets mis" in page
    assert "zoekmachine kapot" not in page


def test_500_falls_back_to_plain_text_when_the_user_cannot_be_loaded(
    client: FlaskClient, auth: AuthActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(email="pech@example.org")
    auth.login("pech@example.org")

    def database_down(user_id: str) -> None:
        raise RuntimeError("database is weg")

    monkeypatch.setattr(login_manager, "_user_callback", database_down)
    response = client.get("/")
    assert response.status_code == 500
    assert response.mimetype == "text/plain"
    assert "Er ging bij ons iets mis" in response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["Cache-Control"] == "private, no-store"


def test_api_errors_are_json_in_dutch(client: FlaskClient) -> None:
    response = client.get("/api/v1/documents/999999")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert "bestaat niet" in response.get_json()["error"]["message"]
