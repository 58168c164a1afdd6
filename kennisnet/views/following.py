"""Following: the follow buttons' target, "Nieuw voor u", and unsubscribing from the digest."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kennisnet.accounts.models import FollowKind
from kennisnet.core.extensions import csrf
from kennisnet.documents import digest, feeds, following

bp = Blueprint("following", __name__)


def _back(kind: FollowKind, target: str) -> str:
    """Back to the followed thing's own page; built here, never taken from the form."""
    if kind is FollowKind.THEME:
        return url_for("search.theme", slug=target)
    if kind is FollowKind.ORGANISATION:
        return url_for("network.organisation", slug=target)
    values: dict[str, Any] = feeds.search_args(target).to_dict(flat=False)
    return url_for("search.index", **values)


@bp.post("/volgen")
@login_required
def follow() -> ResponseReturnValue:
    kind = following.parse_kind(request.form.get("kind", ""))
    target = request.form.get("target", "")
    if request.form.get("action") == "unfollow":
        following.unfollow(current_user, kind, target)
        flash(_("U volgt dit niet meer."), "success")
        if kind is FollowKind.SEARCH:
            target = feeds.canonical_search(feeds.search_args(target))
    else:
        item = following.follow(current_user, kind, target)
        target = item.target
        flash(
            _("U volgt nu: %(what)s.", what=following.label(item)),
            "success",
        )
    if request.form.get("back") == "nieuw":
        return redirect(url_for("following.new_for_you"))
    return redirect(_back(kind, target))


@bp.get("/nieuw")
@login_required
def new_for_you() -> ResponseReturnValue:
    result = following.visit_new_for_you(current_user)
    return render_template(
        "following/new.html",
        result=result,
        follows=following.follows_of(current_user),
    )


@bp.route("/afmelden/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail clients post here without a form; the signed token is the proof
def unsubscribe(token: str) -> ResponseReturnValue:
    user = digest.user_for_unsubscribe(token)
    if request.method == "POST":
        digest.unsubscribe(user)
        return render_template("following/unsubscribed.html", email=user.email)
    return render_template("following/unsubscribe.html", email=user.email, token=token)


@bp.app_context_processor
def _follow_helpers() -> dict[str, object]:
    def is_following(kind: str, target: str) -> bool:
        return following.is_following(current_user, FollowKind(kind), target)

    return {"is_following": is_following}
