"""Atom feeds per theme, organisation, document type and search.

Public documents only, unless the URL carries a valid personal ``token``: then what its owner
may see. A wrong token is refused outright (403), never answered with a public feed that a
feed reader would quietly keep polling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from kennisnet.accounts import permissions
from kennisnet.accounts.users import user_for_feed_token
from kennisnet.core.errors import Forbidden
from kennisnet.documents import feeds
from kennisnet.search import Viewer

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

ATOM = "application/atom+xml"
_PAGES = {
    "theme": "search.theme",
    "organisation": "network.organisation",
    "type": "search.document_type",
}


def _viewer() -> Viewer:
    token = request.args.get("token")
    if token is None:
        return Viewer()
    owner = user_for_feed_token(token)
    if owner is None:
        raise Forbidden(
            _(
                "Deze persoonlijke feedsleutel is ongeldig of vernieuwd. Kopieer het feedadres "
                "opnieuw uit uw accountinstellingen, of laat de sleutel weg voor de openbare feed."
            ),
            code="bad_feed_token",
        )
    return permissions.viewer(owner)


def _atom(body: bytes, personal: bool) -> Response:
    response = Response(body, mimetype=ATOM)
    if personal:  # members-only titles: never in a shared cache
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _category_feed(
    kind: feeds.CategoryKind, slug: str, title: Callable[[str], str]
) -> ResponseReturnValue:
    name = feeds.category_exists(kind, slug)
    if name is None:
        abort(404)
    who = _viewer()
    page_url = url_for(_PAGES[kind], slug=slug, _external=True)
    body = feeds.atom_feed(
        title=title(name),
        self_url=url_for(request.endpoint or "", slug=slug, _external=True),
        page_url=page_url,
        documents=feeds.category_documents(kind, slug, who),
        document_url=lambda d: url_for("documents.detail", document_id=d.id, _external=True),
    )
    return _atom(body, who.sees_members_only)


@bp.get("/thema/<slug>.atom")
def theme(slug: str) -> ResponseReturnValue:
    return _category_feed("theme", slug, lambda name: _("Kennisnet – thema %(name)s", name=name))


@bp.get("/organisatie/<slug>.atom")
def organisation(slug: str) -> ResponseReturnValue:
    return _category_feed(
        "organisation", slug, lambda name: _("Kennisnet – organisatie %(name)s", name=name)
    )


@bp.get("/type/<slug>.atom")
def document_type(slug: str) -> ResponseReturnValue:
    return _category_feed("type", slug, lambda name: _("Kennisnet – soort %(name)s", name=name))


@bp.get("/zoeken.atom")
def search() -> ResponseReturnValue:
    who = _viewer()
    canonical = feeds.canonical_search(MultiDict(request.args))
    values: dict[str, Any] = feeds.search_args(canonical).to_dict(flat=False)
    text = request.args.get("q", "").strip()
    body = feeds.atom_feed(
        title=(
            _("Kennisnet – zoeken naar ‘%(q)s’", q=text)
            if text
            else _("Kennisnet – nieuwste documenten")
        ),
        self_url=url_for("feeds.search", _external=True, **values),
        page_url=url_for("search.index", _external=True, **values),
        documents=feeds.search_documents(canonical, who),
        document_url=lambda d: url_for("documents.detail", document_id=d.id, _external=True),
    )
    return _atom(body, who.sees_members_only)
