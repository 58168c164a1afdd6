"""The public surface of search: the types, and the backend bound to the app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app

from kennisnet.search.base import (
    ANONYMOUS,
    FACETS,
    FIELD_PREFIX,
    FILTERS,
    MAX_PER_PAGE,
    SORTS,
    Completions,
    Hit,
    IndexedDocument,
    SearchBackend,
    SearchQuery,
    SearchResults,
    Viewer,
    field_value_slug,
)

__all__ = [
    "ANONYMOUS",
    "FACETS",
    "FIELD_PREFIX",
    "FILTERS",
    "MAX_PER_PAGE",
    "SORTS",
    "Completions",
    "Hit",
    "IndexedDocument",
    "SearchBackend",
    "SearchQuery",
    "SearchResults",
    "Viewer",
    "backend",
    "field_value_slug",
    "make_search_backend",
]


def make_search_backend(config: Mapping[str, Any]) -> SearchBackend:
    """Pick the backend from config; Whoosh under INDEX_DIR is the embedded default."""
    from kennisnet.search.whoosh_backend import WhooshBackend

    return WhooshBackend(config["INDEX_DIR"])


def backend() -> SearchBackend:
    return current_app.extensions["kennisnet.search"]
