"""Logging in and out, and accepting an invitation."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from kennisnet.accounts import users
from kennisnet.core.errors import DomainError
from kennisnet.core.extensions import limiter
from kennisnet.views.forms import AcceptInvitationForm, LoginForm

bp = Blueprint("auth", __name__)

# Failed logins only: a member who mistypes twice is never locked out by their successes.
LOGIN_LIMIT_PER_ACCOUNT = "10 per minute"  # one address from one IP
LOGIN_LIMIT_PER_IP = "30 per minute"  # one IP spraying many addresses


def _ip_and_email() -> str:
    email = (request.form.get("email") or "").strip().lower()
    return f"{get_remote_address()}|{email}"


def _login_failed(response: Response) -> bool:
    return response.status_code == 401


def safe_next(target: str | None) -> str:
    r"""Only local paths: an open redirect after login is a phishing aid.

    Browsers read a backslash as a slash and drop tabs and newlines, so "/\evil.example" and
    "/<tab>/evil.example" would leave the site as surely as "//evil.example" does.
    """
    if (
        target
        and target.startswith("/")
        and "\\" not in target
        and not any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target)
        and not target.startswith("//")
    ):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme:
            return target
    return url_for("search.index")


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(
    LOGIN_LIMIT_PER_ACCOUNT, key_func=_ip_and_email, methods=["POST"], deduct_when=_login_failed
)
@limiter.limit(
    LOGIN_LIMIT_PER_IP, key_func=get_remote_address, methods=["POST"], deduct_when=_login_failed
)
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("search.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = users.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            flash(_("Welkom, %(name)s.", name=user.name), "success")
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(_("Het e-mailadres of wachtwoord klopt niet."))
        return render_template("auth/login.html", form=form), 401
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/uitloggen")
@login_required
def logout() -> ResponseReturnValue:
    logout_user()
    flash(_("U bent uitgelogd."), "info")
    return redirect(url_for("search.index"))


@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> ResponseReturnValue:
    invitation = users.open_invitation(token)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = users.accept_invitation(token, name=form.name.data, password=form.password.data)
        except DomainError as exc:
            form.password.errors.append(str(exc.message))
        else:
            login_user(user)
            flash(_("Welkom bij Kennisnet, %(name)s.", name=user.name), "success")
            return redirect(url_for("search.index"))
    status = 400 if form.errors else 200
    return render_template("auth/invitation.html", form=form, invitation=invitation), status
