"""Admin pages for members: invitations, join requests, roles, blocking, password links."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from kennisnet.accounts import membership, users
from kennisnet.accounts.models import Invitation, User
from kennisnet.accounts.organisations import ensure_organisation
from kennisnet.core.errors import DomainError
from kennisnet.core.extensions import db
from kennisnet.core.models import utcnow
from kennisnet.views.admin.base import bp, requires
from kennisnet.views.forms import InvitationForm


@bp.route("/uitnodigingen", methods=["GET", "POST"])
@requires("member.manage")
def invitations() -> ResponseReturnValue:
    form = InvitationForm()
    link = None
    if form.validate_on_submit():
        organisation = (
            ensure_organisation(form.organisation.data, form.region.data or "")
            if form.organisation.data
            else None
        )
        try:
            invitation, token = users.create_invitation(
                form.email.data,
                invited_by=current_user,
                days=current_app.config["INVITATION_DAYS"],
                role=form.role.data,
                organisation=organisation,
            )
        except DomainError as exc:
            form.email.errors = [*form.email.errors, str(exc.message)]
        else:
            link = url_for("auth.accept_invitation", token=token, _external=True)
            flash(
                _(
                    "Uitnodiging gemaakt voor %(email)s. Stuur de link hieronder door.",
                    email=invitation.email,
                ),
                "success",
            )
            form = InvitationForm(formdata=None)
    pending = list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.used_at.is_(None), Invitation.expires_at > utcnow())
            .order_by(Invitation.created_at.desc())
        )
    )
    status = 400 if form.errors else 200
    return render_template("admin/invitations.html", form=form, link=link, pending=pending), status


@bp.get("/leden")
@requires("member.manage")
def members() -> ResponseReturnValue:
    return _members_page(reset_link=None)


def _members_page(reset_link: tuple[User, str] | None) -> ResponseReturnValue:
    return render_template(
        "admin/members.html",
        members=membership.members(),
        requests=membership.pending_requests(),
        reset_link=reset_link,
    )


def _member(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/leden/<int:user_id>/rol")
@requires("member.manage")
def member_role(user_id: int) -> ResponseReturnValue:
    user = _member(user_id)
    try:
        membership.change_role(user, request.form.get("rol", ""), actor=current_user)
    except DomainError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("De rol van %(name)s is aangepast.", name=user.name), "success")
    return redirect(url_for("admin.members"))


@bp.post("/leden/<int:user_id>/actief")
@requires("member.manage")
def member_active(user_id: int) -> ResponseReturnValue:
    user = _member(user_id)
    active = request.form.get("actief") == "ja"
    try:
        membership.set_active(user, active, actor=current_user)
    except DomainError as exc:
        flash(str(exc.message), "error")
    else:
        flash(
            _("%(name)s kan weer inloggen.", name=user.name)
            if active
            else _("%(name)s kan niet meer inloggen; de documenten blijven staan.", name=user.name),
            "success",
        )
    return redirect(url_for("admin.members"))


@bp.post("/leden/<int:user_id>/wachtwoordlink")
@requires("member.manage")
def member_reset_link(user_id: int) -> ResponseReturnValue:
    user = _member(user_id)
    token = membership.issue_password_reset(user, actor=current_user)
    return _members_page(
        reset_link=(user, url_for("account.reset_password", token=token, _external=True))
    )


@bp.post("/aanmeldingen/<int:request_id>")
@requires("member.manage")
def decide_request(request_id: int) -> ResponseReturnValue:
    if request.form.get("besluit") == "toelaten":
        invitation, token = membership.approve_request(
            request_id, actor=current_user, days=current_app.config["INVITATION_DAYS"]
        )
        link = url_for("auth.accept_invitation", token=token, _external=True)
        flash(
            _(
                "Toegelaten. Stuur %(email)s deze uitnodigingslink: %(link)s",
                email=invitation.email,
                link=link,
            ),
            "success",
        )
    else:
        refused = membership.refuse_request(request_id, actor=current_user)
        flash(_("De aanmelding van %(email)s is afgewezen.", email=refused.email), "info")
    return redirect(url_for("admin.members"))
