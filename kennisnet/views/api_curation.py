"""JSON API v1, curation and network routes: themes, organisations, subsidies, the audit log.

Registered on the same blueprint as the rest of the API (same authentication, CSRF rule and
JSON errors); ``views/__init__.py`` imports this module before registering the blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kennisnet import audit, curation, organisations, subsidies
from kennisnet.errors import Forbidden, InvalidInput
from kennisnet.extensions import db
from kennisnet.fields import fields_json
from kennisnet.models import Theme
from kennisnet.views.api import bp, document_json


def _require(check: str) -> None:
    if not getattr(current_user, check, False):
        raise Forbidden(_l("Dit mag alleen een redacteur of beheerder."))


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput(_l("Stuur een JSON-object mee."), field="body")
    return body


def _parent(body: dict[str, Any]) -> Theme | None:
    slug = body.get("parent")
    if slug in (None, ""):
        return None
    if not isinstance(slug, str):
        raise InvalidInput(_l("'parent' moet de slug van een thema zijn."), field="parent")
    return curation.get_category(Theme, slug)


def _text(body: dict[str, Any], key: str, default: str = "") -> str:
    value = body.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise InvalidInput(_l("'%(key)s' moet tekst zijn.", key=key), field=key)
    return value


@bp.post("/themes")
def create_theme():  # type: ignore[no-untyped-def]
    _require("is_curator")
    body = _body()
    theme = curation.create_category(
        Theme,
        _text(body, "name"),
        _text(body, "description"),
        parent=_parent(body),
        actor=current_user,
    )
    response = jsonify(curation.theme_json(theme, {}))
    response.status_code = 201
    response.headers["Location"] = url_for("search.theme", slug=theme.slug)
    return response


@bp.patch("/themes/<slug>")
def update_theme(slug: str):  # type: ignore[no-untyped-def]
    _require("is_curator")
    body = _body()
    theme = curation.get_category(Theme, slug)
    if "name" in body or "description" in body:
        curation.update_category(
            theme,
            _text(body, "name", theme.name),
            _text(body, "description", theme.description),
            actor=current_user,
        )
    if "parent" in body:
        curation.move_theme(theme, _parent(body), actor=current_user)
    if "position" in body:
        position = body["position"]
        if not isinstance(position, int) or isinstance(position, bool):
            raise InvalidInput(_l("'position' moet een geheel getal zijn."), field="position")
        theme.position = position
        db.session.commit()
    return jsonify(curation.theme_json(theme, curation.theme_counts(current_user)))


@bp.post("/themes/<slug>/merge")
def merge_theme(slug: str):  # type: ignore[no-untyped-def]
    _require("is_curator")
    body = _body()
    source = curation.get_category(Theme, slug)
    target = curation.get_category(Theme, _text(body, "into"))
    moved = curation.merge_category(source, target, actor=current_user)
    return jsonify({"merged": slug, "into": target.slug, "documents": len(moved)})


@bp.delete("/themes/<slug>")
def delete_theme(slug: str):  # type: ignore[no-untyped-def]
    _require("is_curator")
    theme = curation.get_category(Theme, slug)
    reassign = request.args.get("reassign")
    target = curation.get_category(Theme, reassign) if reassign else None
    curation.delete_category(theme, reassign_to=target, actor=current_user)
    return "", 204


@bp.get("/organisations")
def organisation_list():  # type: ignore[no-untyped-def]
    return jsonify(
        [
            organisations.profile_json(org, count)
            for org, count in organisations.organisations_with_counts(current_user)
        ]
    )


@bp.get("/organisations/<slug>")
def organisation(slug: str):  # type: ignore[no-untyped-def]
    org = organisations.get_organisation(slug)
    docs = organisations.documents_of(org, current_user)
    body = organisations.profile_json(org, len(docs))
    body["results"] = [document_json(doc) for doc in docs]
    return jsonify(body)


@bp.get("/subsidies")
def subsidy_list():  # type: ignore[no-untyped-def]
    include_closed = request.args.get("closed") in {"1", "true", "yes"}
    calls = subsidies.calls(current_user, include_closed=include_closed)
    return jsonify(
        {
            "results": [
                {**document_json(c.document), "fields": fields_json(c.document), "closed": c.closed}
                for c in calls
            ]
        }
    )


@bp.get("/audit")
def audit_log():  # type: ignore[no-untyped-def]
    if not current_user.is_authenticated:
        abort(401)
    _require("is_admin")
    try:
        limit = min(max(int(request.args.get("limit", 100)), 1), 1000)
        offset = max(int(request.args.get("offset", 0)), 0)
        document_id = int(request.args["document"]) if request.args.get("document") else None
    except ValueError:
        raise InvalidInput(_l("'limit', 'offset' en 'document' moeten getallen zijn.")) from None
    events = audit.events(
        action=request.args.get("action") or None,
        actor=request.args.get("actor") or None,
        document_id=document_id,
        limit=limit,
        offset=offset,
    )
    return jsonify({"results": [audit.event_json(e) for e in events]})
