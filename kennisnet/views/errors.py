"""Map domain errors and HTTP errors to Dutch pages, or to JSON under /api/."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from kennisnet.core.errors import DomainError

log = logging.getLogger(__name__)

MESSAGES = {
    400: _l("Het verzoek klopt niet. Controleer wat u heeft ingevuld."),
    401: _l("U moet inloggen om dit te doen."),
    403: _l("U heeft geen toegang tot deze pagina."),
    404: _l("Deze pagina bestaat niet of u heeft geen toegang."),
    405: _l("Deze handeling kan hier niet."),
    # Also for too many or too large form fields (max_form_parts, max_form_memory_size).
    413: _l("Het bestand of het formulier is te groot."),
    415: _l("Dit soort bestand wordt niet ondersteund."),
    429: _l("Te veel pogingen. Wacht even en probeer het opnieuw."),
    500: _l("Er ging iets mis aan onze kant. Probeer het later opnieuw."),
}
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported",
    429: "too_many_requests",
    500: "server_error",
}
TEMPLATES = {400: "400", 403: "403", 404: "404", 413: "413", 429: "429"}
# The last resort when even the error page cannot be drawn (the page layout reads the current
# user, so a database that is down breaks it too): plain text, no template, no database.
PLAIN_500 = (
    "Er ging bij ons iets mis. Dit ligt niet aan u; probeer het over een paar minuten opnieuw.\n"
)


def wants_json() -> bool:
    """The API, and pages asked for by a script that prefers JSON (the upload's XHR)."""
    if request.path.startswith("/api/"):
        return True
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def error_response(status: int, code: str, message: object, **extra: object) -> ResponseReturnValue:
    if wants_json():
        body = {"error": {"code": code, "message": str(message), **extra}}
        return jsonify(body), status
    template = TEMPLATES.get(status, "500" if status >= 500 else "400")
    try:
        return render_template(f"errors/{template}.html", message=message, status=status), status
    except Exception:
        if status < 500:
            raise
        log.exception("the error page itself failed; answering in plain text")
        return Response(PLAIN_500, status=status, mimetype="text/plain")


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> ResponseReturnValue:
        return error_response(exc.status, exc.code, exc.message, **exc.extra)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> ResponseReturnValue:
        return error_response(
            400,
            "csrf",
            _l("Het formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens."),
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        if exc.response is not None and not wants_json():
            return exc
        message = MESSAGES.get(status, exc.description or "")
        return error_response(status, CODES.get(status, f"http_{status}"), message)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> ResponseReturnValue:
        log.exception("unhandled error on %s", request.path)
        if isinstance(exc, HTTPException):  # pragma: no cover - handled above
            return _http(exc)
        return error_response(500, "server_error", MESSAGES[500])
