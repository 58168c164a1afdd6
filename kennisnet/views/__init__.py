"""Blueprints, one per module, and what every response shares."""

from __future__ import annotations

import logging

from flask import Flask, Request, Response, abort, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse

from kennisnet.accounts import permissions
from kennisnet.accounts.models import User
from kennisnet.accounts.users import user_for_token
from kennisnet.core import i18n
from kennisnet.core.extensions import db, limiter, login_manager
from kennisnet.views import (
    account,
    admin,
    api,
    auth,
    documents,
    errors,
    feeds,
    following,
    health,
    network,
    search,
)

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Wrong API tokens per client IP. Tokens are 256-bit random, so this is about noise and cost
# (each guess is a database lookup) more than about the odds of a hit.
FAILED_TOKEN_LIMIT = parse("20 per minute")


def _bearer_token(req: Request) -> str | None:
    scheme, _, token = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _refuse_throttled_tokens() -> None:
    """Before any user loading: a client that guessed wrong too often gets 429, unchecked."""
    if _bearer_token(request) is None:
        return
    if not limiter.limiter.test(FAILED_TOKEN_LIMIT, "api-token", get_remote_address()):
        abort(429)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


@login_manager.request_loader
def _load_user_from_token(req: Request) -> User | None:
    token = _bearer_token(req)
    if token is None:
        return None
    user = user_for_token(token)
    if user is not None:
        g.auth_via_token = True
    elif not g.get("token_failure_counted"):
        g.token_failure_counted = True
        limiter.limiter.hit(FAILED_TOKEN_LIMIT, "api-token", get_remote_address())
    return user


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    try:
        signed_in = bool(getattr(current_user, "is_authenticated", False))
    except Exception:  # the user could not be loaded (the 500 page): assume the worst
        log.warning("could not load the current user for the cache header", exc_info=True)
        signed_in = True
    if signed_in or request.headers.get("Authorization"):
        # Pages of a logged-in member may show members-only text: keep them out of caches.
        response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def _can(action: str, obj: object = None) -> bool:
    """``can`` for templates: whether to show a link or a button to the signed-in user."""
    return permissions.can(current_user, action, obj)


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(auth.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(network.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(following.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(health.bp)
    errors.init_app(app)
    app.before_request(_refuse_throttled_tokens)
    app.after_request(_security_headers)
    app.after_request(i18n.remember_locale)
    app.add_template_filter(i18n.translate_stored, "stored_message")

    @app.context_processor
    def _template_globals() -> dict[str, object]:
        return {
            "html_lang": i18n.current_locale(),
            "language_switch": i18n.language_switch,
            "can": _can,
        }
