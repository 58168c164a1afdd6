"""The network's own pages: member organisations and open subsidy calls."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from kennisnet.accounts import organisations
from kennisnet.documents import subsidies
from kennisnet.documents.fields import display_values

bp = Blueprint("network", __name__)


@bp.get("/organisaties")
def organisation_list() -> ResponseReturnValue:
    return render_template(
        "network/organisations.html",
        items=organisations.organisations_with_counts(current_user),
    )


@bp.get("/organisaties/<slug>")
def organisation(slug: str) -> ResponseReturnValue:
    org = organisations.get_organisation(slug)
    return render_template(
        "network/organisation.html",
        org=org,
        documents=organisations.documents_of(org, current_user),
    )


@bp.get("/subsidies")
def subsidy_list() -> ResponseReturnValue:
    include_closed = request.args.get("gesloten") in {"1", "ja", "true"}
    return render_template(
        "network/subsidies.html",
        calls=subsidies.calls(current_user, include_closed=include_closed),
        include_closed=include_closed,
        display_values=display_values,
    )


@bp.get("/subsidies.ics")
def subsidy_feed() -> ResponseReturnValue:
    feed = subsidies.ical_feed(
        subsidies.calls(current_user),
        lambda doc: url_for("documents.detail", document_id=doc.id, _external=True),
    )
    return Response(
        feed,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="kennisnet-subsidies.ics"'},
    )
