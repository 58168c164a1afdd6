"""Blueprints, one per module, and what every response shares."""

from __future__ import annotations

from flask import Flask, Response, g
from flask_babel import get_locale
from flask_login import current_user

from kennisnet.extensions import db, login_manager
from kennisnet.models import User

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


@login_manager.request_loader
def _load_user_from_token(req) -> User | None:  # type: ignore[no-untyped-def]
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    from kennisnet.accounts import user_for_token

    user = user_for_token(token.strip())
    if user is not None:
        g.auth_via_token = True
    return user


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if current_user and getattr(current_user, "is_authenticated", False):
        # Pages of a logged-in member may show members-only text: keep them out of caches.
        response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def register_blueprints(app: Flask) -> None:
    from kennisnet.views import admin, api, auth, documents, errors, search

    app.register_blueprint(auth.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    errors.init_app(app)
    app.after_request(_security_headers)

    @app.context_processor
    def _template_globals() -> dict[str, object]:
        return {"html_lang": str(get_locale() or "nl")}
