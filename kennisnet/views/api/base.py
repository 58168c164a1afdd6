"""The API blueprint, its authentication rule and the input helpers its modules share.

Authentication is the session cookie or ``Authorization: Bearer <token>``. State-changing
calls that ride on a session cookie must carry the CSRF token (X-CSRFToken); token calls
need none, since a browser never adds the header by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeAlias

from flask import Blueprint, g, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kennisnet.accounts import permissions
from kennisnet.core.errors import DomainError, InvalidInput
from kennisnet.core.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401


@bp.before_request
def _authenticate_writes() -> None:
    if request.headers.get("Authorization") and not current_user.is_authenticated:
        raise Unauthorized(_l("Dit API-token is onbekend of ingetrokken."), code="invalid_token")
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    if not current_user.is_authenticated:
        raise Unauthorized(_l("Log in of gebruik een API-token (Authorization: Bearer …)."))
    if not g.get("auth_via_token"):
        csrf.protect()


def json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput(_l("Stuur een JSON-object mee."), field="body")
    return body


def text_value(body: dict[str, Any], key: str, default: str = "") -> str:
    value = body.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise InvalidInput(_l("'%(key)s' moet tekst zijn.", key=key), field=key)
    return value


def year_value(raw: object) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(str(raw))
    except ValueError:
        raise InvalidInput(_l("Het jaar moet een getal zijn, zoals 2025."), field="year") from None


P = ParamSpec("P")
View: TypeAlias = Callable[P, ResponseReturnValue]


def requires(action: str) -> Callable[[View[P]], View[P]]:
    """The route's guard: 401 for nobody, 403 unless ``permissions`` allows ``action``."""

    def decorator(view: View[P]) -> View[P]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
            if not current_user.is_authenticated:
                raise Unauthorized(_l("Log in of gebruik een API-token (Authorization: Bearer …)."))
            permissions.require(current_user, action)
            return view(*args, **kwargs)

        return wrapped

    return decorator
