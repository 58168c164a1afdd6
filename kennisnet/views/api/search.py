"""API routes for finding: search, autocomplete, and the analysis of words for curators."""

from __future__ import annotations

from dataclasses import asdict

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from kennisnet.accounts import permissions
from kennisnet.documents.finding import completions, find, parse_query
from kennisnet.views.api.base import bp
from kennisnet.views.api.serializers import found_json


@bp.get("/search")
def search() -> ResponseReturnValue:
    query = parse_query(request.args, permissions.viewer(current_user), strict=True)
    return jsonify(found_json(find(query)))


@bp.get("/autocomplete")
def autocomplete() -> ResponseReturnValue:
    text = request.args.get("q", "")
    found = completions(text, permissions.viewer(current_user))
    return jsonify({"query": found.query, "suggestions": [asdict(s) for s in found.suggestions]})
