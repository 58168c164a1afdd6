"""API routes for curation and the network: themes, types, organisations, subsidies, the log."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kennisnet.accounts import organisations
from kennisnet.core import audit
from kennisnet.core.errors import InvalidInput
from kennisnet.curation import categories
from kennisnet.curation.models import Theme
from kennisnet.documents import subsidies
from kennisnet.documents.fields import fields_json
from kennisnet.views.api.base import bp, json_body, requires, text_value
from kennisnet.views.api.serializers import (
    document_json,
    event_json,
    profile_json,
    theme_json,
    theme_tree_json,
)


@bp.get("/themes")
def themes() -> ResponseReturnValue:
    """The theme tree, with document counts as the caller may see them."""
    counts = categories.theme_counts(current_user)
    return jsonify(theme_tree_json(categories.theme_tree(), counts))


@bp.get("/types")
def types() -> ResponseReturnValue:
    return jsonify(
        [
            {"slug": t.slug, "name": t.name, "description": t.description}
            for t in categories.types_in_order()
        ]
    )


def _parent(body: dict[str, Any]) -> Theme | None:
    slug = body.get("parent")
    if slug in (None, ""):
        return None
    if not isinstance(slug, str):
        raise InvalidInput(_l("'parent' moet de slug van een thema zijn."), field="parent")
    return categories.get_category(Theme, slug)


@bp.post("/themes")
@requires("category.manage")
def create_theme() -> ResponseReturnValue:
    body = json_body()
    theme = categories.create_category(
        Theme,
        text_value(body, "name"),
        text_value(body, "description"),
        parent=_parent(body),
        actor=current_user,
    )
    response = jsonify(theme_json(theme, {}))
    response.status_code = 201
    response.headers["Location"] = url_for("search.theme", slug=theme.slug)
    return response


@bp.patch("/themes/<slug>")
@requires("category.manage")
def update_theme(slug: str) -> ResponseReturnValue:
    body = json_body()
    theme = categories.get_category(Theme, slug)
    if "name" in body or "description" in body:
        categories.update_category(
            theme,
            text_value(body, "name", theme.name),
            text_value(body, "description", theme.description),
            actor=current_user,
        )
    if "parent" in body:
        categories.move_theme(theme, _parent(body), actor=current_user)
    if "position" in body:
        position = body["position"]
        if not isinstance(position, int) or isinstance(position, bool):
            raise InvalidInput(_l("'position' moet een geheel getal zijn."), field="position")
        categories.set_position(theme, position, actor=current_user)
    return jsonify(theme_json(theme, categories.theme_counts(current_user)))


@bp.post("/themes/<slug>/merge")
@requires("category.manage")
def merge_theme(slug: str) -> ResponseReturnValue:
    body = json_body()
    source = categories.get_category(Theme, slug)
    target = categories.get_category(Theme, text_value(body, "into"))
    moved = categories.merge_category(source, target, actor=current_user)
    return jsonify({"merged": slug, "into": target.slug, "documents": len(moved)})


@bp.delete("/themes/<slug>")
@requires("category.manage")
def delete_theme(slug: str) -> ResponseReturnValue:
    theme = categories.get_category(Theme, slug)
    reassign = request.args.get("reassign")
    target = categories.get_category(Theme, reassign) if reassign else None
    categories.delete_category(theme, reassign_to=target, actor=current_user)
    return "", 204


@bp.get("/organisations")
def organisation_list() -> ResponseReturnValue:
    return jsonify(
        [
            profile_json(org, count)
            for org, count in organisations.organisations_with_counts(current_user)
        ]
    )


@bp.get("/organisations/<slug>")
def organisation(slug: str) -> ResponseReturnValue:
    org = organisations.get_organisation(slug)
    docs = organisations.documents_of(org, current_user)
    body = profile_json(org, len(docs))
    body["results"] = [document_json(doc) for doc in docs]
    return jsonify(body)


@bp.get("/subsidies")
def subsidy_list() -> ResponseReturnValue:
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
@requires("audit.read")
def audit_log() -> ResponseReturnValue:
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
    return jsonify({"results": [event_json(e) for e in events]})
