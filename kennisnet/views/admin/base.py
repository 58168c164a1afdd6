"""The admin blueprint and its guard; each page group adds its routes in a module of its own."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeAlias

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from kennisnet.accounts import permissions

bp = Blueprint("admin", __name__, url_prefix="/beheer")


P = ParamSpec("P")
View: TypeAlias = Callable[P, ResponseReturnValue]


def requires(action: str) -> Callable[[View[P]], View[P]]:
    """The route's guard: signed in, and allowed ``action`` (``permissions``), else 403."""

    def decorator(view: View[P]) -> View[P]:
        @wraps(view)
        @login_required
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
            if not permissions.can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


@bp.get("/")
@requires("category.manage")
def index() -> ResponseReturnValue:
    return render_template("admin/index.html")
