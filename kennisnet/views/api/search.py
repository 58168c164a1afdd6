"""API routes for finding: search, autocomplete, and the analysis of words for curators."""

from __future__ import annotations

from dataclasses import asdict

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kennisnet.accounts import permissions
from kennisnet.core.errors import InvalidInput
from kennisnet.curation import insights
from kennisnet.documents.finding import completions, find, parse_query
from kennisnet.search import explain
from kennisnet.views.api.base import bp, requires
from kennisnet.views.api.serializers import found_json

MAX_ANALYSE_CHARS = 10_000


@bp.get("/search")
def search() -> ResponseReturnValue:
    query = parse_query(request.args, permissions.viewer(current_user), strict=True)
    found = find(query)
    # Logged once per search (its first page), anonymously: see curation.insights.
    token = insights.log_search(query.text, found.results.total) if query.page == 1 else None
    return jsonify(found_json(found, token))


@bp.get("/autocomplete")
def autocomplete() -> ResponseReturnValue:
    text = request.args.get("q", "")
    found = completions(text, permissions.viewer(current_user))
    return jsonify({"query": found.query, "suggestions": [asdict(s) for s in found.suggestions]})


@bp.get("/analyse")
@requires("synonym.manage")
def analyse() -> ResponseReturnValue:
    """For curators: why a word does or does not match, while they curate synonyms."""
    text = request.args.get("text", "")
    if len(text) > MAX_ANALYSE_CHARS:
        raise InvalidInput(
            _l("De tekst is te lang (maximaal %(n)s tekens).", n=MAX_ANALYSE_CHARS), field="text"
        )
    return jsonify({"tokens": explain(text)})
