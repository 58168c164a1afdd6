"""A member's own account, asking to join, and password-reset links."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm

from kennisnet.accounts import membership, users
from kennisnet.core.errors import DomainError
from kennisnet.documents import following
from kennisnet.views.forms import (
    ChangePasswordForm,
    DigestForm,
    JoinRequestForm,
    ProfileForm,
    ResetPasswordForm,
)

bp = Blueprint("account", __name__)


def _attach(form: FlaskForm, exc: DomainError, default: str) -> None:
    field = getattr(form, getattr(exc, "field", None) or default, None) or getattr(form, default)
    field.errors = [*field.errors, str(exc.message)]


@bp.route("/account", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    profile = ProfileForm(prefix="profiel", obj=current_user)
    password = ChangePasswordForm(prefix="wachtwoord")
    digest = DigestForm(prefix="overzicht", data={"frequency": current_user.digest_frequency.value})
    which = request.form.get("formulier")
    if which == "overzicht" and digest.validate_on_submit():
        following.set_digest_frequency(current_user, digest.frequency.data)
        flash(_("Uw keuze voor het e-mailoverzicht is opgeslagen."), "success")
        return redirect(url_for("account.settings"))
    if which == "feedsleutel" and FlaskForm().validate_on_submit():
        users.reset_feed_token(current_user)
        flash(_("U heeft een nieuwe persoonlijke feedsleutel. De oude werkt niet meer."), "success")
        return redirect(url_for("account.settings") + "#feeds")
    if which == "profiel" and profile.validate_on_submit():
        membership.update_own_profile(current_user, profile.name.data)
        flash(_("Uw gegevens zijn opgeslagen."), "success")
        return redirect(url_for("account.settings"))
    if which == "wachtwoord" and password.validate_on_submit():
        try:
            membership.change_own_password(
                current_user, password.current.data, password.password.data
            )
        except DomainError as exc:
            _attach(password, exc, "current")
        else:
            flash(_("Uw wachtwoord is gewijzigd."), "success")
            return redirect(url_for("account.settings"))
    status = 400 if profile.errors or password.errors or digest.errors else 200
    return render_template(
        "account/settings.html", profile=profile, password=password, digest=digest
    ), status


@bp.route("/aanmelden", methods=["GET", "POST"])
def join() -> ResponseReturnValue:
    form = JoinRequestForm()
    if form.validate_on_submit():
        try:
            membership.request_to_join(
                form.email.data, form.name.data, form.organisation.data, form.message.data
            )
        except DomainError as exc:
            _attach(form, exc, "email")
        else:
            flash(
                _("Bedankt! Een beheerder bekijkt uw aanmelding en stuurt u een uitnodiging."),
                "success",
            )
            return redirect(url_for("search.index"))
    status = 400 if form.errors else 200
    return render_template("account/join.html", form=form), status


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    reset = membership.open_password_reset(token)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = membership.use_password_reset(token, form.password.data)
        except DomainError as exc:
            _attach(form, exc, "password")
        else:
            login_user(user)
            flash(_("Uw nieuwe wachtwoord is ingesteld."), "success")
            return redirect(url_for("search.index"))
    status = 400 if form.errors else 200
    return render_template("account/reset.html", form=form, email=reset.user.email), status
