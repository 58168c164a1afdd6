"""The admin blueprint and its guard; each page group adds its routes in a module of its own."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from kennisnet.accounts import permissions

bp = Blueprint("admin", __name__, url_prefix="/beheer")


def requires(action: str):  # type: ignore[no-untyped-def]
    """The route's guard: signed in, and allowed ``action`` (``permissions``), else 403."""

    def decorator(view):  # type: ignore[no-untyped-def]
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
            if not permissions.can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


@bp.get("/")
@requires("category.manage")
def index():  # type: ignore[no-untyped-def]
    return render_template("admin/index.html")
