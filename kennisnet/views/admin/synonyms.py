"""Admin pages for synonyms: words and abbreviations that searches expand."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from kennisnet.core.errors import DomainError
from kennisnet.curation import synonyms
from kennisnet.views.admin.base import bp, requires


@bp.route("/synoniemen", methods=["GET", "POST"])
@requires("synonym.manage")
def synonym_list() -> ResponseReturnValue:
    error = None
    if request.method == "POST":
        try:
            synonyms.add_synonym(
                request.form.get("woord", ""), request.form.get("betekenis", ""), actor=current_user
            )
        except DomainError as exc:
            error = str(exc.message)
        else:
            flash(_("Het synoniem is toegevoegd; zoeken gebruikt het meteen."), "success")
            return redirect(url_for("admin.synonym_list"))
    # Prefilled from a link (the search insights): the word, or what was posted back.
    word = request.form.get("woord") if request.method == "POST" else request.args.get("woord")
    return render_template(
        "admin/synonyms.html",
        items=synonyms.all_synonyms(),
        error=error,
        word=(word or "")[:100],
        meaning=request.form.get("betekenis", "") if request.method == "POST" else "",
    ), 400 if error else 200


@bp.post("/synoniemen/<term>/verwijderen")
@requires("synonym.manage")
def synonym_delete(term: str) -> ResponseReturnValue:
    synonyms.remove_synonym(term, actor=current_user)
    flash(_("Het synoniem is verwijderd."), "success")
    return redirect(url_for("admin.synonym_list"))
