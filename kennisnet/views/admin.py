"""Admin pages: themes and document types, and inviting members."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from kennisnet import accounts, curation
from kennisnet.documents import ensure_organisation
from kennisnet.errors import DomainError
from kennisnet.extensions import db
from kennisnet.forms import CategoryForm, InvitationForm
from kennisnet.models import DocumentType, Invitation, Theme, utcnow

bp = Blueprint("admin", __name__, url_prefix="/beheer")

KINDS = {
    "themas": (Theme, _l("Thema's"), _l("thema")),
    "soorten": (DocumentType, _l("Soorten documenten"), _l("soort document")),
}


def admin_required(view):  # type: ignore[no-untyped-def]
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _kind(kind: str):  # type: ignore[no-untyped-def]
    if kind not in KINDS:
        abort(404)
    return KINDS[kind]


@bp.get("/")
@admin_required
def index():  # type: ignore[no-untyped-def]
    return render_template("admin/index.html")


@bp.route("/<kind>", methods=["GET", "POST"])
@admin_required
def categories(kind: str):  # type: ignore[no-untyped-def]
    model, title, singular = _kind(kind)
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            item = curation.create_category(model, form.name.data, form.description.data)
        except DomainError as exc:
            form.name.errors = [*form.name.errors, str(exc.message)]
        else:
            flash(_("‘%(name)s’ is toegevoegd.", name=item.name), "success")
            return redirect(url_for("admin.categories", kind=kind))
    items = curation.themes_in_order() if model is Theme else curation.types_in_order()
    counts = {item.id: len(curation.affected_documents(item)) for item in items}
    status = 400 if form.errors else 200
    return render_template(
        "admin/categories.html",
        kind=kind,
        title=title,
        singular=singular,
        items=items,
        counts=counts,
        form=form,
    ), status


@bp.route("/<kind>/<slug>", methods=["GET", "POST"])
@admin_required
def edit_category(kind: str, slug: str):  # type: ignore[no-untyped-def]
    model, title, singular = _kind(kind)
    item = curation.get_category(model, slug)
    form = CategoryForm(obj=item)
    if form.validate_on_submit():
        try:
            curation.update_category(item, form.name.data, form.description.data)
        except DomainError as exc:
            form.name.errors = [*form.name.errors, str(exc.message)]
        else:
            flash(_("De wijzigingen zijn opgeslagen."), "success")
            return redirect(url_for("admin.categories", kind=kind))
    status = 400 if form.errors else 200
    return render_template(
        "admin/category_edit.html", kind=kind, title=title, singular=singular, item=item, form=form
    ), status


@bp.post("/<kind>/<slug>/verplaatsen")
@admin_required
def move_category(kind: str, slug: str):  # type: ignore[no-untyped-def]
    model, _title, _singular = _kind(kind)
    item = curation.get_category(model, slug)
    curation.move_category(item, -1 if request.form.get("richting") == "omhoog" else 1)
    return redirect(url_for("admin.categories", kind=kind))


@bp.post("/<kind>/<slug>/verwijderen")
@admin_required
def delete_category(kind: str, slug: str):  # type: ignore[no-untyped-def]
    model, _title, _singular = _kind(kind)
    item = curation.get_category(model, slug)
    name = item.name
    try:
        curation.delete_category(item)
    except DomainError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("‘%(name)s’ is verwijderd.", name=name), "success")
    return redirect(url_for("admin.categories", kind=kind))


@bp.route("/uitnodigingen", methods=["GET", "POST"])
@admin_required
def invitations():  # type: ignore[no-untyped-def]
    form = InvitationForm()
    link = None
    if form.validate_on_submit():
        organisation = (
            ensure_organisation(form.organisation.data, form.region.data or "")
            if form.organisation.data
            else None
        )
        try:
            invitation, token = accounts.create_invitation(
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
