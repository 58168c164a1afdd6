"""The search pages: the search box with facets, the theme list and theme pages."""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from kennisnet.accounts import permissions
from kennisnet.curation import categories, insights
from kennisnet.curation.categories import Category
from kennisnet.curation.models import DocumentType, Theme
from kennisnet.documents.feeds import canonical_search, search_args
from kennisnet.documents.finding import (
    facet_labels,
    field_facet_labels,
    find,
    nearest_themes,
    parse_query,
)
from kennisnet.search import FACETS, SearchQuery

bp = Blueprint("search", __name__)


def _query_values(args: MultiDict[str, str], route_values: dict[str, object]) -> dict[str, Any]:
    """The query string as ``url_for`` values: keys it would take as its own arguments
    (``_anchor``, ``_external`` ...) or as the route's (``slug``) are not the visitor's to set."""
    params = {
        key: values
        for key, values in args.to_dict(flat=False).items()
        if not key.startswith("_") and key not in route_values
    }
    return {**params, **route_values}


def _url_with(
    args: MultiDict[str, str], endpoint: str, route_values: dict[str, object], **changes: list[str]
) -> str:
    params = MultiDict(args)
    for name, replaced in changes.items():
        params.setlist(name, replaced)
    return url_for(endpoint, **_query_values(params, route_values))


def _toggled(args: MultiDict[str, str], name: str, value: str) -> list[str]:
    current = args.getlist(name)
    return [v for v in current if v != value] if value in current else [*current, value]


def _render(
    template: str,
    args: MultiDict[str, str],
    endpoint: str,
    query: SearchQuery,
    *,
    route_values: dict[str, object] | None = None,
    **extra: object,
) -> str:
    """Render a results page; the URL builders keep every other parameter as it was.

    A search with words is logged for the curators' insights (anonymously, see
    ``curation.insights``) on its first page; the later pages carry its token (``z``) along, so
    a result opened from page 2 still counts for the search, which is logged only once.
    """
    found = find(query)
    values = route_values or {}
    args = MultiDict(args)
    carried = insights.valid_token(args.pop("z", None))
    token = None
    if query.text:
        token = insights.log_search(query.text, found.results.total) if query.page == 1 else carried
    results = found.results
    little = bool(query.text) and (results.fallback is not None or results.total == 0)
    return render_template(
        template,
        found=found,
        nearest_themes=nearest_themes(found) if little else [],
        query_url=lambda text: _url_with(args, endpoint, values, q=[text], page=[]),
        args=args,
        facets=(*FACETS, *query.field_facets),
        field_titles=field_facet_labels()[0],
        labels=facet_labels(),
        page_url=lambda page: _url_with(
            args, endpoint, values, page=[str(page)], z=[token] if token else []
        ),
        search_token=token,
        sort_url=lambda sort: _url_with(args, endpoint, values, sort=[sort], page=[]),
        # A page names the same few themes on most of its hits: each address built once.
        theme_url=functools.cache(lambda slug: url_for("search.theme", slug=slug)),
        toggle_url=lambda name, value: _url_with(
            args, endpoint, values, **{name: _toggled(args, name, value), "page": []}
        ),
        **extra,
    )


@bp.get("/zoeken")
@bp.get("/")
def index() -> ResponseReturnValue:
    args = request.args
    query = parse_query(args, permissions.viewer(current_user), strict=False)
    saved = canonical_search(args)
    feed_values = _query_values(search_args(saved), {})
    return _render(
        "search/index.html",
        args,
        "search.index",
        query,
        saved_search=saved,
        search_feed_url=url_for("feeds.search", **feed_values),
    )


@bp.get("/themas")
def themes() -> ResponseReturnValue:
    query = parse_query(MultiDict(), permissions.viewer(current_user), strict=False)
    found = find(query)
    return render_template(
        "search/themes.html",
        themes=categories.themes_in_order(),
        counts=found.results.facets.get("theme", {}),
    )


@bp.get("/thema/<slug>")
def theme(slug: str) -> ResponseReturnValue:
    return _category_page(Theme, "theme", slug, "search.theme", "search/theme.html", "theme")


@bp.get("/soort/<slug>")
def document_type(slug: str) -> ResponseReturnValue:
    return _category_page(
        DocumentType, "type", slug, "search.document_type", "search/type.html", "doc_type"
    )


def _category_page(
    model: type[Category],
    facet: str,
    slug: str,
    endpoint: str,
    template: str,
    name: str,
) -> ResponseReturnValue:
    """A theme's or a type's page: the search, filtered on it, under its own address."""
    target = categories.redirected_slug(model, slug)
    if target is not None:  # a merged category's old address
        return redirect(url_for(endpoint, **_query_values(request.args, {"slug": target})), 301)
    item = categories.get_category(model, slug)
    args = MultiDict(request.args)
    query = parse_query(args, permissions.viewer(current_user), strict=False)
    filters: dict[str, tuple[str, ...]] = dict(query.filters)
    filters[facet] = tuple(dict.fromkeys((slug, *filters.get(facet, ()))))
    query = replace(query, filters=filters)
    return _render(template, args, endpoint, query, route_values={"slug": slug}, **{name: item})
