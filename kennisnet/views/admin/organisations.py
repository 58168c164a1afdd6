"""Admin pages for the member organisations' profiles."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from kennisnet.accounts import organisations as orgs
from kennisnet.core.errors import DomainError
from kennisnet.views.admin.base import bp, requires
from kennisnet.views.forms import OrganisationForm


@bp.get("/organisaties")
@requires("organisation.manage")
def organisations() -> ResponseReturnValue:
    return render_template(
        "admin/organisations.html", items=orgs.organisations_with_counts(current_user)
    )


@bp.route("/organisaties/<slug>", methods=["GET", "POST"])
@requires("organisation.manage")
def edit_organisation(slug: str) -> ResponseReturnValue:
    org = orgs.get_organisation(slug)
    form = OrganisationForm(obj=org)
    if form.validate_on_submit():
        try:
            orgs.update_profile(
                org, {name: form[name].data for name in orgs.PROFILE_FIELDS}, actor=current_user
            )
        except DomainError as exc:
            target = getattr(form, getattr(exc, "field", "") or "name", form.name)
            target.errors = [*target.errors, str(exc.message)]
        else:
            flash(_("Het profiel is opgeslagen."), "success")
            return redirect(url_for("network.organisation", slug=org.slug))
    status = 400 if form.errors else 200
    return render_template("admin/organisation_edit.html", form=form, org=org), status
